"""Charts drawn on the server as inline SVG: bar charts and the lookup-time histogram.

This module only computes geometry (where each bar, band and edge goes); the
template macros in ``templates/reports/_charts.html`` draw it. Inline SVG needs
no script and no network, prints exactly as shown, and each bar carries its
numbers as ``data-*`` attributes and a ``<title>``, with the same figures in a
table under every chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from examsrv.persistence.reports import Bin
from examsrv.timing.level_bands import BandTable, label

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 14, 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class Edge:
    """A band's upper edge: a vertical line at ``x`` for ``seconds``."""

    x: float
    seconds: float
    label: str
    proposed: bool = False


@dataclass(frozen=True)
class Shade:
    """The range of one band, shaded behind the bars."""

    x: float
    width: float
    label: str
    index: int


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    edges: tuple[Edge, ...] = ()
    shades: tuple[Shade, ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    plot: tuple[float, float, float, float] = field(
        default=(LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    )


def _nice_max(value: float) -> float:
    """A round upper bound for the y axis (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return value


def _y_ticks(top: float) -> tuple[Tick, ...]:
    base = HEIGHT - BOTTOM
    span = base - TOP
    return tuple(Tick(LEFT - 4, base - span * i / 4, f"{top * i / 4:g}") for i in range(5))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> Chart:
    """One bar per label, heights scaled to the largest value."""
    top = _nice_max(max(values, default=0))
    base = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bars = tuple(
        Bar(
            x=LEFT + i * slot + slot * 0.15,
            y=base - (base - TOP) * v / top,
            width=slot * 0.7,
            height=(base - TOP) * v / top,
            label=name,
            value=v,
        )
        for i, (name, v) in enumerate(zip(labels, values, strict=True))
    )
    x_ticks = tuple(Tick(b.x + b.width / 2, base + 14, b.label) for b in bars)
    return Chart(title, bars, _y_ticks(top), x_ticks)


def histogram_chart(
    title: str, bins: Sequence[Bin], bands: BandTable, proposed: BandTable | None = None
) -> Chart:
    """Bars per time bin, the current bands shaded with their edges, and the proposed
    edges (if any) as dashed lines."""
    lo, hi = bins[0].lo_s, bins[-1].hi_s
    scale = (WIDTH - LEFT - RIGHT) / (hi - lo)

    def x_of(seconds: float) -> float:
        return LEFT + (min(max(seconds, lo), hi) - lo) * scale

    top = _nice_max(max((b.count for b in bins), default=0))
    base = HEIGHT - BOTTOM
    bars = tuple(
        Bar(
            x=x_of(b.lo_s) + 0.5,
            y=base - (base - TOP) * b.count / top,
            width=max((b.hi_s - b.lo_s) * scale - 1, 1),
            height=(base - TOP) * b.count / top,
            label=f"{b.lo_s:g}–{b.hi_s:g}",
            value=b.count,
        )
        for b in bins
    )
    shades = []
    start = lo
    for i, band in enumerate(bands.bands):
        shades.append(Shade(x_of(start), x_of(band.upper_s) - x_of(start), label(band), i))
        start = band.upper_s
    edges = [Edge(x_of(b.upper_s), b.upper_s, label(b)) for b in bands.bands]
    if proposed is not None:
        edges += [Edge(x_of(b.upper_s), b.upper_s, label(b), True) for b in proposed.bands]
    step = max(1, len(bins) // 8)
    x_ticks = tuple(Tick(x_of(b.lo_s), base + 14, f"{b.lo_s:g}") for b in bins[::step])
    return Chart(title, bars, _y_ticks(top), x_ticks, tuple(edges), tuple(shades))
