"""The load-test harness end to end, briefly: a correctness check, not a benchmark.

Two unpaced users take trials for a few seconds against a freshly started server,
which is killed (SIGKILL) and restarted once on the way; the report must exist,
count answers, find every acknowledged answer in the database, and show every
interrupted session resumed. No figure of speed is asserted (docs/performance.md
has those).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg

from loadtests.database import PG_SERVER
from tests.conftest import need_service

REPO = Path(__file__).resolve().parents[2]


def run_harness(out: Path, *extra: str) -> dict[str, Any]:
    argv = [sys.executable, "-m", "loadtests.run", "--users", "2", "--duration", "6"]
    argv += ["--mode", "unpaced", "--warmup-s", "0", "--out", str(out), *extra]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


def test_a_short_run_with_a_crash_reports_answers_and_loses_none(
    db_kind: str, tmp_path: Path
) -> None:
    if db_kind == "postgresql":
        try:
            psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        except psycopg.OperationalError as exc:
            need_service("PostgreSQL", str(exc).strip())
    report = run_harness(
        tmp_path, "--db", db_kind, "--fault-drill", "--kill-after-s", "2.5", "--down-s", "0.2"
    )

    (phase,) = report["phases"]
    assert phase["target"] == "examsrv"
    assert phase["answers_acked"] > 0
    assert phase["answers_saved"] >= phase["answers_acked"]
    durability = phase["durability"]
    assert durability["acked"] == phase["answers_acked"]
    assert durability["acked_found"] == durability["acked"]
    assert durability["acked_missing"] == 0
    assert phase["ack_latency_ms"]["count"] > 0
    assert phase["fidelity_ms"]["count"] > 0
    assert phase["locust"]["rows"]["WS answer"]["requests"] > 0
    drill = phase["drill"]
    assert drill["server_down_s"] is not None
    assert drill["sessions_not_resumed"] == 0
    assert drill["sessions_resumed"] == drill["sessions_interrupted"]
    assert (tmp_path / "report.md").read_text().startswith("# Load test")
    assert (tmp_path / "locust-examsrv.html").exists()
