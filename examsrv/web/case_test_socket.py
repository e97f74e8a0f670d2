"""The case-test websocket: one connection per attempt; every answer saved before it
is acknowledged; the deadline, kept in the database, enforced by the server.

Protocol (``docs/protocol.md``, "The case test"): the server says ``hello`` and
sends the case the candidate was on; the client sends ``answer``, ``goto``,
``listen`` and ``submit``; the server answers ``ack``, ``case``, ``error`` and
finally ``end``. With ``?format=html`` the same events are htmx fragments.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from examsrv import i18n
from examsrv.persistence.case_tables import CaseAttempt, CaseAttemptStatus
from examsrv.persistence.case_tests import (
    CaseTestError,
    FormCase,
    answers_of,
    aware,
    form_of,
    record_listening,
    save_answer,
    submit,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.sitting_tables import SittingTest
from examsrv.persistence.sittings import mark_finished
from examsrv.proctoring.integrity import CLIENT_SIGNALS
from examsrv.proctoring.pause_clock import remaining_ms
from examsrv.web.context import AppContext, ctx
from examsrv.web.proctor_socket import ACTIONS as PROCTOR_ACTIONS
from examsrv.web.proctor_socket import log_candidate_proctor_message
from examsrv.web.seat_live import (
    SeatControl,
    StoppableReceiver,
    attempt_channel,
    claim_attempt,
    claim_key,
    control_of,
    keep_claim,
    log_signal,
    publish_seat,
    publish_signal,
    run_to_the_end,
    sitting_channel,
)
from examsrv.web.security import current_user, same_origin
from examsrv.web.templating import render_fragment

TEMPLATE = "case_test_frames.html"
MAX_BAD_FRAMES = 20
CLOSE = {
    "not_authenticated": 4401,
    "forbidden": 4403,
    "no_such_attempt": 4404,
    "already_connected": 4409,
    "moved": 4410,
    "not_started": 4425,
    "too_many_errors": 1008,
}
MESSAGES = {
    "malformed_frame": "The message could not be read.",
    "frame_too_large": "The message is too large.",
    "unknown_type": "Unknown message type.",
    "not_authenticated": "Please log in.",
    "forbidden": "This test is not yours.",
    "no_such_attempt": "No such test.",
    "already_connected": "This test is already open in another window.",
    "too_many_errors": "Too many invalid messages.",
    "not_saved": "The answer could not be saved. Please send it again.",
    "not_started": "The proctor has not started your test yet.",
    "paused": "The proctor has paused your test.",
    "moved": "Your test continues on another machine; this window is closed.",
}


class _Frames:
    def __init__(self, c: AppContext, html: bool, locale: str) -> None:
        self.c, self.html, self.locale = c, html, locale

    def _render(self, block: str, **context: Any) -> str:
        with i18n.use_locale(self.locale):
            return render_fragment(self.c.templates, TEMPLATE, block, **context)

    def json(self, frame: dict[str, Any]) -> str:
        return orjson.dumps(frame).decode()

    def error(self, code: str, message: str | None = None) -> str:
        with i18n.use_locale(self.locale):
            text = message or i18n.gettext(MESSAGES[code])
        if self.html:
            return self._render("error", code=code, message=text)
        return self.json({"type": "error", "code": code, "message": text})


async def case_test_socket(ws: WebSocket) -> None:
    c = ctx(ws)
    frames = _Frames(c, ws.query_params.get("format") == "html", i18n.current_locale())
    user = current_user(ws)
    code = None
    attempt_id = 0
    if user is None or not same_origin(ws):
        code = "not_authenticated"
    elif user.role != Role.CANDIDATE:
        code = "forbidden"
    else:
        try:
            attempt_id = int(ws.path_params["attempt_id"])
        except ValueError:
            code = "no_such_attempt"
    loaded = None
    if code is None:
        loaded = await run_in_threadpool(_load, c, attempt_id)
        if loaded is None:
            code = "no_such_attempt"
        elif user is None or loaded[0].employee_id != user.employee_id:
            code = "forbidden"
        elif loaded[2] is not None and not loaded[2].started and not loaded[2].voided:
            code = "not_started"
    if code is not None or loaded is None:
        await ws.accept()
        await ws.send_text(frames.error(code or "no_such_attempt"))
        await ws.close(code=CLOSE[code or "no_such_attempt"], reason=code or "")
        return
    key, token = claim_key(SittingTest.CASE, attempt_id), f"{c.process_id}:{next(_ids)}"
    if not await claim_attempt(c, key, token):
        await ws.accept()
        await ws.send_text(frames.error("already_connected"))
        await ws.close(code=CLOSE["already_connected"], reason="already_connected")
        return
    session: _Session | None = None
    try:
        loaded = await run_in_threadpool(_load, c, attempt_id)  # as the last connection left it
        assert loaded is not None and user is not None
        attempt, form, control = loaded
        await ws.accept()
        session = _Session(c, ws, frames, attempt, form)
        session.control, session.username, session.claim = control, user.username, (key, token)
        with contextlib.suppress(WebSocketDisconnect):  # the candidate went away: saved is saved
            await session.run()
    finally:
        await run_to_the_end(_clean_up(c, session, key, token))


_ids = itertools.count(1)


async def _clean_up(c: AppContext, session: _Session | None, key: str, token: str) -> None:
    try:
        if session is not None:
            await session.announce_presence(False)
    finally:
        await c.bus.release(key, token)


def _load(
    c: AppContext, attempt_id: int
) -> tuple[CaseAttempt, list[FormCase], SeatControl | None] | None:
    with session_scope(c.engine) as s:
        attempt = s.get(CaseAttempt, attempt_id)
        if attempt is None:
            return None
        return attempt, form_of(s, attempt), control_of(s, SittingTest.CASE, attempt_id)


class _Session:
    def __init__(
        self,
        c: AppContext,
        ws: WebSocket,
        frames: _Frames,
        attempt: CaseAttempt,
        form: list[FormCase],
    ) -> None:
        self.c, self.ws, self.frames, self.attempt, self.form = c, ws, frames, attempt, form
        self.position = min(attempt.position, len(form) - 1)
        self.bad = 0
        self.answers: dict[tuple[int, str], str] = {}
        self.control: SeatControl | None = None
        self.username = ""
        self.claim: tuple[str, str] = ("", "")
        self.moves_at_start = 0
        self.receiver = StoppableReceiver(ws)
        self.lock = asyncio.Lock()
        self.ended = False
        self.last_signal: dict[str, float] = {}

    def remaining_ms(self) -> int:
        paused_at = self.control.paused_at if self.control is not None else None
        return remaining_ms(aware(self.attempt.deadline_at), self.c.clock.now(), paused_at)

    async def run(self) -> None:
        if self.attempt.status != CaseAttemptStatus.IN_PROGRESS:
            await self._end()
            return
        if self.control is not None:
            self.moves_at_start = self.control.moves
            await self.announce_presence(True)
        rows = await run_in_threadpool(self._answers)
        self.answers = {(a.version_id, a.question_key): a.given for a in rows}
        if not self.frames.html:
            await self.ws.send_text(
                self.frames.json(
                    {
                        "type": "hello",
                        "protocol": 1,
                        "attempt": self.attempt.id,
                        "level": self.attempt.level,
                        "case_count": len(self.form),
                        "position": self.position,
                        "remaining_ms": self.remaining_ms(),
                        "answered": [[v, q] for v, q in self.answers],
                    }
                )
            )
        if self.control is not None and self.control.paused:
            await self.ws.send_text(self._paused_frame(self.control.pause_reason))
        else:
            await self._send_case()
        tasks = [
            asyncio.create_task(self._watch_deadline()),
            asyncio.create_task(self._keep_claim()),
        ]
        if self.control is not None:
            tasks.append(asyncio.create_task(self._follow_proctor()))
        try:
            while not self.ended:
                raw = await self._receive()
                async with self.lock:
                    if self.ended:
                        break
                    if await self._handle(raw):
                        return
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _receive(self) -> str:
        return await self.receiver.receive()

    async def _keep_claim(self) -> None:
        await keep_claim(self.c.bus, *self.claim)
        if not self.ended:
            await self._close("already_connected", CLOSE["already_connected"])

    async def _close(self, reason: str, code: int) -> None:
        self.ended = True
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, reason=reason)
        self.receiver.stop()

    def _paused_frame(self, reason: str) -> str:
        with i18n.use_locale(self.frames.locale):
            message = i18n.gettext(MESSAGES["paused"])
        if self.frames.html:
            return self.frames._render("paused", message=message, reason=reason)
        return self.frames.json({"type": "paused", "message": message, "reason": reason})

    async def announce_presence(self, connected: bool) -> None:
        if self.control is None:
            return
        with contextlib.suppress(Exception):
            await self.c.bus.publish(
                sitting_channel(self.control.sitting_id),
                {"type": "presence", "seat": self.control.seat_id, "connected": connected},
            )

    async def _follow_proctor(self) -> None:
        sub = await self.c.bus.subscribe(attempt_channel(SittingTest.CASE, self.attempt.id or 0))
        try:
            while not self.ended:
                await sub.get()
                loaded = await run_in_threadpool(_load, self.c, self.attempt.id or 0)
                if loaded is None:
                    continue
                async with self.lock:
                    await self._apply(loaded[0], loaded[2])
        finally:
            await self.c.bus.unsubscribe(sub)

    async def _apply(self, attempt: CaseAttempt, control: SeatControl | None) -> None:
        if self.ended or control is None:
            return
        was_paused = self.control is not None and self.control.paused
        self.attempt, self.control = attempt, control
        if control.voided:
            await self.ws.send_text(self._end_frame(voided=True))
            await self._close("voided", 1000)
        elif control.moves > self.moves_at_start:
            await self.ws.send_text(self.frames.error("moved"))
            await self._close("moved", CLOSE["moved"])
        elif control.paused and not was_paused:
            await self.ws.send_text(self._paused_frame(control.pause_reason))
        elif not control.paused:
            await self._send_case()  # resumed, or extra time: the new time left

    async def _signal(self, msg: dict[str, Any]) -> None:
        kind = msg.get("kind")
        if kind not in CLIENT_SIGNALS:
            await self._bad("unknown_type")
            return
        loop_now = asyncio.get_running_loop().time()
        if loop_now - self.last_signal.get(str(kind), -10.0) < 1.0:
            return
        self.last_signal[str(kind)] = loop_now
        control = self.control
        detail = {"position": self.position}
        if control is None:
            return
        at = await run_in_threadpool(
            log_signal, self.c, control.seat_id, str(kind), actor=self.username, detail=detail
        )
        with contextlib.suppress(Exception):
            await publish_signal(self.c, control, str(kind), at, detail)

    def _answers(self) -> list[Any]:
        with session_scope(self.c.engine) as s:
            return answers_of(s, self.attempt.id or 0)

    async def _watch_deadline(self) -> None:
        while True:
            paused = self.control is not None and self.control.paused
            left = self.remaining_ms()
            if left <= 0 and not paused:
                async with self.lock:
                    if self.ended:
                        return
                    await run_in_threadpool(self._submit, "deadline")
                    await self._end()
                return
            await asyncio.sleep(min(max(left, 1000) / 1000, 30) if not paused else 5)

    def _submit(self, by: str) -> None:
        with session_scope(self.c.engine) as s:
            now = self.c.clock.now()
            self.attempt = submit(s, self.attempt.id or 0, now=now, by=by)
            mark_finished(s, SittingTest.CASE, self.attempt.id or 0, now=now)

    def _end_frame(self, voided: bool = False) -> str:
        a = self.attempt
        url = f"/case-test/{a.id}/result"
        released = self.control is None or self.control.released
        if self.frames.html:
            return self.frames._render("end", url=url, voided=voided)
        frame: dict[str, Any] = {
            "type": "end",
            "attempt": a.id,
            "status": "voided" if voided else a.status,
            "submitted_by": a.submitted_by,
            "released": released,
            "result_url": url,
        }
        if released and not voided:
            frame.update(earned=a.earned, possible=a.possible, pending=a.pending)
        return self.frames.json(frame)

    async def _end(self) -> None:
        self.ended = True
        with contextlib.suppress(Exception):
            await self.ws.send_text(self._end_frame(voided=self.attempt.status == "voided"))
            await self.ws.close(code=1000)
        if self.control is not None:
            with contextlib.suppress(Exception):
                await publish_seat(self.c, self.control.seat_id)

    async def _send_case(self) -> None:
        case = self.form[self.position]
        answers = {q: g for (v, q), g in self.answers.items() if v == case.version_id}
        spec = case.spec
        audio_url = (
            f"/case-test/{self.attempt.id}/audio/{case.version_id}" if spec.audio_file else None
        )
        if self.frames.html:
            frame = self.frames._render(
                "case",
                case=case,
                spec=spec,
                position=self.position,
                count=len(self.form),
                answers=answers,
                audio_url=audio_url,
                remaining_ms=self.remaining_ms(),
            )
        else:
            frame = self.frames.json(
                {
                    "type": "case",
                    "position": self.position,
                    "case_count": len(self.form),
                    "version": case.version_id,
                    "title": spec.title,
                    "kind": spec.kind.value,
                    "background": spec.background,
                    "turns": [
                        {
                            "key": t.key,
                            "parent": t.parent,
                            "speaker": t.speaker.value,
                            "text": t.text,
                            "start_s": t.start_s,
                        }
                        for t in spec.turns
                    ],
                    "questions": [
                        {
                            "key": q.key,
                            "kind": q.kind.value,
                            "prompt": q.prompt,
                            "turn_key": q.turn_key,
                            "options": list(q.options),
                            "points": q.points,
                        }
                        for q in spec.questions
                    ],
                    "audio_url": audio_url,
                    "play_once": spec.play_once,
                    "answers": answers,
                    "remaining_ms": self.remaining_ms(),
                }
            )
        await self.ws.send_text(frame)

    async def _bad(self, code: str, message: str | None = None) -> None:
        self.bad += 1
        await self.ws.send_text(self.frames.error(code, message))
        if self.bad >= MAX_BAD_FRAMES:
            await self.ws.send_text(self.frames.error("too_many_errors"))
            await self.ws.close(code=CLOSE["too_many_errors"])
            raise WebSocketDisconnect(CLOSE["too_many_errors"])

    async def _handle(self, raw: str) -> bool:
        """Act on one frame; True when the attempt has ended."""
        if len(raw) > self.c.settings.max_frame_bytes:
            await self._bad("frame_too_large")
            return False
        try:
            msg = orjson.loads(raw)
        except orjson.JSONDecodeError:
            msg = None
        if not isinstance(msg, dict):
            await self._bad("malformed_frame")
            return False
        kind = msg.get("type")
        if kind == "signal":
            await self._signal(msg)
            return False
        if kind in PROCTOR_ACTIONS:
            await run_in_threadpool(
                log_candidate_proctor_message,
                self.c,
                self.username,
                self.attempt.id or 0,
                SittingTest.CASE,
            )
            await self._bad("forbidden")
            return False
        if self.control is not None and self.control.paused and kind in ("answer", "submit"):
            await self._bad("paused")
            return False
        if kind == "answer":
            await self._answer(msg)
        elif kind == "goto":
            pos = _int(msg.get("position"))
            if pos is None or not 0 <= pos < len(self.form):
                await self._bad("malformed_frame")
                return False
            self.position = pos
            await run_in_threadpool(self._save_position)
            await self._send_case()
            if self.control is not None:  # the console shows the case reached, live
                with contextlib.suppress(Exception):
                    await publish_seat(self.c, self.control.seat_id)
        elif kind == "listen":
            version, plays = _int(msg.get("version")), _int(msg.get("plays")) or 0
            seconds = msg.get("seconds", 0)
            if version is None or not isinstance(seconds, int | float):
                await self._bad("malformed_frame")
                return False
            try:
                await run_in_threadpool(self._listen, version, plays, float(seconds))
            except CaseTestError as exc:
                await self._bad("malformed_frame", str(exc))
        elif kind == "submit":
            await run_in_threadpool(self._submit, "candidate")
            await self._end()
            return True
        else:
            await self._bad("unknown_type")
        return False

    async def _answer(self, msg: dict[str, Any]) -> None:
        version, question = _int(msg.get("version")), msg.get("question")
        given = msg.get("answer")  # absent is malformed, never an empty answer saved
        if isinstance(given, list):  # a multiple-choice form sends its ticked letters
            given = "".join(str(g) for g in given)
        if version is None or not isinstance(question, str) or not isinstance(given, str):
            await self._bad("malformed_frame")
            return
        try:
            await run_in_threadpool(self._save, version, question, given)
        except CaseTestError as exc:
            if self.c.clock.now() >= aware(self.attempt.deadline_at):
                await run_in_threadpool(self._submit, "deadline")
                await self._end()
                raise WebSocketDisconnect(1000) from exc
            await self._bad("not_saved", str(exc))
            return
        self.answers[(version, question)] = given
        if self.frames.html:
            await self.ws.send_text(self.frames._render("ack", version=version, question=question))
        else:
            await self.ws.send_text(
                self.frames.json({"type": "ack", "version": version, "question": question})
            )

    def _save(self, version: int, question: str, given: str) -> None:
        with session_scope(self.c.engine) as s:
            attempt = s.get(CaseAttempt, self.attempt.id)
            assert attempt is not None
            save_answer(s, attempt, self.form, version, question, given, now=self.c.clock.now())
        # Kept only after the commit: a refused answer rolls back and expires the row.
        self.attempt = attempt

    def _save_position(self) -> None:
        with session_scope(self.c.engine) as s:
            attempt = s.get(CaseAttempt, self.attempt.id)
            if attempt is not None:
                attempt.position = self.position
                s.add(attempt)

    def _listen(self, version: int, plays: int, seconds: float) -> None:
        with session_scope(self.c.engine) as s:
            attempt = s.get(CaseAttempt, self.attempt.id)
            assert attempt is not None
            record_listening(s, attempt, version, plays=plays, seconds=seconds)


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return None
