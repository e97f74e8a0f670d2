"""The database tables.

Every table is declared here; the schema itself is created and changed only by
the Alembic migrations in ``examsrv/migrations``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc() -> Any:
    return Column(DateTime(timezone=True), nullable=False)


class Role(StrEnum):
    ADMIN = "admin"
    AUTHOR = "author"
    PROCTOR = "proctor"
    HR = "hr"
    APPROVER = "approver"  # certification leadership group: the final review of a level
    CANDIDATE = "candidate"


class Employee(SQLModel, table=True):
    """A CSR, identified by employee id (工号); the root of the certification record."""

    id: int | None = Field(default=None, primary_key=True)
    employee_no: str = Field(unique=True, index=True, max_length=40)
    name: str = Field(max_length=100)
    track: str = Field(default="呼入", max_length=40)
    current_level: int = Field(default=0)
    created_at: datetime = Field(sa_column=_utc())
    # Record facts kept by HR (history in ``record_fact_change``).
    hire_date: date | None = Field(default=None)
    on_probation: bool = Field(default=False)
    permanent_since: date | None = Field(default=None)  # when a probationer was made permanent


class User(SQLModel, table=True):
    """Anyone who logs in. Candidates log in with their employee id as username."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=60)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    employee_id: int | None = Field(default=None, foreign_key="employee.id")
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=_utc())


class LoginThrottle(SQLModel, table=True):
    """Failed login counts per username, for slowing down guessing."""

    __tablename__ = "login_throttle"
    username: str = Field(primary_key=True, max_length=60)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Article(SQLModel, table=True):
    """A knowledge-base article."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=40)
    category: str = Field(index=True, max_length=60)
    title: str = Field(max_length=200)
    body: str
    key_facts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1)
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(default="", max_length=60)


class Task(SQLModel, table=True):
    """A lookup task whose answer is found in ``article_id``."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=40)
    question: str
    kind: str = Field(default="text", max_length=10)
    answers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    synonyms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    article_id: int = Field(foreign_key="article.id", index=True)
    active: bool = Field(default=True)
    version: int = Field(default=1)
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(default="", max_length=60)


class GradingPolicyRow(SQLModel, table=True):
    """The lookup-trial grading policy in force (one row, id 1), edited by administrators."""

    __tablename__ = "grading_policy"
    id: int | None = Field(default=None, primary_key=True)
    bands: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    wrong_penalty_s: float = Field(default=5.0)
    min_accuracy: float = Field(default=0.9)
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(default="", max_length=60)


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    EXPIRED = "expired"
    VOIDED = "voided"  # a proctor voided it; it counts for nothing


class TrialAttempt(SQLModel, table=True):
    """One lookup trial taken by one candidate: its form, seed, timing and result."""

    __tablename__ = "trial_attempt"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    status: str = Field(default=AttemptStatus.IN_PROGRESS, max_length=20)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    form_algorithm: int = Field(default=1)  # the version of the drawing rule the seed is for
    form: list[int] = Field(sa_column=Column(JSON, nullable=False))
    policy: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(sa_column=_utc())
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    rtt_min_ms: float | None = Field(default=None)
    connections: int = Field(default=0)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The time already spent on task ``carry_seq`` when its last connection closed, so the
    # clock goes on from there on whichever server process the candidate reconnects to.
    carry_seq: int | None = Field(default=None)
    carry_ms: float = Field(default=0.0)


class TrialAnswer(SQLModel, table=True):
    """One answer in a trial, saved before the candidate is told it was received."""

    __tablename__ = "trial_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "seq", name="uq_trial_answer_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="trial_attempt.id", index=True)
    seq: int
    task_id: int = Field(foreign_key="task.id")
    given: str = Field(max_length=400)
    correct: bool
    raw_ms: float
    network_ms: float
    resumed: bool = Field(default=False)
    received_at: datetime = Field(sa_column=_utc())


class LevelEvidence(SQLModel, table=True):
    """An entry of the certification record: a result that bears on an employee's level.

    Append-only: an entry is never edited; a correction is a new entry.
    """

    __tablename__ = "level_evidence"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    kind: str = Field(max_length=30)
    attempt_id: int | None = Field(default=None)
    passed: bool
    level_reached: int | None = Field(default=None)
    summary: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(sa_column=_utc())


class AuditEvent(SQLModel, table=True):
    """Something that happened to an attempt or the item bank, with server time."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_utc())
    actor: str = Field(default="", max_length=60)
    kind: str = Field(max_length=40)
    attempt_id: int | None = Field(default=None, index=True)
    seat_id: int | None = Field(default=None, index=True)  # for events of a proctored sitting
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
