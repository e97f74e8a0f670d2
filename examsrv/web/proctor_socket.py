"""The proctor console's websocket, and the waiting room's.

``/ws/proctor/{sitting_id}``: a proctor of the sitting (or an administrator) gets
the roster with each candidate's state, then every change as it happens, and sends
actions (start, pause, resume, extra time, void, move, release, close). Every action
is checked against the seat's state, written to the database with an audit event,
then announced: ``control`` on the attempt's channel (so the process holding the
candidate's connection applies it) and the seat's new row on the sitting's channel.

``/ws/seat/{seat_id}``: a checked-in candidate waits here until the proctor starts
them, then is sent to their test.

Messages are specified in ``docs/protocol.md`` ("The proctor console").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import AuditEvent, Role
from examsrv.persistence.sitting_tables import Seat, Sitting
from examsrv.persistence.sittings import (
    SittingError,
    audit,
    close,
    extra_time,
    is_proctor_of,
    move,
    pause,
    release,
    resume,
    seat_for_attempt,
    start,
    state_of,
    void,
)
from examsrv.proctoring.seat_rules import SeatState
from examsrv.web.context import AppContext, ctx
from examsrv.web.pages_sittings_candidate import attempt_url
from examsrv.web.seat_live import (
    attempt_channel,
    connected_seats,
    publish_seat,
    seat_rows,
    sitting_channel,
)
from examsrv.web.security import SessionUser, current_user, same_origin

log = logging.getLogger(__name__)
ACTIONS = ("start", "pause", "resume", "extra_time", "void", "move", "release", "close")
SEAT_ACTIONS_ALL = ("start", "pause", "resume")  # may be given without a seat: everyone
MAX_FRAME = 4096


def _json(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def _error(code: str, message: str, **extra: Any) -> str:
    return _json({"type": "error", "code": code, "message": message, **extra})


async def _refuse(ws: WebSocket, code: str, message: str, close_code: int) -> None:
    await ws.accept()
    await ws.send_text(_error(code, message))
    await ws.close(code=close_code, reason=code)


def _log_refusal(
    c: AppContext, kind: str, user: SessionUser | None, detail: dict[str, Any]
) -> None:
    with session_scope(c.engine) as s:
        s.add(
            AuditEvent(
                at=c.clock.now(),
                kind=kind,
                actor=user.username if user else "",
                detail=detail,
            )
        )


# --- the console ------------------------------------------------------------------------


async def proctor_socket(ws: WebSocket) -> None:
    c = ctx(ws)
    user = current_user(ws)
    if user is None or not same_origin(ws):
        await _refuse(ws, "not_authenticated", _("Please log in."), 4401)
        return
    try:
        sitting_id = int(ws.path_params["sitting_id"])
    except ValueError:
        await _refuse(ws, "no_such_sitting", _("No such sitting."), 4404)
        return

    def allowed() -> Sitting | None:
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            if sitting is None:
                return None
            if user.role not in (Role.PROCTOR, Role.ADMIN) or not is_proctor_of(
                s, sitting_id, user.id, user.role
            ):
                raise PermissionError
            s.expunge(sitting)
            return sitting

    try:
        sitting = await run_in_threadpool(allowed)
    except PermissionError:
        detail = {"sitting": sitting_id, "role": user.role}
        await run_in_threadpool(_log_refusal, c, "console_refused", user, detail)
        await _refuse(ws, "forbidden", _("You are not a proctor of this sitting."), 4403)
        return
    if sitting is None:
        await _refuse(ws, "no_such_sitting", _("No such sitting."), 4404)
        return
    await ws.accept()
    console = _Console(c, ws, sitting_id, user)
    await console.run()


class _Console:
    def __init__(self, c: AppContext, ws: WebSocket, sitting_id: int, user: SessionUser) -> None:
        self.c, self.ws, self.sitting_id, self.user = c, ws, sitting_id, user
        self.send_lock = asyncio.Lock()

    async def send(self, text: str) -> None:
        async with self.send_lock:
            await self.ws.send_text(text)

    async def run(self) -> None:
        sub = await self.c.bus.subscribe(sitting_channel(self.sitting_id))
        forward: asyncio.Task[None] | None = None
        try:
            # Events published while the snapshot is read wait in the subscription and
            # follow the hello, so the console applies them on top of it, in order.
            await self.send(_json({"type": "hello", **await self.snapshot()}))
            forward = asyncio.create_task(self._forward(sub))
            while True:
                raw = await self.ws.receive_text()
                await self._handle(raw)
        except WebSocketDisconnect:
            return
        finally:
            if forward is not None:
                forward.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await forward
            await self.c.bus.unsubscribe(sub)

    async def _forward(self, sub: Any) -> None:
        while True:
            event = await sub.get()
            if event.get("type") in ("seat", "rows", "progress", "presence", "signal", "sitting"):
                with contextlib.suppress(Exception):
                    await self.send(_json(event))

    async def snapshot(self) -> dict[str, Any]:
        c = self.c

        def seats() -> list[tuple[int, str, int]]:
            with session_scope(c.engine) as s:
                rows = s.exec(
                    select(Seat.id, Seat.attempt_kind, Seat.attempt_id)
                    .where(Seat.sitting_id == self.sitting_id)
                    .where(col(Seat.attempt_id).is_not(None))
                ).all()
                return [(int(i or 0), str(k), int(a or 0)) for i, k, a in rows]

        connected = await connected_seats(c, await run_in_threadpool(seats))

        def build() -> dict[str, Any]:
            with session_scope(c.engine) as s:
                sitting = s.get(Sitting, self.sitting_id)
                assert sitting is not None
                return {
                    "sitting": _sitting_info(sitting),
                    "rows": seat_rows(s, sitting, connected, c.clock.now()),
                }

        data: dict[str, Any] = await run_in_threadpool(build)
        return data

    async def _handle(self, raw: str) -> None:
        if len(raw) > MAX_FRAME:
            await self.send(_error("frame_too_large", _("The message is too large.")))
            return
        try:
            msg = orjson.loads(raw)
        except orjson.JSONDecodeError:
            msg = None
        if not isinstance(msg, dict):
            await self.send(_error("malformed_frame", _("The message could not be read.")))
            return
        action = msg.get("type") or msg.get("action")
        if action == "snapshot":
            await self.send(_json({"type": "hello", **await self.snapshot()}))
            return
        if action not in ACTIONS:
            await self.send(_error("unknown_type", _("Unknown message type.")))
            return
        seat = _int(msg.get("seat"))
        if seat is None and action not in (*SEAT_ACTIONS_ALL, "release", "close"):
            await self.send(_error("seat_required", _("Say which candidate."), action=action))
            return
        try:
            changed = await run_in_threadpool(self._apply, str(action), seat, msg)
        except SittingError as exc:
            await self.send(_error(exc.code, str(exc), action=action, seat=seat))
            return
        for _seat, kind, attempt_id in changed:
            if kind and attempt_id:
                await self.c.bus.publish(attempt_channel(kind, attempt_id), {"type": "control"})
        # The proctor hears back first; the rows follow (for a whole room, in one frame).
        await self.send(
            _json({"type": "ok", "action": action, "seats": [sid for sid, _k, _a in changed]})
        )
        await self._announce(str(action), changed, everyone=seat is None)

    def _apply(
        self, action: str, seat_id: int | None, msg: dict[str, Any]
    ) -> list[tuple[int, str, int]]:
        """Apply one action; returns (seat, attempt kind, attempt id) of each seat changed."""
        c, actor = self.c, self.user.username
        with session_scope(c.engine) as s:
            now = c.clock.now()
            sitting = s.get(Sitting, self.sitting_id)
            assert sitting is not None
            if action == "release":
                release(s, sitting, now=now, actor=actor)
                return []
            if action == "close":
                close(s, sitting, now=now, actor=actor)
                return []
            if seat_id is None:
                seats = list(s.exec(select(Seat).where(Seat.sitting_id == self.sitting_id)))
            else:
                one = s.get(Seat, seat_id)
                if one is None or one.sitting_id != self.sitting_id:
                    s.add(
                        AuditEvent(
                            at=now,
                            kind="action_refused",
                            actor=actor,
                            detail={"sitting": self.sitting_id, "seat": seat_id, "action": action},
                        )
                    )
                    s.commit()
                    raise SittingError(
                        _("That candidate is not in this sitting."), "not_in_sitting"
                    )
                seats = [one]
            changed: list[Seat] = []
            if action == "start":
                changed = start(s, sitting, seats, now=now, actor=actor)
                if seat_id is not None and not changed:
                    raise SittingError(
                        _("This candidate has not checked in, or has started."), "not_allowed"
                    )
            else:
                for seat in seats:
                    try:
                        self._one(s, sitting, seat, action, msg, now)
                    except SittingError:
                        if seat_id is not None:
                            raise
                        continue  # "everyone": those to whom it does not apply are skipped
                    changed.append(seat)
            s.flush()
            return [(x.id or 0, x.attempt_kind or "", x.attempt_id or 0) for x in changed]

    def _one(
        self, s: Any, sitting: Sitting, seat: Seat, action: str, msg: dict[str, Any], now: Any
    ) -> None:
        actor = self.user.username
        reason = msg.get("reason") if isinstance(msg.get("reason"), str) else ""
        if action == "pause":
            pause(s, sitting, seat, reason=reason or "", now=now, actor=actor)
        elif action == "resume":
            resume(s, sitting, seat, now=now, actor=actor)
        elif action == "extra_time":
            minutes = _int(msg.get("minutes"))
            extra_time(s, sitting, seat, minutes=minutes or 0, now=now, actor=actor)
        elif action == "void":
            void(s, sitting, seat, reason=reason or "", now=now, actor=actor)
        elif action == "move":
            move(s, sitting, seat, now=now, actor=actor)

    async def _announce(
        self, action: str, changed: list[tuple[int, str, int]], *, everyone: bool = False
    ) -> None:
        channel = sitting_channel(self.sitting_id)
        if action == "start" and changed:
            await self.c.bus.publish(
                channel, {"type": "started", "seats": [sid for sid, _k, _a in changed]}
            )
        if action in ("release", "close", "start"):
            await self.c.bus.publish(
                channel, {"type": "sitting", "sitting": await run_in_threadpool(self._info)}
            )
        if action in ("release", "close"):
            return
        if everyone and len(changed) > 1:
            snapshot = await self.snapshot()
            await self.c.bus.publish(channel, {"type": "rows", "rows": snapshot["rows"]})
            return
        for seat_id, _kind, _attempt in changed:
            await publish_seat(self.c, seat_id)

    def _info(self) -> dict[str, Any]:
        with session_scope(self.c.engine) as s:
            sitting = s.get(Sitting, self.sitting_id)
            assert sitting is not None
            return _sitting_info(sitting)


def _sitting_info(sitting: Sitting) -> dict[str, Any]:
    return {
        "id": sitting.id,
        "name": sitting.name,
        "test": sitting.test,
        "case_level": sitting.case_level,
        "room": sitting.room,
        "status": sitting.status,
        "release_rule": sitting.release_rule,
        "released": sitting.released_at is not None,
    }


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
        return int(value.strip())
    return None


# --- the waiting room -----------------------------------------------------------------------


async def seat_socket(ws: WebSocket) -> None:
    c = ctx(ws)
    user = current_user(ws)
    if user is None or not same_origin(ws):
        await _refuse(ws, "not_authenticated", _("Please log in."), 4401)
        return
    try:
        seat_id = int(ws.path_params["seat_id"])
    except ValueError:
        await _refuse(ws, "no_such_seat", _("No such seat."), 4404)
        return

    def load() -> Seat | None:
        with session_scope(c.engine) as s:
            seat = s.get(Seat, seat_id)
            if seat is not None:
                s.expunge(seat)
            return seat

    seat = await run_in_threadpool(load)
    if seat is None or user.role != Role.CANDIDATE or seat.employee_id != user.employee_id:
        await _refuse(ws, "no_such_seat", _("No such seat."), 4404)
        return
    await ws.accept()
    sub = await c.bus.subscribe(sitting_channel(seat.sitting_id))
    try:
        if await _tell_state(ws, c, seat_id):
            return
        watcher = asyncio.create_task(_drain(ws))
        try:
            while not watcher.done():
                get = asyncio.ensure_future(sub.get())
                done, _pending = await asyncio.wait(
                    {get, watcher}, return_when=asyncio.FIRST_COMPLETED
                )
                if get not in done:
                    get.cancel()
                    break
                event = get.result()
                mine = event.get("seat") == seat_id or seat_id in event.get("seats", [])
                rows = event.get("rows") or [event.get("row")]
                if any(isinstance(r, dict) and r.get("seat") == seat_id for r in rows):
                    mine = True
                if mine and await _tell_state(ws, c, seat_id):
                    return
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await watcher
    except WebSocketDisconnect:
        return
    finally:
        await c.bus.unsubscribe(sub)


async def _drain(ws: WebSocket) -> None:
    """Read (and ignore) what the waiting page sends, to notice it leave."""
    while True:
        await ws.receive_text()


async def _tell_state(ws: WebSocket, c: AppContext, seat_id: int) -> bool:
    """Send the seat's state; True when the candidate is sent on (started or voided)."""

    def load() -> Seat | None:
        with session_scope(c.engine) as s:
            seat = s.get(Seat, seat_id)
            if seat is not None:
                s.expunge(seat)
            return seat

    seat = await run_in_threadpool(load)
    if seat is None:
        return True
    state = state_of(seat)
    if state == SeatState.VOIDED:
        await ws.send_text(_json({"type": "voided", "reason": seat.void_reason}))
        await ws.close(code=1000)
        return True
    if seat.started_at is not None:
        await ws.send_text(_json({"type": "go", "url": attempt_url(seat)}))
        await ws.close(code=1000)
        return True
    if state == SeatState.PAUSED:
        await ws.send_text(_json({"type": "paused", "reason": seat.pause_reason}))
    else:
        await ws.send_text(_json({"type": "waiting", "state": state.value}))
    return False


def log_candidate_proctor_message(c: AppContext, username: str, attempt_id: int, kind: str) -> None:
    """A candidate's socket sent a proctor's message: refused, and kept in the audit log."""
    with session_scope(c.engine) as s:
        seat = seat_for_attempt(s, kind, attempt_id)
        detail = {"attempt_kind": kind, "attempt": attempt_id}
        if seat is not None:  # audit() adds the attempt to the detail itself
            audit(s, seat, "candidate_sent_proctor_message", now=c.clock.now(), actor=username)
        else:
            s.add(
                AuditEvent(
                    at=c.clock.now(),
                    kind="candidate_sent_proctor_message",
                    actor=username,
                    detail=detail,
                )
            )
