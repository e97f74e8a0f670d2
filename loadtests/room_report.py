"""The figures of a room run: from the raw samples, Locust's CSV, the resource samples and
the database read back; written as ``report.json`` and a readable ``report.md``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from examsrv.persistence.sitting_tables import Seat
from loadtests.analysis import locust_stats
from loadtests.database import saved_answers, saved_case_answers
from loadtests.samples import read_samples
from loadtests.server import Usage
from loadtests.stats import distribution, rate


def read_back(
    engine: Engine, test: str, sitting_id: int, samples: list[dict[str, Any]]
) -> dict[str, Any]:
    """Is every acknowledged answer in the database? And how many seats finished?"""
    acked: set[tuple[int, int] | tuple[int, int, str]]
    rows: set[tuple[int, int] | tuple[int, int, str]]
    if test == "case":
        acked = {
            (int(s["attempt"]), int(s["version"]), str(s["question"]))
            for s in samples
            if s["kind"] == "case_answer"
        }
        rows = {(a.attempt, a.version, a.question) for a in saved_case_answers(engine)}
    else:
        acked = {
            (int(s["attempt"]), int(s["seq"]))
            for s in samples
            if s["kind"] == "answer" and s.get("ack_ns") is not None
        }
        rows = {(a.attempt, a.seq) for a in saved_answers(engine)}
    missing = sorted(acked - rows)
    seats = Seat.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        started, finished = conn.execute(
            select(func.count(seats.c.started_at), func.count(seats.c.finished_at)).where(
                seats.c.sitting_id == sitting_id
            )
        ).one()
    return {
        "answers_acked": len(acked),
        "acked_found": len(acked & rows),
        "acked_missing": len(missing),
        "missing_examples": [list(m) for m in missing[:20]],
        "answer_rows": len(rows),
        "seats_started": int(started),
        "seats_finished": int(finished),
    }


def summarise(
    *,
    test: str,
    candidates: int,
    samples_dir: Path,
    csv_prefix: Path,
    window: tuple[float, float],
    ramp_s: float,
    usage_of: Callable[[str, float, float], Usage | None],
    locust_exit: int | None,
    database: dict[str, Any],
) -> dict[str, Any]:
    samples = list(read_samples(samples_dir))
    answer_kind = "case_answer" if test == "case" else "answer"
    answers = [s for s in samples if s["kind"] == answer_kind and s.get("ack_ns") is not None]
    times = [float(s["at_s"]) for s in answers]
    start, end = window
    if times:  # answers/s after every candidate has arrived, to the last acknowledgement
        start, end = min(times) + ramp_s, max(times)
        if start >= end:
            start = min(times)
    ends = [s for s in samples if s["kind"] == "case_end"] if test == "case" else []
    console = [s for s in samples if s["kind"] == "console"]
    summaries = [s for s in samples if s["kind"] == "console_summary"]
    stats = locust_stats(csv_prefix)
    total = stats["rows"].get("Aggregated", {})
    finished_client = (
        len({int(s["attempt"]) for s in ends})
        if test == "case"
        else sum(r["requests"] for k, r in stats["rows"].items() if k.startswith("WS trial "))
    )
    return {
        "candidates": candidates,
        "finished_client": finished_client,
        "finished_db": database["seats_finished"],
        "answers_acked": len(answers),
        "answers_per_s": rate(times, start, end),
        "answers_window_s": round(end - start, 1),
        "ack_latency_ms": distribution(s["ack_ns"] / 1e6 for s in answers),
        "console_update_ms": _lags(console, "update"),
        "console_finish_ms": _lags(console, "finish"),
        "console_connect_ms": distribution(
            s["ns"] / 1e6 for s in samples if s["kind"] == "console_connect"
        ),
        "consoles": [
            {k: v for k, v in s.items() if k not in ("kind", "target", "at_s")} for s in summaries
        ],
        "locust_failures": int(total.get("failures") or 0),
        "locust_exit": locust_exit,
        "locust": stats,
        "usage": _usage(usage_of, window),
        "database": database,
    }


def _lags(console: list[dict[str, Any]], what: str) -> dict[str, Any]:
    lags = [s["lag_ns"] / 1e6 for s in console if s["what"] == what]
    result = distribution(lags)
    result["console_first"] = sum(1 for lag in lags if lag < 0)
    return result


def _usage(
    usage_of: Callable[[str, float, float], Usage | None], window: tuple[float, float]
) -> dict[str, Any]:
    found = {name: usage_of(name, *window) for name in ("examsrv", "locust", "machine")}
    result: dict[str, Any] = {k: vars(u) if u else None for k, u in found.items()}
    machine = found["machine"]
    if machine is not None:
        own = sum(u.cpu_percent_mean for k, u in found.items() if u and k != "machine")
        result["other_processes_cpu_percent"] = round(machine.cpu_percent_mean - own, 1)
    return result


def failed(result: dict[str, Any]) -> bool:
    """Exit status 1: an acknowledged answer is missing, or Locust reported failures."""
    return bool(
        result["database"]["acked_missing"]
        or result["locust_failures"]
        or result["locust_exit"] not in (0, None)
    )


def write(out: Path, report: dict[str, Any]) -> Path:
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    path = out / "report.md"
    path.write_text(render(report), encoding="utf-8")
    return path


def _dist(d: dict[str, Any] | None) -> str:
    if not d or not d.get("count"):
        return "–"
    return f"{d['p50']} / {d['p99']} / {d['max']} ms (n={d['count']})"


def _cpu(u: dict[str, Any] | None) -> str:
    if not u:
        return "–"
    return (
        f"{u['cpu_percent_mean']} % / {u['cpu_percent_max']} % of a core, "
        f"RSS max {u['rss_max_mb']} MB"
    )


def render(report: dict[str, Any]) -> str:
    r = report["result"]
    db = r["database"]
    usage = r["usage"]
    m = report["machine"]
    lines = [
        f"# Room {report['started']}",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"Locust {m['packages']['locust']} on the same machine, loopback.",
        "",
        "Setup: " + ", ".join(f"{k} {v} s" for k, v in report.get("setup_s", {}).items()),
        "",
        "| figure | value |",
        "|---|---|",
        f"| candidates finished (end read by the client / seats in the database) | "
        f"{r['finished_client']} / "
        f"{r['finished_db']} of {r['candidates']} |",
        f"| answers acknowledged | {r['answers_acked']} |",
        f"| answers/s (after the ramp, to the last ack; {r['answers_window_s']} s) | "
        f"{r['answers_per_s']} |",
        f"| ack latency p50 / p99 / max | {_dist(r['ack_latency_ms'])} |",
        f"| console lag, progress (ack read → console row) | {_dist(r['console_update_ms'])}; "
        f"console first {r['console_update_ms']['console_first']} |",
        f"| console lag, finish (end read → row finished) | {_dist(r['console_finish_ms'])}; "
        f"console first {r['console_finish_ms']['console_first']} |",
        f"| console connect (handshake → hello) | {_dist(r['console_connect_ms'])} |",
        f"| Locust failures (exit code) | {r['locust_failures']} ({r['locust_exit']}) |",
        f"| server CPU mean / max, RSS | {_cpu(usage.get('examsrv'))} |",
        f"| Locust CPU mean / max, RSS | {_cpu(usage.get('locust'))} |",
        f"| whole machine CPU mean (other processes) | "
        f"{(usage.get('machine') or {}).get('cpu_percent_mean', '–')} % "
        f"({usage.get('other_processes_cpu_percent', '–')} %) of a core |",
        f"| acknowledged answers in the database | {db['acked_found']} of {db['answers_acked']}"
        f" (**{db['acked_missing']} missing**); {db['answer_rows']} rows |",
        f"| seats started / finished (database) | {db['seats_started']} / {db['seats_finished']} |",
        "",
    ]
    for c in r["consoles"]:
        frames = ", ".join(f"{k} {v}" for k, v in sorted(c["frames"].items()))
        lines.append(
            f"- console of {c['proctor']}: frames {frames}; progress matched "
            f"{c['updates_matched']} of {c['progress_acked']} acknowledged "
            f"({c['progress_never_shown']} never shown, "
            f"{c.get('progress_in_flight_at_end', 0)} acknowledged in the last "
            f"{c.get('in_flight_margin_s', 5):g} s before it stopped), "
            f"finishes {c['finishes_matched']} of {c['ends']}"
        )
    failures = r["locust"]["failures"]
    if failures:
        lines += ["", "Failures:", ""]
        lines += [f"- {f['name']}: {f['error']} ×{f['occurrences']}" for f in failures[:20]]
    lines.append("")
    return "\n".join(lines)
