"""A fresh database for one load test: created, migrated, loaded, read back, dropped.

SQLite is a file in the run's temporary directory. PostgreSQL is a new database on
the server at 127.0.0.1:5432 (user ``postgres``, trust authentication), created
here and dropped when the run ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import Engine, select

from examsrv.clock import SystemClock
from examsrv.demo.case_loader import load_case_bank
from examsrv.demo.knowledge_base import generate_articles, generate_tasks
from examsrv.persistence.case_tables import CaseAnswer
from examsrv.persistence.engine import make_engine, session_scope
from examsrv.persistence.knowledge import apply_bank
from examsrv.persistence.migrate import upgrade
from examsrv.persistence.models import TrialAnswer
from examsrv.persistence.trials import current_policy_row

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@dataclass(frozen=True)
class SavedAnswer:
    attempt: int
    seq: int
    raw_ms: float
    network_ms: float
    resumed: bool
    received_at_s: float  # wall clock, seconds since the epoch


@dataclass
class TrialDatabase:
    kind: str  # "sqlite" or "postgresql"
    url: str
    pg_name: str = ""

    def engine(self) -> Engine:
        return make_engine(self.url)

    def drop(self) -> None:
        if self.kind == "postgresql" and self.pg_name:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def create_database(kind: str, workdir: Path) -> TrialDatabase:
    """An empty database of ``kind``; SQLite lives in ``workdir``."""
    if kind == "sqlite":
        return TrialDatabase(kind, f"sqlite:///{workdir / 'examsrv.db'}")
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    name = f"examsrv_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return TrialDatabase(kind, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name)


def prepare(
    engine: Engine, *, articles: int = 320, tasks: int = 450, grading_policy: bool = True
) -> None:
    """Migrate the schema and load the demo knowledge base and lookup tasks.

    ``grading_policy`` stores the default grading policy row, as a server that has
    run a trial before has it. Without it, the first attempts started at the same
    moment race to insert that row (see docs/performance.md).
    """
    upgrade(engine)
    specs = generate_articles(articles)
    now = SystemClock().now()
    with session_scope(engine) as s:
        apply_bank(s, specs, generate_tasks(specs, tasks), actor="loadtest", now=now)
        if grading_policy:
            current_policy_row(s, now=now)


def saved_answers(engine: Engine) -> list[SavedAnswer]:
    """Every row of ``trial_answer``."""
    t = TrialAnswer.__table__  # type: ignore[attr-defined]
    query = select(
        t.c.attempt_id, t.c.seq, t.c.raw_ms, t.c.network_ms, t.c.resumed, t.c.received_at
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        SavedAnswer(int(a), int(s), float(r), float(n), bool(res), _epoch(at))
        for a, s, r, n, res, at in rows
    ]


def _epoch(value: datetime) -> float:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True)
class SavedCaseAnswer:
    attempt: int
    version: int
    question: str
    given: str


def prepare_cases(engine: Engine) -> int:
    """Load the demo case bank (``prepare`` loads none): every case approved and live.

    12 test cases a level, enough for the default policy's 10; returns the number of cases.
    """
    return load_case_bank(engine, now=SystemClock().now())


def saved_case_answers(engine: Engine) -> list[SavedCaseAnswer]:
    """Every row of ``case_answer``."""
    t = CaseAnswer.__table__  # type: ignore[attr-defined]
    query = select(t.c.attempt_id, t.c.version_id, t.c.question_key, t.c.given)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [SavedCaseAnswer(int(a), int(v), str(q), str(g)) for a, v, q, g in rows]
