"""Points (积分): where they come from, how many, who may enter them, and balances.

The awards are the source document's (004, part three): 2–5 points for an
accepted knowledge-base correction, 20–50 for a new case accepted into the bank,
5–20 for a case revision, 5–10 for each contributor to a case rated
high-quality and 60 for its main author, 30–200 for an accepted suggestion, 200
for each apprentice brought up a level, and for a review-committee member 5 per
knowledge-base review and 20 per case review.

A ledger is append-only: a wrong entry is put right by a ``correction`` entry
(positive or negative), never by editing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from examsrv.i18n import gettext as _


class PointsSource(StrEnum):
    """Why points were awarded."""

    KB_CORRECTION = "kb_correction"
    NEW_CASE = "new_case"
    CASE_REVISION = "case_revision"
    QUALITY_CASE = "quality_case"
    SUGGESTION = "suggestion"
    APPRENTICE_PROMOTED = "apprentice_promoted"
    REVIEW_DONE = "review_done"
    CORRECTION = "correction"


SOURCE_LABELS: dict[PointsSource, str] = {
    PointsSource.KB_CORRECTION: "Accepted knowledge-base correction",
    PointsSource.NEW_CASE: "New case accepted into the bank",
    PointsSource.CASE_REVISION: "Case revision",
    PointsSource.QUALITY_CASE: "Case rated high-quality",
    PointsSource.SUGGESTION: "Accepted suggestion",
    PointsSource.APPRENTICE_PROMOTED: "Apprentice brought up a level",
    PointsSource.REVIEW_DONE: "Review done",
    PointsSource.CORRECTION: "Correction of an entry",
}
"""English message ids for the sources; translate them with ``examsrv.i18n``."""


@dataclass(frozen=True)
class Award:
    """An amount from ``min`` to ``max``, or one of the exact amounts ``also``;
    ``default`` is the amount a form offers first."""

    min: int
    max: int
    default: int
    also: tuple[int, ...] = ()

    def allows(self, amount: int) -> bool:
        """Whether ``amount`` is within the range or one of the exact amounts."""
        return self.min <= amount <= self.max or amount in self.also


DEFAULT_AWARDS: dict[PointsSource, Award] = {
    PointsSource.KB_CORRECTION: Award(2, 5, 2),
    PointsSource.NEW_CASE: Award(20, 50, 20),
    PointsSource.CASE_REVISION: Award(5, 20, 5),
    PointsSource.QUALITY_CASE: Award(5, 10, 5, also=(60,)),
    PointsSource.SUGGESTION: Award(30, 200, 30),
    PointsSource.APPRENTICE_PROMOTED: Award(200, 200, 200),
    PointsSource.REVIEW_DONE: Award(5, 5, 5, also=(20,)),
    PointsSource.CORRECTION: Award(-200, 200, 0),
}
"""The source's awards. A correction may take back or add up to the largest award, never 0."""

_ITEM_BANK = frozenset(
    {
        PointsSource.KB_CORRECTION,
        PointsSource.NEW_CASE,
        PointsSource.CASE_REVISION,
        PointsSource.QUALITY_CASE,
        PointsSource.REVIEW_DONE,
    }
)

ENTRY_ROLES: dict[str, frozenset[PointsSource]] = {
    "hr": frozenset(PointsSource),
    "author": _ITEM_BANK,
    "approver": frozenset({PointsSource.SUGGESTION}),
    "admin": frozenset({PointsSource.CORRECTION}),
}
"""Which role may enter which source. HR keeps the ledger and may enter every
source; item-bank authors, who run the reviews, enter the item-bank awards; the
approver (certification leadership group) accepts suggestions; an administrator
may only correct. Proctors and candidates enter nothing."""


def award_error(
    source: str,
    amount: int,
    role: str,
    awards: Mapping[PointsSource, Award] = DEFAULT_AWARDS,
) -> str | None:
    """Why ``role`` may not enter ``amount`` points for ``source``, or ``None`` if it may.

    The message is an English message id, translated for the current locale.
    """
    try:
        kind = PointsSource(source)
    except ValueError:
        return _("Unknown points source %(source)s.") % {"source": source}
    if kind not in ENTRY_ROLES.get(str(role), frozenset()):
        return _("The %(role)s role may not enter points for %(source)s.") % {
            "role": role,
            "source": _(SOURCE_LABELS[kind]),
        }
    if isinstance(amount, bool) or not isinstance(amount, int):
        return _("Points must be a whole number, got %(amount)s.") % {"amount": amount}
    if kind is PointsSource.CORRECTION and amount == 0:
        return _("A correction must change the balance: the amount cannot be 0.")
    award = awards[kind]
    if award.allows(amount):
        return None
    values = {"source": _(SOURCE_LABELS[kind]), "amount": amount}
    if award.also:
        also = ", ".join(str(n) for n in award.also)
        if award.min == award.max:
            return _("Points for %(source)s must be %(min)s or %(also)s, got %(amount)s.") % {
                **values,
                "min": award.min,
                "also": also,
            }
        return _(
            "Points for %(source)s must be from %(min)s to %(max)s, or %(also)s, got %(amount)s."
        ) % {**values, "min": award.min, "max": award.max, "also": also}
    if award.min == award.max:
        return _("Points for %(source)s must be %(min)s, got %(amount)s.") % {
            **values,
            "min": award.min,
        }
    return _("Points for %(source)s must be from %(min)s to %(max)s, got %(amount)s.") % {
        **values,
        "min": award.min,
        "max": award.max,
    }


def balance_by_year(entries: Iterable[tuple[date, int]]) -> dict[int, int]:
    """The sum of the amounts per calendar year, for the years that have entries."""
    totals: dict[int, int] = defaultdict(int)
    for day, amount in entries:
        totals[day.year] += amount
    return dict(sorted(totals.items()))


def total_between(entries: Iterable[tuple[date, int]], since: date, until: date) -> int:
    """The sum of the amounts dated from ``since`` to ``until``, both included.

    This is the balance of a retention year: ``since`` the promotion, ``until``
    the end of the retention window.
    """
    return sum(amount for day, amount in entries if since <= day <= until)
