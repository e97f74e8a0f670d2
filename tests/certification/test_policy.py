from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from examsrv.certification.policy import (
    COMMON_COURSES,
    DEFAULT_POLICY,
    CertificationPolicy,
    LevelTests,
    MentoringRule,
    PolicyError,
    from_json,
    rule_problems,
)


def test_defaults_are_the_source_examples() -> None:
    policy = DEFAULT_POLICY
    assert policy.titles[4] == "导师"
    assert policy.points_needed == {1: 0, 2: 800, 3: 800, 4: 800, 5: 800}
    assert policy.mentoring == {3: MentoringRule(3, 0, 1), 4: MentoringRule(3, 1, 2)}
    assert policy.tests == {n: LevelTests(lookup_level=n, case_test=True) for n in range(1, 6)}
    assert policy.common_courses == (
        "业务知识",
        "业务相关法律知识",
        "服务理念",
        "压力与情绪调节",
        "服务技巧",
        "沟通技巧",
    )
    assert (policy.retention_from_months, policy.retention_to_months) == (11, 12)
    assert (policy.retention_points_min, policy.retention_apprentices_min) == (200, 1)
    assert policy.probation_months == 3
    assert policy.min_mentor_level == 2
    assert rule_problems(policy) == []


def test_json_round_trip_of_the_default() -> None:
    text = json.dumps(DEFAULT_POLICY.to_json(), ensure_ascii=False)
    assert from_json(json.loads(text)) == DEFAULT_POLICY


def test_json_round_trip_of_an_edited_policy() -> None:
    policy = replace(
        DEFAULT_POLICY,
        titles={**DEFAULT_POLICY.titles, 5: "宗师"},
        points_needed={1: 100, 2: 800, 3: 1200, 4: 1600, 5: 3200},
        mentoring={3: MentoringRule(2, 0, 1), 4: MentoringRule(3, 1, 2), 5: MentoringRule(1, 2, 3)},
        tests={**DEFAULT_POLICY.tests, 1: LevelTests(lookup_level=None, case_test=True)},
        track_courses={"12580": ("12580业务",), "营销": ("营销技巧", "产品知识")},
        course_pass_score=72.5,
        retention_points_min=150,
        probation_months=6,
    )
    text = json.dumps(policy.to_json(), ensure_ascii=False)
    assert from_json(json.loads(text)) == policy


def test_json_text_is_read_too() -> None:
    text = json.dumps(_with(probation_months=4), ensure_ascii=False)
    assert from_json(text).probation_months == 4
    assert from_json(text.encode()).probation_months == 4


def test_text_that_is_not_json() -> None:
    with pytest.raises(PolicyError) as caught:
        from_json('{"titles": ')
    [message] = caught.value.messages
    assert message.startswith("The policy is not valid JSON: Expecting value: line 1")


def test_a_missing_setting_takes_its_default() -> None:
    assert from_json({}) == DEFAULT_POLICY
    assert from_json({"retention_points_min": 300}).retention_points_min == 300


def test_courses_for_a_track() -> None:
    policy = replace(DEFAULT_POLICY, track_courses={"营销": ("营销技巧",)})
    assert policy.courses_for("营销") == (*COMMON_COURSES, "营销技巧")
    assert policy.courses_for("呼入") == COMMON_COURSES


def _part(key: str, **changes: Any) -> dict[str, Any]:
    """A map of the default policy's JSON with some entries changed."""
    part: dict[str, Any] = dict(DEFAULT_POLICY.to_json()[key])  # type: ignore[call-overload]
    part.update(changes)
    return part


def _with(**changes: Any) -> dict[str, Any]:
    data = DEFAULT_POLICY.to_json()
    data.update(changes)
    return data


