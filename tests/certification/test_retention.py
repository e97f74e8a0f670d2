from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from examsrv.certification.policy import DEFAULT_POLICY
from examsrv.certification.retention import (
    ATTENTION,
    ProbationStatus,
    RetentionAttempt,
    RetentionState,
    next_year_start,
    overdue_since,
    probation_deadline,
    probation_status,
    retention_status,
    retention_window,
)

PROMOTED = date(2024, 3, 15)
OPENS = date(2025, 2, 15)  # 11 months later
CLOSES = date(2025, 3, 15)  # 12 months later
IN_WINDOW = date(2025, 3, 1)


def lookup(on: date, passed: bool) -> RetentionAttempt:
    return RetentionAttempt("lookup", on, passed)


def skill(on: date, passed: bool) -> RetentionAttempt:
    return RetentionAttempt("skill", on, passed)


BOTH_PASSED = (lookup(OPENS, True), skill(OPENS, True))


def status(
    today: date,
    attempts: tuple[RetentionAttempt, ...] = (),
    points: int = 200,
    apprentices: int = 1,
    level: int | None = None,
    promoted: date = PROMOTED,
) -> tuple[RetentionState, tuple[str, ...], bool]:
    s = retention_status(
        promoted, today, attempts, points, apprentices, DEFAULT_POLICY, level=level
    )
    return s.state, s.reasons, s.makeup_used


# -- the window: 11 months and 12 months, both days included ---------------


def test_window() -> None:
    assert retention_window(PROMOTED, DEFAULT_POLICY) == (OPENS, CLOSES)


@pytest.mark.parametrize(
    ("promoted", "opens", "closes"),
    [
        (date(2025, 1, 31), date(2025, 12, 31), date(2026, 1, 31)),
        (date(2025, 3, 31), date(2026, 2, 28), date(2026, 3, 31)),
        (date(2023, 3, 31), date(2024, 2, 29), date(2024, 3, 31)),
        (date(2024, 2, 29), date(2025, 1, 29), date(2025, 2, 28)),
    ],
)
def test_window_across_month_ends(promoted: date, opens: date, closes: date) -> None:
    assert retention_window(promoted, DEFAULT_POLICY) == (opens, closes)


def test_the_day_before_11_months_is_not_due() -> None:
    s = retention_status(PROMOTED, date(2025, 2, 14), (), 0, 0, DEFAULT_POLICY)
    assert (s.state, s.window_from, s.window_to) == (RetentionState.NOT_DUE, OPENS, CLOSES)
    assert s.reasons == ()


def test_exactly_11_months_is_due() -> None:
    assert status(OPENS) == (
        RetentionState.DUE,
        ("The lookup trial has not been retaken yet.", "The skill test has not been retaken yet."),
        False,
    )


def test_exactly_12_months_is_still_in_the_window() -> None:
    assert status(CLOSES)[0] is RetentionState.DUE


def test_the_day_after_12_months_is_overdue() -> None:
    state, reasons, _ = status(date(2025, 3, 16))
    assert state is RetentionState.OVERDUE
    assert reasons == (
        "The lookup trial has not been retaken yet.",
        "The skill test has not been retaken yet.",
    )


def test_promotion_on_31_january_is_due_on_31_december() -> None:
    promoted = date(2025, 1, 31)
    assert status(date(2025, 12, 30), promoted=promoted)[0] is RetentionState.NOT_DUE
    assert status(date(2025, 12, 31), promoted=promoted)[0] is RetentionState.DUE
    assert status(date(2026, 1, 31), promoted=promoted)[0] is RetentionState.DUE
    assert status(date(2026, 2, 1), promoted=promoted)[0] is RetentionState.OVERDUE


def test_a_retest_before_the_window_does_not_count() -> None:
    early = (lookup(date(2025, 2, 14), True), skill(date(2025, 2, 14), True))
    assert status(IN_WINDOW, early)[0] is RetentionState.DUE


