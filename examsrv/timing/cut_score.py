"""The pass score of an exam: fixed, or derived from a target pass rate.

The certification regulations (000, 6.2.4) say the certification leadership
group fixes a pass rate and the pass score of the exam follows from it
(由通过率确定分数线). examsrv supports that rule and, for exams that are not
rated against their cohort, a plain fixed pass score.

Scores are percentages, 0 to 100. A candidate passes when their score is **at or
above** the pass score (:func:`passes`).

Deriving the pass score from a target rate ``r`` over a cohort of ``n`` scores:

1. ``k = ceil(r × n)``, the number of candidates the target asks for. ``r`` is
   read as the decimal it is written as (0.7 is seven tenths, not the nearest
   binary float), so 0.7 of 10 is exactly 7.
2. Sort the scores from best to worst; the pass score is the ``k``-th best.
3. Everyone at or above it passes. When several candidates share the pass
   score, all of them pass, so the actual rate can be **higher** than the
   target, never lower. The result reports the actual rate beside the target.

An empty cohort gives no pass score (``cut`` is None): the results stay
pending until scores exist, or the approver switches the exam to a fixed score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

CutMode = Literal["fixed", "pass_rate"]
CUT_MODES: Final = ("fixed", "pass_rate")

MAX_SCORE: Final = 100.0


def _check_number(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def check_score(score: float) -> float:
    """``score`` as a float if it is a finite percentage within 0 to 100; ValueError if not."""
    value = _check_number(score, "a score")
    if not 0.0 <= value <= MAX_SCORE:
        raise ValueError(f"a score must be within 0 to 100, got {score!r}")
    return value


@dataclass(frozen=True)
class CutRule:
    """How an exam's pass score is set.

    ``mode`` "fixed": ``value`` is the pass score itself, a percentage within 0
    to 100. ``mode`` "pass_rate": ``value`` is the target share of the cohort
    that passes, more than 0 and at most 1.
    """

    mode: CutMode
    value: float

    def __post_init__(self) -> None:
        if self.mode not in CUT_MODES:
            raise ValueError(f"mode must be 'fixed' or 'pass_rate', got {self.mode!r}")
        value = _check_number(self.value, "the value")
        if self.mode == "fixed" and not 0.0 <= value <= MAX_SCORE:
            raise ValueError(f"a fixed pass score must be within 0 to 100, got {self.value!r}")
        if self.mode == "pass_rate" and not 0.0 < value <= 1.0:
            raise ValueError(f"a pass rate must be above 0 and at most 1, got {self.value!r}")
        object.__setattr__(self, "value", value)


@dataclass(frozen=True)
class CutResult:
    """The pass score and what it does to the cohort it was computed on.

    ``cut`` is None when no pass score can be set (a pass-rate rule over an
    empty cohort): every result stays pending. ``actual_rate`` is
    ``passing / cohort``, None for an empty cohort. ``target_rate`` is the
    rule's rate for a pass-rate rule, None for a fixed score.
    """

    rule: CutRule
    cut: float | None
    cohort: int
    passing: int
    actual_rate: float | None
    target_rate: float | None

    @property
    def pending(self) -> bool:
        """Whether no pass score could be set, so no one passes or fails yet."""
        return self.cut is None


def required_passes(rate: float, cohort: int) -> int:
    """``ceil(rate × cohort)``, with ``rate`` read as the decimal it is written as."""
    if cohort < 0:
        raise ValueError(f"a cohort cannot have {cohort} members")
    return math.ceil(Fraction(repr(float(rate))) * cohort)


def passes(score: float, cut: float) -> bool:
    """Whether ``score`` passes a pass score of ``cut``: at or above it."""
    return check_score(score) >= _check_number(cut, "the pass score")


def cut_score(rule: CutRule, cohort_scores: Sequence[float]) -> CutResult:
    """The pass score under ``rule`` for the cohort's scores (percentages, 0 to 100).

    Raises ValueError if a score is not a finite number within 0 to 100.
    """
    scores = [check_score(s) for s in cohort_scores]
    n = len(scores)
    if rule.mode == "fixed":
        cut: float | None = rule.value
        target: float | None = None
    else:
        target = rule.value
        if n == 0:
            cut = None
        else:
            k = required_passes(rule.value, n)  # 1 <= k <= n since 0 < rate <= 1
            cut = sorted(scores, reverse=True)[k - 1]
    passing = 0 if cut is None else sum(1 for s in scores if s >= cut)
    return CutResult(
        rule=rule,
        cut=cut,
        cohort=n,
        passing=passing,
        actual_rate=passing / n if n else None,
        target_rate=target,
    )
