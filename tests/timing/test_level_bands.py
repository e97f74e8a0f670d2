from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.timing.level_bands import (
    DEFAULT_BANDS,
    Band,
    BandTable,
    label,
    level_reached,
)

DEFAULT_TEXT = "120 < 5\n130 < 3-4\n140 < 2\n150 <= 1\n"


@pytest.mark.parametrize(
    ("seconds", "levels"),
    [
        (0.0, (5,)),
        (60.0, (5,)),
        (119.999, (5,)),
        (120.0, (3, 4)),
        (125.0, (3, 4)),
        (129.999, (3, 4)),
        (130.0, (2,)),
        (139.999, (2,)),
        (140.0, (1,)),
        (149.999, (1,)),
        (150.0, (1,)),
        (150.001, None),
        (600.0, None),
    ],
)
def test_default_band_edges(seconds: float, levels: tuple[int, ...] | None) -> None:
    band = DEFAULT_BANDS.band_for(seconds)
    assert (None if band is None else band.levels) == levels
    band_ms = DEFAULT_BANDS.band_for_ms(round(seconds * 1000))
    assert band_ms == band


def test_band_for_rejects_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        DEFAULT_BANDS.band_for(float("nan"))


def test_shared_band_label_and_level() -> None:
    shared = DEFAULT_BANDS.band_for(120.0)
    assert shared is not None
    assert label(shared) == "3\u20134"
    assert level_reached(shared) == 4


@pytest.mark.parametrize(("seconds", "text"), [(100.0, "5"), (135.0, "2"), (150.0, "1")])
def test_single_level_labels(seconds: float, text: str) -> None:
    band = DEFAULT_BANDS.band_for(seconds)
    assert band is not None
    assert label(band) == text
    assert level_reached(band) == int(text)


def test_band_normalises_levels_and_bound() -> None:
    band = Band(upper_s=130, upper_inclusive=False, levels=(4, 3))
    assert band.levels == (3, 4)
    assert band.upper_s == 130.0
    assert band.upper_ms == 130_000


def test_text_form_of_default() -> None:
    assert DEFAULT_BANDS.to_text() == DEFAULT_TEXT
    assert BandTable.parse_text(DEFAULT_TEXT) == DEFAULT_BANDS


def test_text_round_trip_with_fractions_and_wide_band() -> None:
    table = BandTable(
        (
            Band(upper_s=95.5, upper_inclusive=True, levels=(3, 4, 5)),
            Band(upper_s=150.25, upper_inclusive=False, levels=(1, 2)),
        )
    )
    text = table.to_text()
    assert text == "95.5 <= 3-5\n150.25 < 1-2\n"
    assert BandTable.parse_text(text) == table


def test_parse_text_is_lenient_about_layout() -> None:
    text = "# lookup bands\n\n  120<5\n130 < 3\u20134\n140<2\n150 \u2264 1  \n\n"
    assert BandTable.parse_text(text) == DEFAULT_BANDS
    assert BandTable.parse_text("130 < 3~4\n").bands[0].levels == (3, 4)


