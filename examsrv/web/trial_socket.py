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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from examsrv import i18n
from examsrv.itembank.answers import AnswerKey
from examsrv.persistence.engine import session_scope
from examsrv.persistence.knowledge import task_spec
from examsrv.persistence.models import AttemptStatus, Role, Task, TrialAttempt
from examsrv.persistence.trials import answers_of, finish_attempt, record_event, tasks_by_id
from examsrv.timing.trial_session import (
    NS_PER_MS,
    AnswerRecord,
    LiveTask,
    TrialSession,
    Verdict,
)
from examsrv.web.context import AppContext, LiveTrial, ctx
from examsrv.web.security import current_user, same_origin
from examsrv.web.trial_frames import CLOSE_CODES, FrameWriter, ping

log = logging.getLogger(__name__)
_connection_ids = itertools.count(1)
PINGS = 3
PING_TIMEOUT_S = 2.0
MAX_BAD_FRAMES = 20


@dataclass
class _Loaded:
    attempt: TrialAttempt
    tasks: list[Task]
    answered: list[AnswerRecord]


def _load(c: AppContext, attempt_id: int) -> _Loaded | None:
    with session_scope(c.engine) as s:
        attempt = s.get(TrialAttempt, attempt_id)
        if attempt is None:
            return None
        by_id = tasks_by_id(s, attempt.form)
        answered = [
            AnswerRecord(a.seq, a.task_id, a.given, a.correct, a.raw_ms, a.network_ms, a.resumed)
            for a in answers_of(s, attempt_id)
        ]
        return _Loaded(attempt, [by_id[t] for t in attempt.form], answered)


def _answer_key(c: AppContext, task: Task) -> Callable[[str], bool]:
    """The task's answer checker, built once per process for each version of the task."""
    cache_key = (task.id or 0, task.version)
    accepts = c.answer_keys.get(cache_key)
    if accepts is None:
        accepts = AnswerKey.from_spec(task_spec(task, "")).accepts
        c.answer_keys[cache_key] = accepts
    return accepts


def _live_session(c: AppContext, loaded: _Loaded) -> TrialSession:
    return TrialSession(
        tasks=[LiveTask(t.id or 0, _answer_key(c, t)) for t in loaded.tasks],
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
    if loaded.attempt.status != AttemptStatus.IN_PROGRESS:
        await ws.accept()
        await ws.send_text(
            frames.end(attempt_id, loaded.attempt.status, loaded.attempt.result or {})
        )
        await ws.close(code=1000)
        return

    live = c.live.get(attempt_id)
    if live is not None and live.connection_id is not None:
        await _refuse(ws, frames, "already_connected")
        return
    if live is None:
        live = LiveTrial(_live_session(c, loaded))
        c.live[attempt_id] = live
        if loaded.attempt.connections > 0 and live.session.current_seq is not None:
            # The attempt was live on a process that is gone: the time of the task then
            # on screen is lost, so the task is flagged as resumed.
            live.session.mark_resumed(live.session.current_seq)
    conn_id = next(_connection_ids)
    live.connection_id = conn_id
    await ws.accept()
    connection = _Connection(c, ws, frames, attempt_id, live, conn_id, user.username)
    connection.tasks = {i + 1: t for i, t in enumerate(loaded.tasks)}
    try:
        await connection.run()
    finally:
        if live.connection_id == conn_id:
            live.session.connection_lost(c.clock.monotonic_ns())
            live.connection_id = None
            if live.session.finished or connection.ended:
                c.live.pop(attempt_id, None)
        await run_in_threadpool(connection.log_event, "disconnected")


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
        self.max_ms = c.settings.trial_max_minutes * 60_000

    def log_event(self, kind: str, **detail: Any) -> None:
        with session_scope(self.c.engine) as s:
            if kind == "connected":
                attempt = s.get(TrialAttempt, self.attempt_id)
                if attempt is not None:
                    attempt.connections += 1
                    rtt = self.session.rtt_min_ms
                    if rtt is not None:
                        attempt.rtt_min_ms = rtt
                    s.add(attempt)
            record_event(
                s,
                kind=kind,
                now=self.c.clock.now(),
                attempt_id=self.attempt_id,
                actor=self.username,
                detail={"connection": self.conn_id, **detail},
            )

    async def run(self) -> None:
        self.session.connection_opened()
        hello = self.frames.hello(
            self.attempt_id, self.session.task_count, len(self.session.answered)
        )
        try:
            if hello:
                await self.ws.send_text(hello)
            await self._measure_rtt()
            await run_in_threadpool(self.log_event, "connected", rtt_min_ms=self.session.rtt_min_ms)
            if self.session.finished:
                await self._finish(AttemptStatus.FINISHED)
                return
            await self._send_current_task()
            watchdog = asyncio.create_task(self._watch_time_limit())
            try:
                await self._receive_loop()
            finally:
                watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watchdog
        except WebSocketDisconnect:
            return

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
            raw = await self.ws.receive_text()
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
        if self.session.finished:
            await self._finish(AttemptStatus.FINISHED)
        elif self.session.connected_ms(self.c.clock.monotonic_ns()) > self.max_ms:
            await self._finish(AttemptStatus.EXPIRED)
        else:
            await self._send_current_task()

    async def _finish(self, status: AttemptStatus) -> None:
        self.ended = True
        result = await run_in_threadpool(self._grade, status)
        await self.ws.send_text(self.frames.end(self.attempt_id, status.value, result))
        await self.ws.close(code=1000)

    def _grade(self, status: AttemptStatus) -> dict[str, Any]:
        from examsrv.persistence.trials import grade_to_json

        with session_scope(self.c.engine) as s:
            grade = finish_attempt(s, self.attempt_id, status=status, now=self.c.clock.now())
            return grade_to_json(grade)

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
