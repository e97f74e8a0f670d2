"""A fresh proctored sitting for a load test: bank, accounts, roster, every candidate in.

Everything is written through examsrv's own functions where one exists: the sitting
through ``create_sitting``, ``set_proctors`` and ``add_seats``, and each check-in
through ``check_in`` in its own transaction, as the check-in page does (it draws the
candidate's form, so it is the costly part and is timed on its own). Only the
candidate accounts are inserted in bulk (``loadtests.accounts``: one argon2 hash
shared by all).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.clock import SystemClock
from examsrv.persistence.accounts import create_user
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.sitting_tables import ReleaseRule, Seat, SittingTest
from examsrv.persistence.sittings import (
    NewSitting,
    add_seats,
    check_in,
    create_sitting,
    set_proctors,
)
from examsrv.settings import Settings
from examsrv.web.security import SessionUser
from loadtests.accounts import PASSWORD, create_candidates
from loadtests.database import prepare

PROCTOR = "ltproctor"


@dataclass(frozen=True)
class SeatOf:
    """A candidate's seat and the attempt their check-in opened."""

    username: str
    seat: int
    attempt: int


@dataclass
class SittingSetup:
    sitting_id: int
    candidates: list[SeatOf]
    users: list[SessionUser]  # in the order of ``candidates``
    proctor: SessionUser
    task_count: int
    timings: dict[str, float] = field(default_factory=dict)  # seconds of each step


def build_sitting(
    engine: Engine, count: int, settings: Settings, *, seed: int, articles: int = 320
) -> SittingSetup:
    """Schema, demo bank, ``count`` candidates and a proctor; one lookup sitting, all in."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    prepare(engine, articles=articles)
    timings["schema and bank"] = _since(t)
    now = SystemClock().now()
    t = time.perf_counter()
    users = create_candidates(engine, count, now=now)
    with session_scope(engine) as s:
        staff = create_user(
            s,
            username=PROCTOR,
            password=PASSWORD,
            role=Role.PROCTOR,
            display_name="压测监考",
            now=now,
        )
        proctor = SessionUser(staff.id or 0, PROCTOR, Role.PROCTOR, staff.display_name, None)
    timings[f"{count} accounts and the proctor"] = _since(t)
    t = time.perf_counter()
    with session_scope(engine) as s:
        new = NewSitting(
            name=f"压测 {count} 人同时开考",
            test=SittingTest.LOOKUP,
            case_level=None,
            room="LOAD",
            opens_at=now - timedelta(minutes=10),
            closes_at=now + timedelta(hours=3),
            release_rule=ReleaseRule.BY_PROCTOR,
        )
        sitting = create_sitting(s, new, created_by="loadtest", now=now)
        sitting_id = sitting.id or 0
        set_proctors(s, sitting_id, [proctor.id])
        emps = [u.employee_id or 0 for u in users]
        codes = {seat.employee_id: seat.code for seat in add_seats(s, sitting, emps, rng)}
    timings["sitting and roster"] = _since(t)
    t = time.perf_counter()
    for user in users:
        with session_scope(engine) as s:
            check_in(
                s,
                employee_id=user.employee_id or 0,
                typed_code=codes[user.employee_id or 0],
                username=user.username,
                now=SystemClock().now(),
                task_count=settings.trial_task_count,
                recent_attempts=settings.trial_recent_attempts,
                seed_source=rng,
            )
    timings[f"{count} check-ins (each draws a form)"] = _since(t)
    with Session(engine) as s:
        seats = {
            seat.employee_id: seat
            for seat in s.exec(select(Seat).where(Seat.sitting_id == sitting_id)).all()
        }
    candidates = [
        SeatOf(
            u.username,
            seats[u.employee_id or 0].id or 0,
            seats[u.employee_id or 0].attempt_id or 0,
        )
        for u in users
    ]
    return SittingSetup(sitting_id, candidates, users, proctor, settings.trial_task_count, timings)


def _since(t: float) -> float:
    return round(time.perf_counter() - t, 2)
