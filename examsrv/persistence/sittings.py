"""Sittings: scheduling, the roster, check-in, and every proctor action on a seat.

Each function works inside the caller's session and writes an audit event with
server time for everything that happens to a seat. The rules of what is allowed
live in ``examsrv/proctoring``; this module reads the facts, applies the rule and
writes the outcome.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from examsrv.i18n import gettext as _
from examsrv.persistence.case_tables import CaseAttempt, CaseAttemptStatus
from examsrv.persistence.case_tests import (
    CaseTestError,
    aware,
    open_attempt,
    policy_for,
    start_case_test,
)
from examsrv.persistence.models import (
    AttemptStatus,
    AuditEvent,
    Employee,
    Role,
    TrialAnswer,
    TrialAttempt,
    User,
)
from examsrv.persistence.sitting_tables import (
    ReleaseRule,
    Seat,
    Sitting,
    SittingProctor,
    SittingStatus,
    SittingTest,
)
from examsrv.persistence.trials import in_progress_attempt, start_attempt
from examsrv.proctoring.checkin_codes import new_code, normalise
from examsrv.proctoring.pause_clock import (
    deadline_after_resume,
    deadline_with_extra,
    paused_span_ms,
)
from examsrv.proctoring.seat_rules import (
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


class SittingError(Exception):
    """A refused request; ``str(error)`` is the message to show, ``code`` a stable id."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class NewSitting:
    name: str
    test: SittingTest
    case_level: int | None
    room: str
    opens_at: datetime
    closes_at: datetime
    release_rule: ReleaseRule


def sitting_error(new: NewSitting) -> str | None:
    if not new.name.strip():
        return _("Give the sitting a name.")
    if new.closes_at <= new.opens_at:
        return _("The time window must end after it starts.")
    if new.test == SittingTest.CASE and (new.case_level is None or not 1 <= new.case_level <= 5):
        return _("A case-test sitting needs the level it tests, from 1 to 5.")
    return None


def create_sitting(session: Session, new: NewSitting, *, created_by: str, now: datetime) -> Sitting:
    error = sitting_error(new)
    if error:
        raise SittingError(error)
    sitting = Sitting(
        name=new.name.strip(),
        test=new.test,
        case_level=new.case_level if new.test == SittingTest.CASE else None,
        room=new.room.strip(),
        opens_at=new.opens_at,
        closes_at=new.closes_at,
        release_rule=new.release_rule,
        created_by=created_by,
        created_at=now,
    )
    session.add(sitting)
    session.flush()
    return sitting


def set_proctors(session: Session, sitting_id: int, user_ids: Iterable[int]) -> None:
    wanted = set(user_ids)
    proctors = session.exec(
        select(User).where(col(User.id).in_(wanted)).where(col(User.role).in_(_STAFF))
    ).all()
    if len(proctors) != len(wanted):
        raise SittingError(_("Only proctors and administrators can run a sitting."))
    for row in session.exec(select(SittingProctor).where(SittingProctor.sitting_id == sitting_id)):
        session.delete(row)
    session.flush()
    for uid in sorted(wanted):
        session.add(SittingProctor(sitting_id=sitting_id, user_id=uid))


_STAFF = (Role.PROCTOR, Role.ADMIN)


def add_seats(
    session: Session, sitting: Sitting, employee_ids: Iterable[int], rng: random.Random
) -> list[Seat]:
    """Put employees on the roster (those already on it are left alone)."""
    present = set(session.exec(select(Seat.employee_id).where(Seat.sitting_id == sitting.id)).all())
    added = []
    for emp in employee_ids:
        if emp in present:
            continue
        seat = Seat(sitting_id=sitting.id or 0, employee_id=emp, code=new_code(rng))
        session.add(seat)
        added.append(seat)
        present.add(emp)
    session.flush()
    return added


def remove_seat(session: Session, seat: Seat) -> None:
    if seat.checked_in_at is not None:
        raise SittingError(_("This candidate has checked in already and stays on the roster."))
    session.delete(seat)


def roster(session: Session, sitting_id: int) -> list[tuple[Seat, Employee]]:
    rows = session.exec(
        select(Seat, Employee)
        .join(Employee, col(Employee.id) == Seat.employee_id)
        .where(Seat.sitting_id == sitting_id)
        .order_by(col(Employee.employee_no))
    ).all()
    return [(s, e) for s, e in rows]


