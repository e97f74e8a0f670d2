"""Re-calibrating the lookup bands from observed trial times.

The source document calibrated its example bands on the workforce: 70 % of CSRs
with three months' service finish 100 tasks within 150 s, and 15 % within 120 s.
CSRs get faster as they learn the system, so the edges should move with them.
:func:`propose_bands` keeps the shape of the current table (its levels, which
edges are inclusive, and the relative spacing of the edges) and moves the edges
so that the observed times give the same shares again:

1. The **slowest** band's edge becomes the time within which ``pass_share``
   (70 %) of the observed results finished; the **fastest** band's edge the
   time within which ``top_share`` (15 %) finished. "The time within which a
   share ``p`` of ``n`` results finished" is the nearest-rank percentile: the
   ``⌈p × n⌉``-th fastest time (``p`` read as the decimal it is written as).
2. Each edge in between keeps its relative place: with the default table
   (120, 130, 140, 150) the inner edges stay a third and two thirds of the way
   from the fastest edge to the slowest.
3. Every edge is rounded to the nearest ``step_s`` (1 s; halves round up).

Observed times are graded times of complete trials (the caller chooses which:
for example the last months' trials of CSRs with three months' service or
more). The proposal is only a preview: it reports how many observed results fall
in each band under the current and the proposed table, and an administrator
decides whether to adopt it. Fewer than ``min_sample`` results (30) give no
proposal, and say so, because a few trials cannot speak for the workforce.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from examsrv.i18n import gettext as _
from examsrv.timing.level_bands import Band, BandTable, label

DEFAULT_PASS_SHARE = 0.70
DEFAULT_TOP_SHARE = 0.15
DEFAULT_MIN_SAMPLE = 30


@dataclass(frozen=True)
class BandShare:
    """One band: its edge and how many observed results it holds, now and as proposed."""

    label: str
    current_upper_s: float
    proposed_upper_s: float | None
    current_count: int
    proposed_count: int | None


@dataclass(frozen=True)
class BandProposal:
    """A proposed band table and its effect on the observed results.

    ``proposed`` is ``None`` when no proposal can be made; ``problem`` then says
    why (a message for people) and the proposed figures are ``None``.
    ``*_failed`` count the results slower than every band.
    """

    sample_size: int
    current: BandTable
    proposed: BandTable | None
    rows: tuple[BandShare, ...]
    current_failed: int
    proposed_failed: int | None
    problem: str | None


def percentile_ms(sorted_ms: Sequence[int], share: Fraction) -> int:
    """The nearest-rank percentile: the ``⌈share × n⌉``-th smallest (at least the first)."""
    rank = max(1, math.ceil(share * len(sorted_ms)))
    return sorted_ms[rank - 1]


def propose_bands(
    observed_s: Sequence[float],
    current: BandTable | Sequence[Band],
    *,
    pass_share: float = DEFAULT_PASS_SHARE,
    top_share: float = DEFAULT_TOP_SHARE,
    min_sample: int = DEFAULT_MIN_SAMPLE,
    step_s: float = 1.0,
) -> BandProposal:
    """Propose new edges for ``current`` from ``observed_s`` (graded times in seconds).

    Raises ValueError for arguments that are wrong in themselves (a time that is
    not a finite number of 0 s or more, shares not with
    ``0 < top_share < pass_share <= 1``, a step not positive); a sample that
    cannot give a proposal is reported in :attr:`BandProposal.problem`.
    """
    table = current if isinstance(current, BandTable) else BandTable(tuple(current))
    pass_f, top_f = Fraction(str(pass_share)), Fraction(str(top_share))
    if not 0 < top_f < pass_f <= 1:
        raise ValueError(
            f"shares must satisfy 0 < top_share < pass_share <= 1, got {top_share}, {pass_share}"
        )
    step = round(step_s * 1000)
    if step <= 0:
        raise ValueError(f"step must be at least 1 ms, got {step_s!r}")
    observed = sorted(_ms(s) for s in observed_s)
    current_counts, current_failed = _counts(table, observed)

    def refused(problem: str) -> BandProposal:
        rows = tuple(
            BandShare(label(b), b.upper_s, None, count, None)
            for b, count in zip(table.bands, current_counts, strict=True)
        )
        return BandProposal(len(observed), table, None, rows, current_failed, None, problem)

    if len(observed) < min_sample:
        return refused(
            _("Only %(n)s results were observed; at least %(min)s are needed to propose new bands.")
            % {"n": len(observed), "min": min_sample}
        )
    slow = _round(percentile_ms(observed, pass_f), step)
    fast = _round(percentile_ms(observed, top_f), step) if len(table.bands) > 1 else slow
    edges = _spread(table, fast, slow, step)
    if any(b <= a for a, b in itertools.pairwise(edges)) or edges[0] <= 0:
        return refused(
            _(
                "The observed times are too close together to separate the bands "
                "(%(fast)s s to %(slow)s s); no new bands are proposed."
            )
            % {"fast": _seconds(fast), "slow": _seconds(slow)}
        )
    proposed = BandTable(
        tuple(
            Band(upper_s=edge / 1000, upper_inclusive=b.upper_inclusive, levels=b.levels)
            for b, edge in zip(table.bands, edges, strict=True)
        )
    )
    proposed_counts, proposed_failed = _counts(proposed, observed)
    rows = tuple(
        BandShare(label(b), b.upper_s, p.upper_s, c, pc)
        for b, p, c, pc in zip(
            table.bands, proposed.bands, current_counts, proposed_counts, strict=True
        )
    )
    return BandProposal(len(observed), table, proposed, rows, current_failed, proposed_failed, None)


def _spread(table: BandTable, fast: int, slow: int, step: int) -> list[int]:
    """The edges from ``fast`` to ``slow``, spaced like the current table's, rounded."""
    old = [b.upper_ms for b in table.bands]
    if len(old) == 1:
        return [slow]
    span = old[-1] - old[0]
    return [
        fast
        if i == 0
        else slow
        if i == len(old) - 1
        else _round(fast + Fraction(edge - old[0], span) * (slow - fast), step)
        for i, edge in enumerate(old)
    ]


def _counts(table: BandTable, observed_ms: Sequence[int]) -> tuple[list[int], int]:
    counts = [0] * len(table.bands)
    failed = 0
    index = {id(b): i for i, b in enumerate(table.bands)}
    for ms in observed_ms:
        band = table.band_for_ms(ms)
        if band is None:
            failed += 1
        else:
            counts[index[id(band)]] += 1
    return counts, failed


def _round(ms: int | Fraction, step: int) -> int:
    """``ms`` to the nearest multiple of ``step``, halves up."""
    return math.floor(Fraction(ms) / step + Fraction(1, 2)) * step


def _ms(seconds: float) -> int:
    if isinstance(seconds, bool) or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            f"an observed time must be a finite number of 0 s or more, got {seconds!r}"
        )
    return round(seconds * 1000)


def _seconds(ms: int) -> str:
    return str(ms // 1000) if ms % 1000 == 0 else f"{ms / 1000:g}"
