"""Fixtures: an isolated application per test on a fresh, migrated database.

``pytest`` runs on SQLite; ``pytest --db=postgresql`` runs the same tests on the
PostgreSQL server at 127.0.0.1:5432 (database ``test``'s server, trust auth). In
CI (the ``CI`` variable set) a missing PostgreSQL, Redis or Chromium fails the
run; elsewhere those tests skip with the reason printed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.clock import SystemClock
from examsrv.demo.knowledge_base import generate_articles, generate_tasks
from examsrv.persistence.accounts import create_user
from examsrv.persistence.engine import make_engine, session_scope
from examsrv.persistence.knowledge import apply_bank
from examsrv.persistence.migrate import upgrade
from examsrv.persistence.models import Role
from examsrv.settings import Settings

PG_ADMIN_URL = os.environ.get("EXAMSRV_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "test-password-1"
IN_CI = bool(os.environ.get("CI"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", default="sqlite", choices=["sqlite", "postgresql"], help="database to test on"
    )


def need_service(what: str, reason: str) -> None:
    """Skip (or, in CI, fail) a test whose server is not reachable."""
    message = f"{what} unavailable: {reason}"
    if IN_CI:
        pytest.fail(message + " (required in CI)", pytrace=False)
    pytest.skip(message)


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{dbname}".replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.config.getoption("--db")
    return kind


@pytest.fixture(scope="session")
def migrated_template(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once per run: a SQLite file to copy, or a PostgreSQL database."""
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    name = f"examsrv_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        need_service("PostgreSQL", str(exc).strip())
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(_pg_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(db_kind: str, migrated_template: str, tmp_path: Path) -> str:
    if db_kind == "sqlite":
        target = tmp_path / "examsrv.db"
        shutil.copyfile(migrated_template, target)
        return f"sqlite:///{target}"
    url = _pg_url(migrated_template)
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars()
        names = ", ".join(f'"{t}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret",
        trial_task_count=5,
        sqlite_synchronous="NORMAL",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    e = make_engine(settings.database_url)
    yield e
    e.dispose()


def load_bank(engine: Engine, articles: int = 80, tasks: int = 150) -> None:
    arts = generate_articles(articles)
    with session_scope(engine) as s:
        apply_bank(s, arts, generate_tasks(arts, tasks), actor="test", now=SystemClock().now())


def add_user(engine: Engine, username: str, role: Role, name: str | None = None) -> None:
    with session_scope(engine) as s:
        create_user(
            s,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=name or username,
            now=SystemClock().now(),
        )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver") as c:
        yield c


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    token = client.cookies.get("examsrv_session")
    assert token
    csrf = csrf_of(page.text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def csrf_of(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
