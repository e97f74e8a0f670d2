"""What one trial start costs the server, in CPU time: the figure that bounds exam starts.

    .venv/bin/python -m loadtests.start_cost --starts 300

It makes a fresh database with the demo bank and ``--starts`` candidates whose sessions
are signed in advance, starts ``examsrv serve``, and then, ``--parallel`` candidates at a
time, takes each through the start of a trial in two rounds:

1. ``POST /trial/start`` (the form is drawn, the attempt opened);
2. ``/ws/trial/{attempt}``: handshake, ``hello``, three ping/pong round trips, the first
   ``task``. The connections stay open until the round ends, so no clean-up is counted.

For each round it reads the server process tree's CPU time (user + system, psutil)
before and after, and divides by the number of starts. CPU time, unlike latency, hardly
depends on what else the machine is doing, so this figure can be compared between runs
on a shared machine. One core serves at most ``1 / cost`` starts a second; the start of
an exam (``loadtests.run --mode exam-start``) adds the answers of those already started.
The report goes to ``loadtests/reports/start-cost-<timestamp>/report.json`` and stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import shlex
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2
import orjson
import psutil
from sqlalchemy import Engine, text
from websockets.asyncio.client import connect

from examsrv.clock import SystemClock
from loadtests.accounts import create_candidates, session_cookie
from loadtests.database import create_database, prepare
from loadtests.report import machine
from loadtests.server import REPO, examsrv_service, free_port

SESSION_COOKIE = "examsrv_session"
_ATTEMPT = re.compile(r"/trial/(\d+)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m loadtests.start_cost", description=__doc__)
    p.add_argument("--starts", type=int, default=300, help="Candidates started.")
    p.add_argument("--parallel", type=int, default=4, help="Candidates in flight at once.")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--out", type=Path, default=None, help="Report directory.")
    return p.parse_args(argv)


def _cpu_s(pid: int) -> float:
    root = psutil.Process(pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        t = p.cpu_times()
        total += t.user + t.system
    return total


async def _start(http: httpx2.AsyncClient, csrf: str) -> int:
    response = await http.post("/trial/start", data={"csrf_token": csrf})
    match = _ATTEMPT.search(response.headers.get("location", ""))
    if response.status_code != 303 or match is None:
        raise RuntimeError(f"start answered {response.status_code}")
    return int(match.group(1))


async def _first_task(
    base_url: str, cookie: str, attempt: int, got: asyncio.Event, hold: asyncio.Event
) -> None:
    """Open the trial socket, answer the pings, read the first task; hold it open."""
    url = base_url.replace("http://", "ws://", 1) + f"/ws/trial/{attempt}"
    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}", "Origin": base_url}
    async with connect(url, additional_headers=headers, compression=None, ping_interval=None) as ws:
        while True:
            frame: dict[str, Any] = orjson.loads(await ws.recv())
            if frame["type"] == "ping":
                await ws.send(orjson.dumps({"type": "pong", "id": frame["id"]}).decode())
            elif frame["type"] == "task":
                break
            elif frame["type"] != "hello":
                raise RuntimeError(f"unexpected frame {frame['type']}")
        got.set()
        await hold.wait()


async def measure(
    base_url: str, pid: int, sessions: list[tuple[str, str]], parallel: int
) -> dict[str, Any]:
    """Both rounds; CPU milliseconds per start and wall seconds of each."""
    gate = asyncio.Semaphore(parallel)

    http = httpx2.AsyncClient(base_url=base_url, timeout=60.0)

    async def start(cookie: str, csrf: str) -> int:
        async with gate:
            response = await http.post(
                "/trial/start",
                data={"csrf_token": csrf},
                headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
            )
        match = _ATTEMPT.search(response.headers.get("location", ""))
        if response.status_code != 303 or match is None:
            raise RuntimeError(f"start answered {response.status_code}")
        return int(match.group(1))

    hold = asyncio.Event()
    held: list[asyncio.Task[None]] = []

    async def first_task(cookie: str, attempt: int) -> None:
        async with gate:
            got = asyncio.Event()
            held.append(asyncio.create_task(_first_task(base_url, cookie, attempt, got, hold)))
            waiting = asyncio.create_task(got.wait())
            await asyncio.wait([waiting, held[-1]], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if not got.is_set():
                held[-1].result()  # raises what went wrong

    cpu0, t0 = _cpu_s(pid), time.perf_counter()
    try:
        attempts = await asyncio.gather(*(start(c, csrf) for c, csrf in sessions))
    finally:
        await http.aclose()
    cpu1, t1 = _cpu_s(pid), time.perf_counter()
    await asyncio.gather(*(first_task(c, a) for (c, _), a in zip(sessions, attempts, strict=True)))
    cpu2, t2 = _cpu_s(pid), time.perf_counter()
    hold.set()
    await asyncio.gather(*held)
    n = len(sessions)
    return {
        "starts": n,
        "POST /trial/start": {
            "cpu_ms_each": round(1000 * (cpu1 - cpu0) / n, 2),
            "wall_s": round(t1 - t0, 2),
        },
        "connect to first task": {
            "cpu_ms_each": round(1000 * (cpu2 - cpu1) / n, 2),
            "wall_s": round(t2 - t1, 2),
        },
        "whole start": {"cpu_ms_each": round(1000 * (cpu2 - cpu0) / n, 2)},
    }


def read_back(engine: Engine) -> dict[str, int]:
    """What the server wrote: attempts connected once, and their ``connected`` events."""
    with engine.connect() as conn:
        attempts = conn.execute(
            text("SELECT count(*) FROM trial_attempt WHERE connections = 1")
        ).scalar_one()
        events = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE kind = 'connected'")
        ).scalar_one()
    engine.dispose()
    return {"attempts connected once": int(attempts), "connected events": int(events)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (args.out or REPO / "loadtests" / "reports" / f"start-cost-{stamp}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="examsrv-start-cost-") as work:
        db = create_database(args.db, Path(work))
        server = None
        try:
            engine = db.engine()
            prepare(engine)
            users = create_candidates(engine, args.starts, now=SystemClock().now())
            engine.dispose()
            sessions = [session_cookie(u, secret) for u in users]
            env = {"EXAMSRV_DATABASE_URL": db.url, "EXAMSRV_SECRET_KEY": secret}
            server = examsrv_service(free_port(), out / "examsrv.log", env, 1)
            server.cwd = Path(work)
            server.start()
            figures = asyncio.run(measure(server.base_url, server.pid, sessions, args.parallel))
            server.stop()
            figures["database"] = read_back(db.engine())
        finally:
            if server is not None:
                server.stop()
            db.drop()
    report = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join(
            [".venv/bin/python", "-m", "loadtests.start_cost", *(argv or sys.argv[1:])]
        ),
        "machine": machine(),
        "db": args.db,
        **figures,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    expected = {"attempts connected once": args.starts, "connected events": args.starts}
    return 0 if figures["database"] == expected else 1


if __name__ == "__main__":
    sys.exit(main())
