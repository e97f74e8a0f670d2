"""Two real server processes sharing one PostgreSQL database and one Redis.

The proctor's console is on process A, the candidate's trial on process B: every
proctor action crosses processes through Redis, every candidate event comes back the
same way, and the one-live-connection rule holds across both. The test makes its own
PostgreSQL database whatever ``--db`` says, since SQLite cannot be shared by servers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
import redis
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from examsrv.clock import SystemClock
from examsrv.persistence.engine import make_engine
from examsrv.persistence.models import AuditEvent, Employee, Role, TrialAnswer, User
from examsrv.persistence.sitting_tables import ReleaseRule, SittingTest
from examsrv.persistence.sittings import (
    NewSitting,
    add_seats,
    check_in,
    create_sitting,
    set_proctors,
)
from loadtests.server import BIN, Service, examsrv_service, free_port
from tests.conftest import PASSWORD, PG_ADMIN_URL, add_user, csrf_of, load_bank, need_service

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("EXAMSRV_TEST_REDIS", "redis://127.0.0.1:6379/0")
WAIT_S = 10.0  # a frame that has not come by then is missing
HOLD_S = 0.2  # how long the candidate looks at a task before the proctor acts
WALK_S = 0.2  # from the old machine to the new one
Frame = dict[str, Any]


# --- the database and the two processes ----------------------------------------------


@pytest.fixture
def shared_database() -> Iterator[str]:
    """A new PostgreSQL database of this test alone, dropped afterwards."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need_service("Redis", str(exc))
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        need_service("PostgreSQL", str(exc).strip())
    name = f"examsrv_workers_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server_env(shared_database: str, tmp_path: Path) -> dict[str, str]:
    env = {
        "EXAMSRV_DATABASE_URL": shared_database,
        "EXAMSRV_REDIS_URL": REDIS_URL,
        "EXAMSRV_SECRET_KEY": secrets.token_urlsafe(32),
        "EXAMSRV_TRIAL_TASK_COUNT": "5",
        "EXAMSRV_HTTPS_ONLY": "false",
    }
    subprocess.run(
        [str(BIN / "examsrv"), "db", "upgrade"],
        env={**os.environ, **env},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


@pytest.fixture
def engine(server_env: dict[str, str]) -> Iterator[Engine]:
    e = make_engine(server_env["EXAMSRV_DATABASE_URL"])
    yield e
    e.dispose()


@pytest.fixture
def servers(server_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    a = examsrv_service(free_port(), tmp_path / "a" / "server.log", server_env, workers=1)
    b = examsrv_service(free_port(), tmp_path / "b" / "server.log", server_env, workers=1)
    try:
        for server in (a, b):
            server.log_path.parent.mkdir()
            server.start()
        yield a, b
    finally:
        for server in (a, b):
            server.stop(grace_s=5.0)
            if server.log_path.exists():  # shown by pytest when the test fails
                print(f"--- {server.name} on port {server.port}")
                print(server.log_path.read_text()[-4000:])


def start_ids_far_apart(engine: Engine) -> None:
    """Number sittings, seats and attempts from a random point.

    Channels and claims are named by these ids; another run on the same Redis then
    names different ones and neither sees the other's events.
    """
    start = random.randrange(10**6, 10**9)
    with engine.begin() as conn:
        for table in ("sitting", "seat", "trial_attempt"):
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n, false)"),
                {"t": table, "n": start},
            )


def make_sitting(engine: Engine) -> dict[str, int]:
    """A lookup sitting with proctor1 and two checked-in candidates; returns ids."""
    start_ids_far_apart(engine)
    load_bank(engine)
    add_user(engine, "proctor1", Role.PROCTOR, "监考 王")
    add_user(engine, "10001", Role.CANDIDATE, "张三")
    add_user(engine, "10002", Role.CANDIDATE, "李四")
    now = SystemClock().now()
    with Session(engine) as s:
        new = NewSitting(
            name="查询测试 两台服务器",
            test=SittingTest.LOOKUP,
            case_level=None,
            room="A301",
            opens_at=now - timedelta(minutes=10),
            closes_at=now + timedelta(hours=2),
            release_rule=ReleaseRule.BY_PROCTOR,
        )
        sitting = create_sitting(s, new, created_by="admin", now=now)
        proctor = s.exec(select(User).where(User.username == "proctor1")).one()
        set_proctors(s, sitting.id or 0, [proctor.id or 0])
        emps = [
            s.exec(select(Employee).where(Employee.employee_no == no)).one().id or 0
            for no in ("10001", "10002")
        ]
        seats = add_seats(s, sitting, emps, random.Random(1))
        ids = {"sitting": sitting.id or 0}
        for no, emp, seat in zip(("10001", "10002"), emps, seats, strict=True):
            check_in(
                s,
                employee_id=emp,
                typed_code=seat.code,
                username=no,
                now=now,
                task_count=5,
                recent_attempts=3,
                seed_source=random.Random(7),
            )
            ids[f"seat_{no}"] = seat.id or 0
            ids[f"attempt_{no}"] = seat.attempt_id or 0
        s.commit()
    return ids


