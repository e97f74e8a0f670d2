"""Seat states, which proctor action applies to which state, and check-in refusals."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from examsrv.proctoring.seat_rules import (
    MAX_EXTRA_MINUTES,
    Action,
    CheckInRefusal,
    SeatFacts,
    SeatState,
    SittingPhase,
    action_error,
    check_in_message,
    check_in_refusal,
    extra_time_error,
    seat_state,
)

OPENS = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(hours=2)
TICK = timedelta(microseconds=1)


def facts(**on: bool) -> SeatFacts:
    base = dict(checked_in=False, started=False, paused=False, finished=False, voided=False)
    return SeatFacts(**(base | on))


@pytest.mark.parametrize(
    ("on", "state"),
    [
        ({}, SeatState.NOT_ARRIVED),
        ({"checked_in": True}, SeatState.WAITING),
        ({"checked_in": True, "started": True}, SeatState.IN_PROGRESS),
        ({"checked_in": True, "started": True, "paused": True}, SeatState.PAUSED),
        ({"checked_in": True, "paused": True}, SeatState.PAUSED),  # held before the start
        ({"checked_in": True, "started": True, "finished": True}, SeatState.FINISHED),
        ({"checked_in": True, "started": True, "voided": True}, SeatState.VOIDED),
    ],
)
def test_the_state_of_a_seat(on: dict[str, bool], state: SeatState) -> None:
    assert seat_state(facts(**on)) == state


def test_voided_outranks_finished_outranks_paused() -> None:
    every = facts(checked_in=True, started=True, paused=True, finished=True, voided=True)
    assert seat_state(every) == SeatState.VOIDED
    assert seat_state(facts(started=True, paused=True, finished=True)) == SeatState.FINISHED


W, RUN, P, F = SeatState.WAITING, SeatState.IN_PROGRESS, SeatState.PAUSED, SeatState.FINISHED
ALLOWED = {
    Action.START: {W},
    Action.PAUSE: {W, RUN},
    Action.RESUME: {P},
    Action.EXTRA_TIME: {W, RUN, P},
    Action.VOID: {W, RUN, P, F},
    Action.MOVE: {W, RUN, P},
}


@pytest.mark.parametrize(("action", "state"), list(itertools.product(Action, SeatState)))
def test_every_action_against_every_state_in_a_running_sitting(
    action: Action, state: SeatState
) -> None:
    error = action_error(action, state, SittingPhase.RUNNING)
    if state in ALLOWED[action]:
        assert error is None
    else:
        assert error  # a message to show


@pytest.mark.parametrize(("action", "state"), list(itertools.product(Action, SeatState)))
def test_a_scheduled_sitting_allows_the_same_as_a_running_one(
    action: Action, state: SeatState
) -> None:
    scheduled = action_error(action, state, SittingPhase.SCHEDULED)
    assert (scheduled is None) == (action_error(action, state, SittingPhase.RUNNING) is None)


@pytest.mark.parametrize(("action", "state"), list(itertools.product(Action, SeatState)))
def test_a_closed_sitting_allows_everything_but_starting(action: Action, state: SeatState) -> None:
    error = action_error(action, state, SittingPhase.CLOSED)
    if action == Action.START:
        assert error
    else:
        assert (error is None) == (state in ALLOWED[action])


@pytest.mark.parametrize(("action", "state"), list(itertools.product(Action, SeatState)))
def test_a_cancelled_sitting_allows_nothing(action: Action, state: SeatState) -> None:
    assert action_error(action, state, SittingPhase.CANCELLED)


@pytest.mark.parametrize(
    ("minutes", "ok"), [(0, False), (1, True), (MAX_EXTRA_MINUTES, True), (61, False), (-1, False)]
)
def test_extra_time_bounds(minutes: int, ok: bool) -> None:
    assert (extra_time_error(minutes) is None) == ok


def refusal(
    now: datetime,
    *,
    matches: bool = True,
    used: bool = False,
    phase: SittingPhase = SittingPhase.SCHEDULED,
) -> CheckInRefusal | None:
    return check_in_refusal(
        code_matches=matches,
        already_checked_in=used,
        phase=phase,
        opens_at=OPENS,
        closes_at=CLOSES,
        now=now,
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (OPENS - TICK, CheckInRefusal.NOT_OPEN),
        (OPENS, None),  # the window includes its opening instant
        (CLOSES - TICK, None),
        (CLOSES, CheckInRefusal.EXPIRED),  # ... and excludes its closing one
        (CLOSES + timedelta(days=1), CheckInRefusal.EXPIRED),
    ],
)
def test_the_check_in_window_edges(now: datetime, expected: CheckInRefusal | None) -> None:
    assert refusal(now) == expected
    assert refusal(now, phase=SittingPhase.RUNNING) == expected


def test_check_in_refusals_in_order_of_precedence() -> None:
    inside = OPENS + timedelta(minutes=1)
    closed = SittingPhase.CLOSED
    assert refusal(inside, matches=False, used=True, phase=closed) == CheckInRefusal.WRONG_CODE
    assert refusal(inside, used=True, phase=closed) == CheckInRefusal.USED
    assert refusal(OPENS - TICK, phase=closed) == CheckInRefusal.CLOSED
    assert refusal(inside, phase=SittingPhase.CANCELLED) == CheckInRefusal.CLOSED
    assert refusal(CLOSES, used=True) == CheckInRefusal.USED


def test_every_refusal_has_its_own_message() -> None:
    messages = {check_in_message(r) for r in CheckInRefusal}
    assert len(messages) == len(CheckInRefusal) and all(messages)
