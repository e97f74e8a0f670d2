"""The proctor console's websocket: every action reaches the candidate's connection.

One test client plays everyone: a websocket keeps the login it was opened with, so the
proctor's console stays open while the client logs in as a candidate to take the test.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from examsrv.app import create_app
from examsrv.clock import FakeClock
from examsrv.persistence.models import AuditEvent, Employee, Role, TrialAttempt, User
from examsrv.persistence.sitting_tables import ReleaseRule, Seat, SittingTest
from examsrv.persistence.sittings import (
    NewSitting,
    add_seats,
    check_in,
    create_sitting,
    set_proctors,
)
from examsrv.settings import Settings
from tests.conftest import add_user, load_bank, login
from tests.web.trial_driver import answer, receive

WS = Any


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client


def _employee_id(s: Session, no: str) -> int:
    emp = s.exec(select(Employee).where(Employee.employee_no == no)).one()
    return emp.id or 0


def make_sitting(
    engine: Engine,
    clock: FakeClock,
    *,
    release: ReleaseRule = ReleaseRule.BY_PROCTOR,
    tasks: int = 150,
    task_count: int = 5,
) -> dict[str, int]:
    """A lookup sitting with two candidates checked in and its proctor; returns ids."""
    load_bank(engine, tasks=tasks)
    add_user(engine, "proctor1", Role.PROCTOR, "监考 王")
    add_user(engine, "proctor2", Role.PROCTOR, "监考 李")
    add_user(engine, "10001", Role.CANDIDATE, "张三")
    add_user(engine, "10002", Role.CANDIDATE, "李四")
    now = clock.now()
    with Session(engine) as s:
        new = NewSitting(
            name="查询测试 第1场",
            test=SittingTest.LOOKUP,
            case_level=None,
            room="A301",
            opens_at=now - timedelta(minutes=10),
            closes_at=now + timedelta(hours=2),
            release_rule=release,
        )
        sitting = create_sitting(s, new, created_by="admin", now=now)
        proctor = s.exec(select(User).where(User.username == "proctor1")).one()
        set_proctors(s, sitting.id or 0, [proctor.id or 0])
        emps = [_employee_id(s, "10001"), _employee_id(s, "10002")]
        seats = add_seats(s, sitting, emps, random.Random(1))
        ids = {"sitting": sitting.id or 0}
        for no, emp, seat in zip(("10001", "10002"), emps, seats, strict=True):
            check_in(
                s,
                employee_id=emp,
                typed_code=seat.code,
                username=no,
                now=now,
                task_count=task_count,
                recent_attempts=3,
                seed_source=random.Random(7),
            )
            ids[f"seat_{no}"] = seat.id or 0
            ids[f"attempt_{no}"] = seat.attempt_id or 0
        s.commit()
    return ids


def frames_until(ws: WS, wanted: str) -> dict[str, Any]:
    """Read console frames until one of type ``wanted`` (others are live updates)."""
    for _ in range(50):
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] == wanted:
            return frame
    raise AssertionError(f"no {wanted} frame")


def collect(ws: WS, *wanted: str) -> dict[str, dict[str, Any]]:
    """Read console frames until one of each wanted type has come, in whatever order."""
    found: dict[str, dict[str, Any]] = {}
    for _ in range(50):
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] in wanted and frame["type"] not in found:
            found[frame["type"]] = frame
        if len(found) == len(wanted):
            return found
    raise AssertionError(f"only {sorted(found)} of {wanted}")


def act(console: WS, **msg: Any) -> dict[str, Any]:
    console.send_json(msg)
    for _ in range(50):
        frame: dict[str, Any] = console.receive_json()
        if frame["type"] in ("ok", "error"):
            return frame
    raise AssertionError("no reply to the action")


def open_console(client: TestClient, sitting_id: int, user: str = "proctor1") -> WS:
    login(client, user)
    return client.websocket_connect(f"/ws/proctor/{sitting_id}")


def audit_kinds(engine: Engine, seat_id: int | None = None) -> list[str]:
    with Session(engine) as s:
        query = select(AuditEvent)
        if seat_id is not None:
            query = query.where(AuditEvent.seat_id == seat_id)
        return [e.kind for e in s.exec(query).all()]


def test_the_console_shows_the_roster_and_refuses_anyone_but_the_sitting_s_proctors(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    with open_console(app_client, ids["sitting"]) as console:
        hello = console.receive_json()
        assert hello["type"] == "hello" and hello["sitting"]["room"] == "A301"
        states = {row["employee_no"]: row["state"] for row in hello["rows"]}
        assert states == {"10001": "waiting", "10002": "waiting"}
        assert all(row["of"] == 5 and row["answered"] == 0 for row in hello["rows"])
    for user in ("proctor2", "10001"):
        with open_console(app_client, ids["sitting"], user) as ws:
            assert ws.receive_json()["code"] == "forbidden"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 4403
    assert audit_kinds(engine).count("console_refused") == 2


def test_a_candidate_waits_until_started_then_the_console_sees_progress_and_signals(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    attempt = ids["attempt_10001"]
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        login(app_client, "10001")
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as ws:
            assert ws.receive_json()["code"] == "not_started"
        with app_client.websocket_connect(f"/ws/seat/{ids['seat_10001']}") as waiting:
            assert waiting.receive_json() == {"type": "waiting", "state": "waiting"}
            reply = act(console, type="start", seat=ids["seat_10001"])
            assert reply == {"type": "ok", "action": "start", "seats": [ids["seat_10001"]]}
            assert waiting.receive_json() == {"type": "go", "url": f"/trial/{attempt}"}
        row = frames_until(console, "seat")["row"]
        assert row["seat"] == ids["seat_10001"] and row["state"] == "in_progress"
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as ws:
            ws.receive_json()  # hello
            task = receive(ws)
            assert frames_until(console, "presence") == {
                "type": "presence",
                "seat": ids["seat_10001"],
                "connected": True,
            }
            clock.advance(0.2)  # faster than the human floor (EXAMSRV_ANSWER_FLOOR_MS, 500 ms)
            assert answer(ws, task["seq"], "x")["type"] == "ack"
            got = collect(console, "progress", "signal")
            progress, signal = got["progress"], got["signal"]
            assert progress["answered"] == 1 and progress["of"] == 5
            assert signal["kind"] == "too_fast" and signal["seat"] == ids["seat_10001"]
            receive(ws)
            ws.send_json({"type": "signal", "kind": "paste"})
            assert frames_until(console, "signal")["kind"] == "paste"
            ws.send_json({"type": "signal", "kind": "teleport"})
            assert ws.receive_json()["code"] == "unknown_type"
    kinds = audit_kinds(engine, ids["seat_10001"])
    assert {"checked_in", "started", "signal:too_fast", "signal:paste"} <= set(kinds)


def test_candidates_giving_the_same_wrong_answers_are_flagged_when_one_finishes(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    # Forms of 10 from a bank of 12 share at least 8 tasks, the least that is compared.
    ids = make_sitting(engine, clock, release=ReleaseRule.ON_FINISH, tasks=12, task_count=10)
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        act(console, type="start")
        for no in ("10001", "10002"):
            login(app_client, no)
            with app_client.websocket_connect(f"/ws/trial/{ids[f'attempt_{no}']}") as ws:
                ws.receive_json()  # hello
                frame = receive(ws)
                while frame["type"] == "task":
                    clock.advance(2.0)
                    assert answer(ws, frame["seq"], "同一个错误答案")["type"] == "ack"
                    frame = receive(ws)
                assert frame["type"] == "end"
        flagged = frames_until(console, "signal")
        while flagged["kind"] != "identical_answers":  # too_fast is not expected at 2 s
            flagged = frames_until(console, "signal")
    detail = flagged["detail"]
    assert flagged["seat"] == ids["seat_10002"] and detail["with_seat"] == ids["seat_10001"]
    assert detail["shared"] >= 8 and detail["identical"] == detail["identical_wrong"]
    assert detail["identical"] == detail["shared"]
    assert detail["pairs"] == 1
    assert "signal:identical_answers" in audit_kinds(engine, ids["seat_10002"])


def test_pause_stops_the_candidate_s_clock_and_resume_shows_the_task_again(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    attempt = ids["attempt_10001"]
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        assert act(console, type="start")["seats"] == [ids["seat_10001"], ids["seat_10002"]]
        login(app_client, "10001")
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as ws:
            ws.receive_json()
            task = receive(ws)
            clock.advance(2.0)
            assert (
                act(console, type="pause", seat=ids["seat_10001"], reason="机器故障排查")["type"]
                == "ok"
            )
            paused = ws.receive_json()
            assert paused["type"] == "paused" and paused["reason"] == "机器故障排查"
            clock.advance(300.0)  # five minutes paused: none of it counts
            ws.send_json({"type": "answer", "seq": task["seq"], "answer": "x"})
            assert ws.receive_json()["code"] == "paused"
            assert act(console, type="resume", seat=ids["seat_10001"])["type"] == "ok"
            again = ws.receive_json()
            assert again["type"] == "task" and again["seq"] == task["seq"]
            assert again["elapsed_ms"] == 2000  # the remaining time did not move
            clock.advance(1.0)
            assert answer(ws, task["seq"], "x")["type"] == "ack"
    with Session(engine) as s:
        seat = s.get(Seat, ids["seat_10001"])
        assert seat is not None and seat.paused_ms == 300_000 and seat.paused_at is None
        from examsrv.persistence.models import TrialAnswer

        saved = s.exec(select(TrialAnswer).where(TrialAnswer.attempt_id == attempt)).one()
        assert saved.raw_ms == pytest.approx(3000.0)
    assert audit_kinds(engine, ids["seat_10001"]).count("paused") == 1


def test_pausing_everyone_and_extra_time_and_bad_minutes(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        act(console, type="start")
        rows = frames_until(console, "rows")["rows"]  # everyone's row in one frame
        assert [r["state"] for r in rows] == ["in_progress", "in_progress"]
        reply = act(console, type="pause")
        assert sorted(reply["seats"]) == sorted([ids["seat_10001"], ids["seat_10002"]])
        assert act(console, type="pause", seat=ids["seat_10001"])["code"] == "not_allowed"
        reply = act(console, type="extra_time", seat=ids["seat_10002"], minutes=0)
        assert reply["code"] == "bad_minutes"
        assert act(console, type="extra_time", seat=ids["seat_10002"], minutes=5)["type"] == "ok"
        row = frames_until(console, "seat")["row"]
        assert row["extra_minutes"] == 5
        assert act(console, type="extra_time")["code"] == "seat_required"
        assert act(console, type="resume")["type"] == "ok"
    with Session(engine) as s:
        seat = s.get(Seat, ids["seat_10002"])
        assert seat is not None and seat.extra_ms == 300_000 and seat.paused_at is None


def test_void_ends_the_candidate_s_attempt_with_a_reason(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    attempt = ids["attempt_10002"]
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        act(console, type="start")
        login(app_client, "10002")
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as ws:
            ws.receive_json()
            receive(ws)
            assert act(console, type="void", seat=ids["seat_10002"])["code"] == "reason_required"
            assert (
                act(console, type="void", seat=ids["seat_10002"], reason="翻看手机")["type"] == "ok"
            )
            end = ws.receive_json()
            assert end["type"] == "end" and end["status"] == "voided" and end["result"] == {}
    with Session(engine) as s:
        trial = s.get(TrialAttempt, attempt)
        assert trial is not None and trial.status == "voided"
    assert "voided" in audit_kinds(engine, ids["seat_10002"])


def test_moving_to_another_machine_closes_the_old_connection_and_keeps_the_time(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    attempt = ids["attempt_10001"]
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        act(console, type="start")
        login(app_client, "10001")
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as old:
            old.receive_json()
            task = receive(old)
            clock.advance(4.0)
            # While the old machine holds the attempt, a second connection is refused.
            with app_client.websocket_connect(f"/ws/trial/{attempt}") as second:
                assert second.receive_json()["code"] == "already_connected"
            assert act(console, type="move", seat=ids["seat_10001"])["type"] == "ok"
            assert old.receive_json()["code"] == "moved"
            with pytest.raises(WebSocketDisconnect) as closed:
                old.receive_json()
            assert closed.value.code == 4410
        clock.advance(60.0)  # walking to the other machine
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as new:
            assert new.receive_json()["answered"] == 0
            again = receive(new)
            assert again["seq"] == task["seq"] and again["elapsed_ms"] == 4000
    assert "moved" in audit_kinds(engine, ids["seat_10001"])


def test_bad_console_input_and_another_sitting_s_seat_are_refused_and_logged(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        assert act(console, type="pause", seat=999_999)["code"] == "not_in_sitting"
        console.send_text("{not json")
        assert console.receive_json()["code"] == "malformed_frame"
        console.send_json({"type": "explode"})
        assert console.receive_json()["code"] == "unknown_type"
        console.send_text("x" * 5000)
        assert console.receive_json()["code"] == "frame_too_large"
        assert act(console, type="start", seat=ids["seat_10001"])["type"] == "ok"
        assert act(console, type="start", seat=ids["seat_10001"])["code"] == "not_allowed"
        assert act(console, type="close")["type"] == "ok"
        assert frames_until(console, "sitting")["sitting"]["status"] == "closed"
        assert act(console, type="start", seat=ids["seat_10002"])["code"] == "not_allowed"
    assert "action_refused" in audit_kinds(engine)
    assert "sitting_closed" in audit_kinds(engine)


def test_a_candidate_socket_sending_a_proctor_message_is_refused_and_logged(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        act(console, type="start")
    login(app_client, "10001")
    with app_client.websocket_connect(f"/ws/trial/{ids['attempt_10001']}") as ws:
        ws.receive_json()
        receive(ws)
        ws.send_json({"type": "void", "seat": ids["seat_10002"], "reason": "x"})
        assert ws.receive_json()["code"] == "forbidden"
    assert "candidate_sent_proctor_message" in audit_kinds(engine, ids["seat_10001"])
    with Session(engine) as s:
        other = s.get(Seat, ids["seat_10002"])
        assert other is not None and other.voided_at is None


def test_results_wait_for_the_proctor_s_release(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    ids = make_sitting(engine, clock)
    attempt = ids["attempt_10001"]
    with open_console(app_client, ids["sitting"]) as console:
        frames_until(console, "hello")
        act(console, type="start")
        login(app_client, "10001")
        with app_client.websocket_connect(f"/ws/trial/{attempt}") as ws:
            ws.receive_json()
            frame = receive(ws)
            while frame["type"] == "task":
                clock.advance(3.0)
                answer(ws, frame["seq"], "x")
                frame = receive(ws)
        assert frame["type"] == "end" and frame["released"] is False and frame["result"] == {}
        page = app_client.get(f"/trial/{attempt}/result")
        assert page.status_code == 200 and "/record" in page.text and "5/5" not in page.text
        states = []
        while "finished" not in states:  # the rows of both starts come first
            row = frames_until(console, "seat")["row"]
            states.append(row["state"])
        assert row["seat"] == ids["seat_10001"]
        assert act(console, type="release")["type"] == "ok"
    page = app_client.get(f"/trial/{attempt}/result")
    assert page.status_code == 200 and "0/5" in page.text


def make_case_sitting(engine: Engine, clock: FakeClock) -> tuple[int, int, int]:
    """A level-1 case-test sitting with candidate 10003 checked in: (sitting, seat, attempt)."""
    from tests.case_fixtures import level_bank

    level_bank(engine, level=1)
    add_user(engine, "proctor1", Role.PROCTOR, "监考 王")
    add_user(engine, "10003", Role.CANDIDATE, "王五")
    now = clock.now()
    with Session(engine) as s:
        new = NewSitting(
            name="案例测试 1级",
            test=SittingTest.CASE,
            case_level=1,
            room="B201",
            opens_at=now - timedelta(minutes=5),
            closes_at=now + timedelta(hours=1),
            release_rule=ReleaseRule.ON_FINISH,
        )
        sitting = create_sitting(s, new, created_by="admin", now=now)
        proctor = s.exec(select(User).where(User.username == "proctor1")).one()
        set_proctors(s, sitting.id or 0, [proctor.id or 0])
        (seat,) = add_seats(s, sitting, [_employee_id(s, "10003")], random.Random(3))
        check_in(
            s,
            employee_id=_employee_id(s, "10003"),
            typed_code=seat.code,
            username="10003",
            now=now,
            task_count=5,
            recent_attempts=3,
            seed_source=random.Random(5),
        )
        s.commit()
        return sitting.id or 0, seat.id or 0, seat.attempt_id or 0


def test_the_console_sees_which_case_a_candidate_is_on(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    sitting_id, seat_id, attempt = make_case_sitting(engine, clock)
    with open_console(app_client, sitting_id) as console:
        frames_until(console, "hello")
        act(console, type="start")
        login(app_client, "10003")
        with app_client.websocket_connect(f"/ws/case-test/{attempt}") as ws:
            assert ws.receive_json()["type"] == "hello"
            assert ws.receive_json()["type"] == "case"
            ws.send_json({"type": "goto", "position": 2})
            case = ws.receive_json()
            assert case["type"] == "case" and case["position"] == 2
            # A signal is handled after the goto, so its frame marks how far to read.
            ws.send_json({"type": "signal", "kind": "focus_lost"})
            seen: list[dict[str, Any]] = []
            while not seen or seen[-1]["type"] != "signal":
                seen.append(console.receive_json())
            rows = [f["row"] for f in seen if f["type"] == "seat"]
            assert any(r["seat"] == seat_id and r["answered"] == 2 for r in rows), seen


def test_a_paused_case_test_keeps_its_time_left_and_refuses_answers(
    app_client: TestClient, engine: Engine, clock: FakeClock
) -> None:
    from examsrv.persistence.case_tables import CaseAttempt
    from examsrv.persistence.case_tests import submit_due

    sitting_id, seat_id, attempt = make_case_sitting(engine, clock)
    with open_console(app_client, sitting_id) as console:
        frames_until(console, "hello")
        act(console, type="start")
        login(app_client, "10003")
        with app_client.websocket_connect(f"/ws/case-test/{attempt}") as ws:
            hello = ws.receive_json()
            case = ws.receive_json()
            assert case["type"] == "case"
            clock.advance(60.0)
            act(console, type="pause", seat=seat_id, reason="停电")
            paused = ws.receive_json()
            assert paused == {"type": "paused", "message": paused["message"], "reason": "停电"}
            left_at_pause = hello["remaining_ms"] - 60_000
            clock.advance(3600.0)  # an hour paused: past the original deadline
            with Session(engine) as s:
                assert submit_due(s, now=clock.now()) == []  # the sweep leaves it alone
                s.commit()
            question = case["questions"][0]
            ws.send_json(
                {
                    "type": "answer",
                    "version": case["version"],
                    "question": question["key"],
                    "answer": "A",
                }
            )
            assert ws.receive_json()["code"] == "paused"
            act(console, type="resume", seat=seat_id)
            again = ws.receive_json()
            assert again["type"] == "case" and again["remaining_ms"] == left_at_pause
    with Session(engine) as s:
        case_attempt = s.get(CaseAttempt, attempt)
        assert case_attempt is not None and case_attempt.status == "in_progress"
