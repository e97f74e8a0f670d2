"""The certification policy: every configurable number of the certification record.

The source documents give most of these numbers as examples (假设…, 比如…), so
they are editable by an administrator; :data:`DEFAULT_POLICY` holds the
examples. The policy is stored as JSON (:meth:`CertificationPolicy.to_json`)
and read back with :func:`from_json`, which checks every value and raises
:class:`PolicyError` listing every problem found, each as a message for people.

Levels in the maps below are the *target* level of a promotion: ``points_needed[3]``
is what a level-2 CSR needs to become level 3.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from examsrv.certification.policy_fields import FieldReader
from examsrv.certification.titles import DEFAULT_TITLES, LEVELS, MAX_LEVEL
from examsrv.i18n import gettext as _

TARGET_LEVELS = tuple(range(1, MAX_LEVEL + 1))

COMMON_COURSES: tuple[str, ...] = (
    "业务知识",
    "业务相关法律知识",
    "服务理念",
    "压力与情绪调节",
    "服务技巧",
    "沟通技巧",
)
"""The six courses common to every track (000 §8.1.2)."""


@dataclass(frozen=True)
class MentoringRule:
    """A promotion to the target level needs ``count`` apprentices brought from
    ``mentee_from`` to ``mentee_to`` (e.g. three level-0 CSRs to level 1)."""

    count: int
    mentee_from: int
    mentee_to: int


@dataclass(frozen=True)
class LevelTests:
    """The tests a promotion to one target level needs.

    ``lookup_level``: the lookup trial must reach at least this level (``None``:
    no lookup trial needed). ``case_test``: the case test *of the target level*
    must be passed.
    """

    lookup_level: int | None
    case_test: bool


def _default_tests() -> dict[int, LevelTests]:
    return {level: LevelTests(lookup_level=level, case_test=True) for level in TARGET_LEVELS}


@dataclass(frozen=True)
class CertificationPolicy:
    """Every rule of promotion, retention and probation that an administrator may change."""

    titles: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_TITLES))
    points_needed: dict[int, int] = field(
        default_factory=lambda: {1: 0, 2: 800, 3: 800, 4: 800, 5: 800}
    )
    mentoring: dict[int, MentoringRule] = field(
        default_factory=lambda: {3: MentoringRule(3, 0, 1), 4: MentoringRule(3, 1, 2)}
    )
    tests: dict[int, LevelTests] = field(default_factory=_default_tests)
    common_courses: tuple[str, ...] = COMMON_COURSES
    track_courses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    course_pass_score: float = 60.0
    retention_from_months: int = 11
    retention_to_months: int = 12
    retention_points_min: int = 200
    retention_apprentices_min: int = 1
    probation_months: int = 3
    min_mentor_level: int = 2

    def courses_for(self, track: str) -> tuple[str, ...]:
        """The courses a CSR of ``track`` must pass: the common ones, then the track's."""
        extra = tuple(c for c in self.track_courses.get(track, ()) if c not in self.common_courses)
        return self.common_courses + extra

    def to_json(self) -> dict[str, object]:
        """The policy as a JSON-able dict (level keys as strings); :func:`from_json` reads it."""
        return {
            "titles": {str(k): v for k, v in sorted(self.titles.items())},
            "points_needed": {str(k): v for k, v in sorted(self.points_needed.items())},
            "mentoring": {
                str(k): {"count": r.count, "mentee_from": r.mentee_from, "mentee_to": r.mentee_to}
                for k, r in sorted(self.mentoring.items())
            },
            "tests": {
                str(k): {"lookup_level": t.lookup_level, "case_test": t.case_test}
                for k, t in sorted(self.tests.items())
            },
            "common_courses": list(self.common_courses),
            "track_courses": {k: list(v) for k, v in sorted(self.track_courses.items())},
            "course_pass_score": self.course_pass_score,
            "retention_from_months": self.retention_from_months,
            "retention_to_months": self.retention_to_months,
            "retention_points_min": self.retention_points_min,
            "retention_apprentices_min": self.retention_apprentices_min,
            "probation_months": self.probation_months,
            "min_mentor_level": self.min_mentor_level,
        }


DEFAULT_POLICY = CertificationPolicy()
"""The examples of the source documents."""


class PolicyError(ValueError):
    """A policy that cannot be used; ``messages`` lists every problem, for people."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def from_json(data: object) -> CertificationPolicy:
    """The policy from :meth:`CertificationPolicy.to_json`'s form.

    ``data`` is the parsed JSON, or JSON text (as an administrator edits it). A
    setting left out takes its default, so a policy stored before a setting
    existed still loads. Raises :class:`PolicyError` listing every problem with
    the values' types and ranges; the relations between values
    (:func:`rule_problems`) are checked once every value is of the right type.
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise PolicyError(
                [_("The policy is not valid JSON: %(reason)s") % {"reason": exc}]
            ) from None
    fields = FieldReader()
    top = fields.mapping(data, "policy")
    if top is None:
        raise PolicyError(fields.problems)
    for key in sorted(set(top) - _KEYS):
        fields.problems.append(_("Unknown setting %(key)s.") % {"key": key})
    base = DEFAULT_POLICY
    values: dict[str, object] = {}
    if "titles" in top:
        titles = fields.by_level(top["titles"], "titles", LEVELS)
        values["titles"] = {k: t for k, v in titles.items() if (t := fields.text(v, f"titles.{k}"))}
    if "points_needed" in top:
        points = fields.by_level(top["points_needed"], "points_needed", TARGET_LEVELS)
        values["points_needed"] = {
            k: n
            for k, v in points.items()
            if (n := fields.whole(v, f"points_needed.{k}", 0)) is not None
        }
    if "mentoring" in top:
        values["mentoring"] = _read_mentoring(fields, top["mentoring"])
    if "tests" in top:
        values["tests"] = _read_tests(fields, top["tests"])
    if "common_courses" in top:
        values["common_courses"] = fields.names(top["common_courses"], "common_courses")
    if "track_courses" in top:
        tracks = fields.mapping(top["track_courses"], "track_courses") or {}
        values["track_courses"] = {
            track: fields.names(v, f"track_courses.{track}") for track, v in tracks.items()
        }
    if "course_pass_score" in top:
        values["course_pass_score"] = fields.number(
            top["course_pass_score"], "course_pass_score", 0, 100
        )
    for key, low, high in _WHOLE:
        if key in top:
            values[key] = fields.whole(top[key], key, low, high)
    if fields.problems:
        raise PolicyError(fields.problems)
    policy = replace(base, **values)  # type: ignore[arg-type]
    problems = rule_problems(policy)
    if problems:
        raise PolicyError(problems)
    return policy


