"""Pause arithmetic for deadline-timed attempts (the case test).

A case test has a deadline in the database. While the proctor holds it paused the
candidate's remaining time must not move, so remaining time is computed from the
moment of the pause, and resuming pushes the deadline back by the time spent
paused. Extra time pushes the deadline back by the minutes given.

(The lookup trial needs none of this: its clock is the sum of the intervals its
tasks were on screen, and a pause simply stops showing the task; see
``examsrv/timing/trial_session.py``.)
"""

from __future__ import annotations

from datetime import datetime, timedelta


def remaining_ms(deadline: datetime, now: datetime, paused_at: datetime | None) -> int:
    """Milliseconds left before ``deadline``, frozen at ``paused_at`` while paused."""
    reference = paused_at if paused_at is not None and paused_at < now else now
    return max(int((deadline - reference) / timedelta(milliseconds=1)), 0)


def deadline_after_resume(
    deadline: datetime, paused_at: datetime, resumed_at: datetime
) -> datetime:
    """The deadline once a pause that began at ``paused_at`` ends at ``resumed_at``."""
    return deadline + max(resumed_at - paused_at, timedelta(0))


def paused_span_ms(paused_at: datetime, resumed_at: datetime) -> int:
    return max(int((resumed_at - paused_at) / timedelta(milliseconds=1)), 0)


def deadline_with_extra(deadline: datetime, extra_minutes: int) -> datetime:
    return deadline + timedelta(minutes=extra_minutes)
