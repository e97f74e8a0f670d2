"""The figures of a sitting start: what the clients saw, what the database holds, the report.

Latencies are from the proctor's ``start`` being sent: to ``go`` in the waiting
room, and to the first ``task`` on the trial socket (exact nearest-rank
percentiles of the raw values, ``loadtests.stats``). The database is read back
after the server has stopped, so its counts can be set against the clients'.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from examsrv.persistence.models import AttemptStatus, AuditEvent, TrialAttempt
from examsrv.persistence.sitting_tables import Seat
from loadtests.sitting_client import Candidate, Proctor
from loadtests.sitting_setup import SittingSetup
from loadtests.stats import percentile

QUANTILES = (50, 95, 99)


def latency(values_s: Iterable[float]) -> dict[str, Any]:
    """Count, p50, p95, p99 and max in milliseconds."""
    ordered = sorted(v * 1000.0 for v in values_s)
    if not ordered:
        return {"count": 0, **{f"p{q}": None for q in QUANTILES}, "max": None}
    figures: dict[str, Any] = {"count": len(ordered)}
    for q in QUANTILES:
        figures[f"p{q}"] = round(percentile(ordered, q), 1)
    figures["max"] = round(ordered[-1], 1)
    return figures


STEPS = (  # the trial socket's steps after go, each from the end of the one before
    ("go → handshake done", "go_s", "opened_s"),
    ("handshake → hello", "opened_s", "hello_s"),
    ("hello → third pong sent", "hello_s", "pinged_s"),
    ("third pong → first task", "pinged_s", "task_s"),
)


def _step(people: list[Candidate], start: str, end: str) -> dict[str, Any]:
    pairs = ((getattr(p, start), getattr(p, end)) for p in people)
    return latency(b - a for a, b in pairs if a is not None and b is not None)


def summarise(found: dict[str, Any], usage: dict[str, Any], client_cpu_s: float) -> dict[str, Any]:
    people: list[Candidate] = found["people"]
    boss: Proctor = found["proctor"]
    n = len(people)
    go = [p.go_s for p in people if p.go_s is not None]
    task = [p.task_s for p in people if p.task_s is not None]
    between = [p.task_s - p.go_s for p in people if p.task_s is not None and p.go_s is not None]
    errors = Counter(p.error.split(":")[0] + ": " + p.error[:120] for p in people if p.error)
    got_task = len(task)
    window = found["window"]
    measured_s = window["end"] - window["start"] if "end" in window else None
    if measured_s:
        spent = window["client_cpu_end"] - window["client_cpu_start"]
        usage["client"] = {"cpu_percent_mean": round(100.0 * spent / measured_s, 1)}
    return {
        "candidates": n,
        "got_go": len(go),
        "go_to_own_attempt": sum(1 for p in people if p.go_url == f"/trial/{p.attempt}"),
        "got_first_task": got_task,
        "first_task_was_seq_1": sum(1 for p in people if p.first_seq == 1),
        "answered_3_pings": sum(1 for p in people if p.pings == 3),
        "failed": sum(1 for p in people if p.error),
        "errors": dict(errors.most_common(10)),
        "all_got_a_task": got_task == n and not any(p.error for p in people),
        "start_to_go_ms": latency(go),
        "start_to_first_task_ms": latency(task),
        "go_to_first_task_ms": latency(between),
        "steps_ms": {name: _step(people, a, b) for name, a, b in STEPS},
        "proctor": {
            "hello_rows": boss.hello_rows,
            "hello_waiting": boss.hello_waiting,
            "start_ok_ms": round(boss.ok_s * 1000.0, 1) if boss.ok_s is not None else None,
            "started_seats": boss.started_seats,
            "frames_after_start": dict(boss.frames),
            "error": found["console_error"],
        },
        "before_the_clock_s": {
            "logins": found["login_s"],
            "waiting rooms open": found["rooms_s"],
        },
        "measured_s": round(measured_s, 2) if measured_s else None,
        "usage": usage,
        "client_cpu_s": round(client_cpu_s, 1),
    }


def check_database(engine: Engine, setup: SittingSetup) -> dict[str, int]:
    """What the server wrote for this sitting, counted after it stopped."""
    attempts = [c.attempt for c in setup.candidates]
    seat_ids = [c.seat for c in setup.candidates]
    with Session(engine) as s:
        started = s.exec(
            select(func.count())
            .select_from(Seat)
            .where(Seat.sitting_id == setup.sitting_id)
            .where(col(Seat.started_at).is_not(None))
        ).one()
        started_events = s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.kind == "started")
            .where(col(AuditEvent.seat_id).in_(seat_ids))
        ).one()
        connected_events = s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.kind == "connected")
            .where(col(AuditEvent.attempt_id).in_(attempts))
        ).one()
        connected_once = s.exec(
            select(func.count())
            .select_from(TrialAttempt)
            .where(col(TrialAttempt.id).in_(attempts))
            .where(TrialAttempt.connections == 1)
        ).one()
        in_progress = s.exec(
            select(func.count())
            .select_from(TrialAttempt)
            .where(col(TrialAttempt.id).in_(attempts))
            .where(TrialAttempt.status == AttemptStatus.IN_PROGRESS)
        ).one()
    return {
        "seats_started": int(started),
        "started_audit_events": int(started_events),
        "connected_audit_events": int(connected_events),
        "attempts_connected_once": int(connected_once),
        "attempts_in_progress": int(in_progress),
    }


def _ms(d: dict[str, Any]) -> str:
    if not d.get("count"):
        return "–"
    return f"{d['p50']} / {d['p95']} / {d['p99']} / {d['max']} ms"


def render(report: dict[str, Any], *, as_json: bool = False) -> str:
    if as_json:
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    r, m, db = report["result"], report["machine"], report.get("database", {})
    p = r["proctor"]
    lines = [
        f"# Sitting start {report['started']}",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        "clients in the same process on the same machine, loopback.",
        "",
        "Setup: " + ", ".join(f"{k} {v} s" for k, v in report.get("setup_s", {}).items()),
        "",
        "Before the clock: " + ", ".join(f"{k} {v} s" for k, v in r["before_the_clock_s"].items()),
        "",
        "| figure | value |",
        "|---|---|",
        f"| candidates that got a first task | **{r['got_first_task']} / {r['candidates']}** |",
        f"| got `go` (to their own attempt) | {r['got_go']} ({r['go_to_own_attempt']}) |",
        f"| first task was task 1; answered 3 pings | {r['first_task_was_seq_1']}; "
        f"{r['answered_3_pings']} |",
        f"| failed | {r['failed']} |",
        f"| start → go, p50 / p95 / p99 / max | {_ms(r['start_to_go_ms'])} |",
        f"| start → first task, p50 / p95 / p99 / max | **{_ms(r['start_to_first_task_ms'])}** |",
        f"| go → first task, p50 / p95 / p99 / max | {_ms(r['go_to_first_task_ms'])} |",
        *(f"| … {name}, p50 / p95 / p99 / max | {_ms(d)} |" for name, d in r["steps_ms"].items()),
        f"| proctor: start → `ok` (seats started) | {p['start_ok_ms']} ms ({p['started_seats']}) |",
        f"| console rows at hello (waiting) | {p['hello_rows']} ({p['hello_waiting']}) |",
        f"| console frames after start | {p['frames_after_start']} |",
        f"| measured window | {r['measured_s']} s |",
    ]
    usage = r["usage"]
    for name, u in usage.items():
        if u and name == "client":
            lines.append(
                f"| client CPU mean (measured window) | {u['cpu_percent_mean']} % of a core |"
            )
        elif u:
            lines.append(
                f"| {name} CPU mean / max, RSS max | {u['cpu_percent_mean']} % / "
                f"{u['cpu_percent_max']} % of a core, {u['rss_max_mb']} MB |"
            )
    if usage.get("machine") and usage.get("examsrv") and usage.get("client"):
        others = usage["machine"]["cpu_percent_mean"] - sum(
            usage[k]["cpu_percent_mean"] for k in ("examsrv", "client")
        )
        lines.append(f"| other processes on the machine (about) | {round(others, 1)} % of a core |")
    lines.append(f"| client CPU (whole run, this process) | {r['client_cpu_s']} s |")
    lines.append(f"| errors in the server log | {r['server_log_errors']} |")
    for key, value in db.items():
        lines.append(f"| database: {key.replace('_', ' ')} | {value} |")
    lines.append("")
    if r["errors"]:
        lines += ["Failures:", ""]
        lines += [f"- {e} ×{k}" for e, k in r["errors"].items()]
        lines.append("")
    return "\n".join(lines)