def test_rows_round_trip_through_json() -> None:
    rows = DEFAULT_BANDS.to_rows()
    assert rows[1] == {"upper_s": 130.0, "upper_inclusive": False, "levels": [3, 4]}
    assert BandTable.from_rows(json.loads(json.dumps(rows))) == DEFAULT_BANDS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no bands given"),
        ("# only a comment\n", "no bands given"),
        ("120 5\n", r"line 1: cannot read"),
        ("120 > 5\n", r"line 1: cannot read"),
        ("abc < 5\n", r"line 1: cannot read"),
        ("120 < 5\n130 < \n", r"line 2: cannot read"),
        ("120 < 6\n", r"line 1: level 6 is outside"),
        ("120 < 0\n", r"line 1: level 0 is outside"),
        ("120 < 4-3\n", r"line 1: level range 4-3 runs backwards"),
        ("0 < 5\n", r"line 1: upper bound must be positive"),
        ("120.0001 < 5\n", r"line 1: .*whole number of milliseconds"),
        ("120 < 5\n120 < 4\n", r"line 2: upper bound 120 s must be greater"),
        ("130 < 5\n\n120 < 4\n", r"line 3: upper bound 120 s must be greater"),
        ("120 < 2\n130 < 5\n", r"line 2: levels 5 are higher"),
        ("120 < 4-5\n130 < 3-4\n", r"line 2: level 4 already appears in band 1"),
        ("120 < 5\n130 < 3\n140 < 5\n", r"line 3: level 5 already appears in band 1"),
    ],
)
def test_parse_text_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BandTable.parse_text(text)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "at least one band"),
        (
            (Band(130, False, (5,)), Band(120, False, (4,))),
            "band 2: upper bound 120 s must be greater",
        ),
        ((Band(120, False, (5,)), Band(120, True, (4,))), "band 2: upper bound"),
        ((Band(120, False, (1,)), Band(130, False, (2,))), "band 2: levels 2 are higher"),
        ((Band(120, False, (3, 4)), Band(130, False, (4,))), "band 2: level 4 already appears"),
    ],
)
def test_invalid_tables(bands: tuple[Band, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BandTable(bands)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"upper_s": 120, "upper_inclusive": False, "levels": ()}, "at least one level"),
        ({"upper_s": 120, "upper_inclusive": False, "levels": (6,)}, "outside"),
        ({"upper_s": 120, "upper_inclusive": False, "levels": (3, 5)}, "not consecutive"),
        ({"upper_s": 120, "upper_inclusive": False, "levels": (3, 3)}, "repeat"),
        ({"upper_s": 120, "upper_inclusive": False, "levels": (True,)}, "integer"),
        ({"upper_s": -1, "upper_inclusive": False, "levels": (5,)}, "positive"),
        ({"upper_s": float("inf"), "upper_inclusive": False, "levels": (5,)}, "finite"),
        ({"upper_s": float("nan"), "upper_inclusive": False, "levels": (5,)}, "finite"),
    ],
)
def test_invalid_bands(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Band(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"upper_s": 120, "levels": [5]}], "row 1: missing upper_inclusive"),
        ([{"upper_s": "120", "upper_inclusive": False, "levels": [5]}], "row 1: upper_s"),
        ([{"upper_s": True, "upper_inclusive": False, "levels": [5]}], "row 1: upper_s"),
        ([{"upper_s": 120, "upper_inclusive": "no", "levels": [5]}], "row 1: upper_inclusive"),
        ([{"upper_s": 120, "upper_inclusive": False, "levels": 5}], "row 1: levels"),
        ([{"upper_s": 120, "upper_inclusive": False, "levels": ["5"]}], "row 1: level"),
        (
            [
                {"upper_s": 120, "upper_inclusive": False, "levels": [5]},
                {"upper_s": 110, "upper_inclusive": False, "levels": [4]},
            ],
            "row 2: upper bound",
        ),
        ([], "row 1: a band table needs at least one band"),
    ],
)
def test_from_rows_rejects(rows: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BandTable.from_rows(rows)


def test_table_without_some_levels_is_allowed() -> None:
    # An administrator may drop level 1: anything over 140 s then fails.
    table = BandTable.parse_text("120 < 5\n130 < 3-4\n140 <= 2\n")
    assert table.band_for(140.0) is not None
    assert table.band_for(140.001) is None


@st.composite
def band_tables(draw: st.DrawFn) -> BandTable:
    """Valid tables: levels 5..1 cut into consecutive groups, some groups left out."""
    cuts = draw(st.sets(st.integers(1, 4)))
    groups: list[tuple[int, ...]] = []
    high = 5
    for low in sorted({0, *cuts}, reverse=True):
        groups.append(tuple(range(low + 1, high + 1)))
        high = low
    kept = [g for g in groups if draw(st.booleans())] or groups[:1]
    uppers = sorted(draw(st.sets(st.integers(1, 10**7), min_size=len(kept), max_size=len(kept))))
    return BandTable(
        tuple(
            Band(upper_s=ms / 1000, upper_inclusive=draw(st.booleans()), levels=levels)
            for ms, levels in zip(uppers, kept, strict=True)
        )
    )


@given(table=band_tables())
def test_text_and_rows_round_trip(table: BandTable) -> None:
    assert BandTable.parse_text(table.to_text()) == table
    assert BandTable.from_rows(json.loads(json.dumps(table.to_rows()))) == table


@given(table=band_tables(), ms=st.integers(0, 10**7 + 1))
def test_band_for_seconds_agrees_with_milliseconds(table: BandTable, ms: int) -> None:
    assert table.band_for(ms / 1000) == table.band_for_ms(ms)
