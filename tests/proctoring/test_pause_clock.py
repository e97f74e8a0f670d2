"""Pause arithmetic of deadline-timed attempts, with fixed datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from examsrv.proctoring.pause_clock import (
    deadline_after_resume,
    deadline_with_extra,
    paused_span_ms,
    remaining_ms,
)

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(minutes=60)


def test_remaining_time_runs_down_when_not_paused() -> None:
    assert remaining_ms(DEADLINE, T0, None) == 3_600_000
    assert remaining_ms(DEADLINE, T0 + timedelta(minutes=59, seconds=59), None) == 1000
    assert remaining_ms(DEADLINE, DEADLINE, None) == 0
    assert remaining_ms(DEADLINE, DEADLINE + timedelta(hours=1), None) == 0  # never negative


def test_remaining_time_is_frozen_at_the_pause() -> None:
    paused_at = T0 + timedelta(minutes=10)
    frozen = remaining_ms(DEADLINE, paused_at, paused_at)
    assert frozen == 50 * 60_000
    for later in (timedelta(seconds=1), timedelta(minutes=30), timedelta(hours=5)):
        assert remaining_ms(DEADLINE, paused_at + later, paused_at) == frozen


def test_a_pause_in_the_future_does_not_freeze_yet() -> None:
    # a pause stamped after ``now`` (clocks of two processes) counts from now
    assert remaining_ms(DEADLINE, T0, T0 + timedelta(minutes=5)) == 3_600_000


def test_resuming_moves_the_deadline_by_exactly_the_pause() -> None:
    paused_at = T0 + timedelta(minutes=10)
    resumed_at = paused_at + timedelta(minutes=3, milliseconds=250)
    moved = deadline_after_resume(DEADLINE, paused_at, resumed_at)
    assert moved - DEADLINE == timedelta(minutes=3, milliseconds=250)
    assert remaining_ms(moved, resumed_at, None) == remaining_ms(DEADLINE, paused_at, paused_at)
    assert paused_span_ms(paused_at, resumed_at) == 180_250


def test_a_zero_or_backwards_pause_moves_nothing() -> None:
    assert deadline_after_resume(DEADLINE, T0, T0) == DEADLINE
    assert deadline_after_resume(DEADLINE, T0, T0 - timedelta(seconds=5)) == DEADLINE
    assert paused_span_ms(T0, T0 - timedelta(seconds=5)) == 0


def test_extra_time_adds_whole_minutes() -> None:
    assert deadline_with_extra(DEADLINE, 7) == DEADLINE + timedelta(minutes=7)
    assert deadline_with_extra(DEADLINE, 0) == DEADLINE
