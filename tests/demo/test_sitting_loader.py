"""The demo sittings: one open now, one tomorrow, one closed last week."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from examsrv.demo.sitting_loader import load
from examsrv.persistence.accounts import create_user, hash_password
from examsrv.persistence.case_tests import aware
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.sitting_tables import ReleaseRule, Sitting, SittingStatus, SittingTest
from examsrv.persistence.sittings import proctors_of, roster

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_the_demo_sittings(engine: Engine) -> None:
    shared = hash_password("demo-password")
    with session_scope(engine) as s:
        create_user(
            s,
            username="proctor",
            password="demo-password",
            role=Role.PROCTOR,
            display_name="值班经理",
            now=NOW,
            password_hash=shared,
        )
        for n in range(10001, 10031):
            create_user(
                s,
                username=str(n),
                password="demo-password",
                role=Role.CANDIDATE,
                display_name=f"考生{n}",
                now=NOW,
                password_hash=shared,
            )
    for _ in range(2):  # loading twice adds nothing the second time
        with session_scope(engine) as s:
            load(s, now=NOW, rng=random.Random(11))
    with session_scope(engine) as s:
        open_now, tomorrow, closed = s.exec(select(Sitting).order_by(col(Sitting.id))).all()
        assert open_now.test == SittingTest.LOOKUP
        assert aware(open_now.opens_at) == NOW - timedelta(minutes=30)
        assert aware(open_now.closes_at) == NOW + timedelta(hours=3)
        assert open_now.release_rule == ReleaseRule.BY_PROCTOR
        assert [e.employee_no for _seat, e in roster(s, open_now.id or 0)] == [
            str(n) for n in range(10001, 10011)
        ]
        assert [u.username for u in proctors_of(s, open_now.id or 0)] == ["proctor"]
        assert tomorrow.test == SittingTest.CASE and tomorrow.case_level == 1
        assert aware(tomorrow.opens_at) > NOW + timedelta(hours=12)
        assert [e.employee_no for _seat, e in roster(s, tomorrow.id or 0)] == [
            str(n) for n in range(10011, 10016)
        ]
        assert closed.status == SittingStatus.CLOSED
        assert aware(closed.closes_at) < NOW - timedelta(days=5)
        codes = [
            seat.code for sid in (open_now.id, tomorrow.id) for seat, _e in roster(s, sid or 0)
        ]
        assert len(set(codes)) == len(codes) == 15
