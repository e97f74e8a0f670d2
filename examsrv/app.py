"""``create_app``: one isolated application per settings object."""

from __future__ import annotations

import random
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from examsrv.clock import Clock, SystemClock
from examsrv.persistence.engine import make_engine
from examsrv.persistence.migrate import current, head
from examsrv.persistence.writer import AnswerWriter
from examsrv.settings import Settings
from examsrv.web.context import AppContext
from examsrv.web.routes import routes
from examsrv.web.security import SessionContextMiddleware
from examsrv.web.templating import asset_names, make_templates

SESSION_MAX_AGE_S = 12 * 3600


class SchemaOutOfDate(RuntimeError):
    pass


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
    )
    asset_names()  # fail at start, not at the first page, when htmx is not installed

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        have, want = current(engine), head()
        if have != want:
            raise SchemaOutOfDate(
                f"database schema is at {have}, examsrv needs {want}: run `examsrv db upgrade`"
            )
        context.writer.start()
        try:
            yield
        finally:
            context.writer.stop()
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