def is_proctor_of(session: Session, sitting_id: int, user_id: int, role: str) -> bool:
    if role == Role.ADMIN:
        return True
    row = session.exec(
        select(SittingProctor)
        .where(SittingProctor.sitting_id == sitting_id)
        .where(SittingProctor.user_id == user_id)
    ).first()
    return row is not None


def proctors_of(session: Session, sitting_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(SittingProctor, col(SittingProctor.user_id) == User.id)
            .where(SittingProctor.sitting_id == sitting_id)
        ).all()
    )


def seat_for_attempt(session: Session, kind: str, attempt_id: int) -> Seat | None:
    return session.exec(
        select(Seat).where(Seat.attempt_kind == kind).where(Seat.attempt_id == attempt_id)
    ).first()


def facts(seat: Seat) -> SeatFacts:
    return SeatFacts(
        checked_in=seat.checked_in_at is not None,
        started=seat.started_at is not None,
        paused=seat.paused_at is not None,
        finished=seat.finished_at is not None,
        voided=seat.voided_at is not None,
    )


def state_of(seat: Seat) -> SeatState:
    return seat_state(facts(seat))


def phase(sitting: Sitting) -> SittingPhase:
    return SittingPhase(sitting.status)


def audit(
    session: Session,
    seat: Seat,
    kind: str,
    *,
    now: datetime,
    actor: str,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=now,
            kind=kind,
            actor=actor,
            seat_id=seat.id,
            attempt_id=seat.attempt_id if seat.attempt_kind == SittingTest.LOOKUP else None,
            detail={
                "sitting": seat.sitting_id,
                "attempt_kind": seat.attempt_kind,
                "attempt": seat.attempt_id,
                **(detail or {}),
            },
        )
    )


def seat_audit(session: Session, seat_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.seat_id == seat_id).order_by(col(AuditEvent.id))
        ).all()
    )


# --- check-in -----------------------------------------------------------------

WAITING_HOLD = timedelta(days=7)  # a checked-in case test's deadline until it is started


def check_in(
    session: Session,
    *,
    employee_id: int,
    typed_code: str,
    username: str,
    now: datetime,
    task_count: int,
    recent_attempts: int,
    seed_source: random.Random,
) -> Seat:
    """Check a candidate in with the code of their own seat and open their attempt.

    The lookup trial's form is drawn here, so starting a whole room later is a single
    update; its clock runs only while a task is on screen, so waiting costs nothing.
    A case test's attempt is drawn here too, and its deadline is set when it starts.
    """
    code = normalise(typed_code)
    seats = session.exec(
        select(Seat, Sitting)
        .join(Sitting, col(Sitting.id) == Seat.sitting_id)
        .where(Seat.employee_id == employee_id)
    ).all()  # closed sittings too, so their codes are refused as closed, not as wrong
    match = next(((seat, sit) for seat, sit in seats if seat.code == code), None)
    if match is None:
        _refuse_check_in(session, employee_id, username, code, now, CheckInRefusal.WRONG_CODE)
    seat, sitting = match  # type: ignore[misc]
    refusal = check_in_refusal(
        code_matches=True,
        already_checked_in=seat.checked_in_at is not None,
        phase=phase(sitting),
        opens_at=aware(sitting.opens_at),
        closes_at=aware(sitting.closes_at),
        now=now,
    )
    if refusal is not None:
        _refuse_check_in(session, employee_id, username, code, now, refusal, seat)
    if sitting.test == SittingTest.LOOKUP:
        if in_progress_attempt(session, employee_id) is not None:
            raise SittingError(
                _("You have a lookup trial in progress outside this sitting. Ask the proctor."),
                "open_attempt",
            )
        attempt = start_attempt(
            session,
            employee_id,
            task_count=task_count,
            recent_attempts=recent_attempts,
            now=now,
            seed_source=seed_source,
        )
        seat.attempt_kind, seat.attempt_id = SittingTest.LOOKUP, attempt.id
    else:
        if open_attempt(session, employee_id) is not None:
            raise SittingError(
                _("You have a case test in progress outside this sitting. Ask the proctor."),
                "open_attempt",
            )
        try:
            case = start_case_test(
                session, employee_id, sitting.case_level or 0, now=now, seed_source=seed_source
            )
        except CaseTestError as exc:
            raise SittingError(str(exc), "cannot_start") from exc
        # Held back until the proctor starts the seat (``start`` sets the real deadline), so
        # the deadline sweep cannot hand in a test that is still waiting to begin.
        case.deadline_at = max(now, aware(sitting.closes_at)) + WAITING_HOLD
        session.add(case)
        seat.attempt_kind, seat.attempt_id = SittingTest.CASE, case.id
    seat.checked_in_at = now
    session.add(seat)
    audit(session, seat, "checked_in", now=now, actor=username)
    return seat


