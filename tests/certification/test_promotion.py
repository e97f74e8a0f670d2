from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from examsrv.certification.policy import (
    COMMON_COURSES,
    DEFAULT_POLICY,
    LevelTests,
    MentoringRule,
)
from examsrv.certification.promotion import (
    CheckItem,
    EmployeeFacts,
    apply_error,
    can_mentor,
    checklist,
    mentoring_count,
    missing,
    refusal,
)

TODAY = date(2025, 6, 1)
PROMOTED = date(2024, 6, 1)
ALL_COURSES = dict.fromkeys(COMMON_COURSES, 80.0)


def facts(current: int, **changes: object) -> EmployeeFacts:
    """A CSR of ``current`` level who meets every condition of the next level."""
    target = current + 1
    base = EmployeeFacts(
        current_level=current,
        track="呼入",
        on_probation=False,
        lookup_results=[(date(2025, 5, 1), target)],
        case_passes=[(date(2025, 5, 2), target)],
        course_scores=ALL_COURSES,
        points_total=800,
        apprentices_promoted=[(current - 2, current - 1, date(2025, 1, day)) for day in (1, 2, 3)]
        if current >= 2
        else [],
        last_promotion=PROMOTED if current else None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def by_key(items: list[CheckItem]) -> dict[str, CheckItem]:
    return {item.key: item for item in items}


# -- applying ---------------------------------------------------------------


@pytest.mark.parametrize("current", [0, 1, 2, 3, 4])
def test_applying_for_the_next_level_is_allowed(current: int) -> None:
    assert apply_error(current, current + 1) is None


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (0, 2, "Levels cannot be skipped: from level 0 you may apply for level 1 only."),
        (2, 5, "Levels cannot be skipped: from level 2 you may apply for level 3 only."),
        (5, 6, "There is no level above 5."),
        (3, 9, "There is no level above 5."),
        (3, 3, "Apply for a level above your current level 3."),
        (3, 1, "Apply for a level above your current level 3."),
        (0, -1, "Apply for a level above your current level 0."),
        (7, 8, "The current level 7 is not a level from 0 to 5."),
    ],
)
def test_applying_is_refused(current: int, target: int, message: str) -> None:
    assert apply_error(current, target) == message


def test_a_target_that_is_not_a_whole_number_is_refused() -> None:
    assert apply_error(1, True) == "The level applied for must be a whole number."
    assert apply_error(1, 2.0) == "The level applied for must be a whole number."  # type: ignore[arg-type]


# -- the checklist ---------------------------------------------------------


@pytest.mark.parametrize("current", [0, 1, 2, 3, 4])
def test_a_csr_meeting_every_condition_has_nothing_missing(current: int) -> None:
    items = checklist(facts(current), current + 1, DEFAULT_POLICY, TODAY)
    assert missing(items) == []
    assert refusal(items) is None


def test_the_items_for_level_3() -> None:
    items = checklist(facts(2), 3, DEFAULT_POLICY, TODAY)
    assert [item.key for item in items] == [
        "next_level",
        "permanent",
        *(f"course:{c}" for c in COMMON_COURSES),
        "case_test",
        "lookup",
        "points",
        "mentoring",
    ]
    keyed = by_key(items)
    assert keyed["mentoring"].label == "3 apprentices brought from level 0 to level 1"
    assert keyed["mentoring"].detail == "3 of 3 apprentices"
    assert keyed["points"].detail == "800 of 800 points"
    assert keyed["case_test"].detail == "Passed on 2025-05-02"
    assert keyed["lookup"].detail == "Best level reached: 3"


def test_level_1_needs_no_points_and_no_mentoring() -> None:
    keys = [item.key for item in checklist(facts(0), 1, DEFAULT_POLICY, TODAY)]
    assert "points" not in keys
    assert "mentoring" not in keys