def test_both_retests_passed_and_minimums_met_keep_the_level() -> None:
    assert status(IN_WINDOW, BOTH_PASSED) == (RetentionState.KEPT, (), False)
    assert status(date(2025, 6, 1), BOTH_PASSED)[0] is RetentionState.KEPT


def test_one_retest_passed_the_other_still_due() -> None:
    state, reasons, _ = status(IN_WINDOW, (lookup(OPENS, True),))
    assert (state, reasons) == (RetentionState.DUE, ("The skill test has not been retaken yet.",))


# -- the make-up ---------------------------------------------------------------


def test_a_first_failure_is_at_risk_with_the_make_up_left() -> None:
    assert status(IN_WINDOW, (lookup(OPENS, False), skill(OPENS, True))) == (
        RetentionState.AT_RISK,
        ("The lookup trial failed; one make-up is left.",),
        False,
    )


def test_a_passed_make_up_keeps_the_level() -> None:
    attempts = (lookup(OPENS, False), lookup(IN_WINDOW, True), skill(OPENS, True))
    assert status(IN_WINDOW, attempts) == (RetentionState.KEPT, (), True)


def test_a_failed_make_up_demotes_even_inside_the_window() -> None:
    attempts = (skill(OPENS, False), skill(IN_WINDOW, False), lookup(OPENS, True))
    assert status(IN_WINDOW, attempts) == (
        RetentionState.DEMOTE,
        ("The skill test failed again at the make-up.",),
        True,
    )


def test_only_one_make_up_a_third_attempt_does_not_save_the_level() -> None:
    attempts = (
        skill(OPENS, False),
        skill(date(2025, 2, 20), False),
        skill(IN_WINDOW, True),
        lookup(OPENS, True),
    )
    assert status(IN_WINDOW, attempts)[0] is RetentionState.DEMOTE


def test_attempts_are_taken_in_date_order() -> None:
    attempts = (skill(IN_WINDOW, True), skill(OPENS, False), lookup(OPENS, True))
    assert status(IN_WINDOW, attempts) == (RetentionState.KEPT, (), True)


def test_attempts_after_today_are_not_counted() -> None:
    attempts = (lookup(OPENS, True), skill(OPENS, False), skill(date(2025, 3, 5), True))
    assert status(IN_WINDOW, attempts)[0] is RetentionState.AT_RISK


def test_a_first_failure_left_when_the_window_closes_is_overdue() -> None:
    state, reasons, _ = status(date(2025, 3, 16), (lookup(OPENS, True), skill(OPENS, False)))
    assert state is RetentionState.OVERDUE
    assert reasons == ("The skill test failed; one make-up is left.",)


def test_a_late_retest_allowed_by_hr_resolves_overdue() -> None:
    late = (lookup(OPENS, True), skill(date(2025, 4, 2), True))
    assert status(date(2025, 4, 3), late)[0] is RetentionState.KEPT


# -- points and apprentices -----------------------------------------------------


@pytest.mark.parametrize(
    ("points", "in_window", "after"),
    [
        (199, RetentionState.AT_RISK, RetentionState.DEMOTE),
        (200, RetentionState.KEPT, RetentionState.KEPT),
    ],
)
def test_points_one_below_and_exactly_at_the_minimum(
    points: int, in_window: RetentionState, after: RetentionState
) -> None:
    assert status(IN_WINDOW, BOTH_PASSED, points=points)[0] is in_window
    assert status(date(2025, 3, 16), BOTH_PASSED, points=points)[0] is after


def test_points_short_reason() -> None:
    assert status(date(2025, 3, 16), BOTH_PASSED, points=150)[1] == (
        "150 of the 200 points needed this year.",
    )


@pytest.mark.parametrize(
    ("apprentices", "state"), [(0, RetentionState.DEMOTE), (1, RetentionState.KEPT)]
)
def test_the_apprentice_minimum(apprentices: int, state: RetentionState) -> None:
    assert status(date(2025, 3, 16), BOTH_PASSED, apprentices=apprentices)[0] is state


