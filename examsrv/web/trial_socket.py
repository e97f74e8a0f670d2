"""The lookup-trial websocket: one connection per attempt, timed by the server.

The handler reads the monotonic clock at exactly two places: right after a task
frame has been written, and right after an answer frame has been read, before
the frame is parsed or anything touches the database. Everything between those
readings is the candidate's time; everything after the read (parsing, grading,
the durable write, the acknowledgement) is not.

The message protocol is specified in ``docs/protocol.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from examsrv import i18n
from examsrv.itembank.answers import AnswerKey
from examsrv.persistence.engine import session_scope
from examsrv.persistence.knowledge import task_spec
from examsrv.persistence.models import AttemptStatus, Role, Task, TrialAttempt
from examsrv.persistence.sitting_tables import SittingTest
from examsrv.persistence.sittings import mark_finished, seat_result_released
from examsrv.persistence.trials import (
    answers_of,
    finish_attempt,
    record_connection_event,
    refresh_progress,
    task_versions,
    tasks_by_id,
)
from examsrv.proctoring.integrity import CLIENT_SIGNALS, Signal, strongest, too_fast
from examsrv.timing.trial_session import (
    NS_PER_MS,
    AnswerRecord,
    LiveTask,
    TrialSession,
    Verdict,
)
from examsrv.web.context import AppContext, LiveTrial, ctx
from examsrv.web.proctor_socket import ACTIONS as PROCTOR_ACTIONS
from examsrv.web.proctor_socket import log_candidate_proctor_message
from examsrv.web.seat_live import (
    SeatControl,
    StoppableReceiver,
    attempt_channel,
    claim_attempt,
    claim_key,
    control_of,
    detach,
    keep_claim,
    load_control,
    log_signal,
    publish_seat,
    publish_signal,
    run_to_the_end,
    similar_in_sitting,
    sitting_channel,
)
from examsrv.web.security import current_user, same_origin
from examsrv.web.trial_frames import CLOSE_CODES, FrameWriter, ping

log = logging.getLogger(__name__)
_connection_ids = itertools.count(1)
PINGS = 3
PING_TIMEOUT_S = 2.0
MAX_BAD_FRAMES = 20
SIGNAL_GAP_MS = 1000


@dataclass
class _Loaded:
    attempt: TrialAttempt
    tasks: list[Task]
    answered: list[AnswerRecord]
    control: SeatControl | None


def _load(c: AppContext, attempt_id: int) -> _Loaded | None:
    """The attempt and the proctor's control of it: enough to admit or refuse a connection."""
    with session_scope(c.engine) as s:
        attempt = s.get(TrialAttempt, attempt_id)
        if attempt is None:
            return None
        return _Loaded(attempt, [], [], control_of(s, SittingTest.LOOKUP, attempt_id))


def _load_progress(c: AppContext, loaded: _Loaded) -> _Loaded:
    """Once the connection holds the attempt: its tasks and the answers saved so far,
    read after any earlier connection has written where its clock stood."""
    with session_scope(c.engine) as s:
        attempt = loaded.attempt
        refresh_progress(s, attempt)
        answered = [
            AnswerRecord(a.seq, a.task_id, a.given, a.correct, a.raw_ms, a.network_ms, a.resumed)
            for a in answers_of(s, attempt.id or 0)
        ]
        by_id = _tasks(c, s, attempt.form)
        return _Loaded(attempt, [by_id[t] for t in attempt.form], answered, loaded.control)


def _tasks(c: AppContext, s: Session, ids: list[int]) -> dict[int, Task]:
    """The form's tasks, from this process's cache where their version is unchanged.

    Every candidate of a sitting connects at once with tasks from the same bank; reading
    100 whole rows per connection was the biggest share of starting a room.
    """
    versions = task_versions(s, ids)
    cache = c.task_rows
    stale = [i for i in ids if i not in cache or cache[i].version != versions.get(i)]
    if stale:
        for task in tasks_by_id(s, stale).values():
            s.expunge(task)
            cache[task.id or 0] = task
    return {i: cache[i] for i in ids}


