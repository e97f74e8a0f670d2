"""One command: a proctor starts a whole proctored sitting at once; does everyone get going?

    .venv/bin/python -m loadtests.sitting_start --candidates 500
    .venv/bin/python -m loadtests.sitting_start --candidates 500 --db postgresql
    .venv/bin/python -m loadtests.sitting_start --candidates 500 --workers 2 --redis redis://127.0.0.1:6379/0

It makes a fresh database with the demo bank, the candidate accounts and a proctor,
schedules one lookup sitting with every candidate on its roster and checks each one
in through ``examsrv.persistence.sittings.check_in`` (which draws their form; timed
on its own), and starts ``examsrv serve``. Then, before the clock starts, every
candidate logs in and opens the waiting room, and the proctor opens the console.
The clock starts when the proctor sends ``start`` for everyone; for each candidate
it measures the time to ``go`` in the waiting room and to the first task on the
trial socket (``loadtests/sitting_client.py``). The report goes to
``loadtests/reports/sitting-<timestamp>/`` (``report.md``, ``report.json``, the
server log, the resource samples). Exit status 1 unless every candidate got a task.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from examsrv.settings import Settings
from loadtests.accounts import PASSWORD, session_cookie
from loadtests.database import create_database
from loadtests.report import machine
from loadtests.server import (
    BIN,
    MACHINE,
    REPO,
    ResourceSampler,
    Service,
    examsrv_service,
    free_port,
)
from loadtests.sitting_client import Candidate, Clock, Proctor, candidate, login_all, proctor
from loadtests.sitting_report import check_database, render, summarise
from loadtests.sitting_setup import SittingSetup, build_sitting

PY_SPY = BIN / "py-spy"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m loadtests.sitting_start", description=__doc__.split("\n")[0]
    )
    p.add_argument("--candidates", type=int, default=500, help="Candidates in the sitting.")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--workers", type=int, default=1, help="examsrv worker processes.")
    p.add_argument("--redis", default="", help="EXAMSRV_REDIS_URL; needed with --workers > 1.")
    p.add_argument(
        "--login",
        choices=["form", "cookie"],
        default="form",
        help="form: every candidate logs in through the login form before the start; "
        "cookie: sessions signed in advance.",
    )
    p.add_argument("--login-parallel", type=int, default=8, help="Logins at a time.")
    p.add_argument("--open-parallel", type=int, default=50, help="Waiting rooms opened at a time.")
    p.add_argument("--timeout-s", type=float, default=180.0, help="Give up on a start after.")
    p.add_argument(
        "--profile",
        action="store_true",
        help="py-spy record the server (GIL holders) from the start to the last first task "
        "(and --profile-tail-s more): profile.txt, collapsed stacks",
    )
    p.add_argument("--profile-tail-s", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=20261121, help="Codes and forms.")
    p.add_argument("--out", type=Path, default=None, help="Report directory.")
    args = p.parse_args(argv)
    if args.workers > 1 and not args.redis:
        p.error("--workers above 1 needs --redis: the live events must be shared")
    if args.candidates < 1:
        p.error("--candidates must be at least 1")
    return args


async def measure(
    base_url: str,
    setup: SittingSetup,
    args: argparse.Namespace,
    secret_key: str,
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """Log everyone in, open every socket, start the sitting; the clients' findings."""
    people = [Candidate(c.username, c.seat, c.attempt) for c in setup.candidates]
    boss = Proctor(setup.proctor.username)
    t = time.perf_counter()
    if args.login == "form":
        names = [p.username for p in people] + [boss.username]
        *cookies, boss.cookie = await login_all(base_url, names, PASSWORD, args.login_parallel)
        for person, cookie in zip(people, cookies, strict=True):
            person.cookie = cookie
    else:
        for person, user in zip(people, setup.users, strict=True):
            person.cookie = session_cookie(user, secret_key)[0]
        boss.cookie = session_cookie(setup.proctor, secret_key)[0]
    login_s = time.perf_counter() - t
    clock = Clock(expected=len(people))
    gate = asyncio.Semaphore(args.open_parallel)
    t = time.perf_counter()
    clients = [asyncio.create_task(candidate(base_url, p, clock, gate)) for p in people]
    console = asyncio.create_task(proctor(base_url, setup.sitting_id, boss, clock, args.timeout_s))
    window: dict[str, float] = {}
    try:
        await asyncio.wait_for(clock.everyone_waiting.wait(), args.timeout_s)
        rooms_s = time.perf_counter() - t
        if profiler is not None:
            profiler.start()
            await asyncio.sleep(1.0)  # py-spy attaches
        clock.may_start.set()
        await asyncio.wait_for(clock.started.wait(), args.timeout_s)
        window["start"], window["client_cpu_start"] = time.time(), _own_cpu_s()
        try:
            await asyncio.wait_for(clock.finished.wait(), args.timeout_s)
        except TimeoutError:
            for person in people:
                if person.task_s is None and not person.error:
                    person.error = f"no first task within {args.timeout_s} s"
        window["end"], window["client_cpu_end"] = time.time(), _own_cpu_s()
        if profiler is not None:
            await asyncio.sleep(args.profile_tail_s)  # the console's announcements go on
            profiler.stop()
    finally:
        clock.finished.set()  # everyone still connected leaves
        await asyncio.gather(*clients, return_exceptions=True)
        outcome = await asyncio.gather(
            asyncio.wait_for(console, args.timeout_s), return_exceptions=True
        )
    console_error = outcome[0] if isinstance(outcome[0], BaseException) else None
    return {
        "people": people,
        "proctor": boss,
        "console_error": repr(console_error) if console_error else "",
        "login_s": round(login_s, 2),
        "rooms_s": round(rooms_s, 2),
        "window": window,
    }


