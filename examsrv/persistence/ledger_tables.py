"""The tables of the points ledger, mentoring and appeals.

All of them are append-only in spirit: a points entry is never edited (a
correction is a new, possibly negative, entry that names the one it corrects),
an appeal keeps every step it went through in ``appeal_step``, and the remedy
of an upheld appeal is a row of its own (``retake_grant``) or a new
``level_evidence`` entry, never a change to the result appealed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


def _utc(nullable: bool = False) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable)


class PointsEntry(SQLModel, table=True):
    """Points (积分) earned by an employee, or a correction of an earlier entry.

    ``award_key`` is set for awards made automatically (an apprentice's
    promotion): it is unique, so the same award can never be entered twice.
    """

    __tablename__ = "points_entry"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    amount: int
    source: str = Field(max_length=30)
    reason: str = Field(default="", max_length=500)
    source_ref: str = Field(default="", max_length=100)
    entered_by: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=_utc())
    corrects_id: int | None = Field(default=None, foreign_key="points_entry.id")
    award_key: str | None = Field(default=None, unique=True, max_length=60)


class Mentorship(SQLModel, table=True):
    """A mentor (师傅) bringing up an apprentice (徒弟) from ``started_at``.

    Which promotions count is not stored here: it is derived from the
    apprentice's ``level_change`` rows made while the mentorship was open.
    """

    __tablename__ = "mentorship"
    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = Field(foreign_key="employee.id", index=True)
    apprentice_id: int = Field(foreign_key="employee.id", index=True)
    apprentice_level_at_start: int
    started_at: datetime = Field(sa_column=_utc())
    ended_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    created_by: str = Field(default="", max_length=60)
    ended_by: str = Field(default="", max_length=60)


class Appeal(SQLModel, table=True):
    """A CSR's appeal (申诉) against one of their results.

    ``open_key`` is ``"<subject kind>:<subject id>"`` while the appeal is open and
    NULL once decided: being unique, it allows one open appeal per result.
    """

    __tablename__ = "appeal"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    subject_kind: str = Field(max_length=20)
    subject_id: int
    reason: str = Field(max_length=2000)
    status: str = Field(max_length=20, index=True)
    remedy: str = Field(default="none", max_length=20)
    decision: str = Field(default="", max_length=2000)
    filed_by: str = Field(default="", max_length=60)
    filed_at: datetime = Field(sa_column=_utc())
    decided_by: str = Field(default="", max_length=60)
    decided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    regrade_evidence_id: int | None = Field(default=None, foreign_key="level_evidence.id")
    open_key: str | None = Field(default=None, unique=True, max_length=40)


class AppealStep(SQLModel, table=True):
    """One step of an appeal: filed, investigating, upheld or rejected, by whom and when."""

    __tablename__ = "appeal_step"
    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", index=True)
    action: str = Field(max_length=20)
    from_status: str = Field(default="", max_length=20)
    to_status: str = Field(max_length=20)
    note: str = Field(default="", max_length=2000)
    actor: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=_utc())


class RetakeGrant(SQLModel, table=True):
    """One new attempt granted by an upheld appeal; used once, by the CSR."""

    __tablename__ = "retake_grant"
    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", unique=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    kind: str = Field(max_length=20)  # trial | case_test
    level: int | None = Field(default=None)  # the case-test level, for a case test
    granted_at: datetime = Field(sa_column=_utc())
    used_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    used_attempt_id: int | None = Field(default=None)
