"""The tables of proctored sittings (场次).

A ``Sitting`` is one test (a lookup trial, or the case test of a level) taken in
one room during one time window, run by its proctors. Each rostered candidate has
a ``Seat`` with a single-use check-in code; the seat points to the attempt the
candidate takes and holds what the proctor decided about it: started, paused,
extra time, voided, moved to another machine. The proctor's state lives here, in
the database, so every server process reads the same state; live events only tell
processes to look again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc(nullable: bool = False) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable)


class SittingTest(StrEnum):
    LOOKUP = "lookup"  # the 100-task lookup-speed trial
    CASE = "case"  # the case test of ``Sitting.case_level``


class SittingStatus(StrEnum):
    SCHEDULED = "scheduled"  # check-in opens with the time window
    RUNNING = "running"  # the proctor has started at least one candidate
    CLOSED = "closed"  # no more check-ins or starts; attempts under way run to their end
    CANCELLED = "cancelled"


class ReleaseRule(StrEnum):
    ON_FINISH = "on_finish"  # each candidate sees the result as soon as it is graded
    BY_PROCTOR = "by_proctor"  # results wait until the proctor releases them


class Sitting(SQLModel, table=True):
    __tablename__ = "sitting"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    test: str = Field(max_length=10)  # SittingTest
    case_level: int | None = Field(default=None)  # for a case test: the level it promotes to
    room: str = Field(default="", max_length=80)
    opens_at: datetime = Field(sa_column=_utc())  # check-in window
    closes_at: datetime = Field(sa_column=_utc())
    status: str = Field(default=SittingStatus.SCHEDULED, max_length=12, index=True)
    release_rule: str = Field(default=ReleaseRule.BY_PROCTOR, max_length=12)
    released_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    created_by: str = Field(default="", max_length=60)
    created_at: datetime = Field(sa_column=_utc())


class SittingProctor(SQLModel, table=True):
    __tablename__ = "sitting_proctor"
    __table_args__ = (UniqueConstraint("sitting_id", "user_id", name="uq_sitting_proctor"),)
    id: int | None = Field(default=None, primary_key=True)
    sitting_id: int = Field(foreign_key="sitting.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)


class Seat(SQLModel, table=True):
    """One rostered candidate of a sitting, and the proctor's control of their attempt."""

    __tablename__ = "seat"
    __table_args__ = (
        UniqueConstraint("sitting_id", "employee_id", name="uq_seat_employee"),
        Index("ix_seat_attempt", "attempt_kind", "attempt_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sitting_id: int = Field(foreign_key="sitting.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    code: str = Field(max_length=12)  # the single-use check-in code printed on the slip
    checked_in_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    attempt_kind: str | None = Field(default=None, max_length=10)  # SittingTest
    attempt_id: int | None = Field(default=None)
    started_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    paused_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    pause_reason: str = Field(default="", max_length=200)
    paused_ms: int = Field(default=0)  # total time spent paused, for the record
    extra_ms: int = Field(default=0)  # extra time given by the proctor
    finished_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    voided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    void_reason: str = Field(default="", max_length=200)
    moves: int = Field(default=0)  # times the candidate was moved to another machine
