from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction

import pytest

from examsrv.itembank.item_stats import (
    ItemFlag,
    StatsThresholds,
    item_statistics,
    pearson,
)

# Four candidates, three questions, all presented.
FULL = {
    "c1": {"A": 1.0, "B": 1.0, "C": 1.0},
    "c2": {"A": 1.0, "B": 0.0, "C": 1.0},
    "c3": {"A": 0.0, "B": 1.0, "C": 0.0},
    "c4": {"A": 0.0, "B": 0.0, "C": 0.0},
}


def test_hand_computed_full_matrix() -> None:
    stats = item_statistics(FULL)
    assert list(stats) == ["A", "B", "C"]
    # A: x = 1, 1, 0, 0; rest = mean(B, C) = 1, .5, .5, 0.
    # Deviations: dx = .5, .5, -.5, -.5; dy = .5, 0, 0, -.5.
    # r = sum(dx dy) / sqrt(sum dx² sum dy²) = .5 / sqrt(1 x .5) = 1 / sqrt(2).
    a = stats["A"]
    assert (a.n, a.facility, a.n_correlated) == (4, 0.5, 4)
    assert a.item_rest == pytest.approx(1 / math.sqrt(2))
    # B: x = 1, 0, 1, 0; rest = mean(A, C) = 1, 1, 0, 0: dx dy = .25, -.25, -.25, .25, r = 0.
    assert stats["B"].item_rest == 0.0
    # C mirrors A.
    assert stats["C"].item_rest == pytest.approx(1 / math.sqrt(2))
    # Four candidates are far below the default minimum of 20.
    assert all(s.status == "not_enough_data" and s.flags == () for s in stats.values())


# Partial credit and missing presentations (None, or the key absent).
HOLES: dict[str, dict[str, float | None]] = {
    "c1": {"A": 1.0, "B": 0.5, "C": None},
    "c2": {"A": 0.0, "B": 1.0, "C": 1.0},
    "c3": {"A": 1.0, "B": None, "C": 0.0},
    "c4": {"A": 0.5, "B": 0.5, "C": 0.5},
    "c5": {"C": 1.0},  # one question only: no rest score
}


def test_hand_computed_matrix_with_holes() -> None:
    stats = item_statistics(HOLES)
    # A: presented to c1..c4, facility (1 + 0 + 1 + .5) / 4 = .625.
    # x = 1, 0, 1, .5; rest = .5 (B), 1 (mean of B, C), 0 (C), .5 (mean of B, C).
    # dx = .375, -.625, .375, -.125; dy = 0, .5, -.5, 0.
    # sum dx dy = -.5; sum dx² = .6875; sum dy² = .5; r = -.5 / sqrt(.34375) = -sqrt(8 / 11).
    a = stats["A"]
    assert (a.n, a.facility, a.n_correlated) == (4, 0.625, 4)
    assert a.item_rest == pytest.approx(-math.sqrt(8 / 11))
    # B: c1, c2, c4; x = .5, 1, .5; rest = 1, .5, .5.
    # dx = -1/6, 1/3, -1/6; dy = 1/3, -1/6, -1/6; sum dx dy = -1/12; sums of squares 1/6: r = -.5.
    b = stats["B"]
    assert (b.n, b.n_correlated) == (3, 3)
    assert b.facility == pytest.approx(2 / 3)
    assert b.item_rest == pytest.approx(-0.5)
    # C: presented to c2, c3, c4, c5 (facility 2.5 / 4), but c5 has no rest score.
    # x = 1, 0, .5; rest = .5, 1, .5; dx = .5, -.5, 0; dy = -1/6, 1/3, -1/6.
    # sum dx dy = -1/4; sum dx² = 1/2; sum dy² = 1/6; r = -.25 / sqrt(1/12) = -sqrt(3) / 2.
    c = stats["C"]
    assert (c.n, c.facility, c.n_correlated) == (4, 0.625, 3)
    assert c.item_rest == pytest.approx(-math.sqrt(3) / 2)


def test_pearson_agrees_with_the_statistics_module() -> None:
    rng = random.Random(11)
    xs = [rng.choice([0.0, 0.25, 0.5, 1.0]) for _ in range(40)]
    ys = [rng.random() for _ in range(40)]
    ours = pearson([Fraction(x) for x in xs], [Fraction(y) for y in ys])
    assert ours == pytest.approx(statistics.correlation(xs, ys))


