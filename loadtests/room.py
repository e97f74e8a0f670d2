"""One command: a proctored room of candidates taking a test while proctors watch.

    .venv/bin/python -m loadtests.room --test case --level 1 --candidates 200 --proctors 2
    .venv/bin/python -m loadtests.room --test lookup --candidates 1000 --proctors 3

It makes a fresh database (SQLite in a temporary directory, or a new PostgreSQL database
dropped afterwards) with the demo bank (and its case bank for a case test), the
candidates and proctors, and one sitting with every candidate on the roster, checked in
and started through examsrv's persistence functions before the load
(``loadtests/room_setup.py``). It starts ``examsrv serve`` and runs Locust headless
(``loadtests/room_locustfile.py``): the proctor users first, each watching the console,
then the candidates, each taking their seat's attempt to its end. The run stops
``--linger-s`` after the last candidate finished (or at ``--duration``). It samples CPU and
memory, reads the database back, and writes ``loadtests/reports/room-<stamp>/report.md``
and ``report.json`` beside Locust's CSV and HTML files (``loadtests/room_report.py``).
Exit status 1 when an acknowledged answer is missing from the database or Locust
reported a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from examsrv.settings import Settings
from loadtests.database import create_database
from loadtests.report import machine
from loadtests.room_report import failed, read_back, summarise, write
from loadtests.room_setup import build_room, write_room_accounts
from loadtests.samples import read_samples
from loadtests.server import BIN, REPO, ResourceSampler, examsrv_service, free_port

CANDIDATE_CLASSES = {
    ("lookup", "paced"): "RoomPacedTrialUser",
    ("lookup", "unpaced"): "RoomUnpacedTrialUser",
    ("case", "paced"): "CaseTestUser",
    ("case", "unpaced"): "UnpacedCaseTestUser",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m loadtests.room", description=__doc__.split("\n")[0])
    p.add_argument("--test", choices=["lookup", "case"], default="case")
    p.add_argument("--level", type=int, default=1, help="Level of a case test (1–5).")
    p.add_argument("--candidates", type=int, default=20, help="Candidates on the roster.")
    p.add_argument("--proctors", type=int, default=1, help="Proctors watching the console.")
    p.add_argument("--mode", choices=["paced", "unpaced"], default="paced")
    p.add_argument("--pace-s", type=float, default=1.5, help="Lookup: mean think time a task.")
    p.add_argument("--think-s", type=float, default=2.0, help="Case: mean think time an answer.")
    p.add_argument("--spawn-rate", type=float, default=None, help="Default: candidates/10 per s.")
    p.add_argument("--duration", type=int, default=170, help="Longest Locust run (s).")
    p.add_argument("--linger-s", type=float, default=3.0, help="Watching after the last end.")
    p.add_argument("--snapshot-every-s", type=float, default=30.0, help="Console snapshots.")
    p.add_argument("--workers", type=int, default=1, help="examsrv worker processes.")
    p.add_argument("--redis", default="", help="EXAMSRV_REDIS_URL; needed with --workers > 1.")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--seed", type=int, default=20261122, help="Codes and forms.")
    p.add_argument("--out", type=Path, default=None, help="Report directory.")
    args = p.parse_args(argv)
    if args.workers > 1 and not args.redis:
        p.error("--workers above 1 needs --redis: the live events must be shared")
    if args.candidates < 1 or args.proctors < 0:
        p.error("--candidates must be at least 1 and --proctors at least 0")
    if not 1 <= args.level <= 5:
        p.error("--level must be 1 to 5")
    return args


def spawn_rate(args: argparse.Namespace) -> float:
    return float(args.spawn_rate or max(args.candidates / 10.0, 1.0))


def locust_argv(
    args: argparse.Namespace, out: Path, host: str, accounts: Path, proctors: Path
) -> list[str]:
    users = args.candidates + args.proctors
    argv = [str(BIN / "locust"), "-f", "loadtests/room_locustfile.py", "--headless"]
    argv += ["-u", str(users), "-r", str(spawn_rate(args)), "-t", f"{args.duration}s", "-H", host]
    argv += ["--csv", str(out / "locust"), "--html", str(out / "locust.html")]
    argv += ["--exit-code-on-error", "1", "--only-summary", "--loglevel", "WARNING"]
    argv += ["--logfile", str(out / "locust.log"), "--samples-dir", str(out / "samples")]
    argv += ["--accounts-file", str(accounts), "--proctors-file", str(proctors)]
    argv += ["--reconnect-s", "60", "--room-candidates", str(args.candidates)]
    argv += [
        "--room-linger-s",
        str(args.linger_s),
        "--snapshot-every-s",
        str(args.snapshot_every_s),
    ]
    argv += ["--pace-s", str(args.pace_s), "--case-think-s", str(args.think_s)]
    classes = [CANDIDATE_CLASSES[(args.test, args.mode)]]
    if args.proctors:
        fixed = {"user_class_name": "ProctorUser", "fixed_count": args.proctors}
        # --config-users takes every argument up to the next option: keep one after it
        argv[3:3] = ["--config-users", json.dumps(fixed)]
        classes.append("ProctorUser")
    argv += classes
    return argv


def run(args: argparse.Namespace, out: Path, work: Path, report: dict[str, Any]) -> None:
    secret_key = secrets.token_urlsafe(32)
    shutil.rmtree(out / "samples", ignore_errors=True)  # a reused --out: this run's only
    db = create_database(args.db, work)
    sampler = ResourceSampler()
    sampler.start()
    server = None
    try:
        engine = db.engine()
        room = build_room(
            engine,
            test=args.test,
            level=args.level,
            count=args.candidates,
            proctors=args.proctors,
            settings=Settings(),
            seed=args.seed,
        )
        report["setup_s"] = room.timings
        accounts, proctors = write_room_accounts(room, work, secret_key)
        env = {"EXAMSRV_DATABASE_URL": db.url, "EXAMSRV_SECRET_KEY": secret_key}
        if args.redis:
            env["EXAMSRV_REDIS_URL"] = args.redis
            # keys such as claims name attempt ids, which repeat between fresh databases
            env["EXAMSRV_REDIS_PREFIX"] = f"examsrv-load-{secrets.token_hex(4)}:"
        server = examsrv_service(free_port(), out / "examsrv.log", env, args.workers)
        server.cwd = work
        server.start()
        sampler.watch("examsrv", server.pid)
        print(
            f"examsrv on {server.base_url}; {args.candidates} candidates ({args.test}) and "
            f"{args.proctors} proctors, at most {args.duration} s …",
            flush=True,
        )
        argv = locust_argv(args, out, server.base_url, accounts, proctors)
        (out / "locust.cmd").write_text(shlex.join(argv) + "\n")
        report["locust_started_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
        started = time.time()
        exit_code = _run_locust(argv, out, sampler, args.duration + 120)
        ended = time.time()
        report["locust_s"] = round(ended - started, 1)
        report["health"] = server.health()
        server.stop()
        samples = list(read_samples(out / "samples"))
        database = read_back(engine, args.test, room.sitting_id, samples)
        engine.dispose()
        report["result"] = summarise(
            test=args.test,
            candidates=args.candidates,
            samples_dir=out / "samples",
            csv_prefix=out / "locust",
            window=(started, ended),
            ramp_s=args.candidates / spawn_rate(args),
            usage_of=sampler.usage,
            locust_exit=exit_code,
            database=database,
        )
    finally:
        if server is not None:
            server.stop()
        sampler.stop()
        sampler.dump(out / "resources.csv")
        db.drop()


def _run_locust(argv: list[str], out: Path, sampler: ResourceSampler, limit_s: float) -> int:
    with (out / "locust.out").open("wb") as log:
        proc = subprocess.Popen(
            argv, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    sampler.watch("locust", proc.pid)
    deadline = time.time() + limit_s
    try:
        while proc.poll() is None:
            if time.time() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.2)
    finally:
        if proc.poll() is None:  # interrupted: stop Locust by its own id
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (args.out or REPO / "loadtests" / "reports" / f"room-{stamp}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    command = [".venv/bin/python", "-m", "loadtests.room"]
    report: dict[str, Any] = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join([*command, *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "config": {k: v for k, v in vars(args).items() if k != "out"},
        "start_of_seats": "persistence: sittings.start for every seat before the load",
    }
    with tempfile.TemporaryDirectory(prefix="examsrv-room-") as work:
        try:
            run(args, out, Path(work), report)
        except KeyboardInterrupt:
            print("interrupted: every process started was stopped", flush=True)
            return 130
        finally:
            if "result" in report:
                print(f"report: {write(out, report)}", flush=True)
    return 1 if failed(report["result"]) else 0


if __name__ == "__main__":
    sys.exit(main())
