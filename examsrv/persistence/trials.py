"""Lookup-trial attempts: starting one, loading it for a connection, finishing it."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
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


_task = Task.__table__  # type: ignore[attr-defined]
_article = Article.__table__  # type: ignore[attr-defined]
_POOL = (
    select(_task.c.id, _article.c.category)
    .join(_article, _article.c.id == _task.c.article_id)
    .where(_task.c.active)
)
_pool_tasks: dict[tuple[int, str], PoolTask] = {}  # one immutable PoolTask per (id, category)


def task_pool(session: Session) -> list[PoolTask]:
    """Every task that may be drawn, read at each start so a retired task is never drawn.

    Read with SQLAlchemy Core on the session's connection: the pool is a few hundred
    rows read by every start, and the ORM's result handling cost three times the query
    (about 1 ms of CPU per start, measured with ``loadtests/start_cost.py``).
    """
    pool = []
    for task_id, category in session.connection().execute(_POOL):
        key = (task_id, category)
        task = _pool_tasks.get(key)
        if task is None:
            task = _pool_tasks[key] = PoolTask(task_id=task_id, category=category)
        pool.append(task)
    return pool


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


_VERSIONS = select(_task.c.id, _task.c.version).where(
    _task.c.id.in_(bindparam("ids", expanding=True))
)


def task_versions(session: Session, ids: list[int]) -> dict[int, int]:
    """The current version of each task in ``ids`` (Core: read at every connection)."""
    rows = session.connection().execute(_VERSIONS, {"ids": ids})
    return {task_id: version for task_id, version in rows}


def refresh_progress(session: Session, attempt: TrialAttempt) -> None:
    """Re-read what a connection changes on ``attempt`` (status, connections, the clock
    carried over), without re-reading its form and policy, which never change."""
    table = TrialAttempt.__table__  # type: ignore[attr-defined]
    row = (
        session.connection()
        .execute(
            select(table.c.status, table.c.connections, table.c.carry_seq, table.c.carry_ms).where(
                table.c.id == attempt.id
            )
        )
        .one()
    )
    attempt.status = row.status
    attempt.connections = row.connections
    attempt.carry_seq = row.carry_seq
    attempt.carry_ms = row.carry_ms


def record_connection_event(
    session: Session,
    attempt_id: int,
    *,
    kind: str,
    now: datetime,
    actor: str,
    detail: dict[str, Any],
    values: dict[str, Any],
) -> None:
    """One audit event of a trial connection and what it changes on the attempt.

    ``values`` are columns of ``trial_attempt`` to set (an empty dict sets nothing);
    ``connections`` in it is taken as an increment. Written with Core: it happens at
    every connection and every disconnection, on the path to the first task.
    """
    table = TrialAttempt.__table__  # type: ignore[attr-defined]
    changes = dict(values)
    if "connections" in changes:
        changes["connections"] = table.c.connections + changes["connections"]
    if changes:
        session.connection().execute(update(table).where(table.c.id == attempt_id).values(changes))
    session.connection().execute(
        insert(AuditEvent.__table__),  # type: ignore[attr-defined]
        {"at": now, "kind": kind, "attempt_id": attempt_id, "actor": actor, "detail": detail},
    )


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


def answer_timings(session: Session, attempt_id: int) -> list[TaskTiming]:
    """What grading needs of an attempt's answers, in order (Core: read at every finish)."""
    table = TrialAnswer.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(
        select(table.c.seq, table.c.raw_ms, table.c.network_ms, table.c.correct)
        .where(table.c.attempt_id == attempt_id)
        .order_by(table.c.seq)
    )
    return [TaskTiming(seq, raw, network, correct) for seq, raw, network, correct in rows]


def finish_attempt(
    session: Session, attempt_id: int, *, status: AttemptStatus, now: datetime
) -> TrialGrade:
    """Grade the attempt from its saved answers and write the result to the record."""
    attempt = session.get(TrialAttempt, attempt_id)
    if attempt is None:
        raise LookupError(attempt_id)
    timings = answer_timings(session, attempt_id)
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
