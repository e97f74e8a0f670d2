"""The frames the trial websocket writes, in either of its two formats.

``json`` is the documented protocol (``docs/protocol.md``) for any client.
``html`` serves the browser page: the same events rendered as htmx
out-of-band fragments, which the htmx websocket extension swaps into place.
Pings are JSON in both formats (the page answers them with a few lines of
script), so round-trip measurement is the same for every client.
"""

from __future__ import annotations

from typing import Any

import orjson
from jinja2_fragments.starlette import Jinja2Blocks

from examsrv import i18n
from examsrv.web.templating import render_fragment

PROTOCOL_VERSION = 1
TEMPLATE = "trial_frames.html"

ERROR_MESSAGES = {
    "malformed_frame": "The message could not be read.",
    "frame_too_large": "The message is too large.",
    "unknown_type": "Unknown message type.",
    "not_current_task": "This is not the current task.",
    "task_not_shown": "The task has not been shown yet.",
    "attempt_finished": "The trial has ended; no more answers are taken.",
    "not_saved": "The answer could not be saved. Please send it again.",
    "too_many_errors": "Too many invalid messages.",
    "not_authenticated": "Please log in.",
    "forbidden": "This trial is not yours.",
    "no_such_attempt": "No such trial.",
    "already_connected": "This trial is already open in another window.",
    "expired": "The time allowed for the trial has run out.",
    "not_started": "The proctor has not started your test yet.",
    "paused": "The proctor has paused your test.",
    "moved": "Your test continues on another machine; this window is closed.",
}

CLOSE_CODES = {
    "not_authenticated": 4401,
    "forbidden": 4403,
    "no_such_attempt": 4404,
    "already_connected": 4409,
    "moved": 4410,
    "not_started": 4425,
    "too_many_errors": 1008,
}


def ping(ping_id: int) -> str:
    return orjson.dumps({"type": "ping", "id": ping_id}).decode()


class FrameWriter:
    """Turns trial events into text frames of one format."""

    def __init__(self, fmt: str, templates: Jinja2Blocks, locale: str) -> None:
        self.html = fmt == "html"
        self.templates = templates
        self.locale = locale

    def _render(self, block: str, **context: Any) -> str:
        with i18n.use_locale(self.locale):
            return render_fragment(self.templates, TEMPLATE, block, **context)

    def hello(self, attempt_id: int, task_count: int, answered: int) -> str | None:
        if self.html:
            return None
        return orjson.dumps(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "attempt": attempt_id,
                "task_count": task_count,
                "answered": answered,
            }
        ).decode()

    def task(
        self,
        seq: int,
        task_count: int,
        question: str,
        kind: str,
        options: list[str],
        resumed: bool,
        elapsed_ms: float,
    ) -> str:
        if self.html:
            return self._render(
                "task",
                elapsed_ms=round(elapsed_ms),
                seq=seq,
                task_count=task_count,
                question=question,
                kind=kind,
                options=options,
                resumed=resumed,
            )
        return orjson.dumps(
            {
                "type": "task",
                "seq": seq,
                "task_count": task_count,
                "question": question,
                "kind": kind,
                "options": options,
                "resumed": resumed,
                "elapsed_ms": round(elapsed_ms),
            }
        ).decode()

    def ack(self, seq: int, duplicate: bool) -> str | None:
        if self.html:
            return None  # the next task (or the end) is the browser's acknowledgement
        return orjson.dumps({"type": "ack", "seq": seq, "duplicate": duplicate}).decode()

    def error(self, code: str, seq: int | None = None) -> str:
        with i18n.use_locale(self.locale):
            message = i18n.gettext(ERROR_MESSAGES[code])
        if self.html:
            return self._render("error", code=code, message=message)
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if seq is not None:
            frame["seq"] = seq
        return orjson.dumps(frame).decode()

    def paused(self, reason: str) -> str:
        with i18n.use_locale(self.locale):
            message = i18n.gettext(ERROR_MESSAGES["paused"])
        if self.html:
            return self._render("paused", message=message, reason=reason)
        return orjson.dumps({"type": "paused", "message": message, "reason": reason}).decode()

    def end(
        self, attempt_id: int, status: str, result: dict[str, Any], released: bool = True
    ) -> str:
        """The last frame. ``released`` false: the proctor releases the result later."""
        url = f"/trial/{attempt_id}/result"
        if self.html:
            return self._render(
                "end",
                attempt_id=attempt_id,
                status=status,
                result=result,
                url=url,
                released=released,
            )
        return orjson.dumps(
            {
                "type": "end",
                "attempt": attempt_id,
                "status": status,
                "result": result,
                "released": released,
                "result_url": url,
            }
        ).decode()
