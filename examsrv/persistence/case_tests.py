"""Promotion case tests: starting one, saving answers, submitting at the deadline,
grading free text, and releasing results to the certification record.

The deadline lives in the database (``CaseAttempt.deadline_at``): whatever
happens to the candidate's browser, ``submit_due`` submits the attempt once it
has passed. An answer is committed before the candidate is told it was saved;
the latest answer to a question is the one that counts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, or_, select

from examsrv.itembank.case_codec import spec_from_data
from examsrv.itembank.case_grading import score_free_text, score_question
from examsrv.itembank.case_specs import CaseSpec, Question, QuestionKind
from examsrv.persistence.case_tables import (
    CaseAnswer,
    CaseAttempt,
    CaseAttemptStatus,
    CaseItem,
    CaseListening,
    CaseTestPolicy,
    CaseVersion,
)
from examsrv.persistence.models import AuditEvent, Employee, LevelEvidence
from examsrv.persistence.outbox import enqueue_case_test_released
from examsrv.persistence.sitting_tables import Seat
from examsrv.timing.case_sampling import PoolCase, draw_cases, promotion_test_level
from examsrv.timing.cut_score import CutResult, CutRule, cut_score, passes
from examsrv.timing.sampling import new_seed

MAX_ANSWER_CHARS = 2000


class CaseTestError(ValueError):
    """A request the case-test rules refuse; the message is for people (Chinese)."""


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def policy_for(session: Session, level: int, *, now: datetime) -> CaseTestPolicy:
    row = session.get(CaseTestPolicy, level)
    if row is None:
        row = CaseTestPolicy(level=level, updated_at=now)
        session.add(row)
        session.flush()
    return row


def cut_rule(policy: CaseTestPolicy) -> CutRule:
    if policy.cut_mode == "pass_rate":
        return CutRule(mode="pass_rate", value=policy.cut_value)
    return CutRule(mode="fixed", value=policy.cut_value)


def open_attempt(session: Session, employee_id: int) -> CaseAttempt | None:
    return session.exec(
        select(CaseAttempt)
        .where(CaseAttempt.employee_id == employee_id)
        .where(CaseAttempt.status == CaseAttemptStatus.IN_PROGRESS)
    ).first()


def start_case_test(
    session: Session,
    employee_id: int,
    level: int,
    *,
    now: datetime,
    seed_source: random.Random,
) -> CaseAttempt:
    """Draw the candidate's promotion test to ``level`` (only their level + 1)."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise CaseTestError("没有这名员工。")
    try:
        allowed = promotion_test_level(employee.current_level)
    except ValueError as exc:
        raise CaseTestError("已是最高级别，没有更高级别的案例测试。") from exc
    if level != allowed:
        raise CaseTestError(f"只能参加高一级（{allowed}级）的案例测试，不能越级。")
    existing = open_attempt(session, employee_id)
    if existing is not None:
        return existing
    policy = policy_for(session, level, now=now)
    items = session.exec(
        select(CaseItem)
        .where(CaseItem.level == level)
        .where(CaseItem.pool == "test")
        .where(CaseItem.retired == False)  # noqa: E712
        .where(col(CaseItem.live_version_id).is_not(None))
    ).all()
    by_id = {item.id: item for item in items if item.id is not None}
    pool = [PoolCase(case_id=i, category=item.category) for i, item in by_id.items()]
    if len(pool) < policy.case_count:
        raise CaseTestError(f"{level}级测试案例不足 {policy.case_count} 个，请联系管理员。")
    seed = new_seed(seed_source)
    chosen = draw_cases(pool, policy.case_count, random.Random(seed))
    versions = []
    for case_id in chosen:
        item = by_id[case_id]
        item.test_uses += 1
        session.add(item)
        versions.append(int(item.live_version_id or 0))
    attempt = CaseAttempt(
        employee_id=employee_id,
        level=level,
        seed=seed,
        versions=versions,
        started_at=now,
        deadline_at=now + timedelta(minutes=policy.minutes),
    )
    session.add(attempt)
    session.flush()
    session.add(AuditEvent(at=now, kind="case_test_started", detail={"attempt": attempt.id}))
    return attempt


@dataclass(frozen=True)
class FormCase:
    version_id: int
    spec: CaseSpec


def form_of(session: Session, attempt: CaseAttempt) -> list[FormCase]:
    rows = session.exec(select(CaseVersion).where(col(CaseVersion.id).in_(attempt.versions))).all()
    by_id = {v.id: v for v in rows}
    return [FormCase(vid, spec_from_data(by_id[vid].spec)) for vid in attempt.versions]