_WHOLE: tuple[tuple[str, int, int | None], ...] = (
    ("retention_from_months", 1, 120),
    ("retention_to_months", 1, 120),
    ("retention_points_min", 0, None),
    ("retention_apprentices_min", 0, None),
    ("probation_months", 1, 120),
    ("min_mentor_level", 1, MAX_LEVEL),
)
_KEYS = frozenset(DEFAULT_POLICY.to_json())


def _read_mentoring(fields: FieldReader, value: object) -> dict[int, MentoringRule]:
    rules: dict[int, MentoringRule] = {}
    for level, raw in fields.by_level(value, "mentoring", TARGET_LEVELS).items():
        name = f"mentoring.{level}"
        item = fields.record(raw, name, ("count", "mentee_from", "mentee_to"))
        if item is None:
            continue
        count = fields.whole(item["count"], f"{name}.count", 1, None)
        low = fields.whole(item["mentee_from"], f"{name}.mentee_from", 0, MAX_LEVEL - 1)
        high = fields.whole(item["mentee_to"], f"{name}.mentee_to", 1, MAX_LEVEL)
        if count is not None and low is not None and high is not None:
            rules[level] = MentoringRule(count, low, high)
    return rules


def _read_tests(fields: FieldReader, value: object) -> dict[int, LevelTests]:
    tests: dict[int, LevelTests] = {}
    for level, raw in fields.by_level(value, "tests", TARGET_LEVELS).items():
        name = f"tests.{level}"
        item = fields.record(raw, name, ("lookup_level", "case_test"))
        if item is None:
            continue
        lookup = item["lookup_level"]
        lookup_level = (
            None if lookup is None else fields.whole(lookup, f"{name}.lookup_level", 1, MAX_LEVEL)
        )
        case_test = fields.flag(item["case_test"], f"{name}.case_test")
        if (lookup is None or lookup_level is not None) and case_test is not None:
            tests[level] = LevelTests(lookup_level=lookup_level, case_test=case_test)
    return tests


def rule_problems(policy: CertificationPolicy) -> list[str]:
    """Problems with the relations between values (types are already right)."""
    problems: list[str] = []
    for name, levels, present in (
        ("titles", LEVELS, {k for k, v in policy.titles.items() if v}),
        ("points_needed", TARGET_LEVELS, set(policy.points_needed)),
        ("tests", TARGET_LEVELS, set(policy.tests)),
    ):
        missing = [str(level) for level in levels if level not in present]
        if missing:
            problems.append(
                _(
                    "%(field)s: every level from %(low)s to %(high)s needs an entry; "
                    "missing %(levels)s."
                )
                % {
                    "field": name,
                    "low": levels[0],
                    "high": levels[-1],
                    "levels": ", ".join(missing),
                }
            )
    for target, rule in sorted(policy.mentoring.items()):
        mentor = target - 1
        if rule.mentee_to != rule.mentee_from + 1:
            problems.append(
                _(
                    "mentoring for level %(level)s: apprentices must go up exactly one level "
                    "(from %(low)s to %(high)s was given)."
                )
                % {"level": target, "low": rule.mentee_from, "high": rule.mentee_to}
            )
        if mentor < policy.min_mentor_level:
            problems.append(
                _(
                    "mentoring for level %(level)s: a level-%(mentor)s CSR cannot mentor; "
                    "mentors need level %(min)s or more."
                )
                % {"level": target, "mentor": mentor, "min": policy.min_mentor_level}
            )
        elif rule.mentee_to >= mentor:
            problems.append(
                _(
                    "mentoring for level %(level)s: the mentor (level %(mentor)s) must hold "
                    "a higher level than the apprentices reach (%(high)s)."
                )
                % {"level": target, "mentor": mentor, "high": rule.mentee_to}
            )
    if policy.retention_from_months >= policy.retention_to_months:
        problems.append(
            _("retention_from_months (%(low)s) must be less than retention_to_months (%(high)s).")
            % {"low": policy.retention_from_months, "high": policy.retention_to_months}
        )
    seen: set[str] = set()
    for course in policy.common_courses:
        if course in seen:
            problems.append(_("%(field)s names %(course)s twice.") % _fc("common_courses", course))
        seen.add(course)
    for track, courses in sorted(policy.track_courses.items()):
        own: set[str] = set()
        for course in courses:
            if course in seen or course in own:
                problems.append(
                    _("%(field)s names %(course)s twice.") % _fc(f"track_courses.{track}", course)
                )
            own.add(course)
    return problems


def _fc(field_name: str, course: str) -> Mapping[str, str]:
    return {"field": field_name, "course": course}
