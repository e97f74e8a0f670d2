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
from examsrv.web.context import AppContext, ctx
from examsrv.web.security import current_user, same_origin
from examsrv.web.templating import render_fragment

TEMPLATE = "case_test_frames.html"
MAX_BAD_FRAMES = 20
CLOSE = {
    "not_authenticated": 4401,
    "forbidden": 4403,
    "no_such_attempt": 4404,
    "already_connected": 4409,
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


def _deadline_ms(attempt: CaseAttempt, c: AppContext) -> int:
    left = aware(attempt.deadline_at) - c.clock.now()
    return max(0, int(left.total_seconds() * 1000))


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
        elif attempt_id in c.case_live:
            code = "already_connected"
    await ws.accept()
    if code is not None or loaded is None:
        await ws.send_text(frames.error(code or "no_such_attempt"))
        await ws.close(code=CLOSE[code or "no_such_attempt"], reason=code or "")
        return
    attempt, form = loaded
    c.case_live.add(attempt_id)
    session = _Session(c, ws, frames, attempt, form)
    try:
        with contextlib.suppress(WebSocketDisconnect):  # the candidate went away: saved is saved
            await session.run()
    finally:
        c.case_live.discard(attempt_id)


def _load(c: AppContext, attempt_id: int) -> tuple[CaseAttempt, list[FormCase]] | None:
    with session_scope(c.engine) as s:
        attempt = s.get(CaseAttempt, attempt_id)
        if attempt is None:
            return None
        return attempt, form_of(s, attempt)


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

    async def run(self) -> None:
        if self.attempt.status != CaseAttemptStatus.IN_PROGRESS:
            await self._end()
            return
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
                        "remaining_ms": _deadline_ms(self.attempt, self.c),
                        "answered": [[v, q] for v, q in self.answers],
                    }
                )
            )
        await self._send_case()
        watchdog = asyncio.create_task(self._watch_deadline())
        try:
            while True:
                raw = await self.ws.receive_text()
                if await self._handle(raw):
                    return
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    def _answers(self) -> list[Any]:
        with session_scope(self.c.engine) as s:
            return answers_of(s, self.attempt.id or 0)

    async def _watch_deadline(self) -> None:
        while True:
            left = _deadline_ms(self.attempt, self.c)
            if left <= 0:
                await run_in_threadpool(self._submit, "deadline")
                await self._end()
                return
            await asyncio.sleep(min(left / 1000, 30))

    def _submit(self, by: str) -> None:
        with session_scope(self.c.engine) as s:
            self.attempt = submit(s, self.attempt.id or 0, now=self.c.clock.now(), by=by)

    async def _end(self) -> None:
        a = self.attempt
        url = f"/case-test/{a.id}/result"
        if self.frames.html:
            frame = self.frames._render("end", url=url)
        else:
            frame = self.frames.json(
                {
                    "type": "end",
                    "attempt": a.id,
                    "submitted_by": a.submitted_by,
                    "earned": a.earned,
                    "possible": a.possible,
                    "pending": a.pending,
                    "result_url": url,
                }
            )
        with contextlib.suppress(Exception):
            await self.ws.send_text(frame)
            await self.ws.close(code=1000)

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
                remaining_ms=_deadline_ms(self.attempt, self.c),
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
                    "remaining_ms": _deadline_ms(self.attempt, self.c),
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
