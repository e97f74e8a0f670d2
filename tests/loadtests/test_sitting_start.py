"""The sitting-start harness end to end, small: a correctness check, not a benchmark.

Twenty candidates check in, log in through the form and wait in the waiting room of a
freshly started server; the proctor starts them all at once. Every candidate must get
``go`` to their own attempt and then the first task, and the report's counts must
agree with each other and with what the server wrote. No figure of speed is asserted
(docs/performance.md has those).
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
CANDIDATES = 20


def run_sitting(out: Path, db_kind: str) -> tuple[int, dict[str, Any]]:
    argv = [sys.executable, "-m", "loadtests.sitting_start", "--candidates", str(CANDIDATES)]
    argv += ["--db", db_kind, "--timeout-s", "60", "--out", str(out)]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=180)
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return done.returncode, report


def test_every_candidate_of_a_started_sitting_gets_go_and_a_first_task(
    db_kind: str, tmp_path: Path
) -> None:
    if db_kind == "postgresql":
        try:
            psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        except psycopg.OperationalError as exc:
            need_service("PostgreSQL", str(exc).strip())
    code, report = run_sitting(tmp_path, db_kind)

    r = report["result"]
    assert r["errors"] == {}
    assert code == 0
    assert r["all_got_a_task"] is True
    assert r["candidates"] == CANDIDATES
    assert r["got_go"] == r["go_to_own_attempt"] == CANDIDATES
    assert r["got_first_task"] == r["first_task_was_seq_1"] == CANDIDATES
    assert r["answered_3_pings"] == CANDIDATES
    assert r["failed"] == 0
    assert r["start_to_go_ms"]["count"] == CANDIDATES
    assert r["start_to_first_task_ms"]["count"] == CANDIDATES
    assert r["start_to_first_task_ms"]["max"] >= r["start_to_first_task_ms"]["p50"]
    for step in r["steps_ms"].values():
        assert step["count"] == CANDIDATES

    proctor = r["proctor"]
    assert proctor["error"] == ""
    assert proctor["hello_rows"] == proctor["hello_waiting"] == CANDIDATES
    assert proctor["started_seats"] == CANDIDATES
    assert proctor["frames_after_start"]["ok"] == 1
    assert r["server_log_errors"] == 0

    assert report["database"] == {
        "seats_started": CANDIDATES,
        "started_audit_events": CANDIDATES,
        "connected_audit_events": CANDIDATES,
        "attempts_connected_once": CANDIDATES,
        "attempts_in_progress": CANDIDATES,
    }
    assert any(step.endswith("check-ins (each draws a form)") for step in report["setup_s"])
    assert (tmp_path / "report.md").read_text().startswith("# Sitting start")
    assert (tmp_path / "examsrv.log").exists()
