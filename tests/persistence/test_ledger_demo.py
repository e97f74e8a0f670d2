"""The demo's ledger data: points, mentorships and one appeal in each state, loaded once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import func, select

from examsrv.demo.ledger_loader import load
from examsrv.persistence.engine import session_scope
from examsrv.persistence.ledger_tables import Appeal, Mentorship, PointsEntry
from tests.persistence.test_ledger import employee, english, trial

__all__ = ["english"]
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_the_demo_ledger_loads_once_with_an_appeal_in_each_state(engine: Engine) -> None:
    with session_scope(engine) as s:
        for n in range(30):
            row = employee(s, str(10001 + n), level=(0, 0, 1, 1, 2, 3)[n % 6])
            if n < 6:
                trial(s, row.id or 0, at=NOW - timedelta(days=20 + n))
    with session_scope(engine) as s:
        load(s, now=NOW, rng=random.Random(3))
    with session_scope(engine) as s:
        entries = s.exec(select(func.count()).select_from(PointsEntry)).one()
        assert entries >= 30
        assert s.exec(select(func.count()).select_from(Mentorship)).one() == 3
        states = sorted(a.status for a in s.exec(select(Appeal)).all())
        assert states == ["investigating", "rejected", "submitted", "upheld"]
        load(s, now=NOW, rng=random.Random(3))
        assert s.exec(select(func.count()).select_from(PointsEntry)).one() == entries
