from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction

import pytest

from examsrv.i18n import use_locale
from examsrv.timing.band_calibration import (
    BandShare,
    percentile_ms,
    propose_bands,
)
from examsrv.timing.level_bands import DEFAULT_BANDS, Band, BandTable


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


def workforce(n: int, shift_s: float = 0.0) -> list[float]:
    """``n`` graded times whose shares match the source: 15 % within 120 s, 70 % within 150 s.

    The i-th fastest time is a piecewise-linear function of i/n: 90-120 s for the
    fastest 15 %, 120-150 s up to 70 %, 150-210 s for the rest.
    """
    times = []
    for i in range(1, n + 1):
        p = Fraction(i, n)
        if p <= Fraction(15, 100):
            t = 90 + p / Fraction(15, 100) * 30
        elif p <= Fraction(70, 100):
            t = 120 + (p - Fraction(15, 100)) / Fraction(55, 100) * 30
        else:
            t = 150 + (p - Fraction(70, 100)) / Fraction(30, 100) * 60
        times.append(round(float(t) + shift_s, 3))
    return times


def test_the_source_distribution_reproduces_the_example_bands() -> None:
    observed = workforce(1000)
    random.Random(7).shuffle(observed)  # order does not matter
    proposal = propose_bands(observed, DEFAULT_BANDS)
    assert proposal.problem is None
    assert proposal.proposed == DEFAULT_BANDS
    assert proposal.sample_size == 1000
    assert proposal.current_failed == proposal.proposed_failed == 300


def test_counts_per_band_under_current_and_proposed() -> None:
    proposal = propose_bands(workforce(1000), DEFAULT_BANDS)
    assert proposal.rows == (
        BandShare("5", 120.0, 120.0, 149, 149),
        BandShare("3\u20134", 130.0, 130.0, 184, 184),
        BandShare("2", 140.0, 140.0, 183, 183),
        BandShare("1", 150.0, 150.0, 184, 184),
    )
    # 700 of 1000 within 150 s (the 150 s edge is inclusive).
    assert sum(row.current_count for row in proposal.rows) == 700


def test_a_faster_workforce_moves_every_edge() -> None:
    observed = workforce(1000, shift_s=-12.0)
    proposal = propose_bands(observed, DEFAULT_BANDS)
    assert proposal.proposed is not None
    assert proposal.proposed.to_text() == "108 < 5\n118 < 3-4\n128 < 2\n138 <= 1\n"
    # Under the old table, many more now reach level 5; the proposal restores the shares.
    assert proposal.rows[0].current_count == 369
    assert proposal.rows[0].proposed_count == 149
    assert proposal.proposed_failed == 300


def test_inner_edges_keep_the_current_spacing() -> None:
    uneven = BandTable.parse_text("120 < 5\n126 < 3-4\n141 < 2\n150 <= 1\n")
    proposal = propose_bands(workforce(1000, shift_s=-30.0), uneven)
    assert proposal.proposed is not None
    # fast 90, slow 120: 126 is 1/5 of the way and 141 is 7/10 of the way.
    assert proposal.proposed.to_text() == "90 < 5\n96 < 3-4\n111 < 2\n120 <= 1\n"


def test_edges_round_to_the_nearest_second_halves_up() -> None:
    # 30 results: the 5th fastest (15 %) is 100.5 s, the 21st (70 %) 149.4 s.
    observed = [99.0] * 4 + [100.5] + [130.0] * 15 + [149.4] + [200.0] * 9
    proposal = propose_bands(observed, DEFAULT_BANDS)
    assert proposal.proposed is not None
    assert [b.upper_s for b in proposal.proposed.bands] == [101.0, 117.0, 133.0, 149.0]


def test_the_shape_of_the_table_is_kept() -> None:
    proposal = propose_bands(workforce(500, shift_s=5.0), DEFAULT_BANDS)
    assert proposal.proposed is not None
    assert [(b.levels, b.upper_inclusive) for b in proposal.proposed.bands] == [
        (b.levels, b.upper_inclusive) for b in DEFAULT_BANDS.bands
    ]


def test_a_single_band_table_uses_the_pass_share() -> None:
    table = BandTable((Band(upper_s=150.0, upper_inclusive=True, levels=(1,)),))
    proposal = propose_bands(workforce(100, shift_s=-20.0), table)
    assert proposal.proposed is not None
    assert proposal.proposed.to_text() == "130 <= 1\n"


def test_a_sequence_of_bands_is_accepted() -> None:
    proposal = propose_bands(workforce(100), list(DEFAULT_BANDS.bands))
    assert proposal.proposed == DEFAULT_BANDS


def test_other_shares() -> None:
    proposal = propose_bands(workforce(1000), DEFAULT_BANDS, pass_share=0.5, top_share=0.1)
    assert proposal.proposed is not None
    # 10 % at 110 s, 50 % at about 139.1 s rounded to 139 s.
    assert [b.upper_s for b in proposal.proposed.bands] == [110.0, 120.0, 129.0, 139.0]


# -- refusing ---------------------------------------------------------------------


def test_too_few_results_give_no_proposal_and_say_so() -> None:
    proposal = propose_bands(workforce(29), DEFAULT_BANDS)
    assert proposal.proposed is None
    assert proposal.problem == (
        "Only 29 results were observed; at least 30 are needed to propose new bands."
    )
    assert proposal.proposed_failed is None
    assert [row.proposed_upper_s for row in proposal.rows] == [None] * 4
    assert [row.proposed_count for row in proposal.rows] == [None] * 4
    # The current figures are still shown.
    assert sum(r.current_count for r in proposal.rows) + proposal.current_failed == 29


def test_exactly_the_minimum_sample_gives_a_proposal() -> None:
    assert propose_bands(workforce(30), DEFAULT_BANDS).proposed is not None


def test_the_minimum_sample_is_configurable() -> None:
    proposal = propose_bands(workforce(100), DEFAULT_BANDS, min_sample=200)
    assert proposal.problem == (
        "Only 100 results were observed; at least 200 are needed to propose new bands."
    )
    assert propose_bands([], DEFAULT_BANDS).problem == (
        "Only 0 results were observed; at least 30 are needed to propose new bands."
    )


def test_times_too_close_together_give_no_proposal() -> None:
    proposal = propose_bands([130.0] * 40 + [131.0] * 10, DEFAULT_BANDS)
    assert proposal.proposed is None
    assert proposal.problem == (
        "The observed times are too close together to separate the bands (130 s to 130 s); "
        "no new bands are proposed."
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_a_bad_observed_time_is_an_error(bad: float) -> None:
    with pytest.raises(ValueError, match="an observed time must be a finite number"):
        propose_bands([*workforce(50), bad], DEFAULT_BANDS)


@pytest.mark.parametrize(("top", "passing"), [(0.7, 0.7), (0.0, 0.7), (0.15, 1.1), (0.8, 0.7)])
def test_bad_shares_are_an_error(top: float, passing: float) -> None:
    with pytest.raises(ValueError, match="shares must satisfy"):
        propose_bands(workforce(50), DEFAULT_BANDS, pass_share=passing, top_share=top)


def test_a_bad_step_is_an_error() -> None:
    with pytest.raises(ValueError, match="step must be at least 1 ms"):
        propose_bands(workforce(50), DEFAULT_BANDS, step_s=0.0)


def test_percentile_is_nearest_rank() -> None:
    ten = list(range(1, 11))
    assert percentile_ms(ten, Fraction(7, 10)) == 7
    assert percentile_ms(ten, Fraction(15, 100)) == 2  # rank ceil(1.5) = 2
    assert percentile_ms(ten, Fraction(1, 100)) == 1
