"""``create_app``: one isolated application per settings object."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from examsrv.clock import Clock, SystemClock
from examsrv.hr_push.deliverer import Deliverer
from examsrv.persistence.case_tests import submit_due
from examsrv.persistence.engine import make_engine, session_scope
from examsrv.persistence.migrate import current, head
from examsrv.persistence.sitting_tables import SittingTest
from examsrv.persistence.sittings import mark_finished
from examsrv.persistence.writer import AnswerWriter
from examsrv.settings import Settings
from examsrv.web.context import AppContext
from examsrv.web.live_bus import make_bus
from examsrv.web.routes import routes
from examsrv.web.seat_live import finish_detached, publish_seat
from examsrv.web.security import SessionContextMiddleware
from examsrv.web.templating import asset_names, make_templates

SESSION_MAX_AGE_S = 12 * 3600


log = logging.getLogger(__name__)


class SchemaOutOfDate(RuntimeError):
    """The database is not at the newest migration: run `examsrv db upgrade`."""


async def sweep_case_deadlines(context: AppContext, stop: asyncio.Event) -> None:
    """Submit case tests whose deadline has passed, whether or not a browser is connected.

    It stops when ``stop`` is set, after the sweep under way (if any) has finished, so
    that shutting down never leaves a database connection in a worker thread.
    """

    def sweep() -> list[int]:
        with session_scope(context.engine) as s:
            now = context.clock.now()
            submitted = submit_due(s, now=now)
            seats = [mark_finished(s, SittingTest.CASE, a, now=now) for a in submitted]
            return [seat.id for seat in seats if seat is not None and seat.id is not None]

    while not stop.is_set():
        try:
            seats = await run_in_threadpool(sweep)
            for seat_id in seats:
                await publish_seat(context, seat_id)
        except Exception:  # keep sweeping; the next round retries
            log.exception("case-test deadline sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), context.settings.case_deadline_sweep_seconds)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    seed_source: random.Random | None = None,
) -> Starlette:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    context = AppContext(
        settings=settings,
        engine=engine,
        clock=clock or SystemClock(),
        writer=AnswerWriter(engine, settings.writer_batch_max),
        seed_source=seed_source or random.SystemRandom(),
        templates=make_templates(),
        bus=make_bus(settings.redis_url, settings.redis_prefix),
    )
    deliverer = Deliverer(engine, settings, context.clock)
    asset_names()  # fail at start, not at the first page, when htmx is not installed

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        have, want = current(engine), head()
        if have != want:
            raise SchemaOutOfDate(
                f"database schema is at {have}, examsrv needs {want}: run `examsrv db upgrade`"
            )
        await context.bus.start()
        context.writer.start()
        deliverer.start()
        stop_sweeping = asyncio.Event()
        sweeper = asyncio.create_task(sweep_case_deadlines(context, stop_sweeping))
        try:
            yield
        finally:
            await finish_detached()  # closing connections still write where their clock stood
            stop_sweeping.set()
            await sweeper
            await run_in_threadpool(deliverer.stop)
            context.writer.stop()
            await context.bus.stop()
            engine.dispose()

    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key or secrets.token_urlsafe(32),
                session_cookie="examsrv_session",
                max_age=SESSION_MAX_AGE_S,
                same_site="lax",
                https_only=settings.https_only,
            ),
            Middleware(SessionContextMiddleware, default_locale=settings.default_locale),
        ],
        lifespan=lifespan,
    )
    app.state.ctx = context
    return app
