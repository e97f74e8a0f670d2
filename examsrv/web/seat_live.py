"""The live side of a proctored seat: channel names, the proctor's control as a socket
sees it, and the rows and events a proctor console shows.

Proctor actions change the seat in the database, then publish ``{"type": "control"}``
on the attempt's channel; the one process holding the attempt's connection reads
the seat again and applies it (pause, resume, extra time, void, move). Candidate
sockets publish progress, presence and integrity signals on the sitting's channel,
which every console of that sitting follows, on whichever process it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from examsrv.persistence.case_tables import CaseAttempt
from examsrv.persistence.case_tests import aware
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, TrialAnswer, TrialAttempt
from examsrv.persistence.sitting_tables import Seat, Sitting, SittingTest
from examsrv.persistence.sittings import (
    answered_counts,
    audit,
    result_released,
    roster,
    seat_for_attempt,
    state_of,
)
from examsrv.proctoring.integrity import (
    MIN_IDENTICAL_WRONG,
    SimilarPair,
    normalise_answer,
    shared_mistakes,
    similar_pairs,
)
from examsrv.proctoring.pause_clock import remaining_ms
from examsrv.web.context import AppContext
from examsrv.web.live_bus import LiveBus

log = logging.getLogger(__name__)
CLAIM_TTL_MS = 30_000  # a dead process frees its attempts after this long
CLAIM_REFRESH_S = 10.0


CLAIM_GRACE_S = 2.0  # how long a new connection waits for a closing one to let go


async def claim_attempt(c: AppContext, key: str, token: str) -> bool:
    """Claim an attempt for a new connection, waiting briefly for one that is closing.

    A connection that has just closed still writes where its task's clock stood before
    it lets go of the attempt; a reconnect arriving meanwhile waits for that instead of
    being refused.
    """
    loop = asyncio.get_running_loop()
    give_up = loop.time() + CLAIM_GRACE_S
    while not await c.bus.claim(key, token, CLAIM_TTL_MS):
        if loop.time() >= give_up:
            return False
        await asyncio.sleep(0.05)
    return True


class StoppableReceiver:
    """A connection's reads, which ``stop`` ends from elsewhere with WebSocketDisconnect.

    A proctor's move or void closes a connection from the server side; the old machine
    may never answer the close, so its pending read is cancelled rather than awaited.
    One task per read and nothing else: this is on the path of every answer.
    """

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.stopped = False
        self._pending: asyncio.Future[str] | None = None

    def stop(self) -> None:
        self.stopped = True
        if self._pending is not None:
            self._pending.cancel()  # a read already completed keeps its frame

    async def receive(self) -> str:
        if self.stopped:
            raise WebSocketDisconnect(1000)
        pending = self._pending = asyncio.ensure_future(self.ws.receive_text())
        try:
            return await pending
        except asyncio.CancelledError:
            this = asyncio.current_task()
            if self.stopped and (this is None or not this.cancelling()):
                raise WebSocketDisconnect(1000) from None
            raise  # the handler itself is being cancelled
        finally:
            self._pending = None


async def keep_claim(bus: LiveBus, key: str, token: str) -> None:
    """Hold an attempt's claim while the connection lives; return when another holds it.

    A claim that lapsed (Redis restarted without its data, or was unreachable longer than
    the TTL) is taken again if nobody else took it meanwhile, so the candidate notices
    nothing; while the bus is unreachable the connection is kept and refreshing retried.
    """
    while True:
        await asyncio.sleep(CLAIM_REFRESH_S)
        try:
            if await bus.refresh(key, token, CLAIM_TTL_MS) or await bus.claim(
                key, token, CLAIM_TTL_MS
            ):
                continue
        except Exception:
            log.exception("refreshing the claim %s", key)
            continue
        log.warning("claim %s taken by another connection; closing this one", key)
        return


_detached: set[asyncio.Future[None]] = set()


async def run_to_the_end(work: Coroutine[Any, Any, None]) -> None:
    """Await ``work``, which goes on even if the caller is cancelled (a closing socket)."""
    task = asyncio.ensure_future(work)
    _detached.add(task)
    task.add_done_callback(_detached.discard)
    await asyncio.shield(task)


async def finish_detached(timeout_s: float = 10.0) -> None:
    """Let the closing work of connections end (at shutdown, before the database goes)."""
    pending = [task for task in _detached if not task.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout_s)


def detach(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` in the background, keeping a reference until it ends."""
    task = asyncio.ensure_future(work)
    _detached.add(task)
    task.add_done_callback(_detached.discard)


