"""The tables of the certification record.

Every table here is append-only where history matters: a level change, an
application step, a course result and a record-fact change are never edited. A
wrong level change is answered by a new one of kind ``correction`` that names
the entry it corrects (``corrects_id``). Applications and certificates do carry
a status that moves forward (an application through its procedure, a
certificate from valid to superseded or revoked); each move of an application
is also written as an ``ApplicationStep``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel


def _utc(nullable: bool = False) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable)


class ChangeKind(StrEnum):
    INITIAL = "initial"  # the level an employee was taken on the record with
    PROMOTION = "promotion"
    DEMOTION = "demotion"
    CORRECTION = "correction"  # corrects an earlier entry (``corrects_id``)


class LevelChange(SQLModel, table=True):
    """One change of an employee's level, with its reason and evidence. Append-only.

    ``evidence`` is a list of ``{"kind", "id", "summary"}``: kinds are
    ``lookup_trial`` (a trial attempt), ``case_test`` (a case attempt),
    ``course`` (a course result), ``application`` and ``approval`` (the
    application and its approving step), ``retention`` and ``points``.
    """

    __tablename__ = "level_change"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    from_level: int
    to_level: int
    kind: str = Field(max_length=20)
    reason: str = Field(default="", max_length=500)
    evidence: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    actor: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=_utc())
    corrects_id: int | None = Field(default=None, foreign_key="level_change.id")


class CertificationPolicyRow(SQLModel, table=True):
    """The certification policy in force (one row, id 1), as ``CertificationPolicy.to_json``."""

    __tablename__ = "certification_policy"
    id: int | None = Field(default=None, primary_key=True)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(default="", max_length=60)


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for HR's qualification review
    COURSES = "courses"  # qualified; course exams being taken
    TESTS = "tests"  # courses passed; the skill and knowledge tests come from the record
    REVIEW = "review"  # with the approvers for the overall review
    PASSED = "passed"
    FAILED = "failed"
    REFUSED = "refused"  # refused at the qualification review
    WITHDRAWN = "withdrawn"  # withdrawn by the candidate


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.COURSES,
    ApplicationStatus.TESTS,
    ApplicationStatus.REVIEW,
)


class Application(SQLModel, table=True):
    """A CSR's application (申报) for the next level in a track.

    ``open_employee_id`` holds the employee id while the application is open and is
    NULL once it is closed; being unique, it lets the database itself refuse a
    second open application for the same employee.
    """

    __tablename__ = "application"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    open_employee_id: int | None = Field(default=None, unique=True)
    from_level: int
    target_level: int
    track: str = Field(max_length=40)
    status: str = Field(default=ApplicationStatus.SUBMITTED, max_length=20, index=True)
    created_at: datetime = Field(sa_column=_utc())
    updated_at: datetime = Field(sa_column=_utc())
    level_change_id: int | None = Field(default=None, foreign_key="level_change.id")


class ApplicationStep(SQLModel, table=True):
    """One step taken on an application: who, when, the outcome and a note. Append-only."""

    __tablename__ = "application_step"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    stage: str = Field(max_length=20)  # the status the application was in
    outcome: str = Field(max_length=20)  # submitted, pass, refuse, advance, fail, withdraw
    to_status: str = Field(max_length=20)
    note: str = Field(default="", max_length=1000)
    actor: str = Field(default="", max_length=60)
    role: str = Field(default="", max_length=20)
    at: datetime = Field(sa_column=_utc())


class CourseResult(SQLModel, table=True):
    """A course exam score. The best score per course within the employee's current
    certification round counts (see ``record_courses.current_round``). Append-only."""

    __tablename__ = "course_result"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    course: str = Field(max_length=100)
    score: float
    round: int = Field(index=True)
    source: str = Field(default="form", max_length=20)  # form | import
    recorded_by: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=_utc())


class CertificateStatus(StrEnum):
    VALID = "valid"
    SUPERSEDED = "superseded"  # a later certificate of the same employee replaced it
    REVOKED = "revoked"


class Certificate(SQLModel, table=True):
    """A numbered certificate (资格证书), one per passed application."""

    __tablename__ = "certificate"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=40)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    level: int
    title: str = Field(max_length=40)
    track: str = Field(max_length=40)
    application_id: int = Field(foreign_key="application.id", unique=True)
    issued_at: datetime = Field(sa_column=_utc())
    issued_by: str = Field(default="", max_length=60)
    status: str = Field(default=CertificateStatus.VALID, max_length=20)
    revoked_reason: str = Field(default="", max_length=500)
    revoked_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    revoked_by: str = Field(default="", max_length=60)
    superseded_by_id: int | None = Field(default=None, foreign_key="certificate.id")


class RecordFactChange(SQLModel, table=True):
    """A change of a record fact (hire date, track, probation), by hand or by import.

    Append-only: the employee row holds the current value, this table the history.
    """

    __tablename__ = "record_fact_change"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    fact: str = Field(max_length=30)  # hire_date | track | on_probation | permanent_since
    before: str = Field(default="", max_length=100)
    after: str = Field(default="", max_length=100)
    source: str = Field(default="form", max_length=20)  # form | import
    actor: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=_utc())
