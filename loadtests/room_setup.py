"""A fresh proctored room for a load test: bank, accounts, one sitting, everyone started.

As ``loadtests.sitting_setup`` does, everything goes through examsrv's own functions
where one exists: the sitting through ``create_sitting``, ``set_proctors`` and
``add_seats``, each check-in through ``check_in`` in its own transaction (it opens the
candidate's attempt: a lookup form, or a case test drawn from the level's test pool),
and the start of every seat through ``start`` in one transaction, as the console's
"start everyone" does (for a case test this sets each deadline). The candidates'
accounts are inserted in bulk (``loadtests.accounts``); for a case test of level L their
current level is set to L − 1, the only level that may take it.

The accounts are written as JSON lines with sessions signed in advance: candidates
(``--accounts-file``, each with its ``attempt``) and proctors (``--proctors-file``, each
with the ``sitting``).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, update
from sqlmodel import Session, select

from examsrv.clock import SystemClock
from examsrv.persistence.accounts import create_user
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.sitting_tables import ReleaseRule, Seat, Sitting, SittingTest
from examsrv.persistence.sittings import (
    NewSitting,
    add_seats,
    check_in,
    create_sitting,
    set_proctors,
    start,
)
from examsrv.settings import Settings
from examsrv.web.security import SessionUser
from loadtests.accounts import PASSWORD, create_candidates, session_cookie
from loadtests.database import prepare, prepare_cases
from loadtests.trial_client import Account


@dataclass(frozen=True)
class Candidate:
    user: SessionUser
    seat: int
    attempt: int


@dataclass
class Room:
    sitting_id: int
    test: str  # "lookup" or "case"
    candidates: list[Candidate]
    proctors: list[SessionUser]
    timings: dict[str, float] = field(default_factory=dict)  # seconds of each step


def build_room(
    engine: Engine,
    *,
    test: str,
    level: int,
    count: int,
    proctors: int,
    settings: Settings,
    seed: int,
) -> Room:
    """Schema, demo bank (and cases), accounts; one sitting, checked in and started."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    prepare(engine)
    if test == SittingTest.CASE:
        prepare_cases(engine)
    timings["schema and bank"] = _since(t)
    now = SystemClock().now()
    t = time.perf_counter()
    users = create_candidates(engine, count, now=now)
    if test == SittingTest.CASE and level > 1:
        with engine.begin() as conn:
            employees = Employee.__table__  # type: ignore[attr-defined]
            ids = [u.employee_id for u in users]
            conn.execute(
                update(employees).where(employees.c.id.in_(ids)).values(current_level=level - 1)
            )
    staff = _proctors(engine, proctors, now)
    timings[f"{count} accounts and {proctors} proctors"] = _since(t)
    t = time.perf_counter()
    with session_scope(engine) as s:
        new = NewSitting(
            name=f"压测考场 {count} 人",
            test=SittingTest(test),
            case_level=level if test == SittingTest.CASE else None,
            room="LOAD",
            opens_at=now - timedelta(minutes=10),
            closes_at=now + timedelta(hours=3),
            release_rule=ReleaseRule.BY_PROCTOR,
        )
        sitting = create_sitting(s, new, created_by="loadtest", now=now)
        sitting_id = sitting.id or 0
        set_proctors(s, sitting_id, [p.id for p in staff])
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
    timings[f"{count} check-ins (each opens an attempt)"] = _since(t)
    t = time.perf_counter()
    with session_scope(engine) as s:
        sitting_row = s.get(Sitting, sitting_id)
        assert sitting_row is not None
        seats = list(s.exec(select(Seat).where(Seat.sitting_id == sitting_id)))
        actor = staff[0].username if staff else "loadtest"
        started = start(s, sitting_row, seats, now=SystemClock().now(), actor=actor)
        if len(started) != count:
            raise RuntimeError(f"started {len(started)} of {count} seats")
    timings["start everyone"] = _since(t)
    with Session(engine) as s:
        by_employee = {
            seat.employee_id: seat
            for seat in s.exec(select(Seat).where(Seat.sitting_id == sitting_id)).all()
        }
    candidates = [
        Candidate(
            u,
            by_employee[u.employee_id or 0].id or 0,
            by_employee[u.employee_id or 0].attempt_id or 0,
        )
        for u in users
    ]
    return Room(sitting_id, test, candidates, staff, timings)


def _proctors(engine: Engine, count: int, now: datetime) -> list[SessionUser]:
    staff = []
    with session_scope(engine) as s:
        for i in range(count):
            name = f"ltproctor{i:02d}"
            user = create_user(
                s,
                username=name,
                password=PASSWORD,
                role=Role.PROCTOR,
                display_name=f"压测监考{i + 1}",
                now=now,
            )
            staff.append(SessionUser(user.id or 0, name, Role.PROCTOR, user.display_name, None))
    return staff


def write_room_accounts(room: Room, work: Path, secret_key: str) -> tuple[Path, Path]:
    """The candidates' and proctors' JSON lines, sessions signed with ``secret_key``."""
    accounts, proctors = work / "accounts.jsonl", work / "proctors.jsonl"
    with accounts.open("w", encoding="utf-8") as f:
        for c in room.candidates:
            cookie, csrf = session_cookie(c.user, secret_key)
            account = Account(c.user.username, PASSWORD, cookie, csrf, c.attempt)
            f.write(json.dumps(asdict(account)) + "\n")
    with proctors.open("w", encoding="utf-8") as f:
        for p in room.proctors:
            cookie, csrf = session_cookie(p, secret_key)
            row = {"username": p.username, "cookie": cookie, "csrf": csrf}
            f.write(json.dumps({**row, "sitting": room.sitting_id}) + "\n")
    return accounts, proctors


def _since(t: float) -> float:
    return round(time.perf_counter() - t, 2)