class Profiler:
    """py-spy recording a server process and its workers, stopped by its own id."""

    def __init__(self, pid: int, out: Path) -> None:
        self.pid, self.out = pid, out
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        if not PY_SPY.exists():
            raise SystemExit(f"--profile needs py-spy ({PY_SPY}): .venv/bin/pip install py-spy")
        argv = [str(PY_SPY), "record", "--pid", str(self.pid), "--subprocesses", "--gil"]
        argv += ["--rate", "200", "--format", "raw", "--output", str(self.out / "profile.txt")]
        with (self.out / "py-spy.log").open("wb") as log:
            self.procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []


def _own_cpu_s() -> float:
    """CPU seconds of this process alone (the server is a child, not counted)."""
    t = psutil.Process().cpu_times()
    return float(t.user + t.system)


def run(args: argparse.Namespace, out: Path, work: Path, report: dict[str, Any]) -> bool:
    secret_key = secrets.token_urlsafe(32)
    db = create_database(args.db, work)
    sampler = ResourceSampler(interval_s=0.2)
    sampler.start()
    server: Service | None = None
    try:
        engine = db.engine()
        setup = build_sitting(engine, args.candidates, Settings(), seed=args.seed)
        report["setup_s"] = setup.timings
        env = {"EXAMSRV_DATABASE_URL": db.url, "EXAMSRV_SECRET_KEY": secret_key}
        if args.redis:
            env["EXAMSRV_REDIS_URL"] = args.redis
            # keys such as claims name attempt ids, which repeat between fresh databases
            env["EXAMSRV_REDIS_PREFIX"] = f"examsrv-load-{secrets.token_hex(4)}:"
        server = examsrv_service(free_port(), out / "examsrv.log", env, args.workers)
        server.start()
        sampler.watch("examsrv", server.pid)
        print(f"examsrv on {server.base_url}; {args.candidates} candidates log in …", flush=True)
        cpu_before = _own_cpu_s()
        profiler = Profiler(server.pid, out) if args.profile else None
        try:
            found = asyncio.run(measure(server.base_url, setup, args, secret_key, profiler))
        finally:
            if profiler is not None:
                profiler.stop()
        client_cpu_s = _own_cpu_s() - cpu_before
        health = server.health()
        server.stop()
        window = found["window"]
        usage = {}
        if "start" in window and "end" in window:
            # half a second either side: the sampler reads every 0.2 s
            span = (window["start"] - 0.5, window["end"] + 0.5)
            for name in ("examsrv", MACHINE):
                u = sampler.usage(name, *span)
                usage[name] = asdict(u) if u else None
        report["result"] = summarise(found, usage, client_cpu_s)
        report["result"]["health"] = health
        report["result"]["server_log_errors"] = _log_errors(out / "examsrv.log")
        report["database"] = check_database(engine, setup)
        engine.dispose()
        return bool(report["result"]["all_got_a_task"])
    finally:
        if server is not None:
            server.stop()
        sampler.stop()
        sampler.dump(out / "resources.csv")
        db.drop()


def _log_errors(path: Path) -> int:
    if not path.exists():
        return 0
    text = path.read_text(errors="replace")
    return text.count("Traceback") + text.count(" ERROR ")


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (args.out or REPO / "loadtests" / "reports" / f"sitting-{stamp}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    command = [".venv/bin/python", "-m", "loadtests.sitting_start"]
    report: dict[str, Any] = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join([*command, *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "config": {k: v for k, v in vars(args).items() if k != "out"},
    }
    ok = False
    with tempfile.TemporaryDirectory(prefix="examsrv-sitting-") as work:
        try:
            ok = run(args, out, Path(work), report)
        except KeyboardInterrupt:
            print("interrupted: every process started was stopped", flush=True)
            return 130
        finally:
            if "result" in report:
                (out / "report.json").write_text(render(report, as_json=True))
                (out / "report.md").write_text(render(report), encoding="utf-8")
                print(f"report: {out / 'report.md'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
