from __future__ import annotations

import pytest

from examsrv.timing.level_bands import DEFAULT_BANDS, BandTable
from examsrv.timing.trial_grading import (
    GradingPolicy,
    TaskTiming,
    TrialGrade,
    grade_trial,
)

POLICY = GradingPolicy(bands=DEFAULT_BANDS)


def timings(
    raw_ms: float = 1_000.0,
    *,
    network_ms: float = 0.0,
    count: int = 100,
    wrong: int = 0,
) -> list[TaskTiming]:
    """``count`` answered tasks of equal time; the last ``wrong`` ones answered wrongly."""
    return [
        TaskTiming(seq=i, raw_ms=raw_ms, network_ms=network_ms, correct=i <= count - wrong)
        for i in range(1, count + 1)
    ]


def test_all_correct_and_fast_reaches_level_5() -> None:
    grade = grade_trial(timings(1_000.0), POLICY)
    assert grade == TrialGrade(
        answered=100,
        correct=100,
        accuracy=1.0,
        raw_ms=100_000,
        network_ms=0,
        lookup_ms=100_000,
        penalty_ms=0,
        graded_ms=100_000,
        band=DEFAULT_BANDS.bands[0],
        level_reached=5,
        passed=True,
        reason="passed",
    )
    assert grade.graded_s == 100.0
    assert grade.band_label == "5"


def test_shared_band_reports_3_to_4_and_reaches_4() -> None:
    grade = grade_trial(timings(1_250.0), POLICY)
    assert grade.passed
    assert grade.band_label == "3\u20134"
    assert grade.level_reached == 4


@pytest.mark.parametrize(
    ("raw_ms", "level"),
    [
        (1_199.99, 5),  # 119 999 ms
        (1_200.0, 4),  # exactly 120 000 ms: the 3-4 band
        (1_300.0, 2),
        (1_400.0, 1),
        (1_500.0, 1),  # exactly 150 000 ms: still level 1
        (1_500.01, None),  # 150 001 ms: too slow
    ],
)
def test_band_edges_are_exact(raw_ms: float, level: int | None) -> None:
    grade = grade_trial(timings(raw_ms), POLICY)
    assert grade.level_reached == level
    assert grade.reason == ("passed" if level is not None else "too_slow")


def test_floating_point_sum_lands_exactly_on_the_edge() -> None:
    # 50 x 1199.8 + 50 x 1200.2 is exactly 120 000 ms, but adding the floats in
    # this order comes out just below it.
    parts = [1_199.8] * 50 + [1_200.2] * 50
    naive = 0.0
    for part in parts:
        naive += part
    assert naive < 120_000
    tasks = [TaskTiming(i, raw, 0.0, True) for i, raw in enumerate(parts, start=1)]
    grade = grade_trial(tasks, POLICY)
    assert grade.graded_ms == 120_000
    assert grade.band_label == "3\u20134"
    # The same with a network share: 1 200.3 - 0.3 per task.
    tasks = [TaskTiming(i, 1_200.3, 0.3, True) for i in range(1, 101)]
    assert grade_trial(tasks, POLICY).graded_ms == 120_000


def test_sub_millisecond_remainder_is_dropped() -> None:
    # 119 999.9 ms graded as 119 999 ms: level 5.
    grade = grade_trial(timings(1_199.999), POLICY)
    assert grade.lookup_ms == 119_999
    assert grade.level_reached == 5


def test_wrong_answers_add_the_penalty_and_cross_a_band_edge() -> None:
    # 115 s of lookups is level 5; one wrong answer adds 5 s: 120 s, the 3-4 band.
    grade = grade_trial(timings(1_150.0, wrong=1), POLICY)
    assert grade.correct == 99
    assert grade.penalty_ms == 5_000
    assert grade.graded_ms == 120_000
    assert grade.level_reached == 4
    # Two wrong answers at 140 s push it over 150 s.
    grade = grade_trial(timings(1_410.0, wrong=2), POLICY)
    assert grade.graded_ms == 151_000
    assert grade.reason == "too_slow"
    assert grade.band is None
    assert grade.level_reached is None


def test_accuracy_at_the_minimum_passes() -> None:
    grade = grade_trial(timings(1_000.0, wrong=10), POLICY)
    assert grade.accuracy == 0.9
    assert grade.graded_ms == 150_000
    assert grade.reason == "passed"
    assert grade.level_reached == 1


