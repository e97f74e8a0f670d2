"""Item statistics for authors: how hard each question is and how well it discriminates.

The input is a response matrix: for each candidate, for each question key, the
score fraction earned (0 to 1; partial credit allowed) or None when the
question was not presented (case tests draw different cases for different
candidates, so most matrices have holes).

For each question, over the candidates it was presented to:

- ``n``: how many candidates were presented the question;
- **facility**: the mean score fraction (the share answering correctly);
- **corrected item-rest correlation**: the Pearson correlation between the
  score on the question and the candidate's **rest score**, the mean score
  fraction over the *other* questions presented to that candidate. The
  question itself is left out of the rest score, so it does not correlate with
  itself. The mean is used rather than the sum because forms differ in length;
  when every candidate saw the same questions the mean is the sum divided by a
  constant, and the correlation is the classic one. A candidate presented no
  other question has no rest score and is left out of the correlation only.

The correlation is undefined (None) when fewer than two candidates have a rest
score, or when either the question's scores or the rest scores are all equal
(zero variance). Scores are read as the decimals they are written as and summed
exactly (as fractions), so rest scores that are equal are found equal, without
rounding noise (0.1 + 0.2 is 0.3 here).

Flags, given only when ``n`` is at least :attr:`StatsThresholds.min_n` (default
20); below it the status is "not enough data" and there are no flags:

- ``too_easy``: facility above 0.95; ``too_hard``: facility below 0.05;
- ``no_variance``: every candidate scored the same on the question;
- ``negative_discrimination``: the correlation is below 0 (often a wrong key);
- ``low_discrimination``: the correlation is 0 or more but below 0.2.

Thresholds are compared exactly as written: a facility of exactly 0.95 is not
flagged.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final, Literal, TypeVar

K = TypeVar("K", bound=Hashable)

ItemStatus = Literal["ok", "flagged", "not_enough_data"]


class ItemFlag(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NO_VARIANCE = "no_variance"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    LOW_DISCRIMINATION = "low_discrimination"


@dataclass(frozen=True)
class StatsThresholds:
    """When an item is flagged; every value is an editable default."""

    min_n: int = 20
    min_item_rest: float = 0.2
    max_facility: float = 0.95
    min_facility: float = 0.05

    def __post_init__(self) -> None:
        if isinstance(self.min_n, bool) or not isinstance(self.min_n, int) or self.min_n < 2:
            raise ValueError(f"min_n must be a whole number of 2 or more, got {self.min_n!r}")
        if not -1.0 <= self.min_item_rest <= 1.0:
            raise ValueError(f"min_item_rest must be within -1 to 1, got {self.min_item_rest!r}")
        if not 0.0 <= self.min_facility < self.max_facility <= 1.0:
            raise ValueError(
                "facility bounds must satisfy 0 <= min_facility < max_facility <= 1, got "
                f"{self.min_facility!r} and {self.max_facility!r}"
            )


DEFAULT_THRESHOLDS: Final = StatsThresholds()


@dataclass(frozen=True)
class ItemStats:
    """The statistics of one question.

    ``facility`` is None when ``n`` is 0; ``item_rest`` is None when undefined
    (see the module doc); ``n_correlated`` counts the candidates it was computed
    over (those presented the question and at least one other).
    """

    key: str
    n: int
    facility: float | None
    item_rest: float | None
    n_correlated: int
    status: ItemStatus
    flags: tuple[ItemFlag, ...] = ()


def _exact(value: float) -> Fraction:
    return Fraction(repr(float(value)))


def pearson(xs: Sequence[Fraction], ys: Sequence[Fraction]) -> float | None:
    """The Pearson correlation of paired values, computed exactly until a final sqrt.

    None when there are fewer than two pairs or either side has zero variance.
    """
    if len(xs) != len(ys):
        raise ValueError("pearson needs pairs: the sequences differ in length")
    m = len(xs)
    if m < 2:
        return None
    sx, sy = sum(xs, Fraction(0)), sum(ys, Fraction(0))
    sxx = sum((x * x for x in xs), Fraction(0))
    syy = sum((y * y for y in ys), Fraction(0))
    sxy = sum((x * y for x, y in zip(xs, ys, strict=True)), Fraction(0))
    var_x = m * sxx - sx * sx  # m² times the variance
    var_y = m * syy - sy * sy
    if var_x == 0 or var_y == 0:
        return None
    cov = m * sxy - sx * sy
    r_squared = cov * cov / (var_x * var_y)
    return math.copysign(math.sqrt(float(r_squared)), cov)


def _check_score(candidate: object, key: str, score: object) -> Fraction:
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise ValueError(f"candidate {candidate!r}, question {key!r}: score {score!r} is no number")
    if not math.isfinite(score) or not 0.0 <= score <= 1.0:
        raise ValueError(
            f"candidate {candidate!r}, question {key!r}: score {score!r} is not within 0 to 1"
        )
    return _exact(score)


def _flags(
    facility: Fraction, item_rest: float | None, no_variance: bool, limits: StatsThresholds
) -> tuple[ItemFlag, ...]:
    flags: list[ItemFlag] = []
    if facility > _exact(limits.max_facility):
        flags.append(ItemFlag.TOO_EASY)
    if facility < _exact(limits.min_facility):
        flags.append(ItemFlag.TOO_HARD)
    if no_variance:
        flags.append(ItemFlag.NO_VARIANCE)
    if item_rest is not None:
        if item_rest < 0:
            flags.append(ItemFlag.NEGATIVE_DISCRIMINATION)
        elif item_rest < limits.min_item_rest:
            flags.append(ItemFlag.LOW_DISCRIMINATION)
    return tuple(flags)


def item_statistics(
    responses: Mapping[K, Mapping[str, float | None]],
    thresholds: StatsThresholds = DEFAULT_THRESHOLDS,
) -> dict[str, ItemStats]:
    """Statistics for every question key in ``responses``, in key order.

    Raises ValueError naming the candidate and the question when a score is not
    a number within 0 to 1.
    """
    # Per candidate: the presented scores (exact) and their sum.
    presented: dict[K, dict[str, Fraction]] = {}
    keys: set[str] = set()
    for candidate, row in responses.items():
        scores: dict[str, Fraction] = {}
        for key, score in row.items():
            keys.add(key)
            if score is not None:
                scores[key] = _check_score(candidate, key, score)
        presented[candidate] = scores
    totals = {c: sum(s.values(), Fraction(0)) for c, s in presented.items()}

    result: dict[str, ItemStats] = {}
    for key in sorted(keys):
        item: list[Fraction] = []
        paired_item: list[Fraction] = []
        paired_rest: list[Fraction] = []
        for candidate, scores in presented.items():
            if key not in scores:
                continue
            x = scores[key]
            item.append(x)
            others = len(scores) - 1
            if others > 0:
                paired_item.append(x)
                paired_rest.append((totals[candidate] - x) / others)
        result[key] = _item_stats(key, item, paired_item, paired_rest, thresholds)
    return result


def _item_stats(
    key: str,
    item: Sequence[Fraction],
    paired_item: Sequence[Fraction],
    paired_rest: Sequence[Fraction],
    limits: StatsThresholds,
) -> ItemStats:
    n = len(item)
    if n == 0:
        return ItemStats(key, 0, None, None, 0, "not_enough_data")
    facility = sum(item, Fraction(0)) / n
    item_rest = pearson(paired_item, paired_rest)
    if n < limits.min_n:
        return ItemStats(key, n, float(facility), item_rest, len(paired_item), "not_enough_data")
    flags = _flags(facility, item_rest, no_variance=len(set(item)) == 1, limits=limits)
    return ItemStats(
        key=key,
        n=n,
        facility=float(facility),
        item_rest=item_rest,
        n_correlated=len(paired_item),
        status="flagged" if flags else "ok",
        flags=flags,
    )
