"""Building blocks for the certification-record tests: employees and the evidence a
promotion needs (a finished lookup trial, a released case test, passed courses),
written straight into the database as the trial and case-test code would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.certification.policy import DEFAULT_POLICY
from examsrv.persistence.accounts import create_user
from examsrv.persistence.case_tables import CaseAttempt, CaseAttemptStatus
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import (
    AttemptStatus,
    Employee,
    LevelEvidence,
    Role,
    TrialAttempt,
)
from examsrv.persistence.record_courses import record_score

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "test-password-1"


def add_candidate(
    session: Session, number: str, name: str = "张三丰", level: int = 0, track: str = "呼入"
) -> int:
    create_user(
        session,
        username=number,
        password=PASSWORD,
        role=Role.CANDIDATE,
        display_name=name,
        now=NOW - timedelta(days=400),
        level=level,
        track=track,
    )
    employee = session.exec(select(Employee).where(Employee.employee_no == number)).one()
    assert employee.id is not None
    return employee.id


def add_trial(session: Session, employee_id: int, level: int, *, at: datetime = NOW) -> int:
    """A finished lookup trial that reached ``level``, with its record entry."""
    attempt = TrialAttempt(
        employee_id=employee_id,
        status=AttemptStatus.FINISHED,
        seed=1,
        form=[],
        policy={},
        started_at=at - timedelta(minutes=5),
        finished_at=at,
        result={"passed": True, "level_reached": level},
    )
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    session.add(
        LevelEvidence(
            employee_id=employee_id,
            kind="lookup_trial",
            attempt_id=attempt.id,
            passed=True,
            level_reached=level,
            summary="138.0s, 100/100",
            recorded_at=at,
        )
    )
    return attempt.id


def add_case_pass(session: Session, employee_id: int, level: int, *, at: datetime = NOW) -> int:
    """A released, passed case test of ``level``, with its record entry."""
    attempt = CaseAttempt(
        employee_id=employee_id,
        level=level,
        status=CaseAttemptStatus.SUBMITTED,
        seed=1,
        versions=[],
        started_at=at - timedelta(minutes=40),
        deadline_at=at,
        submitted_at=at,
        earned=8.0,
        possible=10.0,
        released=True,
    )
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    session.add(
        LevelEvidence(
            employee_id=employee_id,
            kind="case_test",
            attempt_id=attempt.id,
            passed=True,
            level_reached=level,
            summary="80.0%",
            recorded_at=at,
        )
    )
    return attempt.id


def pass_courses(session: Session, employee_id: int, score: float = 75.0) -> None:
    for course in DEFAULT_POLICY.common_courses:
        record_score(
            session, employee_id=employee_id, course=course, score=score, actor="hr", now=NOW
        )


def seed_level1_evidence(engine: Engine, employee_id: int, *, courses: bool = True) -> None:
    """Everything a level-0 CSR needs for level 1 under the default policy."""
    with session_scope(engine) as s:
        add_trial(s, employee_id, 1)
        add_case_pass(s, employee_id, 1)
        if courses:
            pass_courses(s, employee_id)
