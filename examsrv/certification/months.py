"""Calendar months for the certification windows (retention, probation).

A month is a calendar month, not 30 days. Adding months keeps the day of the
month and clips it to the last day of a shorter month: a promotion on 31
January plus 1 month is 28 February (29 in a leap year), plus 11 months is
31 December. Clipping is never carried over: 31 January + 1 month + 1 month is
28 March, but 31 January + 2 months is 31 March, so windows are always counted
from the original date.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (may be negative), clipped to month end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))