def sitting_channel(sitting_id: int) -> str:
    return f"sitting:{sitting_id}"


def attempt_channel(kind: str, attempt_id: int) -> str:
    return f"attempt:{kind}:{attempt_id}"


def claim_key(kind: str, attempt_id: int) -> str:
    return f"live:{kind}:{attempt_id}"


@dataclass(frozen=True)
class SeatControl:
    """What the proctor has decided about one attempt, as its socket needs it."""

    seat_id: int
    sitting_id: int
    started: bool
    paused: bool
    pause_reason: str
    extra_ms: int
    voided: bool
    void_reason: str
    moves: int
    released: bool
    paused_at: datetime | None = None


def control_of(session: Session, kind: str, attempt_id: int) -> SeatControl | None:
    seat = seat_for_attempt(session, kind, attempt_id)
    if seat is None:
        return None
    return SeatControl(
        seat_id=seat.id or 0,
        sitting_id=seat.sitting_id,
        started=seat.started_at is not None,
        paused=seat.paused_at is not None,
        pause_reason=seat.pause_reason,
        extra_ms=seat.extra_ms,
        voided=seat.voided_at is not None,
        void_reason=seat.void_reason,
        moves=seat.moves,
        released=result_released(session, kind, attempt_id),
        paused_at=aware(seat.paused_at) if seat.paused_at is not None else None,
    )


def load_control(c: AppContext, kind: str, attempt_id: int) -> SeatControl | None:
    with session_scope(c.engine) as s:
        return control_of(s, kind, attempt_id)


def log_signal(
    c: AppContext, seat_id: int, kind: str, *, actor: str, detail: dict[str, Any]
) -> datetime:
    now = c.clock.now()
    with session_scope(c.engine) as s:
        seat = s.get(Seat, seat_id)
        if seat is not None:
            audit(s, seat, f"signal:{kind}", now=now, actor=actor, detail=detail)
    return now


async def publish_signal(
    c: AppContext, control: SeatControl, kind: str, at: datetime, detail: dict[str, Any]
) -> None:
    await c.bus.publish(
        sitting_channel(control.sitting_id),
        {
            "type": "signal",
            "seat": control.seat_id,
            "kind": kind,
            "at": at.isoformat(),
            "detail": detail,
        },
    )


# --- the console's rows ------------------------------------------------------------------


def seat_rows(
    session: Session, sitting: Sitting, connected: set[int], now: datetime
) -> list[dict[str, Any]]:
    """One row per rostered candidate, as the console shows it."""
    pairs = roster(session, sitting.id or 0)
    lookup_ids = [
        s.attempt_id for s, _e in pairs if s.attempt_kind == SittingTest.LOOKUP and s.attempt_id
    ]
    counts = answered_counts(session, lookup_ids)
    return [_row(session, seat, emp, counts, connected, now) for seat, emp in pairs]


def seat_row(session: Session, seat: Seat, connected: bool, now: datetime) -> dict[str, Any]:
    emp = session.get(Employee, seat.employee_id)
    assert emp is not None
    ids = [seat.attempt_id] if seat.attempt_kind == SittingTest.LOOKUP and seat.attempt_id else []
    counts = answered_counts(session, ids)
    return _row(session, seat, emp, counts, {seat.id or 0} if connected else set(), now)


def _row(
    session: Session,
    seat: Seat,
    emp: Employee,
    counts: dict[int, tuple[int, float]],
    connected: set[int],
    now: datetime,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seat": seat.id,
        "employee_no": emp.employee_no,
        "name": emp.name,
        "state": state_of(seat).value,
        "connected": (seat.id or 0) in connected,
        "attempt_kind": seat.attempt_kind,
        "attempt": seat.attempt_id,
        "extra_minutes": seat.extra_ms // 60_000,
        "pause_reason": seat.pause_reason,
        "void_reason": seat.void_reason,
        "moves": seat.moves,
        "answered": 0,
        "of": 0,
        "elapsed_ms": 0,
        "remaining_ms": None,
    }
    if seat.attempt_kind == SittingTest.LOOKUP and seat.attempt_id:
        attempt = session.get(TrialAttempt, seat.attempt_id)
        answered, ms = counts.get(seat.attempt_id, (0, 0.0))
        row["answered"], row["elapsed_ms"] = answered, round(ms)
        row["of"] = len(attempt.form) if attempt is not None else 0
    elif seat.attempt_kind == SittingTest.CASE and seat.attempt_id:
        case = session.get(CaseAttempt, seat.attempt_id)
        if case is not None:
            row["of"] = len(case.versions)
            row["answered"] = case.position
            if seat.started_at is not None:
                started = aware(seat.started_at)
                row["elapsed_ms"] = max(round((now - started).total_seconds() * 1000), 0)
                row["remaining_ms"] = remaining_ms(
                    aware(case.deadline_at),
                    now,
                    aware(seat.paused_at) if seat.paused_at else None,
                )
    return row


