"""The tables of the HR webhook outbox: the events waiting for (or done with) delivery,
and one row per delivery try so an administrator can see every attempt.

An event is written in the same transaction as the change it reports (the
transactional outbox), so a result is never committed without its event, nor an
event without its result. The deliverer reads the table; nothing else sends.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text
from sqlmodel import Field, SQLModel


def _utc(*, nullable: bool = False, index: bool = False) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next try
    DELIVERED = "delivered"  # the endpoint answered 2xx
    PARKED = "parked"  # out of tries: waits for an administrator to replay it


class OutboxEvent(SQLModel, table=True):
    """One event for the HR system. ``event_id`` is its idempotency key: every try,
    and every replay, sends the same id."""

    __tablename__ = "outbox_event"
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, index=True, max_length=36)
    kind: str = Field(index=True, max_length=40)
    subject: str = Field(max_length=120)  # whom it is about: an employee number
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=_utc())
    status: str = Field(default=OutboxStatus.PENDING, index=True, max_length=12)
    attempts: int = Field(default=0)  # tries since it was enqueued or last replayed
    replays: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=_utc(index=True))
    # A deliverer claims an event by writing its token and a lease end; another
    # process skips it until the lease ends (so a crashed deliverer loses nothing).
    lease_owner: str | None = Field(default=None, max_length=40)
    lease_until: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    last_error: str = Field(default="", max_length=500)
    last_status: int | None = Field(default=None)
    delivered_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class OutboxDelivery(SQLModel, table=True):
    """One try at delivering an event: what was sent and what came back."""

    __tablename__ = "outbox_delivery"
    id: int | None = Field(default=None, primary_key=True)
    event_pk: int = Field(foreign_key="outbox_event.id", index=True)
    attempt: int  # the event's try number within its current round
    replay: int = Field(default=0)  # the event's replay count when this try was made
    started_at: datetime = Field(sa_column=_utc())
    duration_ms: float = Field(default=0.0)
    url: str = Field(max_length=500)
    delivered: bool
    http_status: int | None = Field(default=None)
    error: str = Field(default="", max_length=500)
    response_excerpt: str = Field(default="", max_length=500)
    timestamp: str = Field(max_length=20)  # the X-Examsrv-Timestamp header sent
    body: str = Field(sa_column=Column(Text, nullable=False))  # the exact bytes sent, as UTF-8
