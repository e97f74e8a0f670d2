"""Sittings in the database: scheduling, the roster, check-in and every proctor action."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from examsrv.persistence.case_tables import CaseAttempt, CaseAttemptStatus
from examsrv.persistence.case_tests import aware, submit_due
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import (
    AttemptStatus,
    AuditEvent,
    Employee,
    Role,
    TrialAttempt,
    User,
)
from examsrv.persistence.sitting_tables import (
    ReleaseRule,
    Seat,
    Sitting,
    SittingStatus,
    SittingTest,
)
from examsrv.persistence.sittings import (
    NewSitting,
    SittingError,
    add_seats,
    check_in,
    close,
    create_sitting,
    extra_time,
    is_proctor_of,
    mark_finished,
    move,
    pause,
    proctors_of,
    release,
    remove_seat,
    result_released,
    resume,
    roster,
    seat_audit,
    seats_of_employee,
    set_proctors,
    start,
    state_of,
    void,
)
from examsrv.proctoring.checkin_codes import ALPHABET, LENGTH
from examsrv.proctoring.pause_clock import remaining_ms
from examsrv.proctoring.seat_rules import SeatState
from tests.case_fixtures import level_bank
from tests.conftest import add_user, load_bank

OPENS = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
CLOSES = OPENS + timedelta(hours=3)
INSIDE = OPENS + timedelta(minutes=10)
CANDIDATES = ("10001", "10002", "10003")


@pytest.fixture
def people(engine: Engine) -> Iterator[Engine]:
    load_bank(engine, articles=20, tasks=30)
    for no in CANDIDATES:
        add_user(engine, no, Role.CANDIDATE, f"考生{no}")
    add_user(engine, "proctor", Role.PROCTOR)
    add_user(engine, "admin", Role.ADMIN)
    add_user(engine, "author", Role.AUTHOR)
    yield engine


def emp(s: Session, no: str) -> int:
    employee = s.exec(select(Employee).where(Employee.employee_no == no)).one()
    assert employee.id is not None
    return employee.id


def user_id(s: Session, username: str) -> int:
    user = s.exec(select(User).where(User.username == username)).one()
    assert user.id is not None
    return user.id


def new(
    test: SittingTest = SittingTest.LOOKUP,
    level: int | None = None,
    rule: ReleaseRule = ReleaseRule.BY_PROCTOR,
    name: str = "三月查询测评",
    opens: datetime = OPENS,
    closes: datetime = CLOSES,
) -> NewSitting:
    return NewSitting(name, test, level, "培训室3", opens, closes, rule)


def schedule(engine: Engine, *nos: str, **kwargs: object) -> int:
    with session_scope(engine) as s:
        sitting = create_sitting(s, new(**kwargs), created_by="admin", now=OPENS)  # type: ignore[arg-type]
        add_seats(s, sitting, [emp(s, no) for no in nos], random.Random(sitting.id))
        assert sitting.id is not None
        return sitting.id


def seat_of(s: Session, sitting_id: int, no: str) -> Seat:
    return s.exec(
        select(Seat).where(Seat.sitting_id == sitting_id).where(Seat.employee_id == emp(s, no))
    ).one()


def code_of(engine: Engine, sitting_id: int, no: str) -> str:
    with session_scope(engine) as s:
        return seat_of(s, sitting_id, no).code


def arrive(engine: Engine, no: str, code: str, now: datetime = INSIDE) -> int:
    with session_scope(engine) as s:
        seat = check_in(
            s,
            employee_id=emp(s, no),
            typed_code=code,
            username=no,
            now=now,
            task_count=5,
            recent_attempts=3,
            seed_source=random.Random(5),
        )
        assert seat.id is not None
        return seat.id


def refused(engine: Engine, no: str, code: str, now: datetime = INSIDE) -> str:
    with pytest.raises(SittingError) as caught:
        arrive(engine, no, code, now)
    return caught.value.code


def refusals(engine: Engine) -> list[AuditEvent]:
    with session_scope(engine) as s:
        return list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.kind == "check_in_refused")
                .order_by(col(AuditEvent.id))
            ).all()
        )


# --- scheduling ----------------------------------------------------------------


def test_a_sitting_is_created_with_what_was_asked(people: Engine) -> None:
    with session_scope(people) as s:
        sitting = create_sitting(s, new(level=3), created_by="admin", now=OPENS)
        assert sitting.id is not None
    with session_scope(people) as s:
        stored = s.get(Sitting, sitting.id)
        assert stored is not None
        assert stored.name == "三月查询测评" and stored.room == "培训室3"
        assert stored.case_level is None  # a lookup trial has no level
        assert stored.status == SittingStatus.SCHEDULED
        assert aware(stored.opens_at) == OPENS and aware(stored.closes_at) == CLOSES
        assert stored.created_by == "admin"


@pytest.mark.parametrize(
    "bad",
    [
        new(name="  "),
        new(closes=OPENS),
        new(closes=OPENS - timedelta(minutes=1)),
        new(SittingTest.CASE, None),
        new(SittingTest.CASE, 0),
        new(SittingTest.CASE, 6),
    ],
)
def test_an_invalid_sitting_is_refused(people: Engine, bad: NewSitting) -> None:
    with session_scope(people) as s:
        with pytest.raises(SittingError):
            create_sitting(s, bad, created_by="admin", now=OPENS)
        assert s.exec(select(Sitting)).first() is None


def test_only_proctors_and_administrators_can_be_proctors(people: Engine) -> None:
    sid = schedule(people)
    with session_scope(people) as s:
        set_proctors(s, sid, [user_id(s, "proctor"), user_id(s, "admin")])
    with session_scope(people) as s:
        assert {u.username for u in proctors_of(s, sid)} == {"proctor", "admin"}
        with pytest.raises(SittingError):
            set_proctors(s, sid, [user_id(s, "author")])
    with session_scope(people) as s:
        set_proctors(s, sid, [user_id(s, "proctor")])  # replaces the set
    with session_scope(people) as s:
        assert [u.username for u in proctors_of(s, sid)] == ["proctor"]
        assert is_proctor_of(s, sid, user_id(s, "proctor"), Role.PROCTOR)
        assert not is_proctor_of(s, sid, user_id(s, "author"), Role.AUTHOR)
        assert is_proctor_of(s, sid, user_id(s, "admin"), Role.ADMIN)  # an admin always is


# --- the roster -----------------------------------------------------------------


def test_the_roster_gets_one_code_per_candidate_and_nobody_twice(people: Engine) -> None:
    sid = schedule(people, "10002", "10001")
    with session_scope(people) as s:
        sitting = s.get(Sitting, sid)
        assert sitting is not None
        again = add_seats(s, sitting, [emp(s, "10001"), emp(s, "10003")], random.Random(2))
        assert [seat.employee_id for seat in again] == [emp(s, "10003")]
    with session_scope(people) as s:
        rows = roster(s, sid)
    assert [e.employee_no for _seat, e in rows] == ["10001", "10002", "10003"]
    for seat, _e in rows:
        assert len(seat.code) == LENGTH and set(seat.code) <= set(ALPHABET)
        assert state_of(seat) == SeatState.NOT_ARRIVED


def test_a_seat_leaves_the_roster_only_before_check_in(people: Engine) -> None:
    sid = schedule(people, "10001", "10002")
    arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        remove_seat(s, seat_of(s, sid, "10002"))
    with session_scope(people) as s, pytest.raises(SittingError):
        remove_seat(s, seat_of(s, sid, "10001"))
    with session_scope(people) as s:
        assert [e.employee_no for _seat, e in roster(s, sid)] == ["10001"]


# --- check-in -------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_logged(people: Engine) -> None:
    schedule(people, "10001")
    assert refused(people, "10001", "ZZZZZZZZ") == "wrong_code"
    [event] = refusals(people)
    assert event.actor == "10001" and event.seat_id is None
    assert event.detail["refusal"] == "wrong_code" and event.detail["code"] == "ZZZZZZZZ"


def test_someone_elses_code_is_wrong(people: Engine) -> None:
    sid = schedule(people, "10001", "10002")
    assert refused(people, "10001", code_of(people, sid, "10002")) == "wrong_code"
    with session_scope(people) as s:
        assert seat_of(s, sid, "10002").checked_in_at is None
    assert [e.detail["refusal"] for e in refusals(people)] == ["wrong_code"]


def test_the_code_of_a_sitting_one_is_not_on_is_wrong(people: Engine) -> None:
    schedule(people, "10001")
    other = schedule(people, "10002", name="另一场")
    assert refused(people, "10001", code_of(people, other, "10002")) == "wrong_code"
    assert len(refusals(people)) == 1


def test_a_code_works_once(people: Engine) -> None:
    sid = schedule(people, "10001")
    code = code_of(people, sid, "10001")
    seat_id = arrive(people, "10001", code)
    assert refused(people, "10001", code, INSIDE + timedelta(minutes=1)) == "code_used"
    [event] = refusals(people)
    assert event.seat_id == seat_id and event.detail["refusal"] == "code_used"


def test_check_in_opens_with_the_window_and_expires_with_it(people: Engine) -> None:
    sid = schedule(people, "10001", "10002")
    early = code_of(people, sid, "10001")
    assert refused(people, "10001", early, OPENS - timedelta(seconds=1)) == "not_open_yet"
    assert refused(people, "10002", code_of(people, sid, "10002"), CLOSES) == "code_expired"
    assert [e.detail["refusal"] for e in refusals(people)] == ["not_open_yet", "code_expired"]
    assert all(e.seat_id is not None for e in refusals(people))
    arrive(people, "10001", early, OPENS)  # exactly at opening time


def test_a_closed_sitting_refuses_check_in(people: Engine) -> None:
    sid = schedule(people, "10001")
    with session_scope(people) as s:
        sitting = s.get(Sitting, sid)
        assert sitting is not None
        close(s, sitting, now=INSIDE, actor="proctor")
    assert refused(people, "10001", code_of(people, sid, "10001")) == "sitting_closed"
    assert [e.detail["refusal"] for e in refusals(people)] == ["sitting_closed"]
    with session_scope(people) as s:
        assert seats_of_employee(s, emp(s, "10001")) == []


def test_a_lookup_check_in_opens_the_trial(people: Engine) -> None:
    sid = schedule(people, "10001")
    typed = code_of(people, sid, "10001").lower()
    seat_id = arrive(people, "10001", f" {typed[:4]}-{typed[4:]} ")  # as a person types it
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.attempt_kind == SittingTest.LOOKUP
        assert aware(seat.checked_in_at or OPENS) == INSIDE
        assert state_of(seat) == SeatState.WAITING
        attempt = s.get(TrialAttempt, seat.attempt_id)
        assert attempt is not None and attempt.employee_id == emp(s, "10001")
        assert attempt.status == AttemptStatus.IN_PROGRESS and len(attempt.form) == 5
        assert [e.kind for e in seat_audit(s, seat_id)] == ["checked_in"]


@pytest.fixture
def case_bank(people: Engine) -> Engine:
    level_bank(people, level=1)
    return people


def test_a_case_check_in_opens_the_case_test_and_holds_its_deadline(case_bank: Engine) -> None:
    sid = schedule(case_bank, "10001", test=SittingTest.CASE, level=1)
    seat_id = arrive(case_bank, "10001", code_of(case_bank, sid, "10001"))
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.attempt_kind == SittingTest.CASE
        case = s.get(CaseAttempt, seat.attempt_id)
        assert case is not None and case.level == 1 and len(case.versions) == 10
        # waiting is not testing: the sweep hands in nothing before the proctor starts
        assert submit_due(s, now=CLOSES + timedelta(hours=2)) == []


def test_a_case_check_in_for_the_wrong_level_is_refused(case_bank: Engine) -> None:
    sid = schedule(case_bank, "10001", test=SittingTest.CASE, level=2)
    with pytest.raises(SittingError) as caught:
        arrive(case_bank, "10001", code_of(case_bank, sid, "10001"))
    assert caught.value.code == "cannot_start"


# --- proctor actions --------------------------------------------------------------


def _sitting(s: Session, sid: int) -> Sitting:
    sitting = s.get(Sitting, sid)
    assert sitting is not None
    return sitting


def _seats(s: Session, sid: int) -> list[Seat]:
    return [seat for seat, _e in roster(s, sid)]


def test_start_all_starts_the_waiting_and_skips_the_absent(people: Engine) -> None:
    sid = schedule(people, *CANDIDATES)
    for no in ("10001", "10002"):
        arrive(people, no, code_of(people, sid, no))
    at = INSIDE + timedelta(minutes=5)
    with session_scope(people) as s:
        started = start(s, _sitting(s, sid), _seats(s, sid), now=at, actor="proctor")
        assert len(started) == 2
    with session_scope(people) as s:
        assert _sitting(s, sid).status == SittingStatus.RUNNING
        states = {e.employee_no: state_of(seat) for seat, e in roster(s, sid)}
        assert states == {
            "10001": SeatState.IN_PROGRESS,
            "10002": SeatState.IN_PROGRESS,
            "10003": SeatState.NOT_ARRIVED,
        }
        first = seat_of(s, sid, "10001")
        assert aware(first.started_at or OPENS) == at
        assert [e.kind for e in seat_audit(s, first.id or 0)] == ["checked_in", "started"]
        # starting again starts nobody twice
        assert start(s, _sitting(s, sid), _seats(s, sid), now=at, actor="proctor") == []


def test_nobody_starts_in_a_closed_sitting(people: Engine) -> None:
    sid = schedule(people, "10001")
    arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        close(s, _sitting(s, sid), now=INSIDE, actor="admin")
    with session_scope(people) as s, pytest.raises(SittingError):
        start(s, _sitting(s, sid), _seats(s, sid), now=INSIDE, actor="proctor")


def _started_case(engine: Engine, at: datetime) -> tuple[int, int]:
    sid = schedule(engine, "10001", test=SittingTest.CASE, level=1)
    seat_id = arrive(engine, "10001", code_of(engine, sid, "10001"))
    with session_scope(engine) as s:
        start(s, _sitting(s, sid), _seats(s, sid), now=at, actor="proctor")
    return sid, seat_id


def _case_of(s: Session, seat_id: int) -> CaseAttempt:
    seat = s.get(Seat, seat_id)
    assert seat is not None
    case = s.get(CaseAttempt, seat.attempt_id)
    assert case is not None
    return case


def test_a_case_seat_gets_its_deadline_when_it_starts(case_bank: Engine) -> None:
    at = INSIDE + timedelta(minutes=20)
    _sid, seat_id = _started_case(case_bank, at)
    with session_scope(case_bank) as s:
        case = _case_of(s, seat_id)
        assert aware(case.started_at) == at
        assert aware(case.deadline_at) == at + timedelta(minutes=60)  # the level's policy


def test_a_pause_freezes_remaining_time_and_resume_moves_the_deadline(case_bank: Engine) -> None:
    t_start = INSIDE + timedelta(minutes=5)
    sid, seat_id = _started_case(case_bank, t_start)
    t_pause = t_start + timedelta(minutes=10)
    t_later = t_pause + timedelta(minutes=7)
    t_resume = t_later + timedelta(seconds=30)
    with session_scope(case_bank) as s:
        deadline = aware(_case_of(s, seat_id).deadline_at)
        seat = s.get(Seat, seat_id)
        assert seat is not None
        pause(s, _sitting(s, sid), seat, reason="机器死机", now=t_pause, actor="proctor")
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and state_of(seat) == SeatState.PAUSED
        assert seat.pause_reason == "机器死机"
        paused_at = aware(seat.paused_at or OPENS)
        left_at_pause = remaining_ms(deadline, t_pause, paused_at)
        assert left_at_pause == 50 * 60_000
        assert remaining_ms(deadline, t_later, paused_at) == left_at_pause
        resume(s, _sitting(s, sid), seat, now=t_resume, actor="proctor")
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.paused_at is None and seat.pause_reason == ""
        assert seat.paused_ms == 7 * 60_000 + 30_000
        moved = aware(_case_of(s, seat_id).deadline_at)
        assert moved - deadline == t_resume - t_pause
        assert remaining_ms(moved, t_resume, None) == left_at_pause
        assert [e.kind for e in seat_audit(s, seat_id)][-2:] == ["paused", "resumed"]
        with pytest.raises(SittingError) as caught:
            resume(s, _sitting(s, sid), seat, now=t_resume, actor="proctor")
        assert caught.value.code == "not_allowed"


def test_extra_time_moves_the_deadline_by_the_minutes_given(case_bank: Engine) -> None:
    t_start = INSIDE + timedelta(minutes=5)
    sid, seat_id = _started_case(case_bank, t_start)
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None
        for bad in (0, 61, -5):
            with pytest.raises(SittingError) as caught:
                extra_time(s, _sitting(s, sid), seat, minutes=bad, now=t_start, actor="proctor")
            assert caught.value.code == "bad_minutes"
        extra_time(s, _sitting(s, sid), seat, minutes=5, now=t_start, actor="proctor")
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.extra_ms == 5 * 60_000
        assert aware(_case_of(s, seat_id).deadline_at) == t_start + timedelta(minutes=65)
        assert seat_audit(s, seat_id)[-1].detail["minutes"] == 5


def test_extra_time_before_the_start_counts_from_the_start(case_bank: Engine) -> None:
    sid = schedule(case_bank, "10001", test=SittingTest.CASE, level=1)
    seat_id = arrive(case_bank, "10001", code_of(case_bank, sid, "10001"))
    t_start = INSIDE + timedelta(minutes=15)
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None
        extra_time(s, _sitting(s, sid), seat, minutes=10, now=INSIDE, actor="proctor")
        start(s, _sitting(s, sid), [seat], now=t_start, actor="proctor")
    with session_scope(case_bank) as s:
        assert aware(_case_of(s, seat_id).deadline_at) == t_start + timedelta(minutes=70)


def test_voiding_needs_a_reason_and_voids_the_trial(people: Engine) -> None:
    sid = schedule(people, "10001")
    seat_id = arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None
        with pytest.raises(SittingError) as caught:
            void(s, _sitting(s, sid), seat, reason="  ", now=INSIDE, actor="proctor")
        assert caught.value.code == "reason_required"
        void(s, _sitting(s, sid), seat, reason="使用手机", now=INSIDE, actor="proctor")
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and state_of(seat) == SeatState.VOIDED
        assert seat.void_reason == "使用手机"
        trial = s.get(TrialAttempt, seat.attempt_id)
        assert trial is not None and trial.status == AttemptStatus.VOIDED
        with pytest.raises(SittingError):
            pause(s, _sitting(s, sid), seat, reason="x", now=INSIDE, actor="proctor")
        assert seat_audit(s, seat_id)[-1].detail["reason"] == "使用手机"


def test_voiding_a_case_seat_voids_the_case_test(case_bank: Engine) -> None:
    sid, seat_id = _started_case(case_bank, INSIDE)
    with session_scope(case_bank) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None
        void(s, _sitting(s, sid), seat, reason="替考", now=INSIDE, actor="proctor")
    with session_scope(case_bank) as s:
        assert _case_of(s, seat_id).status == CaseAttemptStatus.VOIDED


def test_a_move_is_counted_and_logged(people: Engine) -> None:
    sid = schedule(people, "10001", "10002")
    seat_id = arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None
        move(s, _sitting(s, sid), seat, now=INSIDE, actor="proctor")
        move(s, _sitting(s, sid), seat, now=INSIDE, actor="proctor")
        with pytest.raises(SittingError):  # nobody to move before they arrive
            move(s, _sitting(s, sid), seat_of(s, sid, "10002"), now=INSIDE, actor="proctor")
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.moves == 2
        assert [e.detail.get("moves") for e in seat_audit(s, seat_id)][-2:] == [1, 2]


# --- finishing and results ---------------------------------------------------------


def test_results_wait_for_the_proctor_under_by_proctor(people: Engine) -> None:
    sid = schedule(people, "10001")
    seat_id = arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.attempt_id is not None
        attempt_id = seat.attempt_id
        assert not result_released(s, SittingTest.LOOKUP, attempt_id)
        release(s, _sitting(s, sid), now=CLOSES, actor="proctor")
    with session_scope(people) as s:
        assert result_released(s, SittingTest.LOOKUP, attempt_id)
        assert aware(_sitting(s, sid).released_at or OPENS) == CLOSES
        release(s, _sitting(s, sid), now=CLOSES + timedelta(hours=1), actor="proctor")
    with session_scope(people) as s:  # the first release time is kept
        assert aware(_sitting(s, sid).released_at or OPENS) == CLOSES


def test_results_show_at_once_under_on_finish_and_outside_sittings(people: Engine) -> None:
    sid = schedule(people, "10001", rule=ReleaseRule.ON_FINISH)
    seat_id = arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.attempt_id is not None
        assert result_released(s, SittingTest.LOOKUP, seat.attempt_id)
        assert result_released(s, SittingTest.LOOKUP, 999_999)  # not a sitting's attempt


def test_mark_finished_finishes_the_seat_once(people: Engine) -> None:
    sid = schedule(people, "10001")
    seat_id = arrive(people, "10001", code_of(people, sid, "10001"))
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and seat.attempt_id is not None
        attempt_id = seat.attempt_id
        start(s, _sitting(s, sid), [seat], now=INSIDE, actor="proctor")
    done = INSIDE + timedelta(minutes=3)
    with session_scope(people) as s:
        marked = mark_finished(s, SittingTest.LOOKUP, attempt_id, now=done)
        assert marked is not None and marked.id == seat_id
    with session_scope(people) as s:
        mark_finished(s, SittingTest.LOOKUP, attempt_id, now=done + timedelta(minutes=1))
        assert mark_finished(s, SittingTest.CASE, attempt_id, now=done) is None
    with session_scope(people) as s:
        seat = s.get(Seat, seat_id)
        assert seat is not None and state_of(seat) == SeatState.FINISHED
        assert aware(seat.finished_at or OPENS) == done
        assert [e.kind for e in seat_audit(s, seat_id)].count("finished") == 1


def test_a_candidates_open_seats_are_listed_in_time_order(people: Engine) -> None:
    later = schedule(
        people,
        "10001",
        name="下午场",
        opens=OPENS + timedelta(hours=5),
        closes=OPENS + timedelta(hours=8),
    )
    sooner = schedule(people, "10001", name="上午场")
    schedule(people, "10002", name="别人的场次")
    with session_scope(people) as s:
        listed = [sitting.id for _seat, sitting in seats_of_employee(s, emp(s, "10001"))]
    assert listed == [sooner, later]
