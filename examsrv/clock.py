"""The one source of time.

Two kinds of time are kept apart on purpose:

* ``monotonic_ns`` measures intervals (how long a candidate took on a task). It
  never jumps when the wall clock is adjusted and is the only time used for
  grading.
* ``now`` is wall-clock UTC, for records people read (when an attempt started).

Code that needs time takes a ``Clock``; tests pass a ``FakeClock`` and move it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic_ns(self) -> int: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clocks of the machine."""

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._mono = 1_000_000_000
        self._wall = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def monotonic_ns(self) -> int:
        return self._mono

    def now(self) -> datetime:
        return self._wall

    def advance(self, seconds: float) -> None:
        self._mono += round(seconds * 1_000_000_000)
        self._wall += timedelta(seconds=seconds)