def _refuse_check_in(
    session: Session,
    employee_id: int,
    username: str,
    code: str,
    now: datetime,
    refusal: CheckInRefusal,
    seat: Seat | None = None,
) -> None:
    detail = {"employee": employee_id, "code": code[:16], "refusal": refusal.value}
    if seat is not None:
        audit(session, seat, "check_in_refused", now=now, actor=username, detail=detail)
    else:
        session.add(AuditEvent(at=now, kind="check_in_refused", actor=username, detail=detail))
    session.commit()  # the refusal is logged even though the request fails
    raise SittingError(check_in_message(refusal), refusal.value)


def seats_of_employee(session: Session, employee_id: int) -> list[tuple[Seat, Sitting]]:
    rows = session.exec(
        select(Seat, Sitting)
        .join(Sitting, col(Sitting.id) == Seat.sitting_id)
        .where(Seat.employee_id == employee_id)
        .where(col(Sitting.status).in_([SittingStatus.SCHEDULED, SittingStatus.RUNNING]))
        .order_by(col(Sitting.opens_at))
    ).all()
    return [(s, t) for s, t in rows]


# --- proctor actions --------------------------------------------------------------


def _check(sitting: Sitting, seat: Seat, action: Action) -> None:
    error = action_error(action, state_of(seat), phase(sitting))
    if error:
        raise SittingError(error, "not_allowed")


def start(
    session: Session, sitting: Sitting, seats: Sequence[Seat], *, now: datetime, actor: str
) -> list[Seat]:
    """Start the given seats (those waiting; others are skipped when starting everyone)."""
    if phase(sitting) in (SittingPhase.CLOSED, SittingPhase.CANCELLED):
        raise SittingError(_("The sitting is closed: nobody more can start."), "not_allowed")
    started = []
    minutes = None
    if sitting.test == SittingTest.CASE:
        minutes = policy_for(session, sitting.case_level or 1, now=now).minutes
    for seat in seats:
        if state_of(seat) != SeatState.WAITING:
            continue
        seat.started_at = now
        if minutes is not None and seat.attempt_id is not None:
            case = session.get(CaseAttempt, seat.attempt_id)
            if case is not None:
                case.started_at = now
                case.deadline_at = now + timedelta(minutes=minutes) + _ms(seat.extra_ms)
                session.add(case)
        session.add(seat)
        audit(session, seat, "started", now=now, actor=actor)
        started.append(seat)
    if started and sitting.status == SittingStatus.SCHEDULED:
        sitting.status = SittingStatus.RUNNING
        session.add(sitting)
    return started


def _ms(ms: int) -> timedelta:
    return timedelta(milliseconds=ms)


def pause(
    session: Session, sitting: Sitting, seat: Seat, *, reason: str, now: datetime, actor: str
) -> None:
    _check(sitting, seat, Action.PAUSE)
    seat.paused_at = now
    seat.pause_reason = reason.strip()[:200]
    session.add(seat)
    audit(session, seat, "paused", now=now, actor=actor, detail={"reason": seat.pause_reason})


def resume(session: Session, sitting: Sitting, seat: Seat, *, now: datetime, actor: str) -> None:
    _check(sitting, seat, Action.RESUME)
    assert seat.paused_at is not None
    paused_at = aware(seat.paused_at)
    case = _case(session, seat)
    if case is not None and seat.started_at is not None:
        case.deadline_at = deadline_after_resume(aware(case.deadline_at), paused_at, now)
        session.add(case)
    span = paused_span_ms(paused_at, now)
    seat.paused_ms += span
    seat.paused_at = None
    seat.pause_reason = ""
    session.add(seat)
    audit(session, seat, "resumed", now=now, actor=actor, detail={"paused_ms": span})


