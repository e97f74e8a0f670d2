"""The candidates and the proctor of one proctored sitting, as asyncio clients.

Every candidate logs in over HTTP (``httpx2``), opens the waiting room
``/ws/seat/{seat}`` and waits for ``waiting``; the proctor opens the console
``/ws/proctor/{sitting}``. When every waiting room is open, the proctor sends
``{"type": "start"}`` and the clock starts. Each candidate then notes when ``go``
arrives, opens ``/ws/trial/{attempt}``, answers the three pings and notes when the
first ``task`` arrives (docs/protocol.md). Its trial connection stays open until
every candidate is done, as a candidate's would, so no clean-up on the server
competes with the starts being measured.

Every socket sends an ``Origin`` naming the server, as a browser does, which
``examsrv.web.security.same_origin`` checks.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx2
import orjson
from websockets.asyncio.client import ClientConnection, connect

SESSION_COOKIE = "examsrv_session"
OPEN_TIMEOUT_S = 60.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class SittingProtocolError(Exception):
    """A refusal, an error frame or a frame out of order."""


@dataclass
class Candidate:
    username: str
    seat: int
    attempt: int
    cookie: str = ""
    go_s: float | None = None  # seconds from sending start to reading go
    task_s: float | None = None  # seconds from sending start to reading the first task
    go_url: str = ""
    opened_s: float | None = None  # trial socket's handshake done
    hello_s: float | None = None  # its hello read
    pinged_s: float | None = None  # the third pong sent
    first_seq: int | None = None
    pings: int = 0
    waited: bool = False  # counted among those waiting for the start
    error: str = ""


@dataclass
class Proctor:
    username: str
    cookie: str = ""
    hello_rows: int = 0
    hello_waiting: int = 0
    ok_s: float | None = None  # seconds from sending start to reading ok
    started_seats: int = 0
    frames: Counter[str] = field(default_factory=Counter)


async def login(base_url: str, username: str, password: str) -> str:
    """Log in through the form; the session cookie."""
    async with httpx2.AsyncClient(base_url=base_url, timeout=120.0) as http:
        page = await http.get("/login")
        match = _CSRF.search(page.text)
        if match is None:
            raise SittingProtocolError(f"{username}: no csrf_token on /login")
        response = await http.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": match.group(1)},
        )
        if response.status_code != 303:
            raise SittingProtocolError(f"{username}: login answered {response.status_code}")
        cookie = http.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise SittingProtocolError(f"{username}: no session cookie after login")
        return str(cookie)


async def login_all(base_url: str, usernames: list[str], password: str, parallel: int) -> list[str]:
    """Log everyone in, ``parallel`` at a time; their session cookies, in order."""
    gate = asyncio.Semaphore(parallel)

    async def one(username: str) -> str:
        async with gate:
            return await login(base_url, username, password)

    return list(await asyncio.gather(*(one(u) for u in usernames)))


def _open(base_url: str, path: str, cookie: str) -> Any:
    ws_url = base_url.replace("http://", "ws://", 1) + path
    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}", "Origin": base_url}
    return connect(
        ws_url,
        additional_headers=headers,
        compression=None,
        open_timeout=OPEN_TIMEOUT_S,
        ping_interval=None,  # the server's protocol pings are enough on loopback
        close_timeout=2,
        max_size=2**22,
    )


async def _recv(ws: ClientConnection) -> dict[str, Any]:
    raw = await ws.recv()
    frame: dict[str, Any] = orjson.loads(raw)
    return frame


@dataclass
class Clock:
    """Shared between the clients: when the proctor sent start, and the finish line."""

    everyone_waiting: asyncio.Event = field(default_factory=asyncio.Event)
    may_start: asyncio.Event = field(default_factory=asyncio.Event)  # the harness is ready
    started: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    t0: float = 0.0
    waiting: int = 0
    expected: int = 0
    done: int = 0

    def since_start(self) -> float:
        return time.perf_counter() - self.t0

    def one_waiting(self) -> None:
        self.waiting += 1
        if self.waiting == self.expected:
            self.everyone_waiting.set()

    def one_done(self) -> None:
        self.done += 1
        if self.done == self.expected:
            self.finished.set()


async def candidate(
    base_url: str, person: Candidate, clock: Clock, gate: asyncio.Semaphore
) -> None:
    """Wait in the room, follow ``go``, take the trial up to its first task."""
    try:
        async with gate:  # only the opening is limited; the waiting is not
            room = await _open(base_url, f"/ws/seat/{person.seat}", person.cookie)
        async with room:
            first = await _recv(room)
            if first.get("type") != "waiting":
                raise SittingProtocolError(f"waiting room said {first}")
            person.waited = True
            clock.one_waiting()
            frame = await _recv(room)
            person.go_s = clock.since_start() if clock.started.is_set() else None
            if frame.get("type") != "go":
                raise SittingProtocolError(f"expected go, got {frame}")
            person.go_url = str(frame.get("url", ""))
        if person.go_s is None:
            raise SittingProtocolError("go came before the proctor sent start")
        async with _open(base_url, f"/ws/trial/{person.attempt}", person.cookie) as trial:
            person.opened_s = clock.since_start()
            hello = await _recv(trial)
            person.hello_s = clock.since_start()
            if hello.get("type") != "hello":
                raise SittingProtocolError(f"expected hello, got {hello}")
            while True:
                frame = await _recv(trial)
                kind = frame.get("type")
                if kind == "ping":
                    person.pings += 1
                    await trial.send(orjson.dumps({"type": "pong", "id": frame.get("id")}).decode())
                    person.pinged_s = clock.since_start()
                elif kind == "task":
                    person.task_s = clock.since_start()
                    person.first_seq = int(frame["seq"])
                    break
                else:
                    raise SittingProtocolError(f"expected ping or task, got {frame}")
            clock.one_done()
            await clock.finished.wait()  # stay connected, as the candidate would
    except Exception as exc:  # every failure is counted, none stops the others
        person.error = f"{type(exc).__name__}: {exc}"[:300]
        if not person.waited:
            person.waited = True
            clock.one_waiting()  # do not hold the start for a candidate who failed
        clock.one_done()


async def proctor(
    base_url: str, sitting_id: int, who: Proctor, clock: Clock, timeout_s: float
) -> None:
    """Open the console, wait for ``may_start``, send start, read until ``ok``."""
    async with _open(base_url, f"/ws/proctor/{sitting_id}", who.cookie) as console:
        hello = await _recv(console)
        if hello.get("type") != "hello":
            raise SittingProtocolError(f"console said {hello}")
        rows = hello.get("rows", [])
        who.hello_rows = len(rows)
        who.hello_waiting = sum(1 for r in rows if r.get("state") == "waiting")
        await asyncio.wait_for(clock.may_start.wait(), timeout_s)
        clock.t0 = time.perf_counter()
        clock.started.set()
        await console.send(orjson.dumps({"type": "start"}).decode())
        # Like a proctor, the console stays open until the server has confirmed the start,
        # and after that until every candidate has a task.
        while True:
            read = asyncio.ensure_future(_recv(console))
            finished = asyncio.ensure_future(clock.finished.wait())
            done, _pending = await asyncio.wait(
                {read, finished}, return_when=asyncio.FIRST_COMPLETED
            )
            if read not in done and who.ok_s is not None:
                read.cancel()
                return
            finished.cancel()
            frame = await read
            kind = str(frame.get("type"))
            who.frames[kind] += 1
            if kind == "ok" and frame.get("action") == "start" and who.ok_s is None:
                who.ok_s = clock.since_start()
                who.started_seats = len(frame.get("seats", []))
            elif kind == "error":
                raise SittingProtocolError(f"console answered {frame}")
