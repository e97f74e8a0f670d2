"""One command for a headless load test against a freshly started examsrv.

    .venv/bin/python -m loadtests.run --users 50 --duration 60 --mode unpaced

It makes a fresh database (SQLite in a temporary directory, or a new PostgreSQL
database that it drops afterwards), loads the demo bank, creates the candidate
accounts, starts ``examsrv serve`` on a free loopback port, runs Locust headless
(``--csv``, ``--html``, ``--exit-code-on-error``) while sampling the server's CPU
and memory, and writes ``loadtests/reports/<timestamp>/report.md`` and
``report.json``. ``--echo-reference`` then runs the same users against the bare
echo endpoint; ``--fault-drill`` SIGKILLs the server mid-run and restarts it.
Every process it starts is stopped before it returns, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from examsrv.clock import SystemClock
from loadtests.accounts import create_candidates, write_accounts
from loadtests.analysis import DrillLog, Phase, analyse
from loadtests.database import create_database, prepare, saved_answers
from loadtests.report import machine, write_report
from loadtests.server import (
    BIN,
    MACHINE,
    REPO,
    ResourceSampler,
    Service,
    echo_service,
    examsrv_service,
    free_port,
)

USER_CLASSES = {
    ("examsrv", "paced"): "PacedTrialUser",
    ("examsrv", "unpaced"): "UnpacedTrialUser",
    ("examsrv", "exam-start"): "PacedTrialUser",
    ("echo", "paced"): "PacedEchoUser",
    ("echo", "unpaced"): "UnpacedEchoUser",
    ("echo", "exam-start"): "PacedEchoUser",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m loadtests.run", description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=50, help="Concurrent Locust users.")
    p.add_argument("--duration", type=int, default=60, help="Seconds Locust runs.")
    p.add_argument("--mode", choices=["paced", "unpaced", "exam-start"], default="unpaced")
    p.add_argument("--pace-s", type=float, default=1.5, help="Mean think time of paced users.")
    p.add_argument("--spawn-rate", type=float, default=None, help="Default: users/10 per s.")
    p.add_argument("--start-window-s", type=float, default=10.0, help="exam-start: spawn window.")
    p.add_argument("--warmup-s", type=float, default=5.0, help="Excluded after the ramp.")
    p.add_argument("--workers", type=int, default=1, help="examsrv worker processes.")
    p.add_argument(
        "--redis",
        default="",
        help="EXAMSRV_REDIS_URL for the server (live events shared by --workers > 1).",
    )
    p.add_argument(
        "--ws",
        choices=["auto", "websockets", "websockets-sansio", "wsproto"],
        default="auto",
        help="The server's websocket implementation (examsrv serve --ws).",
    )
    p.add_argument("--locust-processes", type=int, default=1, help="Locust processes.")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument(
        "--login",
        choices=["form", "cookie"],
        default="form",
        help="form: log in through the login form (argon2 on the server); cookie: sessions "
        "signed in advance, as for candidates who logged in before the load.",
    )
    p.add_argument("--fault-drill", action="store_true", help="SIGKILL and restart the server.")
    p.add_argument("--kill-after-s", type=float, default=None, help="Default: a third of the run.")
    p.add_argument("--down-s", type=float, default=1.0, help="Pause before the restart.")
    p.add_argument(
        "--fresh-policy",
        action="store_true",
        help="Leave the grading policy row out, as on a server that never ran a trial.",
    )
    p.add_argument("--echo-reference", action="store_true", help="Also run against echo_app.")
    p.add_argument("--out", type=Path, default=None, help="Report directory.")
    return p.parse_args(argv)


@dataclass
class Plan:
    args: argparse.Namespace
    out: Path
    work: Path
    secret_key: str

    @property
    def spawn_rate(self) -> float:
        if self.args.mode == "exam-start":
            return max(float(self.args.users) / float(self.args.start_window_s), 1.0)
        return float(self.args.spawn_rate or max(self.args.users / 10.0, 1.0))

    @property
    def ramp_s(self) -> float:
        return float(self.args.users) / self.spawn_rate


def locust_argv(plan: Plan, target: str, host: str, accounts: Path | None) -> list[str]:
    args = plan.args
    locustfile = {
        "examsrv": "loadtests/exam_start.py"
        if args.mode == "exam-start"
        else "loadtests/locustfile.py",
        "echo": "loadtests/echo_locustfile.py",
    }[target]
    argv = [
        str(BIN / "locust"),
        "-f",
        locustfile,
        "--headless",
        "-u",
        str(args.users),
        "-t",
        f"{args.duration}s",
        "-H",
        host,
        "--csv",
        str(plan.out / f"locust-{target}"),
        "--html",
        str(plan.out / f"locust-{target}.html"),
        "--exit-code-on-error",
        "1",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--logfile",
        str(plan.out / f"locust-{target}.log"),
        "--pace-s",
        str(args.pace_s),
        "--samples-dir",
        str(plan.out / "samples"),
        "--reconnect-s",
        "60",
    ]
    if args.mode == "exam-start" and target == "examsrv":
        argv += ["--start-window-s", str(args.start_window_s)]
    else:
        argv += ["-r", str(plan.spawn_rate)]
    if accounts is not None:
        argv += ["--accounts-file", str(accounts)]
    if args.locust_processes > 1:
        argv += ["--processes", str(args.locust_processes)]
        argv += ["--account-stride", str(args.locust_processes)]
    argv.append(USER_CLASSES[(target, args.mode)])
    return argv


def run_locust(
    plan: Plan,
    target: str,
    server: Service,
    sampler: ResourceSampler,
    accounts: Path | None,
    drill: DrillLog | None = None,
) -> Phase:
    argv = locust_argv(plan, target, server.base_url, accounts)
    (plan.out / f"locust-{target}.cmd").write_text(shlex.join(argv) + "\n")
    started = time.time()
    with (plan.out / f"locust-{target}.out").open("wb") as log:
        proc = subprocess.Popen(
            argv, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    sampler.watch(f"locust ({target})", proc.pid)
    kill_at = plan.args.kill_after_s or plan.args.duration / 3
    deadline = started + plan.args.duration + 120
    try:
        while proc.poll() is None:
            now = time.time()
            if drill is not None and drill.killed_at_s == 0 and now - started >= kill_at:
                _kill_and_restart(server, sampler, drill, plan.args.down_s)
            if now > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.2)
    finally:
        if proc.poll() is None:  # interrupted: stop Locust and any worker it forked
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    ended = time.time()
    return Phase(
        target=target,
        samples_dir=plan.out / "samples",
        csv_prefix=plan.out / f"locust-{target}",
        started_s=started,
        ended_s=ended,
        ramp_s=plan.ramp_s,
        warmup_s=plan.args.warmup_s,
        locust_exit=proc.returncode,
        usage_of=sampler.usage,
        watched={"server": target, "locust": f"locust ({target})", "machine": MACHINE},
        drill=drill,
    )


def _kill_and_restart(
    server: Service, sampler: ResourceSampler, drill: DrillLog, down_s: float
) -> None:
    drill.killed_at_s = time.time()
    server.kill()
    print(f"fault drill: killed {server.name} (SIGKILL)", flush=True)
    time.sleep(down_s)
    server.start()
    sampler.watch(server.name, server.pid)
    drill.ready_at_s = time.time()
    print(f"fault drill: {server.name} answering again", flush=True)


def run(plan: Plan, report: dict[str, Any]) -> None:
    args = plan.args
    sampler = ResourceSampler()
    sampler.start()
    services: list[Service] = []
    db = create_database(args.db, plan.work)
    try:
        t0 = time.perf_counter()
        engine = db.engine()
        prepare(engine, grading_policy=not args.fresh_policy)
        t1 = time.perf_counter()
        users = create_candidates(engine, args.users, now=SystemClock().now())
        accounts = plan.work / "accounts.jsonl"
        write_accounts(
            accounts, users, secret_key=plan.secret_key, with_sessions=args.login == "cookie"
        )
        t2 = time.perf_counter()
        report["setup_s"] = {
            "schema and bank": round(t1 - t0, 1),
            f"{args.users} accounts": round(t2 - t1, 1),
        }
        env = {
            "EXAMSRV_DATABASE_URL": db.url,
            "EXAMSRV_SECRET_KEY": plan.secret_key,
        }
        if args.redis:
            env["EXAMSRV_REDIS_URL"] = args.redis
            # keys such as claims name attempt ids, which repeat between fresh databases
            env["EXAMSRV_REDIS_PREFIX"] = f"examsrv-load-{secrets.token_hex(4)}:"
        server = examsrv_service(free_port(), plan.out / "examsrv.log", env, args.workers, args.ws)
        server.cwd = plan.work
        services.append(server)
        server.start()
        sampler.watch("examsrv", server.pid)
        print(f"examsrv on {server.base_url}; Locust for {args.duration} s …", flush=True)
        drill = DrillLog(0.0) if args.fault_drill else None
        phase = run_locust(plan, "examsrv", server, sampler, accounts, drill)
        phase.health = server.health()
        server.stop()
        phase.saved = saved_answers(engine)
        engine.dispose()
        report["phases"].append(analyse(phase))
        if args.echo_reference:
            echo = echo_service(free_port(), plan.out / "echo.log")
            services.append(echo)
            echo.start()
            sampler.watch("echo", echo.pid)
            print(f"echo reference on {echo.base_url}; Locust for {args.duration} s …", flush=True)
            echo_phase = run_locust(plan, "echo", echo, sampler, None)
            echo.stop()
            report["phases"].append(analyse(echo_phase))
            ours = report["phases"][0]["answers_per_s_client"]
            theirs = report["phases"][1]["answers_per_s_client"]
            if ours and theirs:
                report["share_of_echo"] = round(ours / theirs, 3)
    finally:
        for service in services:
            service.stop()
        sampler.stop()
        sampler.dump(plan.out / "resources.csv")
        db.drop()


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM, and SIGINT even where a shell started us with it ignored, unwind through
    # the finally blocks that stop every process this run started.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (args.out or REPO / "loadtests" / "reports" / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.login == "form" and args.users > 200:
        print(
            "note: each form login costs the server about 0.2 s of argon2 CPU; "
            "consider --login cookie for this many users",
            flush=True,
        )
    report: dict[str, Any] = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join(
            [
                ".venv/bin/python",
                "-m",
                "loadtests.run",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        ),
        "machine": machine(),
        "config": {k: v for k, v in vars(args).items() if k != "out"},
        "phases": [],
    }
    with tempfile.TemporaryDirectory(prefix="examsrv-load-") as work:
        plan = Plan(args, out, Path(work), secrets.token_urlsafe(32))
        try:
            run(plan, report)
        except KeyboardInterrupt:
            print("interrupted: every process started was stopped", flush=True)
            return 130
        finally:
            if report["phases"]:
                path = write_report(out, report)
                print(f"report: {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
