from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.timing.cut_score import CutRule, cut_score, passes, required_passes

COHORT = [90.0, 85.0, 80.0, 75.0, 70.0, 65.0, 60.0, 55.0, 50.0, 45.0]


def test_fixed_cut_counts_those_at_or_above() -> None:
    result = cut_score(CutRule("fixed", 60), COHORT)
    assert result.cut == 60.0
    assert result.passing == 7
    assert result.cohort == 10
    assert result.actual_rate == 0.7
    assert result.target_rate is None
    assert not result.pending


def test_fixed_cut_over_an_empty_cohort_still_has_a_cut() -> None:
    result = cut_score(CutRule("fixed", 60), [])
    assert result.cut == 60.0
    assert (result.passing, result.actual_rate) == (0, None)


def test_pass_rate_cut_is_the_kth_best_score() -> None:
    # 0.7 of 10 is exactly 7 (not 7.000000000000001, which would round up to 8).
    result = cut_score(CutRule("pass_rate", 0.7), COHORT)
    assert result.cut == 60.0
    assert result.passing == 7
    assert result.actual_rate == 0.7
    assert result.target_rate == 0.7


def test_pass_rate_rounds_the_number_of_passes_up() -> None:
    # 0.25 of 10 is 2.5: three pass, the cut is the third best score.
    result = cut_score(CutRule("pass_rate", 0.25), COHORT)
    assert (result.cut, result.passing, result.actual_rate) == (80.0, 3, 0.3)


def test_ties_at_the_cut_all_pass_so_the_actual_rate_exceeds_the_target() -> None:
    scores = [95.0, 88.0, 80.0, 80.0, 80.0, 72.0, 60.0, 55.0, 40.0, 30.0]
    result = cut_score(CutRule("pass_rate", 0.3), scores)
    # The third best is 80, shared by three candidates: five pass, not three.
    assert result.cut == 80.0
    assert result.passing == 5
    assert result.actual_rate == 0.5


def test_rate_one_passes_everyone_with_the_lowest_score_as_cut() -> None:
    result = cut_score(CutRule("pass_rate", 1.0), COHORT)
    assert (result.cut, result.passing, result.actual_rate) == (45.0, 10, 1.0)


def test_all_equal_scores_all_pass_whatever_the_rate() -> None:
    result = cut_score(CutRule("pass_rate", 0.1), [70.0] * 8)
    assert (result.cut, result.passing, result.actual_rate) == (70.0, 8, 1.0)


def test_tiny_cohorts() -> None:
    one = cut_score(CutRule("pass_rate", 0.01), [42.0])
    assert (one.cut, one.passing, one.actual_rate) == (42.0, 1, 1.0)
    two = cut_score(CutRule("pass_rate", 0.5), [30.0, 90.0])
    assert (two.cut, two.passing, two.actual_rate) == (90.0, 1, 0.5)
    two_more = cut_score(CutRule("pass_rate", 0.51), [30.0, 90.0])
    assert (two_more.cut, two_more.passing) == (30.0, 2)


def test_empty_cohort_under_a_pass_rate_is_pending() -> None:
    result = cut_score(CutRule("pass_rate", 0.6), [])
    assert result.pending
    assert result.cut is None
    assert (result.cohort, result.passing, result.actual_rate) == (0, 0, None)
    assert result.target_rate == 0.6


def test_input_order_does_not_matter() -> None:
    rule = CutRule("pass_rate", 0.4)
    assert cut_score(rule, COHORT).cut == cut_score(rule, list(reversed(COHORT))).cut


def test_required_passes_reads_the_rate_as_written() -> None:
    assert required_passes(0.7, 10) == 7
    assert required_passes(0.3, 10) == 3
    assert required_passes(0.35, 20) == 7
    assert required_passes(0.001, 5) == 1
    assert required_passes(0.5, 0) == 0


def test_passes_is_at_or_above() -> None:
    assert passes(60.0, 60.0)
    assert passes(100, 60.0)
    assert not passes(59.99, 60.0)
    with pytest.raises(ValueError, match="within 0 to 100"):
        passes(101.0, 60.0)


@pytest.mark.parametrize(
    ("mode", "value"),
    [
        ("fixed", -1.0),
        ("fixed", 100.5),
        ("fixed", math.nan),
        ("pass_rate", 0.0),
        ("pass_rate", 1.01),
        ("pass_rate", -0.5),
        ("pass_rate", math.inf),
        ("median", 0.5),
    ],
)
def test_bad_rules_are_refused(mode: str, value: float) -> None:
    with pytest.raises(ValueError):
        CutRule(mode, value)  # type: ignore[arg-type]


def test_rule_boundaries_are_allowed() -> None:
    assert CutRule("fixed", 0).value == 0.0
    assert CutRule("fixed", 100).value == 100.0
    assert CutRule("pass_rate", 1).value == 1.0


def test_bad_scores_are_refused() -> None:
    for bad in (-0.1, 100.1, math.nan):
        with pytest.raises(ValueError, match="score"):
            cut_score(CutRule("fixed", 60), [70.0, bad])
    with pytest.raises(ValueError, match="number"):
        cut_score(CutRule("fixed", 60), [True])


scores = st.floats(min_value=0, max_value=100, allow_nan=False)
rates = st.floats(min_value=0.001, max_value=1.0, allow_nan=False)


@given(cohort=st.lists(scores, min_size=1, max_size=60), rate=rates)
def test_actual_pass_rate_is_at_least_the_target(cohort: list[float], rate: float) -> None:
    result = cut_score(CutRule("pass_rate", rate), cohort)
    assert result.cut is not None
    assert result.actual_rate is not None
    assert result.actual_rate >= rate
    # Everyone at or above the cut passes and no one below it does.
    assert result.passing == sum(1 for s in cohort if passes(s, result.cut))
    # The cut is the k-th best score: fewer than k = ceil(rate x n) score strictly above it.
    assert sum(1 for s in cohort if s > result.cut) < required_passes(rate, len(cohort))