async def connected_seats(c: AppContext, rows_seats: list[tuple[int, str, int]]) -> set[int]:
    """Of (seat id, attempt kind, attempt id), the seats whose attempt has a live connection."""
    found = set()
    for seat_id, kind, attempt_id in rows_seats:
        if await c.bus.holder(claim_key(kind, attempt_id)) is not None:
            found.add(seat_id)
    return found


async def publish_seat(c: AppContext, seat_id: int) -> None:
    """Send the seat's current row to every console of its sitting."""

    def build() -> tuple[int, Seat] | None:
        with session_scope(c.engine) as s:
            seat = s.get(Seat, seat_id)
            if seat is None:
                return None
            s.expunge(seat)
            return seat.sitting_id, seat

    found = await run_in_threadpool(build)
    if found is None:
        return
    sitting_id, seat = found
    connected = False
    if seat.attempt_kind and seat.attempt_id:
        connected = await c.bus.holder(claim_key(seat.attempt_kind, seat.attempt_id)) is not None

    def row() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            fresh = s.get(Seat, seat_id)
            assert fresh is not None
            return seat_row(s, fresh, connected, c.clock.now())

    await c.bus.publish(
        sitting_channel(sitting_id), {"type": "seat", "row": await run_in_threadpool(row)}
    )


def similar_in_sitting(
    c: AppContext, sitting_id: int, seat_id: int
) -> list[tuple[int, SimilarPair]]:
    """Pairs of this seat with others of its sitting whose lookup answers agree suspiciously.

    Run at every finish, so it reads little: the seat's own answers, the others' answers
    to the questions this seat got wrong, and the whole answers of only those seats that
    share enough of its mistakes (``shared_mistakes``) — not every answer of the sitting.
    """
    seat = Seat.__table__  # type: ignore[attr-defined]
    answer = TrialAnswer.__table__  # type: ignore[attr-defined]
    in_sitting = (
        select(seat.c.attempt_id, seat.c.id)
        .where(seat.c.sitting_id == sitting_id)
        .where(seat.c.attempt_kind == SittingTest.LOOKUP)
        .where(seat.c.attempt_id.is_not(None))
    )
    with session_scope(c.engine) as s:
        conn = s.connection()
        by_attempt = {int(a): int(sid) for a, sid in conn.execute(in_sitting)}
        own = [a for a, sid in by_attempt.items() if sid == seat_id]
        if not own:
            return []

        def answers_by_seat(attempts: list[int]) -> dict[int, dict[int, tuple[str, bool]]]:
            found: dict[int, dict[int, tuple[str, bool]]] = {}
            rows = conn.execute(
                select(
                    answer.c.attempt_id, answer.c.task_id, answer.c.given, answer.c.correct
                ).where(answer.c.attempt_id.in_(attempts))
            )
            for attempt_id, task_id, given, correct in rows:
                seat_answers = found.setdefault(by_attempt[attempt_id], {})
                seat_answers[task_id] = (normalise_answer(given), bool(correct))
            return found

        mine = answers_by_seat(own).get(seat_id, {})
        wrong = [task for task, (_given, correct) in mine.items() if not correct]
        if len(wrong) < MIN_IDENTICAL_WRONG:
            return []
        others = [a for a, sid in by_attempt.items() if sid != seat_id]
        theirs = conn.execute(
            select(answer.c.attempt_id, answer.c.task_id, answer.c.given)
            .where(answer.c.attempt_id.in_(select(in_sitting.subquery().c.attempt_id)))
            .where(answer.c.task_id.in_(wrong))
        )
        counts = shared_mistakes(
            mine,
            (
                (by_attempt[a], task, normalise_answer(given))
                for a, task, given in theirs
                if by_attempt.get(a, seat_id) != seat_id
            ),
        )
        suspects = [a for a in others if counts[by_attempt[a]] >= MIN_IDENTICAL_WRONG]
        answers = {seat_id: mine, **answers_by_seat(suspects)} if suspects else {seat_id: mine}
    pairs = similar_pairs(answers, of_seat=seat_id)
    return [(p.seat_b if p.seat_a == seat_id else p.seat_a, p) for p in pairs]