def test_pearson_is_undefined_without_variance_or_pairs() -> None:
    zero, half, one = Fraction(0), Fraction(1, 2), Fraction(1)
    assert pearson([one, one, one], [one, half, zero]) is None
    assert pearson([one, half, zero], [half, half, half]) is None
    assert pearson([one], [half]) is None
    assert pearson([], []) is None
    assert pearson([one, zero], [one, zero]) == 1.0
    assert pearson([one, zero], [zero, one]) == -1.0
    with pytest.raises(ValueError, match="pairs"):
        pearson([one], [])


def test_equal_rest_scores_are_found_equal_without_rounding_noise() -> None:
    # Rests of .1 + .2 (over two) and .3 + 0 (over two) are equal only as exact sums:
    # in floats 0.1 + 0.2 != 0.3 would give a spurious correlation.
    matrix = {
        "c1": {"X": 1.0, "P": 0.1, "Q": 0.2},
        "c2": {"X": 0.0, "P": 0.3, "Q": 0.0},
    }
    assert item_statistics(matrix)["X"].item_rest is None


def test_not_presented_everywhere_is_not_enough_data() -> None:
    stats = item_statistics({"c1": {"A": 1.0, "Z": None}, "c2": {"A": 0.0}})
    z = stats["Z"]
    assert (z.n, z.facility, z.item_rest, z.status) == (0, None, None, "not_enough_data")


def ability_matrix(size: int, extra: dict[str, list[float]]) -> dict[int, dict[str, float | None]]:
    """``size`` candidates of rising ability on four good questions, plus ``extra`` columns."""
    matrix: dict[int, dict[str, float | None]] = {}
    for i in range(size):
        row: dict[str, float | None] = {
            f"good{j}": 1.0 if i >= (j + 1) * size // 5 else 0.0 for j in range(4)
        }
        for key, column in extra.items():
            row[key] = column[i]
        matrix[i] = row
    return matrix


def test_flags() -> None:
    n = 25
    matrix = ability_matrix(
        n,
        {
            "easy": [1.0] * n,
            "hard": [0.0] * n,
            "reversed": [1.0 if i < n // 2 else 0.0 for i in range(n)],
            "noise": [float(i % 2) for i in range(n)],
        },
    )
    stats = item_statistics(matrix)
    assert stats["good1"].status == "ok"
    assert stats["good1"].item_rest is not None and stats["good1"].item_rest > 0.2
    assert stats["easy"].flags == (ItemFlag.TOO_EASY, ItemFlag.NO_VARIANCE)
    assert stats["easy"].item_rest is None
    assert stats["hard"].flags == (ItemFlag.TOO_HARD, ItemFlag.NO_VARIANCE)
    assert stats["reversed"].flags == (ItemFlag.NEGATIVE_DISCRIMINATION,)
    noise = stats["noise"]
    assert noise.item_rest is not None and 0 <= noise.item_rest < 0.2
    assert noise.flags == (ItemFlag.LOW_DISCRIMINATION,)
    assert noise.status == "flagged"


def test_facility_thresholds_are_exact_and_strict() -> None:
    n = 20
    matrix = ability_matrix(
        n,
        {
            "19of20": [0.0] + [1.0] * 19,  # 0.95: not too easy
            "1of20": [0.0] * 19 + [1.0],  # 0.05: not too hard
        },
    )
    stats = item_statistics(matrix)
    assert stats["19of20"].facility == 0.95
    assert ItemFlag.TOO_EASY not in stats["19of20"].flags
    assert stats["1of20"].facility == 0.05
    assert ItemFlag.TOO_HARD not in stats["1of20"].flags


def test_minimum_n() -> None:
    easy19 = ability_matrix(19, {"easy": [1.0] * 19})
    assert item_statistics(easy19)["easy"].status == "not_enough_data"
    easy20 = ability_matrix(20, {"easy": [1.0] * 20})
    assert item_statistics(easy20)["easy"].status == "flagged"
    lenient = StatsThresholds(min_n=2, max_facility=1.0)
    assert item_statistics(easy19, lenient)["easy"].flags == (ItemFlag.NO_VARIANCE,)


def test_bad_scores_and_thresholds_are_refused() -> None:
    for bad in (1.5, -0.1, math.nan, True, "1"):
        with pytest.raises(ValueError, match="'c1', question 'A'"):
            item_statistics({"c1": {"A": bad}})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="min_n"):
        StatsThresholds(min_n=1)
    with pytest.raises(ValueError, match="facility"):
        StatsThresholds(min_facility=0.5, max_facility=0.5)
    with pytest.raises(ValueError, match="min_item_rest"):
        StatsThresholds(min_item_rest=2)
