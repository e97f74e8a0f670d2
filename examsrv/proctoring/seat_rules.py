"""What a seat of a sitting is doing, and which proctor actions and check-ins it allows.

Pure rules over plain facts: the persistence layer reads a ``SeatFacts`` from the
database, the web layer asks these functions what is allowed and shows their
English message ids (translated at display) when something is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from examsrv.i18n import gettext as _


class SeatState(StrEnum):
    NOT_ARRIVED = "not_arrived"
    WAITING = "waiting"  # checked in, not started yet
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    FINISHED = "finished"
    VOIDED = "voided"


class Action(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EXTRA_TIME = "extra_time"
    VOID = "void"
    MOVE = "move"  # let the candidate continue on another machine


class SittingPhase(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SeatFacts:
    checked_in: bool
    started: bool
    paused: bool
    finished: bool
    voided: bool


def seat_state(f: SeatFacts) -> SeatState:
    if f.voided:
        return SeatState.VOIDED
    if f.finished:
        return SeatState.FINISHED
    if f.paused:
        return SeatState.PAUSED
    if f.started:
        return SeatState.IN_PROGRESS
    if f.checked_in:
        return SeatState.WAITING
    return SeatState.NOT_ARRIVED


# Which states each action may be applied to.
_ALLOWED: dict[Action, frozenset[SeatState]] = {
    Action.START: frozenset({SeatState.WAITING}),
    Action.PAUSE: frozenset({SeatState.IN_PROGRESS, SeatState.WAITING}),
    Action.RESUME: frozenset({SeatState.PAUSED}),
    Action.EXTRA_TIME: frozenset({SeatState.WAITING, SeatState.IN_PROGRESS, SeatState.PAUSED}),
    Action.VOID: frozenset(
        {SeatState.WAITING, SeatState.IN_PROGRESS, SeatState.PAUSED, SeatState.FINISHED}
    ),
    Action.MOVE: frozenset({SeatState.IN_PROGRESS, SeatState.PAUSED, SeatState.WAITING}),
}

MAX_EXTRA_MINUTES = 60


def action_error(action: Action, state: SeatState, phase: SittingPhase) -> str | None:
    """Why ``action`` cannot be taken on a seat in ``state``, or None if it can."""
    if phase in (SittingPhase.CANCELLED,):
        return _("The sitting was cancelled.")
    if action == Action.START and phase == SittingPhase.CLOSED:
        return _("The sitting is closed: nobody more can start.")
    if state not in _ALLOWED[action]:
        return _("This candidate is %(state)s: that action does not apply.") % {
            "state": _(state.value)
        }
    return None


def extra_time_error(minutes: int) -> str | None:
    if minutes < 1 or minutes > MAX_EXTRA_MINUTES:
        return _("Extra time is given in whole minutes, from 1 to %(most)d.") % {
            "most": MAX_EXTRA_MINUTES
        }
    return None


class CheckInRefusal(StrEnum):
    WRONG_CODE = "wrong_code"
    USED = "code_used"
    NOT_OPEN = "not_open_yet"
    EXPIRED = "code_expired"
    CLOSED = "sitting_closed"


def check_in_message(refusal: CheckInRefusal) -> str:
    """The candidate-facing explanation of a refused check-in, in the current language."""
    messages = {
        CheckInRefusal.WRONG_CODE: _("This check-in code is not yours or does not exist."),
        CheckInRefusal.USED: _("This check-in code has already been used."),
        CheckInRefusal.NOT_OPEN: _("Check-in for this sitting has not opened yet."),
        CheckInRefusal.EXPIRED: _(
            "This check-in code has expired: the sitting's check-in window is over."
        ),
        CheckInRefusal.CLOSED: _("This sitting is closed."),
    }
    return messages[refusal]


def check_in_refusal(
    *,
    code_matches: bool,
    already_checked_in: bool,
    phase: SittingPhase,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
) -> CheckInRefusal | None:
    """Why a candidate's check-in with a code is refused, or None to let them in.

    ``code_matches`` says whether the code is the one on this candidate's own seat: a
    code of somebody else's seat, or of a sitting the candidate is not rostered on, is
    simply wrong, so nobody off the roster can enter.
    """
    if not code_matches:
        return CheckInRefusal.WRONG_CODE
    if already_checked_in:
        return CheckInRefusal.USED
    if phase in (SittingPhase.CLOSED, SittingPhase.CANCELLED):
        return CheckInRefusal.CLOSED
    if now < opens_at:
        return CheckInRefusal.NOT_OPEN
    if now >= closes_at:
        return CheckInRefusal.EXPIRED
    return None