def answers_of(session: Session, attempt_id: int) -> list[CaseAnswer]:
    return list(session.exec(select(CaseAnswer).where(CaseAnswer.attempt_id == attempt_id)).all())


def _question(form: Sequence[FormCase], version_id: int, key: str) -> Question:
    for case in form:
        if case.version_id == version_id:
            for question in case.spec.questions:
                if question.key == key:
                    return question
            raise CaseTestError("这个案例没有该题目。")
    raise CaseTestError("本次测试没有这个案例。")


def save_answer(
    session: Session,
    attempt: CaseAttempt,
    form: Sequence[FormCase],
    version_id: int,
    question_key: str,
    given: str,
    *,
    now: datetime,
) -> CaseAnswer:
    """Save (or replace) the answer to one question of an attempt in progress."""
    if attempt.status != CaseAttemptStatus.IN_PROGRESS:
        raise CaseTestError("测试已交卷，不再接受作答。")
    if now >= aware(attempt.deadline_at):
        raise CaseTestError("已到截止时间，不再接受作答。")
    question = _question(form, version_id, question_key)
    given = given[:MAX_ANSWER_CHARS]
    score = score_question(question, given)
    row = session.exec(
        select(CaseAnswer)
        .where(CaseAnswer.attempt_id == attempt.id)
        .where(CaseAnswer.version_id == version_id)
        .where(CaseAnswer.question_key == question_key)
    ).first()
    if row is None:
        row = CaseAnswer(
            attempt_id=attempt.id or 0,
            version_id=version_id,
            question_key=question_key,
            given=given,
            possible=score.possible,
            answered_at=now,
        )
    row.given, row.earned, row.correct, row.answered_at = given, score.earned, score.correct, now
    session.add(row)
    session.flush()
    return row


def record_listening(
    session: Session, attempt: CaseAttempt, version_id: int, *, plays: int, seconds: float
) -> CaseListening:
    if version_id not in attempt.versions:
        raise CaseTestError("本次测试没有这个案例。")
    row = session.exec(
        select(CaseListening)
        .where(CaseListening.attempt_id == attempt.id)
        .where(CaseListening.version_id == version_id)
    ).first() or CaseListening(attempt_id=attempt.id or 0, version_id=version_id)
    row.plays += max(0, min(plays, 100))
    row.listened_s += max(0.0, min(seconds, 24 * 3600.0))
    session.add(row)
    return row


def _totals(session: Session, attempt: CaseAttempt) -> None:
    """Recompute earned, possible and pending from the saved answers and the form."""
    form = form_of(session, attempt)
    given = {(a.version_id, a.question_key): a for a in answers_of(session, attempt.id or 0)}
    earned = possible = 0.0
    pending = 0
    for case in form:
        for question in case.spec.questions:
            possible += question.points
            answer = given.get((case.version_id, question.key))
            if answer is None:
                continue  # unanswered: nothing earned, nothing pending
            if answer.earned is None:
                pending += 1
            else:
                earned += answer.earned
    attempt.earned, attempt.possible, attempt.pending = earned, possible, pending


def submit(session: Session, attempt_id: int, *, now: datetime, by: str) -> CaseAttempt:
    """Close the attempt (idempotent) and release its result when it is final."""
    attempt = session.get(CaseAttempt, attempt_id)
    if attempt is None:
        raise CaseTestError("没有这次测试。")
    if attempt.status != CaseAttemptStatus.IN_PROGRESS:
        return attempt
    attempt.status = CaseAttemptStatus.SUBMITTED
    attempt.submitted_at = min(now, aware(attempt.deadline_at)) if by == "deadline" else now
    attempt.submitted_by = by
    _totals(session, attempt)
    session.add(attempt)
    session.add(
        AuditEvent(
            at=now,
            kind=f"case_test_submitted_{by}",
            attempt_id=None,
            detail={"attempt": attempt_id},
        )
    )
    release_if_final(session, attempt, now=now)
    return attempt


def submit_due(session: Session, *, now: datetime) -> list[int]:
    """Submit every attempt whose deadline has passed; returns their ids.

    An attempt of a proctored sitting that the proctor has not started yet, or holds
    paused, is left alone: its deadline is set at the start and moved at the resume.
    """
    held = (
        select(Seat.attempt_id)
        .where(Seat.attempt_kind == "case")
        .where(col(Seat.attempt_id).is_not(None))
        .where(or_(col(Seat.started_at).is_(None), col(Seat.paused_at).is_not(None)))
    )
    due = session.exec(
        select(CaseAttempt)
        .where(CaseAttempt.status == CaseAttemptStatus.IN_PROGRESS)
        .where(col(CaseAttempt.deadline_at) <= now)
        .where(col(CaseAttempt.id).not_in(held))
    ).all()
    for attempt in due:
        submit(session, attempt.id or 0, now=now, by="deadline")
    return [a.id or 0 for a in due]


