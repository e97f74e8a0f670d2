"""The band table that turns a lookup trial's graded time into a level.

A table is a list of bands ordered from fastest to slowest. Each band has an
upper bound in seconds (exclusive unless ``upper_inclusive``) and the levels it
grants; its lower bound is the previous band's upper bound. A time above the
last band does not pass.

The source document gives one band for levels 3 and 4 ("3~4级"). A time in such
a shared band meets the lookup requirement of every level in it: the trial
reports the band (label "3-4", written with an en dash) and its
:func:`level_reached` is the band's highest level; the case test and the rest
of the certification decide the actual level.

Bounds are kept to whole milliseconds so that a graded time counted in integer
milliseconds meets the edges exactly (see :meth:`BandTable.band_for_ms`).

Two plain forms exist for storage and editing: rows (a JSON-able list of dicts,
:meth:`BandTable.to_rows`) and text, one band per line (:meth:`BandTable.to_text`)::

    120 < 5
    130 < 3-4
    140 < 2
    150 <= 1
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_LEVEL = 1
MAX_LEVEL = 5
EN_DASH = "\u2013"


def seconds_to_ms(seconds: float, what: str) -> int:
    """``seconds`` as whole milliseconds; ValueError unless finite and whole."""
    if isinstance(seconds, bool) or not math.isfinite(seconds):
        raise ValueError(f"{what} must be a finite number of seconds, got {seconds!r}")
    ms = round(seconds * 1000)
    if abs(seconds * 1000 - ms) > 1e-6:
        raise ValueError(f"{what} must be a whole number of milliseconds, got {seconds!r}")
    return ms


@dataclass(frozen=True)
class Band:
    """Times below ``upper_s`` (or equal to it, if inclusive) grant ``levels``.

    ``levels`` is stored sorted; it must be a run of consecutive levels within
    1 to 5 (one level, or a shared band such as 3-4).
    """

    upper_s: float
    upper_inclusive: bool
    levels: tuple[int, ...]

    def __post_init__(self) -> None:
        ms = seconds_to_ms(self.upper_s, "upper bound")
        if ms <= 0:
            raise ValueError(f"upper bound must be positive, got {self.upper_s!r}")
        levels = tuple(self.levels)
        if not levels:
            raise ValueError("a band must grant at least one level")
        for level in levels:
            if isinstance(level, bool) or not isinstance(level, int):
                raise ValueError(f"level must be an integer, got {level!r}")
            if not MIN_LEVEL <= level <= MAX_LEVEL:
                raise ValueError(f"level {level} is outside {MIN_LEVEL} to {MAX_LEVEL}")
        ordered = tuple(sorted(levels))
        if len(set(ordered)) != len(ordered):
            raise ValueError(f"levels {list(levels)} repeat a level")
        if ordered[-1] - ordered[0] != len(ordered) - 1:
            raise ValueError(f"levels {list(levels)} are not consecutive")
        # Normalise: the bound exactly as ms / 1000, the levels sorted.
        object.__setattr__(self, "upper_s", ms / 1000)
        object.__setattr__(self, "levels", ordered)

    @property
    def upper_ms(self) -> int:
        """The upper bound in whole milliseconds."""
        return round(self.upper_s * 1000)

    def admits_ms(self, ms: int) -> bool:
        """Whether a time of ``ms`` milliseconds is under this band's upper bound."""
        return ms <= self.upper_ms if self.upper_inclusive else ms < self.upper_ms


def level_reached(band: Band) -> int:
    """The level a time in ``band`` reaches: the highest level of the band."""
    return band.levels[-1]


def label(band: Band) -> str:
    """The band's levels for people: ``"5"``, or for a shared band "3-4" with an en dash."""
    if len(band.levels) == 1:
        return str(band.levels[0])
    return f"{band.levels[0]}{EN_DASH}{band.levels[-1]}"


def _table_problem(bands: Sequence[Band]) -> tuple[int, str] | None:
    """The first problem with an ordered list of bands, as (index, reason), or None."""
    if not bands:
        return 0, "a band table needs at least one band"
    seen: dict[int, int] = {}
    for i, band in enumerate(bands):
        if i > 0:
            before = bands[i - 1]
            if band.upper_ms <= before.upper_ms:
                return i, (
                    f"upper bound {_format_s(band.upper_s)} s must be greater than "
                    f"the previous band's {_format_s(before.upper_s)} s"
                )
        for level in band.levels:
            if level in seen:
                return i, f"level {level} already appears in band {seen[level] + 1}"
            seen[level] = i
        if i > 0 and band.levels[-1] > bands[i - 1].levels[0]:
            return i, (
                f"levels {label(band)} are higher than those of the faster band before it "
                f"({label(bands[i - 1])}); slower bands must give lower levels"
            )
    return None