def log_in(server: Service, username: str) -> str:
    """The session cookie of a login on ``server``."""
    with httpx2.Client(base_url=server.base_url, trust_env=False, timeout=WAIT_S) as http:
        page = http.get("/login")
        response = http.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        cookie = http.cookies.get("examsrv_session")
        assert cookie
        return cookie


# --- websocket clients -------------------------------------------------------------------


def open_socket(server: Service, path: str, cookie: str) -> connect:
    """A websocket as a page of ``server`` opens it: with the session cookie and its Origin."""
    return connect(
        f"ws://127.0.0.1:{server.port}{path}",
        additional_headers={"Cookie": f"examsrv_session={cookie}"},
        origin=Origin(server.base_url),
        proxy=None,
        open_timeout=WAIT_S,
    )


async def frame(ws: ClientConnection) -> Frame:
    async with asyncio.timeout(WAIT_S):
        got: Frame = json.loads(await ws.recv())
        return got


async def close_code(ws: ClientConnection) -> int | None:
    """The code the server closed with, once it has (reading anything still unread)."""
    async with asyncio.timeout(WAIT_S):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return ws.close_code


class Candidate:
    """The trial page: answers the server's pings, hands over every other frame."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def next(self) -> Frame:
        while True:
            got = await frame(self.ws)
            if got["type"] != "ping":
                return got
            await self.ws.send(json.dumps({"type": "pong", "id": got["id"]}))

    async def answer(self, seq: int, given: str) -> Frame:
        await self.ws.send(json.dumps({"type": "answer", "seq": seq, "answer": given}))
        return await self.next()


class Console:
    """The proctor console: live updates are kept until a step looks for them."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.unread: list[Frame] = []

    async def next(self, wanted: Callable[[Frame], bool]) -> Frame:
        """The first frame, read or still to come, that ``wanted`` accepts."""
        for i, got in enumerate(self.unread):
            if wanted(got):
                return self.unread.pop(i)
        while True:
            got = await frame(self.ws)
            if wanted(got):
                return got
            self.unread.append(got)

    async def act(self, **action: Any) -> Frame:
        await self.ws.send(json.dumps(action))
        return await self.next(lambda f: f["type"] in ("ok", "error"))


def of_type(kind: str, **fields: Any) -> Callable[[Frame], bool]:
    return lambda f: f["type"] == kind and all(f.get(k) == v for k, v in fields.items())


# --- the test ----------------------------------------------------------------------------


