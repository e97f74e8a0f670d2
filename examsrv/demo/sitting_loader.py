"""Demo sittings: one open now, one tomorrow and one closed last week.

Run after the rest of the demo is loaded (its employees and the ``proctor`` user
exist). Check-in codes come from ``rng`` so the demo is reproducible; real
sittings draw them from ``random.SystemRandom``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from examsrv.persistence.models import Employee, User
from examsrv.persistence.sitting_tables import ReleaseRule, Sitting, SittingTest
from examsrv.persistence.sittings import NewSitting, add_seats, close, create_sitting, set_proctors

ACTOR = "admin"


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    """Add the demo sittings, unless some sitting already exists."""
    if session.exec(select(Sitting)).first() is not None:
        return
    proctor = session.exec(select(User.id).where(User.username == "proctor")).one()
    _sitting(
        session,
        NewSitting(
            name="查询速度测评 · 早班",
            test=SittingTest.LOOKUP,
            case_level=None,
            room="三楼培训室",
            opens_at=now - timedelta(minutes=30),
            closes_at=now + timedelta(hours=3),
            release_rule=ReleaseRule.BY_PROCTOR,
        ),
        _numbers(10001, 10010),
        proctor,
        now=now,
        rng=rng,
    )
    tomorrow = now + timedelta(days=1)
    _sitting(
        session,
        NewSitting(
            name="一级案例测试",
            test=SittingTest.CASE,
            case_level=1,
            room="二楼考试室",
            opens_at=tomorrow,
            closes_at=tomorrow + timedelta(hours=2),
            release_rule=ReleaseRule.BY_PROCTOR,
        ),
        _numbers(10011, 10015),
        proctor,
        now=now,
        rng=rng,
    )
    last_week = now - timedelta(days=7)
    closed = _sitting(
        session,
        NewSitting(
            name="查询速度测评 · 上周",
            test=SittingTest.LOOKUP,
            case_level=None,
            room="三楼培训室",
            opens_at=last_week,
            closes_at=last_week + timedelta(hours=2),
            release_rule=ReleaseRule.ON_FINISH,
        ),
        _numbers(10016, 10020),
        proctor,
        now=last_week - timedelta(days=2),
        rng=rng,
    )
    close(session, closed, now=last_week + timedelta(hours=2), actor=ACTOR)


def _numbers(first: int, last: int) -> list[str]:
    return [str(n) for n in range(first, last + 1)]


def _sitting(
    session: Session,
    new: NewSitting,
    employee_nos: Iterable[str],
    proctor_id: int | None,
    *,
    now: datetime,
    rng: random.Random,
) -> Sitting:
    sitting = create_sitting(session, new, created_by=ACTOR, now=now)
    assert sitting.id is not None
    set_proctors(session, sitting.id, [proctor_id] if proctor_id is not None else [])
    employees = session.exec(
        select(Employee.id)
        .where(col(Employee.employee_no).in_(list(employee_nos)))
        .order_by(col(Employee.employee_no))
    ).all()
    add_seats(session, sitting, [e for e in employees if e is not None], rng)
    return sitting