@dataclass(frozen=True)
class BandTable:
    """Bands ordered from fastest to slowest; validated on construction."""

    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))
        problem = _table_problem(self.bands)
        if problem is not None:
            index, reason = problem
            raise ValueError(f"band {index + 1}: {reason}")

    def band_for(self, seconds: float) -> Band | None:
        """The band a time of ``seconds`` falls in, or None if it does not pass."""
        if math.isnan(seconds):
            raise ValueError("time must be a number, got NaN")
        for band in self.bands:
            if seconds < band.upper_s or (band.upper_inclusive and seconds == band.upper_s):
                return band
        return None

    def band_for_ms(self, ms: int) -> Band | None:
        """Like :meth:`band_for` for a time in whole milliseconds (exact at the edges)."""
        for band in self.bands:
            if band.admits_ms(ms):
                return band
        return None

    # -- rows: the JSON-able form stored in the database ---------------------

    def to_rows(self) -> list[dict[str, object]]:
        """The table as a list of plain dicts (JSON-able)."""
        return [
            {
                "upper_s": band.upper_s,
                "upper_inclusive": band.upper_inclusive,
                "levels": list(band.levels),
            }
            for band in self.bands
        ]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> BandTable:
        """The table from :meth:`to_rows`' form; ValueError naming the bad row."""
        bands: list[Band] = []
        for number, row in enumerate(rows, start=1):
            try:
                bands.append(_band_from_row(row))
            except ValueError as exc:
                raise ValueError(f"row {number}: {exc}") from None
        problem = _table_problem(bands)
        if problem is not None:
            index, reason = problem
            raise ValueError(f"row {index + 1}: {reason}")
        return cls(tuple(bands))

    # -- text: the form an administrator edits -------------------------------

    def to_text(self) -> str:
        """One band per line, e.g. ``"130 < 3-4"``; :meth:`parse_text` reads it back."""
        lines = []
        for band in self.bands:
            op = "<=" if band.upper_inclusive else "<"
            levels = "-".join(str(n) for n in sorted({band.levels[0], band.levels[-1]}))
            lines.append(f"{_format_s(band.upper_s)} {op} {levels}")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse_text(cls, text: str) -> BandTable:
        """Read the text form. Blank lines and lines starting with ``#`` are ignored.

        Each other line is ``SECONDS < LEVELS`` or ``SECONDS <= LEVELS`` where
        LEVELS is one level or a range such as ``3-4``. Raises ValueError with
        the line number and the reason.
        """
        bands: list[Band] = []
        line_numbers: list[int] = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                bands.append(_band_from_line(stripped))
            except ValueError as exc:
                raise ValueError(f"line {number}: {exc}") from None
            line_numbers.append(number)
        if not bands:
            raise ValueError("no bands given: write one band per line, e.g. '120 < 5'")
        problem = _table_problem(bands)
        if problem is not None:
            index, reason = problem
            raise ValueError(f"line {line_numbers[index]}: {reason}")
        return cls(tuple(bands))


_LINE = re.compile(
    r"(?P<upper>\d+(?:\.\d+)?)\s*(?P<op><=|≤|<)\s*(?P<low>\d+)(?:\s*[-\u2013~]\s*(?P<high>\d+))?"
)


def _band_from_line(line: str) -> Band:
    match = _LINE.fullmatch(line)
    if match is None:
        raise ValueError(
            f"cannot read {line!r}: expected 'SECONDS < LEVELS' or 'SECONDS <= LEVELS', "
            "e.g. '130 < 3-4'"
        )
    low = int(match["low"])
    high = int(match["high"]) if match["high"] is not None else low
    if high < low:
        raise ValueError(f"level range {low}-{high} runs backwards")
    return Band(
        upper_s=float(match["upper"]),
        upper_inclusive=match["op"] != "<",
        levels=tuple(range(low, high + 1)),
    )


def _band_from_row(row: Mapping[str, object]) -> Band:
    missing = {"upper_s", "upper_inclusive", "levels"} - set(row)
    if missing:
        raise ValueError(f"missing {', '.join(sorted(missing))}")
    upper = row["upper_s"]
    inclusive = row["upper_inclusive"]
    levels = row["levels"]
    if isinstance(upper, bool) or not isinstance(upper, int | float):
        raise ValueError(f"upper_s must be a number, got {upper!r}")
    if not isinstance(inclusive, bool):
        raise ValueError(f"upper_inclusive must be true or false, got {inclusive!r}")
    if not isinstance(levels, list | tuple):
        raise ValueError(f"levels must be a list, got {levels!r}")
    return Band(upper_s=float(upper), upper_inclusive=inclusive, levels=tuple(levels))


def _format_s(seconds: float) -> str:
    """Seconds without a needless ``.0``: 120.0 → "120", 120.5 → "120.5"."""
    return str(int(seconds)) if seconds == int(seconds) else repr(seconds)


DEFAULT_BANDS = BandTable(
    (
        Band(upper_s=120.0, upper_inclusive=False, levels=(5,)),
        Band(upper_s=130.0, upper_inclusive=False, levels=(3, 4)),
        Band(upper_s=140.0, upper_inclusive=False, levels=(2,)),
        Band(upper_s=150.0, upper_inclusive=True, levels=(1,)),
    )
)
"""The example table of the source document (假设…): an editable default."""
