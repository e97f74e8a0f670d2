"""Writing a run's figures as ``report.json`` and a readable ``report.md``."""

from __future__ import annotations

import contextlib
import json
import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any


def cpu_model() -> str:
    """The processor's model name from /proc/cpuinfo, or what the platform says."""
    with contextlib.suppress(OSError):  # not Linux, or /proc is not mounted
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    model = cpu_model()
    packages = ("locust", "uvicorn", "starlette", "websockets", "sqlalchemy", "gevent")
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "packages": {p: version(p) for p in packages},
    }


def write_report(out: Path, report: dict[str, Any]) -> Path:
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    path = out / "report.md"
    path.write_text(render(report), encoding="utf-8")
    return path


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value}{unit}"


def _dist(d: dict[str, Any] | None) -> str:
    if not d or not d.get("count"):
        return "–"
    return f"{d['p50']} / {d['p99']} / {d['max']} ms (n={d['count']})"


def render(report: dict[str, Any]) -> str:
    cfg = report["config"]
    m = report["machine"]
    lines = [
        f"# Load test {report['started']}",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"Locust {m['packages']['locust']} on the same machine, loopback.",
        "",
        "Config: " + ", ".join(f"{k}={v}" for k, v in cfg.items()),
        "",
        "Setup: " + ", ".join(f"{k} {v} s" for k, v in report.get("setup_s", {}).items()),
        "",
    ]
    for result in report["phases"]:
        lines += _phase_lines(result)
    share = report.get("share_of_echo")
    if share is not None:
        lines += [
            "## examsrv as a share of the bare stack",
            "",
            f"examsrv answers/s ÷ echo answers/s (client-side, measured windows): **{share:.0%}**",
            "",
        ]
    return "\n".join(lines)


def _phase_lines(r: dict[str, Any]) -> list[str]:
    usage = r.get("usage", {})
    lines = [
        f"## {r['target']}",
        "",
        "| figure | value |",
        "|---|---|",
        f"| measured window | {r['window_s']} s |",
        f"| answers acknowledged (whole run) | {r['answers_acked']} |",
        f"| answers/s, client acks in window | {_fmt(r['answers_per_s_client'])} |",
    ]
    if "answers_per_s_db" in r:
        lines.append(f"| answers/s, trial_answer rows in window | {_fmt(r['answers_per_s_db'])} |")
    answer_row = r["locust"]["rows"].get("WS answer")
    if answer_row:
        lines.append(f"| answers/s, Locust (whole run) | {answer_row['per_s']:.1f} |")
    lines += [
        f"| ack latency p50 / p99 / max | {_dist(r['ack_latency_ms'])} |",
        f"| timing error p50 / p99 / max | {_dist(r['fidelity_ms'])} |",
        f"| timing error, mean signed (server − client) | "
        f"{_fmt(r['fidelity_ms'].get('mean_signed'), ' ms')} |",
    ]
    for name, d in r.get("phases_ms", {}).items():
        lines.append(f"| {name} p50 / p99 / max | {_dist(d)} |")
    total = r["locust"]["rows"].get("Aggregated", {})
    lines.append(f"| Locust failures (all requests) | {_fmt(total.get('failures'))} |")
    machine_usage = usage.get("machine")
    if machine_usage:
        own = sum(usage[n]["cpu_percent_mean"] for n in ("server", "locust") if usage.get(n))
        others = round(machine_usage["cpu_percent_mean"] - own, 1)
        lines.append(
            f"| whole machine CPU mean (of which other processes) | "
            f"{machine_usage['cpu_percent_mean']} % ({others} %) of a core |"
        )
    for name, u in usage.items():
        if u and name != "machine":
            lines.append(
                f"| {name} CPU mean / max, RSS max (window) | {u['cpu_percent_mean']} % / "
                f"{u['cpu_percent_max']} % of a core, {u['rss_max_mb']} MB |"
            )
    server = usage.get("server")
    rate = r.get("answers_per_s_client")
    if server and rate:
        # CPU per answer hardly depends on what else runs: comparable between busy runs
        per_answer_us = 1e6 * server["cpu_percent_mean"] / 100.0 / rate
        lines.append(f"| server CPU per acknowledged answer | {per_answer_us:.0f} µs |")
    if "writer_batches" in r:
        lines.append(
            f"| writer commits (answers per commit) | {r['writer_batches']} "
            f"({_fmt(r.get('answers_per_batch'))}) |"
        )
    lines.append(f"| Locust exit code | {_fmt(r['locust_exit'])} |")
    d = r.get("durability")
    if d:
        lines += [
            f"| acknowledged (attempt, seq) pairs | {d['acked']} |",
            f"| … found in trial_answer | {d['acked_found']} |",
            f"| … missing | **{d['acked_missing']}** |",
            f"| saved, ack lost in a drop | {d['saved_but_ack_lost']} |",
        ]
    dr = r.get("drill")
    if dr:
        lines += [
            f"| server down (kill → healthy again) | {_fmt(dr['server_down_s'], ' s')} |",
            f"| sessions interrupted / resumed / not resumed | {dr['sessions_interrupted']} / "
            f"{dr['sessions_resumed']} / {dr['sessions_not_resumed']} |",
            f"| client downtime p50 / p99 / max | {_dist(dr['client_downtime_ms'])} |",
            f"| answers in flight at the drop (sent, no ack) | {dr['pending_at_drop']} |",
        ]
    lines.append("")
    failures = r["locust"]["failures"]
    if failures:
        lines += ["Failures:", ""]
        lines += [f"- {f['name']}: {f['error']} ×{f['occurrences']}" for f in failures[:20]]
        lines.append("")
    return lines
