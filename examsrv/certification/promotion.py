"""Promotion: who may apply for which level, and what a promotion still needs.

A CSR applies for the next level only: one level at a time, never skipping a
level (不能越级), never above 5; applying in another track is allowed and does
not change the rule. :func:`checklist` lists, for the target level, every
condition of :class:`~examsrv.certification.policy.CertificationPolicy` with
whether it is met, so the CSR sees what is done and what is missing, and the
approver cannot pass a promotion without its evidence.

How the two tests combine (the lookup trial is the auxiliary indicator, the case
test the main one; 004 part one):

- the case test **of the target level** must be passed (a level-N CSR takes the
  level-(N+1) test, so this is "a case test at the target level");
- the lookup trial must reach **at least** the level the policy asks for the
  target (by default the target itself). A faster trial is never held against
  the CSR: a trial in the shared 3–4 band reaches 4 and so meets the lookup
  requirement of level 3 and of level 4.

Both are required; neither replaces the other. Only evidence dated after the
last promotion counts (the evidence before it was used for that promotion), and
none dated after ``today``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from examsrv.certification.policy import CertificationPolicy, MentoringRule
from examsrv.certification.titles import MAX_LEVEL, MIN_LEVEL, is_level
from examsrv.i18n import gettext as _


def apply_error(current_level: int, target_level: int) -> str | None:
    """Why a level-``current_level`` CSR may not apply for ``target_level``, or ``None``."""
    if not is_level(current_level):
        return _("The current level %(level)s is not a level from 0 to 5.") % {
            "level": current_level
        }
    if isinstance(target_level, bool) or not isinstance(target_level, int):
        return _("The level applied for must be a whole number.")
    if target_level > MAX_LEVEL:
        return _("There is no level above %(max)s.") % {"max": MAX_LEVEL}
    if target_level <= current_level or target_level < MIN_LEVEL:
        return _("Apply for a level above your current level %(level)s.") % {"level": current_level}
    if target_level > current_level + 1:
        return _(
            "Levels cannot be skipped: from level %(level)s you may apply for level %(next)s only."
        ) % {"level": current_level, "next": current_level + 1}
    return None


@dataclass(frozen=True)
class EmployeeFacts:
    """What the record knows about a CSR, as plain data.

    ``lookup_results``: passed lookup trials as ``(date, level reached)``.
    ``case_passes``: passed case tests as ``(date, level of the test)``.
    ``course_scores``: the best score (0-100) of each course in this round.
    ``points_total``: the points earned towards the next promotion (this round).
    ``apprentices_promoted``: apprentices this CSR mentored, as
    ``(from level, to level, date)`` of their promotion.
    """

    current_level: int
    track: str
    on_probation: bool = False
    lookup_results: Sequence[tuple[date, int]] = ()
    case_passes: Sequence[tuple[date, int]] = ()
    course_scores: Mapping[str, float] = field(default_factory=dict)
    points_total: int = 0
    apprentices_promoted: Sequence[tuple[int, int, date]] = ()
    last_promotion: date | None = None


@dataclass(frozen=True)
class CheckItem:
    """One condition of a promotion: ``key`` for programs, ``label`` and ``detail`` for people."""

    key: str
    label: str
    done: bool
    detail: str


def mentoring_count(apprentices: Sequence[tuple[int, int, date]], rule: MentoringRule) -> int:
    """How many apprentices were brought exactly from the rule's level to the next.

    Apprentices brought between other levels do not count towards this rule.
    """
    return sum(
        1 for low, high, _day in apprentices if (low, high) == (rule.mentee_from, rule.mentee_to)
    )


def can_mentor(level: int, policy: CertificationPolicy) -> bool:
    """Whether a CSR of ``level`` may take apprentices (level 1 may not, by default)."""
    return level >= policy.min_mentor_level


def checklist(
    facts: EmployeeFacts, target_level: int, policy: CertificationPolicy, today: date
) -> list[CheckItem]:
    """Every condition of the promotion of ``facts`` to ``target_level``, in order.

    The first item says whether the target is the next level at all; when it is
    not, the other conditions are still listed against that target.
    """
    items: list[CheckItem] = []
    refusal = apply_error(facts.current_level, target_level)
    items.append(
        CheckItem(
            "next_level",
            _("Level %(level)s is the next level") % {"level": target_level},
            refusal is None,
            refusal or "",
        )
    )
    items.append(
        CheckItem(
            "permanent",
            _("Permanent employee (probation completed)"),
            not facts.on_probation,
            "" if not facts.on_probation else _("Still on probation."),
        )
    )
    for course in policy.courses_for(facts.track):
        items.append(_course_item(course, facts.course_scores.get(course), policy))
    items.extend(_test_items(facts, target_level, policy, today))
    needed = policy.points_needed.get(target_level, 0)
    if needed > 0:
        items.append(
            CheckItem(
                "points",
                _("%(n)s points") % {"n": needed},
                facts.points_total >= needed,
                _("%(have)s of %(need)s points") % {"have": facts.points_total, "need": needed},
            )
        )
    rule = policy.mentoring.get(target_level)
    if rule is not None:
        count = mentoring_count(_dated(facts.apprentices_promoted, today), rule)
        items.append(
            CheckItem(
                "mentoring",
                _("%(n)s apprentices brought from level %(low)s to level %(high)s")
                % {"n": rule.count, "low": rule.mentee_from, "high": rule.mentee_to},
                count >= rule.count,
                _("%(have)s of %(need)s apprentices") % {"have": count, "need": rule.count},
            )
        )
    return items


def missing(items: Sequence[CheckItem]) -> list[CheckItem]:
    """The items not done yet."""
    return [item for item in items if not item.done]


def refusal(items: Sequence[CheckItem]) -> str | None:
    """A message naming every missing condition, or ``None`` when all are met."""
    gaps = missing(items)
    if not gaps:
        return None
    return _("The promotion still needs: %(items)s.") % {
        "items": "; ".join(item.label for item in gaps)
    }


def _course_item(course: str, score: float | None, policy: CertificationPolicy) -> CheckItem:
    if score is None:
        detail = _("Not taken yet.")
    else:
        detail = _("Best score %(score)s, pass score %(pass)s") % {
            "score": _number(score),
            "pass": _number(policy.course_pass_score),
        }
    return CheckItem(
        f"course:{course}",
        _("Course passed: %(course)s") % {"course": course},
        score is not None and score >= policy.course_pass_score,
        detail,
    )


def _test_items(
    facts: EmployeeFacts, target_level: int, policy: CertificationPolicy, today: date
) -> list[CheckItem]:
    tests = policy.tests.get(target_level)
    if tests is None:
        return []
    items: list[CheckItem] = []
    if tests.case_test:
        passed = [
            day for day, level in _fresh(facts.case_passes, facts, today) if level == target_level
        ]
        items.append(
            CheckItem(
                "case_test",
                _("Case test of level %(level)s passed") % {"level": target_level},
                bool(passed),
                _("Passed on %(date)s") % {"date": max(passed).isoformat()}
                if passed
                else _("Not passed yet."),
            )
        )
    if tests.lookup_level is not None:
        reached = [level for _day, level in _fresh(facts.lookup_results, facts, today)]
        best = max(reached, default=None)
        items.append(
            CheckItem(
                "lookup",
                _("Lookup trial reaching level %(level)s or higher")
                % {"level": tests.lookup_level},
                best is not None and best >= tests.lookup_level,
                _("Best level reached: %(level)s") % {"level": best}
                if best is not None
                else _("No passed lookup trial yet."),
            )
        )
    return items


def _fresh(
    results: Sequence[tuple[date, int]], facts: EmployeeFacts, today: date
) -> list[tuple[date, int]]:
    """Results dated after the last promotion and not after today."""
    since = facts.last_promotion
    return [
        (day, level) for day, level in results if (since is None or day > since) and day <= today
    ]


def _dated(
    apprentices: Sequence[tuple[int, int, date]], today: date
) -> list[tuple[int, int, date]]:
    return [a for a in apprentices if a[2] <= today]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
