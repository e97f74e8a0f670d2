"""Noticing the garbage collector's pauses, which stop every candidate's clock at once.

A full collection walks every object the process holds; with a thousand live trials that
can stop the event loop long enough to show in answer timings. ``watch`` logs each
collection that took longer than ``slow_ms`` (at WARNING), and ``settle`` freezes what
start-up created, so later full collections skip the code, templates and tables that live
as long as the process.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

log = logging.getLogger("examsrv.gc")
_started: dict[str, int] = {}


def settle() -> None:
    """Collect once and move every object alive now out of the collector's reach."""
    gc.collect()
    gc.freeze()


def watch(slow_ms: float = 50.0) -> None:
    """Log collections slower than ``slow_ms`` (idempotent)."""
    if any(getattr(cb, "__examsrv__", False) for cb in gc.callbacks):
        return

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            _started["ns"] = time.perf_counter_ns()
            return
        took_ms = (time.perf_counter_ns() - _started.pop("ns", time.perf_counter_ns())) / 1e6
        if took_ms >= slow_ms:
            log.warning(
                "garbage collection of generation %s took %.0f ms (%s objects collected)",
                info.get("generation"),
                took_ms,
                info.get("collected"),
            )

    callback.__examsrv__ = True  # type: ignore[attr-defined]
    gc.callbacks.append(callback)