def _live_task(c: AppContext, task: Task) -> LiveTask:
    """The task as a live session checks it, built once per process for each version.

    Shared by every connection given the task: a process holding thousands of trials keeps
    a few hundred of these instead of a hundred per trial for its garbage collector to walk.
    """
    cache_key = (task.id or 0, task.version)
    live = c.live_tasks.get(cache_key)
    if live is None:
        accepts = AnswerKey.from_spec(task_spec(task, "")).accepts
        live = c.live_tasks[cache_key] = LiveTask(task.id or 0, accepts)
    return live


def _live_session(c: AppContext, loaded: _Loaded) -> TrialSession:
    return TrialSession(
        tasks=[_live_task(c, t) for t in loaded.tasks],
        network_cap_ms=c.settings.network_allowance_cap_ms,
        answered={rec.seq: rec for rec in loaded.answered},
    )


async def _refuse(ws: WebSocket, frames: FrameWriter, code: str) -> None:
    await ws.accept()
    await ws.send_text(frames.error(code))
    await ws.close(code=CLOSE_CODES[code], reason=code)


async def trial_socket(ws: WebSocket) -> None:
    c = ctx(ws)
    fmt = "html" if ws.query_params.get("format") == "html" else "json"
    frames = FrameWriter(fmt, c.templates, i18n.current_locale())
    user = current_user(ws)
    if user is None or not same_origin(ws):
        await _refuse(ws, frames, "not_authenticated")
        return
    if user.role != Role.CANDIDATE:
        await _refuse(ws, frames, "forbidden")
        return
    try:
        attempt_id = int(ws.path_params["attempt_id"])
    except ValueError:
        await _refuse(ws, frames, "no_such_attempt")
        return
    loaded = await run_in_threadpool(_load, c, attempt_id)
    if loaded is None:
        await _refuse(ws, frames, "no_such_attempt")
        return
    if loaded.attempt.employee_id != user.employee_id:
        await _refuse(ws, frames, "forbidden")
        return
    control = loaded.control
    if loaded.attempt.status != AttemptStatus.IN_PROGRESS:
        await ws.accept()
        released = control is None or control.released
        result = (loaded.attempt.result or {}) if released else {}
        await ws.send_text(frames.end(attempt_id, loaded.attempt.status, result, released))
        await ws.close(code=1000)
        return
    if control is not None and not control.started:
        await _refuse(ws, frames, "not_started")
        return

    conn_id = next(_connection_ids)
    token = f"{c.process_id}:{conn_id}"
    key = claim_key(SittingTest.LOOKUP, attempt_id)
    if not await claim_attempt(c, key, token):
        await _refuse(ws, frames, "already_connected")
        return
    connection: _Connection | None = None
    try:
        # What the previous connection saved while this one waited for the claim.
        loaded = await run_in_threadpool(_load_progress, c, loaded)
        if loaded.attempt.status != AttemptStatus.IN_PROGRESS:  # it ended meanwhile
            await ws.accept()
            await ws.send_text(frames.end(attempt_id, loaded.attempt.status, {}, False))
            await ws.close(code=1000)
            return
        live = LiveTrial(_live_session(c, loaded), connection_id=conn_id)
        c.live[attempt_id] = live
        _carry_over(live.session, loaded.attempt)
        await ws.accept()
        connection = _Connection(c, ws, frames, attempt_id, live, conn_id, user.username)
        connection.tasks = {i + 1: t for i, t in enumerate(loaded.tasks)}
        connection.control = control
        connection.claim = (key, token)
        await connection.run()
    finally:
        # Cleaning up runs to its end even if this handler is cancelled (a server shutting
        # down, a test client leaving): the claim must not outlive the connection.
        await run_to_the_end(_clean_up(c, attempt_id, connection, key, token))