def test_skipping_a_level_shows_as_the_first_missing_item() -> None:
    items = checklist(facts(1), 3, DEFAULT_POLICY, TODAY)
    first = missing(items)[0]
    assert first.key == "next_level"
    assert first.detail == "Levels cannot be skipped: from level 1 you may apply for level 2 only."


def test_a_target_above_5_is_refused_in_the_checklist() -> None:
    item = checklist(facts(5), 6, DEFAULT_POLICY, TODAY)[0]
    assert (item.done, item.detail) == (False, "There is no level above 5.")


def test_a_probationer_is_not_ready() -> None:
    items = checklist(facts(0, on_probation=True), 1, DEFAULT_POLICY, TODAY)
    assert [(i.key, i.detail) for i in missing(items)] == [("permanent", "Still on probation.")]


# points


@pytest.mark.parametrize(("points", "done"), [(799, False), (800, True), (1200, True)])
def test_points_one_below_and_exactly_at_the_minimum(points: int, done: bool) -> None:
    item = by_key(checklist(facts(1, points_total=points), 2, DEFAULT_POLICY, TODAY))["points"]
    assert item.done is done
    assert item.detail == f"{points} of 800 points"


# mentoring


@pytest.mark.parametrize(("count", "done"), [(2, False), (3, True), (4, True)])
def test_mentoring_two_versus_three_apprentices(count: int, done: bool) -> None:
    apprentices = [(0, 1, date(2025, 1, day)) for day in range(1, count + 1)]
    f = facts(2, apprentices_promoted=apprentices)
    item = by_key(checklist(f, 3, DEFAULT_POLICY, TODAY))["mentoring"]
    assert item.done is done
    assert item.detail == f"{count} of 3 apprentices"


def test_apprentices_of_the_wrong_levels_do_not_count() -> None:
    apprentices = [
        (0, 1, date(2025, 1, 1)),
        (0, 1, date(2025, 1, 2)),
        (1, 2, date(2025, 1, 3)),  # counts towards level 4, not 3
        (2, 3, date(2025, 1, 4)),
    ]
    item = by_key(checklist(facts(2, apprentices_promoted=apprentices), 3, DEFAULT_POLICY, TODAY))[
        "mentoring"
    ]
    assert (item.done, item.detail) == (False, "2 of 3 apprentices")
    item4 = by_key(checklist(facts(3, apprentices_promoted=apprentices), 4, DEFAULT_POLICY, TODAY))[
        "mentoring"
    ]
    assert (item4.done, item4.detail) == (False, "1 of 3 apprentices")


def test_apprentices_promoted_after_today_do_not_count() -> None:
    apprentices = [(0, 1, date(2025, 5, 30)), (0, 1, date(2025, 5, 31)), (0, 1, date(2025, 6, 2))]
    item = by_key(checklist(facts(2, apprentices_promoted=apprentices), 3, DEFAULT_POLICY, TODAY))[
        "mentoring"
    ]
    assert item.detail == "2 of 3 apprentices"


def test_mentoring_count() -> None:
    apprentices = [(0, 1, TODAY), (1, 2, TODAY), (0, 1, TODAY)]
    assert mentoring_count(apprentices, MentoringRule(3, 0, 1)) == 2
    assert mentoring_count(apprentices, MentoringRule(3, 1, 2)) == 1


@pytest.mark.parametrize(("level", "allowed"), [(0, False), (1, False), (2, True), (5, True)])
def test_level_1_cannot_mentor_anyone(level: int, allowed: bool) -> None:
    assert can_mentor(level, DEFAULT_POLICY) is allowed


# the tests: case test of the target level and lookup level at least the target


def test_the_case_test_must_be_of_the_target_level() -> None:
    f = facts(2, case_passes=[(date(2025, 5, 2), 2), (date(2025, 5, 3), 4)])
    item = by_key(checklist(f, 3, DEFAULT_POLICY, TODAY))["case_test"]
    assert (item.done, item.detail) == (False, "Not passed yet.")


