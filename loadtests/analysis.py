"""Turning one phase of a run (raw samples, Locust's CSV, the database) into figures."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadtests.database import SavedAnswer
from loadtests.samples import read_samples
from loadtests.server import Usage
from loadtests.stats import distribution, rate


@dataclass
class DrillLog:
    """When the server was killed and when it answered again (wall clock, s)."""

    killed_at_s: float
    ready_at_s: float | None = None


@dataclass
class Phase:
    """What one Locust run against one target left behind."""

    target: str  # "examsrv" or "echo"
    samples_dir: Path
    csv_prefix: Path
    started_s: float
    ended_s: float
    ramp_s: float
    warmup_s: float
    locust_exit: int | None
    # Measures a watched process over a span of wall-clock time: (name, start, end).
    usage_of: Callable[[str, float, float], Usage | None] | None = None
    watched: dict[str, str] = field(default_factory=dict)  # report label → watched name
    saved: list[SavedAnswer] | None = None
    drill: DrillLog | None = None
    health: dict[str, Any] | None = None  # the server's /-/health just before it stopped


def measured_window(answer_times: list[float], phase: Phase) -> tuple[float, float]:
    """From the end of the ramp plus the warm-up to the last acknowledgement."""
    if not answer_times:
        return phase.started_s, phase.ended_s
    first, last = min(answer_times), max(answer_times)
    start = first + phase.ramp_s + phase.warmup_s
    if start >= last:  # a run too short for a warm-up: measure all of it
        start = first
    return start, last


def analyse(phase: Phase) -> dict[str, Any]:
    samples = [s for s in read_samples(phase.samples_dir) if s.get("target") == phase.target]
    answers = [s for s in samples if s["kind"] == "answer" and s.get("ack_ns") is not None]
    times = [float(s["at_s"]) for s in answers]
    start, end = measured_window(times, phase)
    in_window = [s for s in answers if start <= float(s["at_s"]) <= end]
    result: dict[str, Any] = {
        "target": phase.target,
        "window_s": round(end - start, 1),
        "answers_acked": len(answers),
        "answers_per_s_client": rate(times, start, end),
        "ack_latency_ms": distribution(s["ack_ns"] / 1e6 for s in in_window),
        "fidelity_ms": _fidelity(in_window, phase.saved),
        "phases_ms": _phases(samples),
        "locust": locust_stats(phase.csv_prefix),
        "locust_exit": phase.locust_exit,
        "usage": _usage(phase, start, end),
    }
    if phase.saved is not None:
        saved_times = [a.received_at_s for a in phase.saved]
        result["answers_saved"] = len(phase.saved)
        result["answers_per_s_db"] = rate(saved_times, start, end)
        result["durability"] = _durability(samples, answers, phase.saved)
    if phase.health:
        batches = int(phase.health.get("writer_batches") or 0)
        result["writer_batches"] = batches
        if batches and phase.saved is not None and phase.drill is None:
            result["answers_per_batch"] = round(len(phase.saved) / batches, 1)
    if phase.drill is not None:
        result["drill"] = _drill(samples, phase.drill)
    return result


def _usage(phase: Phase, start: float, end: float) -> dict[str, Any]:
    """CPU and memory of each watched process over the measured window."""
    if phase.usage_of is None:
        return {}
    result: dict[str, Any] = {}
    for label, name in phase.watched.items():
        u = phase.usage_of(name, start, end)
        result[label] = vars(u) if u is not None else None
    return result


def _fidelity(answers: list[dict[str, Any]], saved: list[SavedAnswer] | None) -> dict[str, Any]:
    """|client interval − server time| for every answer whose task had no reconnect."""
    server: dict[tuple[int, int], SavedAnswer] = {}
    if saved is not None:
        server = {(a.attempt, a.seq): a for a in saved if not a.resumed}
    errors: list[float] = []
    signed: list[float] = []
    for s in answers:
        if s.get("reconnected") or s.get("duplicate"):
            continue
        raw = s.get("server_raw_ms")
        if raw is None:
            row = server.get((int(s["attempt"]), int(s["seq"])))
            if row is None:
                continue
            raw = row.raw_ms
        diff = float(raw) - s["interval_ns"] / 1e6
        errors.append(abs(diff))
        signed.append(diff)
    result = distribution(errors)
    result["mean_signed"] = round(sum(signed) / len(signed), 3) if signed else None
    return result


def _phases(samples: list[dict[str, Any]]) -> dict[str, Any]:
    names = sorted({s["name"] for s in samples if s["kind"] == "phase"})
    return {
        name: distribution(
            s["ns"] / 1e6 for s in samples if s["kind"] == "phase" and s["name"] == name
        )
        for name in names
    }


def _durability(
    samples: list[dict[str, Any]], answers: list[dict[str, Any]], saved: list[SavedAnswer]
) -> dict[str, Any]:
    acked = {(int(s["attempt"]), int(s["seq"])) for s in answers}
    in_db = {(a.attempt, a.seq) for a in saved}
    missing = sorted(acked - in_db)
    unacked = {(int(s["attempt"]), int(s["seq"])) for s in samples if s["kind"] == "saved_unacked"}
    return {
        "acked": len(acked),
        "acked_found": len(acked & in_db),
        "acked_missing": len(missing),
        "missing_examples": [list(m) for m in missing[:20]],
        "saved_but_ack_lost": len(unacked & in_db),
        "rows_in_db": len(in_db),
    }


def _drill(samples: list[dict[str, Any]], drill: DrillLog) -> dict[str, Any]:
    resumes = [s for s in samples if s["kind"] == "resume"]
    ok = [s for s in resumes if s["ok"]]
    attempts_ok = {int(s["attempt"]) for s in ok}
    failed = {int(s["attempt"]) for s in resumes if not s["ok"]} - attempts_ok
    down = distribution(s["down_ns"] / 1e6 for s in ok)
    return {
        "killed_at_s": drill.killed_at_s,
        "server_down_s": (
            round(drill.ready_at_s - drill.killed_at_s, 2) if drill.ready_at_s else None
        ),
        "sessions_interrupted": len(attempts_ok | failed),
        "sessions_resumed": len(attempts_ok),
        "sessions_not_resumed": len(failed),
        "client_downtime_ms": down,
        "pending_at_drop": sum(1 for s in ok if s.get("pending") is not None),
    }


def locust_stats(csv_prefix: Path) -> dict[str, Any]:
    """Locust's own rows (rounded buckets) and failures, from its CSV files."""
    rows: dict[str, Any] = {}
    stats_path = Path(f"{csv_prefix}_stats.csv")
    if stats_path.exists():
        with stats_path.open(newline="") as f:
            for row in csv.DictReader(f):
                key = f"{row['Type']} {row['Name']}".strip()
                rows[key] = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "per_s": float(row["Requests/s"]),
                    "p50": row.get("50%"),
                    "p99": row.get("99%"),
                    "max": row.get("Max Response Time"),
                }
    failures: list[dict[str, Any]] = []
    failures_path = Path(f"{csv_prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open(newline="") as f:
            for row in csv.DictReader(f):
                failures.append(
                    {
                        "name": f"{row['Method']} {row['Name']}",
                        "error": row["Error"][:200],
                        "occurrences": int(row["Occurrences"]),
                    }
                )
    return {"rows": rows, "failures": failures}