def test_a_proctor_on_one_process_controls_a_candidate_on_another(
    servers: tuple[Service, Service], engine: Engine
) -> None:
    a, b = servers
    ids = make_sitting(engine)
    seat, attempt = ids["seat_10001"], ids["attempt_10001"]
    proctor = log_in(a, "proctor1")
    candidate = log_in(a, "10001")  # the shared secret key: a login on A is valid on B
    times: dict[str, float] = {}

    async def scenario() -> None:
        async with open_socket(a, f"/ws/proctor/{ids['sitting']}", proctor) as console_ws:
            console = Console(console_ws)
            hello = await console.next(of_type("hello"))
            states = {row["employee_no"]: row["state"] for row in hello["rows"]}
            assert states == {"10001": "waiting", "10002": "waiting"}

            async with open_socket(b, f"/ws/trial/{attempt}", candidate) as early:
                assert (await frame(early))["code"] == "not_started"
                assert await close_code(early) == 4425

            # Started on A: the waiting room on B sends the candidate to the trial.
            async with open_socket(b, f"/ws/seat/{seat}", candidate) as waiting:
                assert await frame(waiting) == {"type": "waiting", "state": "waiting"}
                reply = await console.act(type="start", seat=seat)
                assert reply == {"type": "ok", "action": "start", "seats": [seat]}
                assert await frame(waiting) == {"type": "go", "url": f"/trial/{attempt}"}

            async with open_socket(b, f"/ws/trial/{attempt}", candidate) as on_b:
                trial = Candidate(on_b)
                assert (await trial.next())["answered"] == 0
                first = await trial.next()
                assert first["type"] == "task" and first["seq"] == 1
                await console.next(of_type("presence", seat=seat, connected=True))

                times["answer_sent"] = time.monotonic()
                assert await trial.answer(1, "x") == {"type": "ack", "seq": 1, "duplicate": False}
                second = await trial.next()
                times["second_shown"] = time.monotonic()
                assert second["type"] == "task" and second["seq"] == 2
                progress = await console.next(of_type("progress", seat=seat))
                assert progress["answered"] == 1 and progress["of"] == 5

                await asyncio.sleep(HOLD_S)
                times["pause_sent"] = time.monotonic()
                reply = await console.act(type="pause", seat=seat, reason="机器检查")
                assert reply["type"] == "ok"
                paused = await trial.next()
                times["paused_seen"] = time.monotonic()
                assert paused["type"] == "paused" and paused["reason"] == "机器检查"
                refused = await trial.answer(2, "x")
                assert refused["type"] == "error" and refused["code"] == "paused"

                times["resume_sent"] = time.monotonic()
                assert (await console.act(type="resume", seat=seat))["type"] == "ok"
                again = await trial.next()
                times["again_shown"] = time.monotonic()
                assert again["type"] == "task" and again["seq"] == 2 and again["resumed"]

                # B holds the attempt: a second connection, on A, is refused.
                async with open_socket(a, f"/ws/trial/{attempt}", candidate) as twin:
                    assert (await frame(twin))["code"] == "already_connected"
                    assert await close_code(twin) == 4409

                await asyncio.sleep(HOLD_S)
                times["move_sent"] = time.monotonic()
                assert (await console.act(type="move", seat=seat))["type"] == "ok"
                moved = await trial.next()
                times["moved_seen"] = time.monotonic()
                assert moved["type"] == "error" and moved["code"] == "moved"
                assert await close_code(on_b) == 4410
            await console.next(of_type("presence", seat=seat, connected=False))

            await asyncio.sleep(WALK_S)
            times["reconnect"] = time.monotonic()
            async with open_socket(a, f"/ws/trial/{attempt}", candidate) as on_a:
                trial = Candidate(on_a)
                assert (await trial.next())["answered"] == 1
                moved_task = await trial.next()
                assert moved_task["type"] == "task" and moved_task["seq"] == 2
                assert moved_task["resumed"]
                await console.next(of_type("presence", seat=seat, connected=True))
                assert (await trial.answer(2, "x"))["type"] == "ack"
                times["second_acked"] = time.monotonic()
                assert (await trial.next())["seq"] == 3
                progress = await console.next(of_type("progress", seat=seat, answered=2))
                assert progress["of"] == 5

        # The time task 2 had on B came along to A, and nothing else did.
        carried = moved_task["elapsed_ms"] - second["elapsed_ms"]
        on_screen_at_most = (times["paused_seen"] - times["answer_sent"]) + (
            times["moved_seen"] - times["resume_sent"]
        )
        looked_at_least = (times["pause_sent"] - times["second_shown"]) + (
            times["move_sent"] - times["again_shown"]
        )
        assert looked_at_least * 1000 / 2 <= carried <= on_screen_at_most * 1000 + 1
        times["carried_ms"] = carried

    asyncio.run(scenario())

    with Session(engine) as s:
        saved = s.exec(
            select(TrialAnswer)
            .where(TrialAnswer.attempt_id == attempt)
            .order_by(col(TrialAnswer.seq))
        ).all()
        kinds = [e.kind for e in s.exec(select(AuditEvent).where(AuditEvent.seat_id == seat)).all()]
    assert [row.seq for row in saved] == [1, 2]  # nothing recorded twice
    on_a_at_most = (times["second_acked"] - times["reconnect"]) * 1000
    assert times["carried_ms"] - 1 <= saved[1].raw_ms <= times["carried_ms"] + on_a_at_most + 1
    assert saved[1].resumed and not saved[0].resumed
    assert {"checked_in", "started", "paused", "resumed", "moved"} <= set(kinds)