def percent(attempt: CaseAttempt) -> float:
    if not attempt.possible:
        return 0.0
    return round(100.0 * (attempt.earned or 0.0) / attempt.possible, 2)


def cohort(session: Session, level: int) -> list[CaseAttempt]:
    """Submitted, fully graded attempts at ``level``: the cohort a pass rate is taken over."""
    return list(
        session.exec(
            select(CaseAttempt)
            .where(CaseAttempt.level == level)
            .where(CaseAttempt.status == CaseAttemptStatus.SUBMITTED)
            .where(CaseAttempt.pending == 0)
            .order_by(col(CaseAttempt.id))
        ).all()
    )


def current_cut(session: Session, level: int, *, now: datetime) -> CutResult:
    policy = policy_for(session, level, now=now)
    return cut_score(cut_rule(policy), [percent(a) for a in cohort(session, level)])


def release_if_final(session: Session, attempt: CaseAttempt, *, now: datetime) -> bool:
    """With a fixed pass score, a fully graded attempt's result is final: record it.

    With a pass-rate rule the pass score depends on the whole cohort, so results
    are released together by ``release_level``.
    """
    if attempt.released or attempt.pending or attempt.status != CaseAttemptStatus.SUBMITTED:
        return False
    policy = policy_for(session, attempt.level, now=now)
    if policy.cut_mode != "fixed":
        return False
    _release(session, attempt, passes(percent(attempt), policy.cut_value), now)
    return True


def release_level(session: Session, level: int, *, now: datetime) -> CutResult:
    """Release every graded, unreleased attempt at ``level`` under the current pass score."""
    result = current_cut(session, level, now=now)
    if result.cut is None:
        return result
    for attempt in cohort(session, level):
        if not attempt.released:
            _release(session, attempt, passes(percent(attempt), result.cut), now)
    return result


def _release(session: Session, attempt: CaseAttempt, passed: bool, now: datetime) -> None:
    attempt.released = True
    session.add(attempt)
    session.add(
        LevelEvidence(
            employee_id=attempt.employee_id,
            kind="case_test",
            attempt_id=attempt.id,
            passed=passed,
            level_reached=attempt.level if passed else None,
            summary=f"{percent(attempt):.1f}%",
            recorded_at=now,
        )
    )
    enqueue_case_test_released(session, attempt, passed=passed, percent=percent(attempt), now=now)


def pending_free_text(session: Session) -> list[tuple[CaseAnswer, CaseAttempt]]:
    rows = session.exec(
        select(CaseAnswer, CaseAttempt)
        .join(CaseAttempt, col(CaseAnswer.attempt_id) == col(CaseAttempt.id))
        .where(CaseAttempt.status == CaseAttemptStatus.SUBMITTED)
        .where(col(CaseAnswer.earned).is_(None))
        .order_by(col(CaseAnswer.id))
    ).all()
    return [(a, t) for a, t in rows]


def grade_free_text(
    session: Session, answer_id: int, awarded: float, *, grader: str, now: datetime
) -> CaseAnswer:
    answer = session.get(CaseAnswer, answer_id)
    if answer is None:
        raise CaseTestError("没有这条作答。")
    attempt = session.get(CaseAttempt, answer.attempt_id)
    assert attempt is not None
    if attempt.status != CaseAttemptStatus.SUBMITTED:
        raise CaseTestError("测试尚未交卷，不能评分。")
    if answer.earned is not None:
        raise CaseTestError("这条作答已经评过分。")
    question = _question(form_of(session, attempt), answer.version_id, answer.question_key)
    if question.kind != QuestionKind.FREE_TEXT:
        raise CaseTestError("只有简答题需要人工评分。")
    try:
        score = score_free_text(question, awarded)
    except ValueError as exc:
        raise CaseTestError(f"分数须在 0 到 {question.points:g} 之间。") from exc
    answer.earned, answer.correct = score.earned, score.correct
    answer.graded_by, answer.graded_at = grader, now
    session.add(answer)
    session.flush()
    _totals(session, attempt)
    session.add(attempt)
    release_if_final(session, attempt, now=now)
    return answer
