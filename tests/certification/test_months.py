from __future__ import annotations

from datetime import date

import pytest

from examsrv.certification.months import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 3, 15), 11, date(2025, 2, 15)),
        (date(2024, 3, 15), 12, date(2025, 3, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),
        (date(2025, 1, 31), 3, date(2025, 4, 30)),
        (date(2025, 1, 31), 11, date(2025, 12, 31)),
        (date(2025, 1, 31), 12, date(2026, 1, 31)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 3, 31), 11, date(2026, 2, 28)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 5, 10), -5, date(2024, 12, 10)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
    ],
)
def test_add_months_clips_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_clipping_is_not_carried_over() -> None:
    once = add_months(add_months(date(2025, 1, 31), 1), 1)
    assert once == date(2025, 3, 28)
    assert add_months(date(2025, 1, 31), 2) == date(2025, 3, 31)