def test_apprentice_short_reason_in_the_window() -> None:
    assert status(IN_WINDOW, BOTH_PASSED, apprentices=0) == (
        RetentionState.AT_RISK,
        ("0 of the 1 apprentices needed this year.",),
        False,
    )


def test_a_level_1_csr_needs_no_apprentice() -> None:
    after = date(2025, 3, 16)
    assert status(after, BOTH_PASSED, apprentices=0, level=1)[0] is RetentionState.KEPT
    assert status(after, BOTH_PASSED, apprentices=0, level=2)[0] is RetentionState.DEMOTE


def test_demotion_lists_every_reason() -> None:
    attempts = (skill(OPENS, False), skill(IN_WINDOW, False), lookup(OPENS, True))
    state, reasons, _ = status(date(2025, 3, 16), attempts, points=10, apprentices=0)
    assert state is RetentionState.DEMOTE
    assert reasons == (
        "The skill test failed again at the make-up.",
        "10 of the 200 points needed this year.",
        "0 of the 1 apprentices needed this year.",
    )


def test_a_stricter_policy_window() -> None:
    policy = replace(DEFAULT_POLICY, retention_from_months=10, retention_to_months=11)
    s = retention_status(PROMOTED, date(2025, 1, 15), (), 0, 0, policy)
    assert (s.state, s.window_from, s.window_to) == (
        RetentionState.AT_RISK,
        date(2025, 1, 15),
        date(2025, 2, 15),
    )


def test_next_year_and_overdue_since() -> None:
    assert next_year_start(PROMOTED, DEFAULT_POLICY) == CLOSES
    overdue = retention_status(PROMOTED, date(2025, 4, 1), (), 200, 1, DEFAULT_POLICY)
    assert overdue_since(overdue) == date(2025, 3, 16)
    due = retention_status(PROMOTED, IN_WINDOW, (), 200, 1, DEFAULT_POLICY)
    assert overdue_since(due) is None


def test_attention_lists_the_states_hr_acts_on() -> None:
    assert RetentionState.KEPT not in ATTENTION
    assert RetentionState.NOT_DUE not in ATTENTION
    assert ATTENTION[0] is RetentionState.DEMOTE


# -- probation: reach level 1 within 3 months of becoming permanent --------------


PERMANENT = date(2025, 1, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 1, 30), ProbationStatus.OK),  # still on probation
        (date(2025, 1, 31), ProbationStatus.WITHIN_WINDOW),
        (date(2025, 4, 30), ProbationStatus.WITHIN_WINDOW),  # the last day
        (date(2025, 5, 1), ProbationStatus.STANDBY),
    ],
)
def test_probation_window_edges(today: date, expected: ProbationStatus) -> None:
    assert probation_status(PERMANENT, 0, today, DEFAULT_POLICY) is expected


def test_probation_deadline_clips_to_month_end() -> None:
    assert probation_deadline(PERMANENT, DEFAULT_POLICY) == date(2025, 4, 30)
    assert probation_deadline(date(2024, 11, 30), DEFAULT_POLICY) == date(2025, 2, 28)


def test_reaching_level_1_ends_the_probation_watch() -> None:
    assert probation_status(PERMANENT, 1, date(2026, 1, 1), DEFAULT_POLICY) is ProbationStatus.OK


def test_a_probationer_not_yet_permanent_is_ok() -> None:
    assert probation_status(None, 0, date(2030, 1, 1), DEFAULT_POLICY) is ProbationStatus.OK


def test_probation_months_are_configurable() -> None:
    policy = replace(DEFAULT_POLICY, probation_months=6)
    assert probation_status(PERMANENT, 0, date(2025, 7, 31), policy) is (
        ProbationStatus.WITHIN_WINDOW
    )
    assert probation_status(PERMANENT, 0, date(2025, 8, 1), policy) is ProbationStatus.STANDBY