BAD: list[tuple[object, str]] = [
    ([], "The policy must be a JSON object."),
    ({1: 2}, "The policy must be a JSON object."),
    (_with(bogus=1), "Unknown setting bogus."),
    (_with(titles=[]), "titles must be an object."),
    (_with(track_courses="营销"), "track_courses must be an object."),
    (
        _with(mentoring={"3": {"count": 3}}),
        "mentoring.3 must be an object with exactly count, mentee_from, mentee_to.",
    ),
    (
        _with(tests=_part("tests", **{"2": {"case_test": True}})),
        "tests.2 must be an object with exactly lookup_level, case_test.",
    ),
    (_with(titles={"6": "x"}), "titles: 6 is not a level from 0 to 5."),
    (_with(points_needed={"0": 10}), "points_needed: 0 is not a level from 1 to 5."),
    (_with(points_needed={"two": 10}), "points_needed: two is not a level from 1 to 5."),
    (
        _with(points_needed={"1": 0, "2": -1, "3": 800, "4": 800, "5": 800}),
        "points_needed.2 must be a whole number of 0 or more, got -1.",
    ),
    (
        _with(retention_points_min=12.5),
        "retention_points_min must be a whole number of 0 or more, got 12.5.",
    ),
    (
        _with(min_mentor_level=0),
        "min_mentor_level must be a whole number from 1 to 5, got 0.",
    ),
    (
        _with(probation_months=True),
        "probation_months must be a whole number from 1 to 120, got true.",
    ),
    (
        _with(mentoring={"3": {"count": 0, "mentee_from": 0, "mentee_to": 1}}),
        "mentoring.3.count must be a whole number of 1 or more, got 0.",
    ),
    (
        _with(tests=_part("tests", **{"2": {"lookup_level": 6, "case_test": True}})),
        "tests.2.lookup_level must be a whole number from 1 to 5, got 6.",
    ),
    (
        _with(course_pass_score=101),
        "course_pass_score must be a number from 0 to 100, got 101.",
    ),
    (
        _with(course_pass_score="60"),
        "course_pass_score must be a number from 0 to 100, got '60'.",
    ),
    (
        _with(tests=_part("tests", **{"2": {"lookup_level": 2, "case_test": "yes"}})),
        "tests.2.case_test must be true or false, got 'yes'.",
    ),
    (
        _with(titles=_part("titles", **{"3": "  "})),
        "titles.3 must be a text that is not blank, got '  '.",
    ),
    (_with(common_courses="业务知识"), "common_courses must be a list of names."),
    (
        _with(common_courses=["业务知识", 7]),
        "common_courses[1] must be a text that is not blank, got 7.",
    ),
    (
        _with(titles={"0": "a", "1": "b"}),
        "titles: every level from 0 to 5 needs an entry; missing 2, 3, 4, 5.",
    ),
    (
        _with(points_needed={"2": 800}),
        "points_needed: every level from 1 to 5 needs an entry; missing 1, 3, 4, 5.",
    ),
    (
        _with(tests={"1": {"lookup_level": 1, "case_test": True}}),
        "tests: every level from 1 to 5 needs an entry; missing 2, 3, 4, 5.",
    ),
    (
        _with(mentoring={"4": {"count": 3, "mentee_from": 0, "mentee_to": 2}}),
        "mentoring for level 4: apprentices must go up exactly one level (from 0 to 2 was given).",
    ),
    (
        _with(mentoring={"2": {"count": 3, "mentee_from": 0, "mentee_to": 1}}),
        "mentoring for level 2: a level-1 CSR cannot mentor; mentors need level 2 or more.",
    ),
    (
        _with(mentoring={"3": {"count": 3, "mentee_from": 1, "mentee_to": 2}}),
        "mentoring for level 3: the mentor (level 2) must hold a higher level than the "
        "apprentices reach (2).",
    ),
    (
        _with(retention_from_months=12, retention_to_months=12),
        "retention_from_months (12) must be less than retention_to_months (12).",
    ),
    (
        _with(common_courses=["服务技巧", "服务技巧"]),
        "common_courses names 服务技巧 twice.",
    ),
    (
        _with(track_courses={"营销": ["沟通技巧"]}),
        "track_courses.营销 names 沟通技巧 twice.",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _d, m in BAD])
def test_every_policy_error_message(data: object, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        from_json(data)
    assert message in caught.value.messages


def test_policy_error_lists_every_problem_at_once() -> None:
    with pytest.raises(PolicyError) as caught:
        from_json(_with(bogus=1, probation_months=0, course_pass_score=-1))
    assert caught.value.messages == [
        "Unknown setting bogus.",
        "course_pass_score must be a number from 0 to 100, got -1.",
        "probation_months must be a whole number from 1 to 120, got 0.",
    ]
    assert str(caught.value) == "; ".join(caught.value.messages)


def test_a_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


def test_rule_problems_of_a_policy_built_in_python() -> None:
    policy = CertificationPolicy(mentoring={2: MentoringRule(3, 0, 1)})
    assert rule_problems(policy) == [
        "mentoring for level 2: a level-1 CSR cannot mentor; mentors need level 2 or more."
    ]