async def _clean_up(
    c: AppContext, attempt_id: int, connection: _Connection | None, key: str, token: str
) -> None:
    try:
        c.live.pop(attempt_id, None)
        if connection is not None:
            connection.session.connection_lost(c.clock.monotonic_ns())
            await run_in_threadpool(connection.log_event, "disconnected")
            await connection.announce_presence(False)
    except Exception:
        log.exception("closing attempt %s", attempt_id)
    finally:
        await c.bus.release(key, token)


def _carry_over(session: TrialSession, attempt: TrialAttempt) -> None:
    """Take over the time the task on screen had when its last connection closed."""
    seq = session.current_seq
    if seq is None:
        return
    if attempt.carry_seq == seq:
        session.restore_accrued(seq, attempt.carry_ms)
    elif attempt.connections > 0:
        # The attempt was live on a process that stopped without saying how long the
        # task on screen had been shown: that time is lost, so the task is flagged.
        session.mark_resumed(seq)


class _Connection:
    """One websocket connection to a live attempt."""

    def __init__(
        self,
        c: AppContext,
        ws: WebSocket,
        frames: FrameWriter,
        attempt_id: int,
        live: LiveTrial,
        conn_id: int,
        username: str,
    ) -> None:
        self.c, self.ws, self.frames = c, ws, frames
        self.attempt_id, self.live, self.conn_id = attempt_id, live, conn_id
        self.session = live.session
        self.username = username
        self.tasks: dict[int, Task] = {}
        self.bad_frames = 0
        self.ended = False
        self.base_max_ms = c.settings.trial_max_minutes * 60_000
        self.max_ms = self.base_max_ms
        self.control: SeatControl | None = None
        self.moves_at_start = 0
        self.receiver = StoppableReceiver(ws)
        self.last_signal: dict[str, int] = {}
        self.claim: tuple[str, str] = ("", "")

    def log_event(self, kind: str, **detail: Any) -> None:
        values: dict[str, Any] = {}
        if kind == "connected":
            values["connections"] = 1
            if self.session.rtt_min_ms is not None:
                values["rtt_min_ms"] = self.session.rtt_min_ms
        elif kind == "disconnected":
            seq = self.session.current_seq
            values["carry_seq"] = seq
            values["carry_ms"] = self.session.accrued_ms(seq) if seq is not None else 0.0
        with session_scope(self.c.engine) as s:
            record_connection_event(
                s,
                self.attempt_id,
                kind=kind,
                now=self.c.clock.now(),
                actor=self.username,
                detail={"connection": self.conn_id, **detail},
                values=values,
            )

    async def run(self) -> None:
        self.session.connection_opened()
        if self.control is not None:
            self.moves_at_start = self.control.moves
            self.max_ms = self.base_max_ms + self.control.extra_ms
        hello = self.frames.hello(
            self.attempt_id, self.session.task_count, len(self.session.answered)
        )
        follower: asyncio.Task[None] | None = None
        try:
            if hello:
                await self.ws.send_text(hello)
            await self._measure_rtt()
            await run_in_threadpool(self.log_event, "connected", rtt_min_ms=self.session.rtt_min_ms)
            await self.announce_presence(True)
            if self.session.finished:
                await self._finish(AttemptStatus.FINISHED)
                return
            if self.control is not None:
                follower = asyncio.create_task(self._follow_proctor())
                await self._apply_control(self.control, first=True)
            if not self.ended and not self.session.paused:
                await self._send_current_task()
            watchdog = asyncio.create_task(self._watch_time_limit())
            keeper = asyncio.create_task(self._keep_claim())
            try:
                await self._receive_loop()
            finally:
                for task in (watchdog, keeper):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        except WebSocketDisconnect:
            return
        finally:
            if follower is not None:
                follower.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await follower

    # --- the proctor's control --------------------------------------------------------

    async def announce_presence(self, connected: bool) -> None:
        if self.control is None:
            return
        with contextlib.suppress(Exception):  # a console that misses it reloads from the DB
            await self.c.bus.publish(
                sitting_channel(self.control.sitting_id),
                {"type": "presence", "seat": self.control.seat_id, "connected": connected},
            )

    async def _keep_claim(self) -> None:
        await keep_claim(self.c.bus, *self.claim)
        if not self.ended:
            await self._close("already_connected", CLOSE_CODES["already_connected"])

    async def _follow_proctor(self) -> None:
        """Apply every proctor action published for this attempt."""
        bus = self.c.bus
        sub = await bus.subscribe(attempt_channel(SittingTest.LOOKUP, self.attempt_id))
        try:
            while not self.ended:
                await sub.get()
                control = await run_in_threadpool(
                    load_control, self.c, SittingTest.LOOKUP, self.attempt_id
                )
                if control is not None:
                    async with self.live.lock:
                        await self._apply_control(control)
        finally:
            await bus.unsubscribe(sub)

    async def _apply_control(self, control: SeatControl, *, first: bool = False) -> None:
        if self.ended:
            return
        self.control = control
        self.max_ms = self.base_max_ms + control.extra_ms
        now_ns = self.c.clock.monotonic_ns()
        if control.voided:
            self.session.connection_lost(now_ns)
            self.ended = True
            await self.ws.send_text(
                self.frames.end(self.attempt_id, AttemptStatus.VOIDED.value, {}, False)
            )
            await self._close("voided", 1000)
        elif control.moves > self.moves_at_start:
            self.session.connection_lost(now_ns)
            self.ended = True
            await self.ws.send_text(self.frames.error("moved"))
            await self._close("moved", CLOSE_CODES["moved"])
        elif control.paused and (first or not self.session.paused):
            self.session.pause(now_ns)
            await self.ws.send_text(self.frames.paused(control.pause_reason))
        elif not control.paused and self.session.paused:
            self.session.resume()
            await self._send_current_task()

    async def _close(self, reason: str, code: int) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, reason=reason)
        self.receiver.stop()  # ends the receive loop even if the old machine never answers

    async def _receive(self) -> str:
        return await self.receiver.receive()

    async def _signal(self, kind: str, detail: dict[str, Any]) -> None:
        """Log an integrity signal and show it to the proctor (only within a sitting)."""
        control = self.control
        at = await run_in_threadpool(
            self._log_signal, kind, detail, control.seat_id if control else None
        )
        if control is not None:
            with contextlib.suppress(Exception):
                await publish_signal(self.c, control, kind, at, detail)

    def _log_signal(self, kind: str, detail: dict[str, Any], seat_id: int | None) -> datetime:
        if seat_id is not None:
            return log_signal(self.c, seat_id, kind, actor=self.username, detail=detail)
        self.log_event(f"signal:{kind}", **detail)
        return self.c.clock.now()

    async def _measure_rtt(self) -> None:
        """Send a few pings one after the other; each pong gives a round-trip sample."""
        clock = self.c.clock
        for ping_id in range(1, PINGS + 1):
            await self.ws.send_text(ping(ping_id))
            sent = clock.monotonic_ns()
            try:
                async with asyncio.timeout(PING_TIMEOUT_S):
                    while True:
                        raw = await self.ws.receive_text()
                        read = clock.monotonic_ns()
                        msg = self._parse(raw)
                        if msg and msg.get("type") == "pong" and msg.get("id") == ping_id:
                            self.session.rtt_sample((read - sent) / NS_PER_MS)
                            break
                        if msg is not None:
                            await self.ws.send_text(self.frames.error("task_not_shown"))
            except TimeoutError:
                return  # a client that does not answer pings gets no network allowance

    async def _send_current_task(self) -> None:
        seq = self.session.current_seq
        assert seq is not None
        task = self.tasks[seq]
        frame = self.frames.task(
            seq,
            self.session.task_count,
            task.question,
            task.kind,
            list(task.options),
            self.session.was_resent(seq),
            self.session.connected_ms(self.c.clock.monotonic_ns()),
        )
        await self.ws.send_text(frame)
        self.session.task_shown(seq, self.c.clock.monotonic_ns())

    def _parse(self, raw: str) -> dict[str, Any] | None:
        if len(raw) > self.c.settings.max_frame_bytes:
            return None
        try:
            msg = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        return msg if isinstance(msg, dict) else None

    async def _bad_frame(self, code: str, seq: int | None = None) -> None:
        self.bad_frames += 1
        await self.ws.send_text(self.frames.error(code, seq))
        if self.bad_frames >= MAX_BAD_FRAMES:
            await self.ws.send_text(self.frames.error("too_many_errors"))
            await self.ws.close(code=CLOSE_CODES["too_many_errors"], reason="too_many_errors")
            raise WebSocketDisconnect(CLOSE_CODES["too_many_errors"])

    async def _receive_loop(self) -> None:
        clock = self.c.clock
        while not self.ended:
            raw = await self._receive()
            read_at = clock.monotonic_ns()  # before any parsing: this is the answer's time
            if len(raw) > self.c.settings.max_frame_bytes:
                await self._bad_frame("frame_too_large")
                continue
            msg = self._parse(raw)
            if msg is None:
                await self._bad_frame("malformed_frame")
                continue
            kind = msg.get("type", "answer")
            if kind == "pong":
                continue  # a late pong from the measurement phase
            if kind == "signal":
                await self._client_signal(msg)
                continue
            if kind in PROCTOR_ACTIONS:
                await run_in_threadpool(
                    log_candidate_proctor_message,
                    self.c,
                    self.username,
                    self.attempt_id,
                    SittingTest.LOOKUP,
                )
                await self._bad_frame("forbidden")
                continue
            if kind != "answer":
                await self._bad_frame("unknown_type")
                continue
            seq, given = _answer_fields(msg)
            if seq is None:
                await self._bad_frame("malformed_frame")
                continue
            async with self.live.lock:
                await self._answer(seq, given, read_at)

    async def _answer(self, seq: int, given: str, read_at: int) -> None:
        if self.ended:
            await self.ws.send_text(self.frames.error("attempt_finished", seq))
            return
        outcome = self.session.answer(seq, given, read_at)
        if outcome.verdict == Verdict.DUPLICATE:
            ack = self.frames.ack(seq, duplicate=True)
            if ack:
                await self.ws.send_text(ack)
            return
        if outcome.verdict != Verdict.ACCEPTED or outcome.record is None:
            await self._bad_frame(outcome.verdict.value, seq)
            return
        record = outcome.record
        try:
            await self.c.writer.save(_row(self.attempt_id, record, self.c))
        except Exception:
            log.exception("answer %s of attempt %s not saved", seq, self.attempt_id)
            await self.ws.send_text(self.frames.error("not_saved", seq))
            return
        self.session.commit(record)
        ack = self.frames.ack(seq, duplicate=False)
        if ack:
            await self.ws.send_text(ack)
        if self.control is not None:
            await self._progress(record)
        if self.session.finished:
            await self._finish(AttemptStatus.FINISHED)
        elif self.session.connected_ms(self.c.clock.monotonic_ns()) > self.max_ms:
            await self._finish(AttemptStatus.EXPIRED)
        else:
            await self._send_current_task()

    async def _finish(self, status: AttemptStatus) -> None:
        self.ended = True
        result, released = await run_in_threadpool(self._grade, status)
        shown = result if released else {}
        if self.control is not None:
            # Tell the console and compare answers whatever happens to this connection now.
            detach(self._after_finish())
        await self.ws.send_text(self.frames.end(self.attempt_id, status.value, shown, released))
        await self.ws.close(code=1000)

    async def _after_finish(self) -> None:
        assert self.control is not None
        try:
            await publish_seat(self.c, self.control.seat_id)
            await self._compare_answers()
        except Exception:
            log.exception("announcing the end of attempt %s", self.attempt_id)

    def _grade(self, status: AttemptStatus) -> tuple[dict[str, Any], bool]:
        from examsrv.persistence.trials import grade_to_json

        with session_scope(self.c.engine) as s:
            now = self.c.clock.now()
            grade = finish_attempt(s, self.attempt_id, status=status, now=now)
            seat = mark_finished(s, SittingTest.LOOKUP, self.attempt_id, now=now)
            released = seat_result_released(s, seat)
            return grade_to_json(grade), released

    async def _client_signal(self, msg: dict[str, Any]) -> None:
        kind = msg.get("kind")
        if kind not in CLIENT_SIGNALS:
            await self._bad_frame("unknown_type")
            return
        now_ms = self.c.clock.monotonic_ns() // NS_PER_MS
        if now_ms - self.last_signal.get(str(kind), -SIGNAL_GAP_MS) < SIGNAL_GAP_MS:
            return  # the same signal again within a second: one event is enough
        self.last_signal[str(kind)] = now_ms
        await self._signal(str(kind), {"seq": self.session.current_seq})

    async def _progress(self, record: AnswerRecord) -> None:
        assert self.control is not None
        if too_fast(record.raw_ms, self.c.settings.answer_floor_ms):
            await self._signal(Signal.TOO_FAST, {"seq": record.seq, "raw_ms": round(record.raw_ms)})
        with contextlib.suppress(Exception):
            await self.c.bus.publish(
                sitting_channel(self.control.sitting_id),
                {
                    "type": "progress",
                    "seat": self.control.seat_id,
                    "answered": len(self.session.answered),
                    "of": self.session.task_count,
                    "elapsed_ms": round(self.session.connected_ms(self.c.clock.monotonic_ns())),
                },
            )

    async def _compare_answers(self) -> None:
        """Flag candidates of the sitting whose answers agree suspiciously with this one's."""
        assert self.control is not None
        seat_id = self.control.seat_id
        pairs = await run_in_threadpool(
            similar_in_sitting, self.c, self.control.sitting_id, seat_id
        )
        other_of = {pair: other for other, pair in pairs}
        for pair in strongest(list(other_of)):
            detail = {
                "with_seat": other_of[pair],
                "shared": pair.shared,
                "identical": pair.identical,
                "identical_wrong": pair.identical_wrong,
                "pairs": len(pairs),  # all seats agreeing this much; the strongest are sent
            }
            await self._signal(Signal.IDENTICAL_ANSWERS, detail)

    async def _watch_time_limit(self) -> None:
        """End the attempt when its connected time runs past the limit, even if idle."""
        clock = self.c.clock
        while not self.ended:
            left_ms = self.max_ms - self.session.connected_ms(clock.monotonic_ns())
            if left_ms <= 0:
                async with self.live.lock:
                    if not self.ended:
                        self.session.connection_lost(clock.monotonic_ns())
                        with contextlib.suppress(Exception):
                            await self._finish(AttemptStatus.EXPIRED)
                return
            await asyncio.sleep(min(left_ms / 1000, 60))


def _answer_fields(msg: dict[str, Any]) -> tuple[int | None, str]:
    raw_seq = msg.get("seq")
    given = msg.get("answer", "")
    if not isinstance(given, str):
        return None, ""
    if isinstance(raw_seq, int) and not isinstance(raw_seq, bool):
        return raw_seq, given[:400]
    if isinstance(raw_seq, str) and raw_seq.isascii() and raw_seq.isdigit() and len(raw_seq) < 6:
        return int(raw_seq), given[:400]  # the htmx page sends form values as strings
    return None, ""


def _row(attempt_id: int, record: AnswerRecord, c: AppContext) -> dict[str, Any]:
    return {
        "attempt_id": attempt_id,
        "seq": record.seq,
        "task_id": record.task_id,
        "given": record.given,
        "correct": record.correct,
        "raw_ms": record.raw_ms,
        "network_ms": record.network_ms,
        "resumed": record.resumed,
        "received_at": c.clock.now(),
    }