def extra_time(
    session: Session, sitting: Sitting, seat: Seat, *, minutes: int, now: datetime, actor: str
) -> None:
    _check(sitting, seat, Action.EXTRA_TIME)
    error = extra_time_error(minutes)
    if error:
        raise SittingError(error, "bad_minutes")
    seat.extra_ms += minutes * 60_000
    case = _case(session, seat)
    if case is not None and seat.started_at is not None:
        case.deadline_at = deadline_with_extra(aware(case.deadline_at), minutes)
        session.add(case)
    session.add(seat)
    audit(session, seat, "extra_time", now=now, actor=actor, detail={"minutes": minutes})


def void(
    session: Session, sitting: Sitting, seat: Seat, *, reason: str, now: datetime, actor: str
) -> None:
    _check(sitting, seat, Action.VOID)
    if not reason.strip():
        raise SittingError(_("Say why the attempt is voided."), "reason_required")
    seat.voided_at = now
    seat.void_reason = reason.strip()[:200]
    seat.paused_at = None
    if seat.attempt_kind == SittingTest.LOOKUP and seat.attempt_id is not None:
        trial = session.get(TrialAttempt, seat.attempt_id)
        if trial is not None:
            trial.status = AttemptStatus.VOIDED
            trial.finished_at = trial.finished_at or now
            session.add(trial)
    case = _case(session, seat)
    if case is not None:
        case.status = CaseAttemptStatus.VOIDED
        case.submitted_at = case.submitted_at or now
        case.submitted_by = case.submitted_by or "void"
        session.add(case)
    session.add(seat)
    audit(session, seat, "voided", now=now, actor=actor, detail={"reason": seat.void_reason})


def move(session: Session, sitting: Sitting, seat: Seat, *, now: datetime, actor: str) -> None:
    """Let the candidate go on at another machine: the live connection will be closed."""
    _check(sitting, seat, Action.MOVE)
    seat.moves += 1
    session.add(seat)
    audit(session, seat, "moved", now=now, actor=actor, detail={"moves": seat.moves})


def release(session: Session, sitting: Sitting, *, now: datetime, actor: str) -> None:
    sitting.released_at = sitting.released_at or now
    session.add(sitting)
    session.add(
        AuditEvent(at=now, kind="results_released", actor=actor, detail={"sitting": sitting.id})
    )


def close(session: Session, sitting: Sitting, *, now: datetime, actor: str) -> None:
    if sitting.status in (SittingStatus.CLOSED, SittingStatus.CANCELLED):
        return
    sitting.status = SittingStatus.CLOSED
    session.add(sitting)
    session.add(
        AuditEvent(at=now, kind="sitting_closed", actor=actor, detail={"sitting": sitting.id})
    )


def _case(session: Session, seat: Seat) -> CaseAttempt | None:
    if seat.attempt_kind != SittingTest.CASE or seat.attempt_id is None:
        return None
    return session.get(CaseAttempt, seat.attempt_id)


def mark_finished(session: Session, kind: str, attempt_id: int, *, now: datetime) -> Seat | None:
    seat = seat_for_attempt(session, kind, attempt_id)
    if seat is not None and seat.finished_at is None:
        seat.finished_at = now
        session.add(seat)
        audit(session, seat, "finished", now=now, actor="")
    return seat


def result_released(session: Session, kind: str, attempt_id: int) -> bool:
    """May the candidate see this attempt's result? Always, outside a sitting."""
    return seat_result_released(session, seat_for_attempt(session, kind, attempt_id))


def seat_result_released(session: Session, seat: Seat | None) -> bool:
    """``result_released`` for the attempt of ``seat`` (None: not in a sitting)."""
    if seat is None:
        return True
    sitting = session.get(Sitting, seat.sitting_id)
    if sitting is None or sitting.release_rule == ReleaseRule.ON_FINISH:
        return True
    return sitting.released_at is not None


def answered_counts(session: Session, attempt_ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """For lookup attempts: (answers given, their summed raw time in ms)."""
    if not attempt_ids:
        return {}
    rows = session.exec(
        select(TrialAnswer.attempt_id, func.count(), func.coalesce(func.sum(TrialAnswer.raw_ms), 0))
        .where(col(TrialAnswer.attempt_id).in_(attempt_ids))
        .group_by(col(TrialAnswer.attempt_id))
    ).all()
    return {int(a): (int(n), float(ms)) for a, n, ms in rows}
