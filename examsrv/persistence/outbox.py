"""The HR webhook outbox: events are written with the change they report, then
claimed, tried and settled by the deliverer (``examsrv.hr_push.deliverer``).

Claiming is safe with several server processes: a deliverer takes an event by a
conditional UPDATE that writes its owner token and a lease end, and only if the
event is still pending, due and unleased (on PostgreSQL the candidates are read
with ``FOR UPDATE SKIP LOCKED`` so two claimers do not even wait on each other;
SQLite has one writer at a time). A deliverer that dies mid-try loses nothing:
its lease ends and the event is tried again, with the same event id.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, func, or_, update
from sqlmodel import Session, col, select

from examsrv.hr_push import signing
from examsrv.persistence.case_tables import CaseAttempt
from examsrv.persistence.models import AuditEvent, Employee, TrialAttempt
from examsrv.persistence.outbox_tables import OutboxDelivery, OutboxEvent, OutboxStatus

EVENT_KINDS = (
    "trial.finished",
    "case_test.released",
    "level.changed",
    "certificate.issued",
    "certificate.revoked",
    "appeal.decided",
)
REPLAYABLE = (OutboxStatus.PARKED, OutboxStatus.DELIVERED)


class OutboxError(ValueError):
    """An event that cannot be written or a step that is not allowed; the message is
    an English message id."""


def utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every time here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def enqueue(
    session: Session, *, kind: str, subject: str, payload: dict[str, Any], now: datetime
) -> OutboxEvent:
    """Add an event to the caller's transaction: it exists only if that commits.

    The new event's UUID (``event_id``) is its idempotency key. The payload must be
    JSON (checked here, so a bad payload fails the caller's change, not a delivery).
    """
    if kind not in EVENT_KINDS:
        raise OutboxError(f"unknown event kind {kind!r}")
    try:
        signing.canonical_json(payload)
    except (TypeError, ValueError) as exc:
        raise OutboxError(f"the payload of {kind} is not JSON: {exc}") from exc
    event = OutboxEvent(
        event_id=str(uuid.uuid4()),
        kind=kind,
        subject=subject,
        payload=payload,
        created_at=now,
        status=OutboxStatus.PENDING,
        next_attempt_at=now,
    )
    session.add(event)
    return event


def enqueue_trial_finished(
    session: Session, attempt: TrialAttempt, *, now: datetime
) -> OutboxEvent:
    """The ``trial.finished`` event of a lookup trial just graded."""
    result = dict(attempt.result or {})
    return enqueue(
        session,
        kind="trial.finished",
        subject=_employee_no(session, attempt.employee_id),
        payload={
            "employee_no": _employee_no(session, attempt.employee_id),
            "attempt_id": attempt.id,
            "status": str(attempt.status),
            "started_at": signing.iso_utc(attempt.started_at),
            "finished_at": signing.iso_utc(now),
            "passed": bool(result.get("passed")),
            "level_reached": result.get("level_reached"),
            "result": result,
        },
        now=now,
    )


def enqueue_case_test_released(
    session: Session, attempt: CaseAttempt, *, passed: bool, percent: float, now: datetime
) -> OutboxEvent:
    """The ``case_test.released`` event of a case test whose pass or fail is final."""
    submitted = attempt.submitted_at
    return enqueue(
        session,
        kind="case_test.released",
        subject=_employee_no(session, attempt.employee_id),
        payload={
            "employee_no": _employee_no(session, attempt.employee_id),
            "attempt_id": attempt.id,
            "level": attempt.level,
            "passed": passed,
            "percent": percent,
            "earned": attempt.earned,
            "possible": attempt.possible,
            "submitted_at": None if submitted is None else signing.iso_utc(submitted),
            "released_at": signing.iso_utc(now),
        },
        now=now,
    )


def _employee_no(session: Session, employee_id: int) -> str:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise OutboxError(f"no employee {employee_id}")
    return employee.employee_no


def body_of(event: OutboxEvent) -> bytes:
    """The exact request body of ``event`` (the same on every try and replay)."""
    return signing.body(
        event_id=event.event_id,
        kind=event.kind,
        subject=event.subject,
        occurred_at=utc(event.created_at),
        data=event.payload,
    )


def claim_due(
    session: Session, *, now: datetime, owner: str, lease_s: float, limit: int = 1
) -> list[OutboxEvent]:
    """Lease up to ``limit`` due events to ``owner`` and return them; commit to publish
    the lease. An event leased by another owner whose lease has not ended is skipped."""
    due = (
        select(OutboxEvent.id)
        .where(col(OutboxEvent.status) == OutboxStatus.PENDING)
        .where(col(OutboxEvent.next_attempt_at) <= now)
        .where(or_(col(OutboxEvent.lease_until).is_(None), col(OutboxEvent.lease_until) <= now))
        .order_by(col(OutboxEvent.next_attempt_at), col(OutboxEvent.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    until = now + timedelta(seconds=lease_s)
    claimed: list[int] = []
    for event_pk in session.exec(due).all():
        taken = session.execute(
            update(OutboxEvent)
            .where(col(OutboxEvent.id) == event_pk)
            .where(col(OutboxEvent.status) == OutboxStatus.PENDING)
            .where(or_(col(OutboxEvent.lease_until).is_(None), col(OutboxEvent.lease_until) <= now))
            .values(lease_owner=owner, lease_until=until)
        )
        if _rowcount(taken) == 1 and event_pk is not None:
            claimed.append(event_pk)
    if not claimed:
        return []
    rows = session.exec(
        select(OutboxEvent)
        .where(col(OutboxEvent.id).in_(claimed))
        .order_by(col(OutboxEvent.next_attempt_at), col(OutboxEvent.id))
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


@dataclass(frozen=True)
class TryRecord:
    """What one try sent and what came back."""

    started_at: datetime
    duration_ms: float
    url: str
    delivered: bool
    http_status: int | None
    error: str
    response_excerpt: str
    timestamp: str
    body: str


def settle(
    session: Session,
    event_pk: int,
    *,
    owner: str,
    record: TryRecord,
    now: datetime,
    retry_at: datetime,
    max_attempts: int,
) -> str:
    """Log the try and move the event on: delivered, retried at ``retry_at``, or parked
    after ``max_attempts`` tries. Returns the event's status afterwards.

    A success settles the event whoever holds the lease (the endpoint has it now);
    a failure only counts if ``owner`` still holds the lease, so a deliverer that
    was presumed dead cannot undo another's newer work.
    """
    event = session.get(OutboxEvent, event_pk, populate_existing=True)
    if event is None:
        raise OutboxError("no such event")
    session.add(
        OutboxDelivery(
            event_pk=event_pk,
            attempt=event.attempts + 1,
            replay=event.replays,
            started_at=record.started_at,
            duration_ms=record.duration_ms,
            url=record.url[:500],
            delivered=record.delivered,
            http_status=record.http_status,
            error=record.error[:500],
            response_excerpt=record.response_excerpt[:500],
            timestamp=record.timestamp,
            body=record.body,
        )
    )
    if event.status != OutboxStatus.PENDING:
        return event.status  # settled meanwhile by another deliverer: only logged
    values: dict[str, Any] = {
        "attempts": event.attempts + 1,
        "last_status": record.http_status,
        "lease_owner": None,
        "lease_until": None,
    }
    guard = update(OutboxEvent).where(col(OutboxEvent.id) == event_pk)
    guard = guard.where(col(OutboxEvent.status) == OutboxStatus.PENDING)
    if record.delivered:
        values |= {"status": OutboxStatus.DELIVERED, "delivered_at": now, "last_error": ""}
    else:
        guard = guard.where(col(OutboxEvent.lease_owner) == owner)
        parked = event.attempts + 1 >= max_attempts
        values |= {
            "status": OutboxStatus.PARKED if parked else OutboxStatus.PENDING,
            "last_error": record.error[:500],
            "next_attempt_at": now if parked else retry_at,
        }
    if _rowcount(session.execute(guard.values(**values))) == 1:
        return str(values["status"])
    session.refresh(event)
    return event.status


def replay(session: Session, event_pk: int, *, now: datetime, actor: str) -> OutboxEvent:
    """Send a parked or delivered event again, with the same event id, as soon as the
    deliverer next looks; its tries count from zero again."""
    event = session.get(OutboxEvent, event_pk)
    if event is None:
        raise OutboxError("No such event.")
    if event.status not in REPLAYABLE:
        raise OutboxError("Only a parked or delivered event can be replayed.")
    before = event.status
    event.status = OutboxStatus.PENDING
    event.attempts = 0
    event.replays += 1
    event.next_attempt_at = now
    event.lease_owner = None
    event.lease_until = None
    session.add(event)
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            kind="outbox_replay",
            detail={"event_id": event.event_id, "kind": event.kind, "was": before},
        )
    )
    return event


def replay_parked(session: Session, *, now: datetime, actor: str) -> int:
    """Replay every parked event; returns how many."""
    parked = session.exec(
        select(OutboxEvent.id).where(OutboxEvent.status == OutboxStatus.PARKED)
    ).all()
    for event_pk in parked:
        if event_pk is not None:
            replay(session, event_pk, now=now, actor=actor)
    return len(parked)


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(OutboxEvent.status, func.count()).group_by(col(OutboxEvent.status))
    ).all()
    counts = {str(s): 0 for s in OutboxStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


def list_events(
    session: Session, *, status: str | None, kind: str | None, offset: int, limit: int
) -> tuple[list[OutboxEvent], int]:
    query = select(OutboxEvent)
    count = select(func.count()).select_from(OutboxEvent)
    if status:
        query, count = (
            query.where(OutboxEvent.status == status),
            count.where(OutboxEvent.status == status),
        )
    if kind:
        query, count = query.where(OutboxEvent.kind == kind), count.where(OutboxEvent.kind == kind)
    rows = session.exec(query.order_by(col(OutboxEvent.id).desc()).offset(offset).limit(limit))
    return list(rows.all()), int(session.exec(count).one())


def deliveries_of(session: Session, event_pk: int) -> list[OutboxDelivery]:
    return list(
        session.exec(
            select(OutboxDelivery)
            .where(OutboxDelivery.event_pk == event_pk)
            .order_by(col(OutboxDelivery.id).desc())
        ).all()
    )


def pretty_body(raw: str) -> str:
    """A body laid out for reading (the stored bytes are what was sent)."""
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return raw


def _rowcount(result: Any) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