@pytest.mark.parametrize(("reached", "done"), [(2, False), (3, True), (4, True), (5, True)])
def test_the_lookup_must_reach_at_least_the_target_level(reached: int, done: bool) -> None:
    f = facts(2, lookup_results=[(date(2025, 5, 1), reached)])
    assert by_key(checklist(f, 3, DEFAULT_POLICY, TODAY))["lookup"].done is done


def test_the_shared_3_4_band_meets_level_3_and_level_4() -> None:
    # A time in the 3-4 band reaches level 4 (the band's highest level).
    for current in (2, 3):
        f = facts(current, lookup_results=[(date(2025, 5, 1), 4)])
        assert by_key(checklist(f, current + 1, DEFAULT_POLICY, TODAY))["lookup"].done


def test_a_fast_lookup_does_not_replace_the_case_test() -> None:
    f = facts(1, lookup_results=[(date(2025, 5, 1), 5)], case_passes=[])
    assert [i.key for i in missing(checklist(f, 2, DEFAULT_POLICY, TODAY))] == ["case_test"]


def test_a_case_pass_does_not_replace_the_lookup() -> None:
    f = facts(1, lookup_results=[])
    item = by_key(checklist(f, 2, DEFAULT_POLICY, TODAY))["lookup"]
    assert (item.done, item.detail) == (False, "No passed lookup trial yet.")


def test_evidence_from_before_the_last_promotion_does_not_count() -> None:
    f = facts(
        2,
        lookup_results=[(PROMOTED, 5)],  # on the promotion day: used for that promotion
        case_passes=[(date(2024, 5, 1), 3)],
    )
    keys = [i.key for i in missing(checklist(f, 3, DEFAULT_POLICY, TODAY))]
    assert keys == ["case_test", "lookup"]


def test_evidence_dated_after_today_does_not_count() -> None:
    f = facts(2, case_passes=[(date(2025, 6, 2), 3)])
    assert by_key(checklist(f, 3, DEFAULT_POLICY, TODAY))["case_test"].done is False


def test_a_policy_without_a_lookup_requirement() -> None:
    policy = replace(
        DEFAULT_POLICY, tests={**DEFAULT_POLICY.tests, 1: LevelTests(None, case_test=True)}
    )
    f = facts(0, lookup_results=[])
    assert "lookup" not in [i.key for i in checklist(f, 1, policy, TODAY)]
    assert missing(checklist(f, 1, policy, TODAY)) == []


# courses


def test_courses_below_the_pass_score_or_not_taken_are_missing() -> None:
    scores = {**ALL_COURSES, "服务技巧": 59.5}
    del scores["沟通技巧"]
    items = missing(checklist(facts(0, course_scores=scores), 1, DEFAULT_POLICY, TODAY))
    assert [(i.key, i.label, i.detail) for i in items] == [
        ("course:服务技巧", "Course passed: 服务技巧", "Best score 59.5, pass score 60"),
        ("course:沟通技巧", "Course passed: 沟通技巧", "Not taken yet."),
    ]


def test_a_course_score_exactly_at_the_pass_score_passes() -> None:
    scores = {**ALL_COURSES, "服务技巧": 60.0}
    assert missing(checklist(facts(0, course_scores=scores), 1, DEFAULT_POLICY, TODAY)) == []


def test_track_courses_are_required_for_their_track_only() -> None:
    policy = replace(DEFAULT_POLICY, track_courses={"营销": ("营销技巧",)})
    assert missing(checklist(facts(0), 1, policy, TODAY)) == []
    marketing = facts(0, track="营销")
    assert [i.key for i in missing(checklist(marketing, 1, policy, TODAY))] == ["course:营销技巧"]


def test_refusal_names_every_missing_condition() -> None:
    f = facts(1, points_total=10, case_passes=[])
    assert refusal(checklist(f, 2, DEFAULT_POLICY, TODAY)) == (
        "The promotion still needs: Case test of level 2 passed; 800 points."
    )
