"""Keeping the case bank at its size: classic score, retirement order, capacity.

The source (004, fourth essay) limits each level and category of the case bank
to a set size (example: 120, configurable) and gives every case two measures:

- **constant time** (恒定时间): when the case entered the bank, or when it was
  last revised;
- **classic score** (经典度): how often it was studied and used in tests, and how
  users rated it (each user rates a case once: 优秀 / 一般 / 差).

When a level-category is over its limit, cases with a long constant time and a
low classic score are retired first into the history bank (历史库). A review
expert (评审专家) decides; :func:`over_capacity` gives the proposal.

Classic score (:func:`classic_score`), with the default :class:`ClassicWeights`::

    classic = 1 × studies + 2 × test uses + 5 × excellent − 5 × poor   (never below 0)

An "average" rating counts 0. The score only goes up with use and with better
ratings (an average in place of a poor, an excellent in place of an average).

Retirement order (:func:`retirement_order`): the largest **days per classic
point** first::

    staleness = age in days / (1 + classic)

``age`` runs from the constant time to ``now`` (0 if the constant time is in
the future). A case retires earlier the older it is and the lower its classic
score. Dividing by the classic score, rather than sorting by it first, keeps
new cases safe: a case entered last week has had no time to be studied, and
its low classic score says nothing yet. For old cases the key is about the
inverse of the rate at which the case earned its score. Ties go to the older
case, then the lower classic score, then the lower case id.

Restoring a case from the history bank is a re-entry: :func:`restored` sets
its constant time to the moment of the restore and keeps its counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Literal

Rating = Literal["excellent", "average", "poor"]
RATINGS: Final[tuple[Rating, ...]] = ("excellent", "average", "poor")

RATING_TERMS: Final[Mapping[Rating, str]] = {"excellent": "优秀", "average": "一般", "poor": "差"}
"""The source document's words for the three ratings."""

RATING_LABELS: Final[Mapping[Rating, str]] = {
    "excellent": "Excellent",
    "average": "Average",
    "poor": "Poor",
}
"""English message ids for the ratings, to translate through ``examsrv.i18n``."""

DEFAULT_CAPACITY: Final = 120
SECONDS_PER_DAY: Final = 86_400


@dataclass(frozen=True)
class ClassicWeights:
    """Points each use and each rating adds to a case's classic score."""

    study: float = 1.0
    test_use: float = 2.0
    excellent: float = 5.0
    average: float = 0.0
    poor: float = -5.0

    def __post_init__(self) -> None:
        for name in ("study", "test_use", "excellent", "average", "poor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"the weight {name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"the weight {name} must be finite, got {value!r}")
        if self.study < 0 or self.test_use < 0:
            raise ValueError("uses must not lower the classic score")
        if not self.excellent >= self.average >= self.poor:
            raise ValueError("a better rating must weigh at least as much as a worse one")


DEFAULT_WEIGHTS: Final = ClassicWeights()


@dataclass(frozen=True)
class CaseUsage:
    """What upkeep needs to know about one live case.

    ``constant_time`` is the entry time or the last revision time (timezone-aware
    UTC, like every record time). ``studies`` counts study sessions, ``test_uses``
    the case tests that drew the case; ``excellent``, ``average`` and ``poor``
    count the ratings 优秀, 一般 and 差.
    """

    case_id: int
    level: int
    category: str
    constant_time: datetime
    studies: int = 0
    test_uses: int = 0
    excellent: int = 0
    average: int = 0
    poor: int = 0

    def __post_init__(self) -> None:
        for name in ("studies", "test_uses", "excellent", "average", "poor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more, got {value!r}")
        if self.constant_time.tzinfo is None:
            raise ValueError("constant_time must be timezone-aware")

    def count_of(self, rating: Rating) -> int:
        """How many users gave ``rating``."""
        return {"excellent": self.excellent, "average": self.average, "poor": self.poor}[rating]


def classic_score(usage: CaseUsage, weights: ClassicWeights = DEFAULT_WEIGHTS) -> float:
    """The classic score: weighted uses plus weighted ratings, never below 0."""
    points = (
        weights.study * usage.studies
        + weights.test_use * usage.test_uses
        + weights.excellent * usage.excellent
        + weights.average * usage.average
        + weights.poor * usage.poor
    )
    return max(0.0, points)


def age_days(usage: CaseUsage, now: datetime) -> float:
    """Days from the case's constant time to ``now``; 0 if the constant time is later."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return max(0.0, (now - usage.constant_time).total_seconds() / SECONDS_PER_DAY)


def staleness(usage: CaseUsage, now: datetime, weights: ClassicWeights = DEFAULT_WEIGHTS) -> float:
    """Days per classic point, ``age / (1 + classic)``: the larger, the sooner it retires."""
    return age_days(usage, now) / (1.0 + classic_score(usage, weights))


def _retirement_key(
    usage: CaseUsage, now: datetime, weights: ClassicWeights
) -> tuple[float, float, float, int]:
    return (
        -staleness(usage, now, weights),
        -age_days(usage, now),
        classic_score(usage, weights),
        usage.case_id,
    )


def _check_unique(cases: Sequence[CaseUsage]) -> None:
    ids = [c.case_id for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("the cases repeat a case id")


def retirement_order(
    cases: Sequence[CaseUsage], now: datetime, weights: ClassicWeights = DEFAULT_WEIGHTS
) -> list[int]:
    """The case ids in the order they should retire: stalest first (see the module doc)."""
    _check_unique(cases)
    ordered = sorted(cases, key=lambda c: _retirement_key(c, now, weights))
    return [c.case_id for c in ordered]


def over_capacity(
    cases: Sequence[CaseUsage],
    now: datetime,
    limit: int = DEFAULT_CAPACITY,
    weights: ClassicWeights = DEFAULT_WEIGHTS,
) -> dict[tuple[int, str], list[int]]:
    """For each (level, category) holding more than ``limit`` cases, the ids to retire.

    The ids are the first ``count − limit`` of the group's retirement order.
    Groups within their limit are left out; keys come in (level, category) order.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"the limit must be a whole number of 1 or more, got {limit!r}")
    _check_unique(cases)
    groups: dict[tuple[int, str], list[CaseUsage]] = {}
    for case in cases:
        groups.setdefault((case.level, case.category), []).append(case)
    proposal: dict[tuple[int, str], list[int]] = {}
    for key in sorted(groups):
        group = groups[key]
        excess = len(group) - limit
        if excess > 0:
            proposal[key] = retirement_order(group, now, weights)[:excess]
    return proposal


def room_left(
    cases: Sequence[CaseUsage], level: int, category: str, limit: int = DEFAULT_CAPACITY
) -> int:
    """How many more cases the (level, category) can hold; negative when it is over."""
    return limit - sum(1 for c in cases if c.level == level and c.category == category)


def restored(usage: CaseUsage, now: datetime) -> CaseUsage:
    """The case as it is when restored from the history bank: re-entered at ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return replace(usage, constant_time=now)
