"""Exact percentiles of raw samples (no buckets, no rounding before the end)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile of an already sorted sequence."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def distribution(values_ms: Iterable[float], digits: int = 3) -> dict[str, Any]:
    """Count, p50, p99 and max of ``values_ms`` (milliseconds), rounded only for display."""
    ordered = sorted(values_ms)
    if not ordered:
        return {"count": 0, "p50": None, "p99": None, "max": None}
    return {
        "count": len(ordered),
        "p50": round(percentile(ordered, 50), digits),
        "p99": round(percentile(ordered, 99), digits),
        "max": round(ordered[-1], digits),
    }


def rate(times_s: Iterable[float], start_s: float, end_s: float) -> float | None:
    """Events per second whose time falls in [start_s, end_s]."""
    if end_s <= start_s:
        return None
    n = sum(1 for t in times_s if start_s <= t <= end_s)
    return round(n / (end_s - start_s), 1)
