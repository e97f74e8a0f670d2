"""Lookup-trial attempts: starting one, loading it for a connection, finishing it."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from examsrv.persistence.models import (
    Article,
    AttemptStatus,
    AuditEvent,
    Employee,
    GradingPolicyRow,
    LevelEvidence,
    Task,
    TrialAnswer,
    TrialAttempt,
)
from examsrv.persistence.outbox import enqueue_trial_finished
from examsrv.timing.level_bands import DEFAULT_BANDS, BandTable, label
from examsrv.timing.sampling import FORM_ALGORITHM, PoolTask, draw_form, new_seed
from examsrv.timing.trial_grading import GradingPolicy, TaskTiming, TrialGrade, grade_trial


def current_policy_row(session: Session, *, now: datetime) -> GradingPolicyRow:
    """The policy in force; the default is stored the first time it is needed.

    Candidates starting together may all find no row: each inserts the default with
    ``ON CONFLICT DO NOTHING`` inside a savepoint, so one insert wins and nobody fails.
    """
    row = session.get(GradingPolicyRow, 1)
    if row is not None:
        return row
    table = GradingPolicyRow.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {
        "id": 1,
        "bands": DEFAULT_BANDS.to_rows(),
        "wrong_penalty_s": 5.0,
        "min_accuracy": 0.9,
        "updated_at": now,
        "updated_by": "",
    }
    with session.begin_nested():
        session.execute(dialect.insert(table).values(values).on_conflict_do_nothing())
    row = session.get(GradingPolicyRow, 1)
    assert row is not None
    return row


def policy_snapshot(row: GradingPolicyRow, task_count: int) -> dict[str, Any]:
    return {
        "bands": row.bands,
        "wrong_penalty_s": row.wrong_penalty_s,
        "min_accuracy": row.min_accuracy,
        "task_count": task_count,
    }


def policy_from_snapshot(snapshot: dict[str, Any]) -> GradingPolicy:
    return GradingPolicy(
        bands=BandTable.from_rows(snapshot["bands"]),
        task_count=int(snapshot["task_count"]),
        wrong_penalty_s=float(snapshot["wrong_penalty_s"]),
        min_accuracy=float(snapshot["min_accuracy"]),
    )


def in_progress_attempt(session: Session, employee_id: int) -> TrialAttempt | None:
    return session.exec(
        select(TrialAttempt)
        .where(TrialAttempt.employee_id == employee_id)
        .where(TrialAttempt.status == AttemptStatus.IN_PROGRESS)
        .order_by(col(TrialAttempt.id).desc())
    ).first()


def recent_task_ids(session: Session, employee_id: int, attempts: int) -> set[int]:
    rows = session.exec(
        select(TrialAttempt.form)
        .where(TrialAttempt.employee_id == employee_id)
        .order_by(col(TrialAttempt.id).desc())
        .limit(attempts)
    ).all()
    return {task_id for form in rows for task_id in form}


def task_pool(session: Session) -> list[PoolTask]:
    rows = session.exec(
        select(Task.id, Article.category)
        .join(Article, col(Task.article_id) == col(Article.id))
        .where(Task.active == True)  # noqa: E712  (SQL comparison)
    ).all()
    return [PoolTask(task_id=tid, category=cat) for tid, cat in rows if tid is not None]


def start_attempt(
    session: Session,
    employee_id: int,
    *,
    task_count: int,
    recent_attempts: int,
    now: datetime,
    seed_source: random.Random,
) -> TrialAttempt:
    """Draw a form for the candidate and open an attempt (or return the open one)."""
    open_attempt = in_progress_attempt(session, employee_id)
    if open_attempt is not None:
        return open_attempt
    seed = new_seed(seed_source)
    recent = recent_task_ids(session, employee_id, recent_attempts)
    form = draw_form(task_pool(session), task_count, random.Random(seed), recent)
    policy = current_policy_row(session, now=now)
    attempt = TrialAttempt(
        employee_id=employee_id,
        seed=seed,
        form_algorithm=FORM_ALGORITHM,
        form=form,
        policy=policy_snapshot(policy, task_count),
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    session.add(
        AuditEvent(at=now, kind="trial_started", attempt_id=attempt.id, detail={"seed": seed})
    )
    return attempt


def tasks_by_id(session: Session, ids: list[int]) -> dict[int, Task]:
    rows = session.exec(select(Task).where(col(Task.id).in_(ids))).all()
    return {t.id: t for t in rows if t.id is not None}


def answers_of(session: Session, attempt_id: int) -> list[TrialAnswer]:
    return list(
        session.exec(
            select(TrialAnswer)
            .where(TrialAnswer.attempt_id == attempt_id)
            .order_by(col(TrialAnswer.seq))
        ).all()
    )


def finish_attempt(
    session: Session, attempt_id: int, *, status: AttemptStatus, now: datetime
) -> TrialGrade:
    """Grade the attempt from its saved answers and write the result to the record."""
    attempt = session.get(TrialAttempt, attempt_id)
    if attempt is None:
        raise LookupError(attempt_id)
    answers = answers_of(session, attempt_id)
    timings = [TaskTiming(a.seq, a.raw_ms, a.network_ms, a.correct) for a in answers]
    grade = grade_trial(timings, policy_from_snapshot(attempt.policy))
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return grade  # already finished by an earlier call: nothing is recorded twice
    attempt.status = status
    attempt.finished_at = now
    attempt.result = grade_to_json(grade)
    session.add(attempt)
    session.add(
        LevelEvidence(
            employee_id=attempt.employee_id,
            kind="lookup_trial",
            attempt_id=attempt_id,
            passed=grade.passed,
            level_reached=grade.level_reached,
            summary=f"{grade.graded_ms / 1000:.1f}s, {grade.correct}/{grade.answered}",
            recorded_at=now,
        )
    )
    session.add(
        AuditEvent(
            at=now,
            kind=f"trial_{status.value}",
            attempt_id=attempt_id,
            detail={"grade": grade.reason},
        )
    )
    enqueue_trial_finished(session, attempt, now=now)  # pushed to HR with this commit
    return grade


def grade_to_json(grade: TrialGrade) -> dict[str, Any]:
    data = asdict(grade)
    band = grade.band
    data["band"] = None if band is None else {"levels": list(band.levels)}
    data["band_label"] = None if band is None else label(band)
    return data


def record_event(
    session: Session,
    *,
    kind: str,
    now: datetime,
    attempt_id: int | None,
    actor: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(at=now, kind=kind, attempt_id=attempt_id, actor=actor, detail=detail or {})
    )


def list_attempts(
    session: Session, *, offset: int, limit: int, employee_id: int | None = None
) -> tuple[list[tuple[TrialAttempt, Employee]], int]:
    query = select(TrialAttempt, Employee).join(
        Employee, col(TrialAttempt.employee_id) == col(Employee.id)
    )
    count = select(func.count()).select_from(TrialAttempt)
    if employee_id is not None:
        query = query.where(TrialAttempt.employee_id == employee_id)
        count = count.where(TrialAttempt.employee_id == employee_id)
    rows = session.exec(query.order_by(col(TrialAttempt.id).desc()).offset(offset).limit(limit))
    return [(a, e) for a, e in rows.all()], int(session.exec(count).one())


def evidence_of(session: Session, employee_id: int) -> list[LevelEvidence]:
    return list(
        session.exec(
            select(LevelEvidence)
            .where(LevelEvidence.employee_id == employee_id)
            .order_by(col(LevelEvidence.id).desc())
        ).all()
    )
