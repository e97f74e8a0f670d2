"""The tables of the graded case bank and of case tests.

A case (``CaseItem``) keeps its identity; every change to it is a new
``CaseVersion`` holding the whole case as written (``spec``). A version goes
live only when enough reviewers approve it; a case test records the exact
versions it used, so later edits never change a past result.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utc(nullable: bool = False) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable)


class VersionStatus(StrEnum):
    DRAFT = "draft"  # being written; not visible to candidates
    IN_REVIEW = "in_review"  # submitted; waiting for reviewers
    LIVE = "live"  # approved and in use
    REJECTED = "rejected"  # a reviewer rejected it; the author may revise
    SUPERSEDED = "superseded"  # was live; a newer version replaced it


class CaseItem(SQLModel, table=True):
    """A case of the bank. ``live_version_id`` is the approved version in use, if any."""

    __tablename__ = "case_item"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=40)
    live_version_id: int | None = Field(default=None)
    retired: bool = Field(default=False)  # in the history bank (历史库)
    # Copied from the live version, for listing, sampling and upkeep without reading specs.
    level: int = Field(default=1, index=True)
    category: str = Field(default="", max_length=100)
    pool: str = Field(default="training", max_length=10)
    kind: str = Field(default="text", max_length=10)
    title: str = Field(default="", max_length=200)
    constant_time: datetime = Field(sa_column=_utc())  # entry, or last revision going live
    studies: int = Field(default=0)
    test_uses: int = Field(default=0)
    created_at: datetime = Field(sa_column=_utc())


class CaseVersion(SQLModel, table=True):
    __tablename__ = "case_version"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_case_version_number"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_item.id", index=True)
    number: int
    status: str = Field(default=VersionStatus.DRAFT, max_length=12, index=True)
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=_utc())
    created_by: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=500)
    decided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class CaseReview(SQLModel, table=True):
    """One reviewer's decision on one version; each reviewer decides once."""

    __tablename__ = "case_review"
    __table_args__ = (UniqueConstraint("version_id", "reviewer", name="uq_case_review_once"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="case_version.id", index=True)
    reviewer: str = Field(max_length=60)
    approve: bool
    comment: str = Field(default="", max_length=1000)
    at: datetime = Field(sa_column=_utc())


class CaseRating(SQLModel, table=True):
    """优秀 / 一般 / 差: each user rates a case once."""

    __tablename__ = "case_rating"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_case_rating_once"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_item.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    rating: str = Field(max_length=10)
    at: datetime = Field(sa_column=_utc())


class MediaFile(SQLModel, table=True):
    """An uploaded recording. Kept in the database so it is backed up and moved with it."""

    __tablename__ = "media_file"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=120)
    content_type: str = Field(max_length=60)
    size: int
    duration_s: float
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=_utc())
    created_by: str = Field(default="", max_length=60)


class CaseTestPolicy(SQLModel, table=True):
    """How the promotion case test to ``level`` is drawn, timed and passed."""

    __tablename__ = "case_test_policy"
    level: int = Field(primary_key=True)
    case_count: int = Field(default=10)
    minutes: int = Field(default=60)
    cut_mode: str = Field(default="fixed", max_length=10)  # fixed | pass_rate
    cut_value: float = Field(default=60.0)  # a percentage score, or a share passing (0–1]
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(default="", max_length=60)


class CaseAttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # by the candidate, or by the server at the deadline
    VOIDED = "voided"  # a proctor voided it; it counts for nothing


class CaseAttempt(SQLModel, table=True):
    """One promotion case test taken by one candidate."""

    __tablename__ = "case_attempt"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    level: int  # the level the test is for (the candidate's level + 1)
    status: str = Field(default=CaseAttemptStatus.IN_PROGRESS, max_length=12, index=True)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    versions: list[int] = Field(sa_column=Column(JSON, nullable=False))  # case versions, in order
    started_at: datetime = Field(sa_column=_utc())
    deadline_at: datetime = Field(sa_column=_utc())
    submitted_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    submitted_by: str = Field(default="", max_length=20)  # candidate | deadline
    position: int = Field(default=0)  # the case the candidate was on, for resuming
    earned: float | None = Field(default=None)
    possible: float | None = Field(default=None)
    pending: int = Field(default=0)  # free-text answers not yet graded
    released: bool = Field(default=False)  # a final pass/fail has been recorded


class CaseAnswer(SQLModel, table=True):
    """One answer in a case test, saved before it is acknowledged; the latest one counts."""

    __tablename__ = "case_answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "version_id", "question_key", name="uq_case_answer"),
    )
    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="case_attempt.id", index=True)
    version_id: int = Field(foreign_key="case_version.id")
    question_key: str = Field(max_length=40)
    given: str = Field(max_length=2000)
    earned: float | None = Field(default=None)
    possible: float
    correct: bool | None = Field(default=None)
    answered_at: datetime = Field(sa_column=_utc())
    graded_by: str = Field(default="", max_length=60)
    graded_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class CaseListening(SQLModel, table=True):
    """How long, and how often, a candidate listened to a voice case in a test."""

    __tablename__ = "case_listening"
    __table_args__ = (UniqueConstraint("attempt_id", "version_id", name="uq_case_listening"),)
    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="case_attempt.id", index=True)
    version_id: int = Field(foreign_key="case_version.id")
    plays: int = Field(default=0)
    listened_s: float = Field(default=0.0)
