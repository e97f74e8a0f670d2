"""Keeping a level (保级), losing it (降级), and the probation deadline.

Retention (004 part three, 2): between 11 and 12 months after a promotion the
CSR retakes the lookup trial and the skill test (the case test of the level
held). Each retest allows one make-up (补测): a first failure leaves the CSR at
risk; a failed make-up demotes one level. Within the same year the CSR must also
earn a minimum of points and bring up a minimum of apprentices (example: 200
points and one apprentice), or is demoted.

The window, in calendar months (see :mod:`examsrv.certification.months`), runs
from ``promoted_on + 11 months`` to ``promoted_on + 12 months``, **both days
included**. A promotion on 31 January opens its window on 31 December and
closes it on 31 January of the next year; one on 29 February closes on
28 February.

Counted attempts are those dated on or after the window opens (a retest taken
early does not count); an attempt after the window closes, taken when HR allows
a late retest, still counts. For each kind, the first two counted attempts
decide: a pass among them keeps that test; two failures demote.

The year's points and apprentices are judged when the window closes: before
that, a shortfall only puts the CSR at risk. A CSR below ``min_mentor_level``
cannot take apprentices, so the apprentice minimum does not apply to them.

The states, the first that applies winning:

``demote``: a make-up failed, or the window closed with the points or
apprentices short. ``overdue``: the window closed and a retest was not taken
(or its make-up not yet taken); HR schedules a late retest or decides.
``at_risk``: in the window, a retest failed once or the points or apprentices
are still short. ``kept``: both retests passed and the minimums met.
``due``: in the window, nothing failed, something still to do.
``not_due``: the window has not opened.

The caller passes the date the current retention year started as
``promoted_on``: the promotion, or, for a CSR who kept the level, the end of the
previous window (:func:`next_year_start`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from examsrv.certification.months import add_months
from examsrv.certification.policy import CertificationPolicy
from examsrv.i18n import gettext as _

RetestKind = Literal["lookup", "skill"]
KINDS: tuple[RetestKind, ...] = ("lookup", "skill")


@dataclass(frozen=True)
class RetentionAttempt:
    """A retest: the lookup trial or the skill (case) test, on a day, passed or not."""

    kind: RetestKind
    on: date
    passed: bool


class RetentionState(StrEnum):
    """Where a CSR stands in the retention year (see the module's table)."""

    NOT_DUE = "not_due"
    DUE = "due"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    KEPT = "kept"
    DEMOTE = "demote"


@dataclass(frozen=True)
class RetentionStatus:
    """Where a CSR stands in keeping the level; ``reasons`` are messages for people."""

    state: RetentionState
    window_from: date
    window_to: date
    reasons: tuple[str, ...]
    makeup_used: bool


def retention_window(promoted_on: date, policy: CertificationPolicy) -> tuple[date, date]:
    """The first and last day of the retest window (both included)."""
    return (
        add_months(promoted_on, policy.retention_from_months),
        add_months(promoted_on, policy.retention_to_months),
    )


def next_year_start(promoted_on: date, policy: CertificationPolicy) -> date:
    """Where the next retention year starts once the level is kept: the window's last day."""
    return retention_window(promoted_on, policy)[1]


_NAMES = {"lookup": "The lookup trial", "skill": "The skill test"}


def retention_status(
    promoted_on: date,
    today: date,
    attempts: Iterable[RetentionAttempt],
    points_in_year: int,
    apprentices_in_year: int,
    policy: CertificationPolicy,
    *,
    level: int | None = None,
) -> RetentionStatus:
    """The retention state on ``today`` for a year that started on ``promoted_on``.

    ``level`` is the level held; when given and below the policy's
    ``min_mentor_level``, the apprentice minimum is waived (such a CSR cannot
    mentor). Without it the minimum applies.
    """
    start, end = retention_window(promoted_on, policy)
    if today < start:
        return RetentionStatus(RetentionState.NOT_DUE, start, end, (), False)
    counted = sorted((a for a in attempts if a.on >= start and a.on <= today), key=lambda a: a.on)
    failing: list[str] = []  # demotes
    pending: list[str] = []  # still to take
    risks: list[str] = []  # failed once, make-up left
    makeup_used = False
    for kind in KINDS:
        decisive = [a for a in counted if a.kind == kind][:2]
        name = _(_NAMES[kind])
        if decisive and not decisive[0].passed:
            makeup_used = makeup_used or len(decisive) == 2
        if any(a.passed for a in decisive):
            continue
        if len(decisive) == 2:
            failing.append(_("%(test)s failed again at the make-up.") % {"test": name})
        elif len(decisive) == 1:
            risks.append(_("%(test)s failed; one make-up is left.") % {"test": name})
        else:
            pending.append(_("%(test)s has not been retaken yet.") % {"test": name})
    short = _shortfalls(points_in_year, apprentices_in_year, policy, level)
    closed = today > end
    if failing or (closed and short):
        return RetentionStatus(
            RetentionState.DEMOTE,
            start,
            end,
            tuple(failing + (short if closed else [])),
            makeup_used,
        )
    if closed and (pending or risks):
        return RetentionStatus(
            RetentionState.OVERDUE, start, end, tuple(pending + risks), makeup_used
        )
    if risks or short:
        return RetentionStatus(
            RetentionState.AT_RISK, start, end, tuple(risks + short + pending), makeup_used
        )
    if pending:
        return RetentionStatus(RetentionState.DUE, start, end, tuple(pending), makeup_used)
    return RetentionStatus(RetentionState.KEPT, start, end, (), makeup_used)


def _shortfalls(
    points: int, apprentices: int, policy: CertificationPolicy, level: int | None
) -> list[str]:
    short: list[str] = []
    if points < policy.retention_points_min:
        short.append(
            _("%(have)s of the %(need)s points needed this year.")
            % {"have": points, "need": policy.retention_points_min}
        )
    mentors = level is None or level >= policy.min_mentor_level
    if mentors and apprentices < policy.retention_apprentices_min:
        short.append(
            _("%(have)s of the %(need)s apprentices needed this year.")
            % {"have": apprentices, "need": policy.retention_apprentices_min}
        )
    return short


class ProbationStatus(StrEnum):
    """A level-0 CSR's standing after probation (000, 第十五条 四)."""

    OK = "ok"
    WITHIN_WINDOW = "within_window"
    STANDBY = "standby"


def probation_deadline(permanent_since: date, policy: CertificationPolicy) -> date:
    """The last day on which a CSR made permanent on ``permanent_since`` may reach level 1."""
    return add_months(permanent_since, policy.probation_months)


def probation_status(
    permanent_since: date | None, level: int, today: date, policy: CertificationPolicy
) -> ProbationStatus:
    """Whether a CSR made permanent on ``permanent_since`` is within the level-1 window.

    A probationer made permanent must reach level 1 within 3 months (the last
    day included, e.g. made permanent on 31 January: by 30 April), or is put on
    standby (待岗). ``ok``: level 1 or more, still on probation
    (``permanent_since`` is ``None`` or after ``today``). ``within_window``:
    level 0 and the deadline not passed. ``standby``: level 0 after it.
    """
    if level >= 1 or permanent_since is None or today < permanent_since:
        return ProbationStatus.OK
    if today <= probation_deadline(permanent_since, policy):
        return ProbationStatus.WITHIN_WINDOW
    return ProbationStatus.STANDBY


def overdue_since(status: RetentionStatus) -> date | None:
    """The first overdue day, for an overdue status; ``None`` otherwise."""
    if status.state is not RetentionState.OVERDUE:
        return None
    return date.fromordinal(status.window_to.toordinal() + 1)


ATTENTION: Sequence[RetentionState] = (
    RetentionState.DEMOTE,
    RetentionState.OVERDUE,
    RetentionState.AT_RISK,
    RetentionState.DUE,
)
"""The states HR lists, most urgent first."""
