"""What every handler needs, built once per application by ``create_app``."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2_fragments.starlette import Jinja2Blocks
from sqlalchemy import Engine
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from examsrv.clock import Clock
from examsrv.persistence.writer import AnswerWriter
from examsrv.settings import Settings
from examsrv.web.live_bus import LiveBus, LocalBus

if TYPE_CHECKING:
    from examsrv.persistence.models import Task
    from examsrv.timing.trial_session import LiveTask, TrialSession


@dataclass
class LiveTrial:
    """A trial being taken on this process: its session and its one live connection."""

    session: TrialSession
    connection_id: int | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    clock: Clock
    writer: AnswerWriter
    seed_source: random.Random
    templates: Jinja2Blocks
    live: dict[int, LiveTrial] = field(default_factory=dict)
    case_live: set[int] = field(default_factory=set)  # case-test attempts with a live socket
    # (task id, version) -> the task with its answer checker; a task edit bumps the version
    live_tasks: dict[tuple[int, int], LiveTask] = field(default_factory=dict)
    # task id -> the task as last read (detached); checked against its version on each use
    task_rows: dict[int, Task] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # Live events and the one-connection-per-attempt claims (Redis-backed with several workers).
    bus: LiveBus = field(default_factory=LocalBus)
    process_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        *,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        block_name: str | None = None,
    ) -> Response:
        """A page (or, with ``block_name``, one block of it as an htmx fragment)."""
        response: Response = self.templates.TemplateResponse(
            request, name, context, status_code=status_code, headers=headers, block_name=block_name
        )
        return response


def ctx(conn: HTTPConnection) -> AppContext:
    context: AppContext = conn.app.state.ctx
    return context
