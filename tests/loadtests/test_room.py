"""The room harness end to end, small: a correctness check, not a benchmark.

A case-test sitting of six candidates and a lookup sitting of three, each watched by
proctor consoles, on a freshly started server. Every candidate must hand in, every
acknowledged answer must be in the database, and each console must have shown every
candidate's end (and, for the lookup trial, every acknowledged answer). No figure of
speed is asserted (docs/performance.md has those).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from loadtests.database import PG_SERVER
from tests.conftest import need_service

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(db_kind: str) -> str:
    if db_kind == "postgresql":
        try:
            psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        except psycopg.OperationalError as exc:
            need_service("PostgreSQL", str(exc).strip())
    return db_kind


def run_room(out: Path, *args: str) -> tuple[int, dict[str, Any]]:
    argv = [sys.executable, "-m", "loadtests.room", *args, "--out", str(out)]
    argv += ["--duration", "60", "--linger-s", "1"]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert (out / "report.json").exists(), done.stdout + done.stderr
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return done.returncode, report


def check_common(code: int, report: dict[str, Any], candidates: int, proctors: int) -> None:
    r = report["result"]
    assert r["locust_failures"] == 0, r["locust"]["failures"]
    assert code == 0
    assert r["finished_client"] == r["finished_db"] == candidates
    db = r["database"]
    assert db["seats_started"] == db["seats_finished"] == candidates
    assert db["answers_acked"] == r["answers_acked"] > 0
    assert db["acked_found"] == db["answers_acked"]
    assert db["acked_missing"] == 0
    assert r["ack_latency_ms"]["count"] == r["answers_acked"]
    assert r["console_connect_ms"]["count"] == proctors
    assert len(r["consoles"]) == proctors
    for console in r["consoles"]:
        assert console["ends"] == console["finishes_matched"] == candidates
        assert console["unmatched_console_frames"] == 0
    assert r["console_finish_ms"]["count"] == candidates * proctors
    assert (report["result"]["locust"]["rows"]["Aggregated"]["requests"]) > 0


def test_a_case_test_room_hands_in_and_loses_no_answer(db: str, tmp_path: Path) -> None:
    code, report = run_room(
        tmp_path,
        *("--test", "case", "--level", "2", "--candidates", "6", "--proctors", "1"),
        *("--think-s", "0.02", "--db", db),
    )
    check_common(code, report, candidates=6, proctors=1)
    r = report["result"]
    assert r["database"]["answer_rows"] == r["answers_acked"]  # each question answered once
    rows = r["locust"]["rows"]
    assert rows["WS case answer"]["requests"] == r["answers_acked"]
    assert rows["WS case hand-in"]["requests"] == 6
    assert rows["WS case goto"]["requests"] > 0
    (console,) = r["consoles"]
    assert console["frames"]["seat"] >= 6
    assert (tmp_path / "report.md").read_text().startswith("# Room")
    assert (tmp_path / "locust.html").exists()


def test_a_lookup_room_shows_every_answer_on_every_console(db: str, tmp_path: Path) -> None:
    code, report = run_room(
        tmp_path,
        *("--test", "lookup", "--candidates", "3", "--proctors", "2", "--mode", "unpaced"),
        *("--db", db),
    )
    check_common(code, report, candidates=3, proctors=2)
    r = report["result"]
    assert r["answers_acked"] == 300  # three trials of 100 tasks
    for console in r["consoles"]:
        assert console["progress_acked"] == console["updates_matched"] == 300
        assert console["progress_never_shown"] == 0
        assert console["frames"]["progress"] == 300
    assert r["console_update_ms"]["count"] == 600