def test_accuracy_just_below_the_minimum_fails_however_fast() -> None:
    grade = grade_trial(timings(100.0, wrong=11), POLICY)
    assert grade.accuracy == 0.89
    assert grade.reason == "low_accuracy"
    assert not grade.passed
    assert grade.band is None


def test_min_correct_reads_the_fraction_as_written() -> None:
    assert POLICY.min_correct == 90
    assert GradingPolicy(DEFAULT_BANDS, task_count=30, min_accuracy=0.7).min_correct == 21
    assert GradingPolicy(DEFAULT_BANDS, task_count=3, min_accuracy=0.5).min_correct == 2
    assert GradingPolicy(DEFAULT_BANDS, min_accuracy=0.0).min_correct == 0
    assert GradingPolicy(DEFAULT_BANDS, min_accuracy=1.0).min_correct == 100


def test_incomplete_trial_does_not_pass() -> None:
    grade = grade_trial(timings(500.0, count=99), POLICY)
    assert grade.answered == 99
    assert grade.correct == 99
    assert grade.accuracy == 0.99  # the unanswered task counts as wrong
    assert grade.penalty_ms == 5_000
    assert grade.reason == "incomplete"
    assert not grade.passed
    assert grade.level_reached is None


def test_incomplete_comes_before_low_accuracy() -> None:
    assert grade_trial(timings(count=50), POLICY).reason == "incomplete"
    assert grade_trial([], POLICY).reason == "incomplete"


def test_low_accuracy_comes_before_too_slow() -> None:
    assert grade_trial(timings(2_000.0, wrong=50), POLICY).reason == "low_accuracy"


def test_network_share_is_subtracted_and_clamped_at_zero() -> None:
    grade = grade_trial(timings(1_000.0, network_ms=30.0), POLICY)
    assert grade.raw_ms == 100_000
    assert grade.network_ms == 3_000
    assert grade.lookup_ms == 97_000
    # A network share larger than the raw time counts as zero, not negative.
    tasks = [*timings(1_300.0, count=99), TaskTiming(100, 10.0, 40.0, True)]
    grade = grade_trial(tasks, POLICY)
    assert grade.lookup_ms == 128_700
    assert grade.network_ms == 40


def test_order_of_timings_does_not_matter() -> None:
    tasks = timings(1_234.5, wrong=3)
    assert grade_trial(tasks, POLICY) == grade_trial(list(reversed(tasks)), POLICY)


def test_custom_policy() -> None:
    policy = GradingPolicy(
        bands=BandTable.parse_text("30 <= 2\n"),
        task_count=20,
        wrong_penalty_s=2.5,
        min_accuracy=0.75,
    )
    grade = grade_trial(timings(1_000.0, count=20, wrong=4), policy)
    assert grade.penalty_ms == 10_000
    assert grade.graded_ms == 30_000
    assert grade.level_reached == 2


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        (timings(count=101), "101 answers"),
        ([TaskTiming(1, 1.0, 0.0, True), TaskTiming(1, 1.0, 0.0, True)], "more than once"),
        ([TaskTiming(7, -1.0, 0.0, True)], "task 7: raw time"),
        ([TaskTiming(7, float("nan"), 0.0, True)], "task 7: raw time"),
        ([TaskTiming(7, 1.0, float("inf"), True)], "task 7: network share"),
        ([TaskTiming(7, 1.0, -0.5, True)], "task 7: network share"),
    ],
)
def test_bad_timings_are_rejected(tasks: list[TaskTiming], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        grade_trial(tasks, POLICY)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task_count": 0}, "task count"),
        ({"wrong_penalty_s": -1.0}, "penalty"),
        ({"wrong_penalty_s": float("nan")}, "penalty"),
        ({"wrong_penalty_s": 0.0001}, "whole number of milliseconds"),
        ({"min_accuracy": 1.1}, "minimum accuracy"),
        ({"min_accuracy": -0.1}, "minimum accuracy"),
    ],
)
def test_invalid_policy(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GradingPolicy(bands=DEFAULT_BANDS, **kwargs)  # type: ignore[arg-type]


def test_zero_penalty_is_allowed() -> None:
    policy = GradingPolicy(bands=DEFAULT_BANDS, wrong_penalty_s=0)
    assert grade_trial(timings(1_000.0, wrong=5), policy).graded_ms == 100_000
