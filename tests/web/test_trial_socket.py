"""The trial websocket through Starlette's test client: a whole trial, resume, and bad input."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from examsrv.app import create_app
from examsrv.clock import FakeClock
from examsrv.persistence.models import LevelEvidence, Role, TrialAnswer, TrialAttempt
from examsrv.settings import Settings
from tests.conftest import add_user, load_bank, login
from tests.web.trial_driver import answer, correct_answer, receive, start_trial


@pytest.fixture
def candidate(client: TestClient, engine: Engine) -> TestClient:
    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE, "张三")
    login(client, "10001")
    return client


def saved_answers(engine: Engine, attempt_id: int) -> list[TrialAnswer]:
    with Session(engine) as s:
        rows = s.exec(select(TrialAnswer).where(TrialAnswer.attempt_id == attempt_id))
        return sorted(rows.all(), key=lambda a: a.seq)


def test_a_whole_trial_is_timed_saved_graded_and_recorded(
    candidate: TestClient, engine: Engine
) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        hello = ws.receive_json()
        assert hello == {
            "type": "hello",
            "protocol": 1,
            "attempt": attempt_id,
            "task_count": 5,
            "answered": 0,
        }
        task = receive(ws)
        for seq in range(1, 6):
            assert task["type"] == "task" and task["seq"] == seq and task["task_count"] == 5
            given = correct_answer(engine, task["question"]) if seq != 2 else "不知道"
            assert answer(ws, seq, given) == {"type": "ack", "seq": seq, "duplicate": False}
            task = receive(ws)
        end = task
    assert end["type"] == "end" and end["status"] == "finished"
    assert end["result"]["answered"] == 5 and end["result"]["correct"] == 4
    assert end["result_url"] == f"/trial/{attempt_id}/result"
    rows = saved_answers(engine, attempt_id)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert [r.correct for r in rows] == [True, False, True, True, True]
    assert all(r.raw_ms >= 0 for r in rows)
    with Session(engine) as s:
        evidence = s.exec(select(LevelEvidence)).all()
        assert len(evidence) == 1 and evidence[0].attempt_id == attempt_id
        attempt = s.get(TrialAttempt, attempt_id)
        assert attempt is not None and attempt.status == "finished" and attempt.result
    page = candidate.get(f"/trial/{attempt_id}/result")
    assert page.status_code == 200 and "4/5" in page.text


def test_the_server_clock_times_each_task_and_stops_while_disconnected(
    settings: Settings, engine: Engine
) -> None:
    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    clock = FakeClock()
    with TestClient(create_app(settings, clock=clock)) as client:
        login(client, "10001")
        attempt_id = start_trial(client)
        with client.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
            ws.receive_json()  # hello
            # Each ping answered 4 ms later: the round trip, hence the network share, is 4 ms.
            task = receive(ws, on_ping=lambda: clock.advance(0.004))
            clock.advance(1.5)
            assert answer(ws, 1, "x")["type"] == "ack"
            task = receive(ws)
            assert task["seq"] == 2
            clock.advance(2.0)  # two seconds on task 2, then the connection drops
        clock.advance(100.0)  # offline: the attempt's clock stands still
        with client.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
            assert ws.receive_json()["answered"] == 1
            task = receive(ws, on_ping=lambda: clock.advance(0.010))
            assert task["seq"] == 2 and task["resumed"] is True
            assert task["elapsed_ms"] == 3500  # 1.5 s on task 1 + 2 s on task 2
            clock.advance(1.0)
            assert answer(ws, 2, "x")["type"] == "ack"
    rows = saved_answers(engine, attempt_id)
    assert rows[0].raw_ms == pytest.approx(1500.0)  # the pings came before the task was shown
    assert rows[0].network_ms == pytest.approx(4.0)
    assert rows[1].raw_ms == pytest.approx(3000.0)  # 2 s before the drop + 1 s after
    assert rows[1].network_ms == pytest.approx(10.0)  # measured anew on the new connection
    assert rows[1].resumed is True


def test_a_reconnect_resumes_and_a_resent_answer_is_recorded_once(
    candidate: TestClient, engine: Engine
) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        task = receive(ws)
        first = correct_answer(engine, task["question"])
        assert answer(ws, 1, first)["type"] == "ack"
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        assert ws.receive_json()["answered"] == 1
        assert receive(ws)["seq"] == 2
        # The ack of answer 1 was lost, so the client sends it again with other text.
        assert answer(ws, 1, "changed") == {"type": "ack", "seq": 1, "duplicate": True}
    rows = saved_answers(engine, attempt_id)
    assert len(rows) == 1 and rows[0].given == first and rows[0].correct


def test_bad_frames_get_clear_errors_and_lose_nothing(
    candidate: TestClient, engine: Engine
) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        receive(ws)
        assert answer(ws, 1, "a")["type"] == "ack"
        assert receive(ws)["seq"] == 2
        cases = [
            ("{not json", "malformed_frame"),
            ('["a list"]', "malformed_frame"),
            ('{"type": "answer", "seq": 1.5, "answer": "x"}', "malformed_frame"),
            ('{"type": "answer", "seq": 2, "answer": 7}', "malformed_frame"),
            ('{"type": "answer", "answer": "x"}', "malformed_frame"),
            ('{"type": "shout"}', "unknown_type"),
            ('{"type": "answer", "seq": 3, "answer": "x"}', "not_current_task"),
            ('{"type": "answer", "seq": 99, "answer": "x"}', "not_current_task"),
            ('{"type": "answer", "seq": 2, "answer": "' + "x" * 5000 + '"}', "frame_too_large"),
        ]
        for frame, code in cases:
            ws.send_text(frame)
            error = ws.receive_json()
            assert error["type"] == "error" and error["code"] == code, frame[:60]
            assert error["message"]
        # The connection is still good and task 2 still current.
        assert answer(ws, 2, "b") == {"type": "ack", "seq": 2, "duplicate": False}
    assert [r.given for r in saved_answers(engine, attempt_id)] == ["a", "b"]


def test_too_many_bad_frames_close_the_connection(candidate: TestClient) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        receive(ws)
        codes = []
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(30):
                ws.send_text("nonsense")
                codes.append(ws.receive_json()["code"])
        assert closed.value.code == 1008
        assert codes[-1] == "too_many_errors"


def test_a_second_live_connection_is_refused(candidate: TestClient) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as first:
        first.receive_json()
        receive(first)
        with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as second:
            assert second.receive_json()["code"] == "already_connected"
            with pytest.raises(WebSocketDisconnect) as closed:
                second.receive_json()
            assert closed.value.code == 4409
        # The first connection is untouched.
        assert answer(first, 1, "x")["type"] == "ack"


def test_a_finished_trial_takes_no_more_answers(candidate: TestClient, engine: Engine) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        for seq in range(1, 6):
            receive(ws)
            answer(ws, seq, "x")
        assert receive(ws)["type"] == "end"
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        end = ws.receive_json()
        assert end["type"] == "end" and end["result"]["answered"] == 5
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1000
    assert len(saved_answers(engine, attempt_id)) == 5


def test_the_time_limit_ends_the_trial_as_expired(settings: Settings, engine: Engine) -> None:
    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    clock = FakeClock()
    with TestClient(create_app(replace(settings, trial_max_minutes=1), clock=clock)) as client:
        login(client, "10001")
        attempt_id = start_trial(client)
        with client.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
            ws.receive_json()
            receive(ws)
            clock.advance(61)
            assert answer(ws, 1, "x")["type"] == "ack"  # the answer given is kept
            end = receive(ws)
    assert end["type"] == "end" and end["status"] == "expired"
    assert end["result"]["reason"] == "incomplete" and end["result"]["passed"] is False
    assert len(saved_answers(engine, attempt_id)) == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [(None, 4401), ("author", 4403), ("10002", 4403)],
)
def test_only_the_attempts_candidate_may_connect(
    settings: Settings, engine: Engine, who: str | None, code: int
) -> None:
    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    add_user(engine, "10002", Role.CANDIDATE)
    add_user(engine, "author", Role.AUTHOR)
    with TestClient(create_app(settings)) as owner:
        login(owner, "10001")
        attempt_id = start_trial(owner)
    with TestClient(create_app(settings)) as other:
        if who:
            login(other, who)
        with other.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
            assert ws.receive_json()["type"] == "error"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == code


def test_unknown_attempts_and_foreign_origins_are_refused(candidate: TestClient) -> None:
    for path, headers, code in [
        ("/ws/trial/999999", {}, 4404),
        ("/ws/trial/abc", {}, 4404),
        ("/ws/trial/1", {"origin": "http://evil.example"}, 4401),
    ]:
        with candidate.websocket_connect(path, headers=headers) as ws:
            assert ws.receive_json()["type"] == "error"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == code


def test_the_html_format_serves_htmx_fragments(candidate: TestClient, engine: Engine) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}?format=html") as ws:
        for _ in range(3):
            ping = ws.receive_json()
            ws.send_json({"type": "pong", "id": ping["id"]})
        fragment = ws.receive_text()
        assert 'id="task" hx-swap-oob="true" data-seq="1"' in fragment
        assert 'name="seq" value="1"' in fragment
        # htmx sends the form's fields as strings, plus its own HEADERS.
        ws.send_json(
            {"type": "answer", "seq": "1", "answer": "x", "HEADERS": {"HX-Request": "true"}}
        )
        assert 'data-seq="2"' in ws.receive_text()
        ws.send_json({"type": "answer", "seq": "5", "answer": "x"})
        assert 'data-code="not_current_task"' in ws.receive_text()
    assert len(saved_answers(engine, attempt_id)) == 1


def test_search_is_refused_while_an_open_trial_is_disconnected(candidate: TestClient) -> None:
    assert candidate.get("/kb/search", params={"q": "套餐"}).status_code == 200
    attempt_id = start_trial(candidate)
    assert candidate.get("/kb/search", params={"q": "套餐"}).status_code == 409
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        receive(ws)
        live = candidate.get("/kb/search", params={"q": "套餐"})
        assert live.status_code == 200 and "<mark>" in live.text


def test_answers_are_counted_exactly_once(candidate: TestClient, engine: Engine) -> None:
    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        receive(ws)
        for _ in range(3):
            ws.send_json({"type": "answer", "seq": 1, "answer": "same"})
        frames = [receive(ws) for _ in range(4)]  # three acks and task 2, in protocol order
    assert frames[0] == {"type": "ack", "seq": 1, "duplicate": False}
    assert frames[1]["type"] == "task"
    assert frames[2:] == [{"type": "ack", "seq": 1, "duplicate": True}] * 2
    with Session(engine) as s:
        count = s.exec(select(func.count()).select_from(TrialAnswer)).one()
    assert count == 1


def test_a_task_edited_between_connections_is_shown_as_edited(
    candidate: TestClient, engine: Engine
) -> None:
    """Tasks are cached per process, but never past an edit (which bumps the version)."""
    from examsrv.persistence.models import Task

    attempt_id = start_trial(candidate)
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        first = receive(ws)
    with Session(engine) as s:
        attempt = s.get(TrialAttempt, attempt_id)
        assert attempt is not None
        task = s.get(Task, attempt.form[0])
        assert task is not None and task.question == first["question"]
        task.question = "改写后的题目：国际漫游日套餐每天多少元？"
        task.version += 1
        s.add(task)
        s.commit()
    with candidate.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
        ws.receive_json()
        again = receive(ws)
    assert again["seq"] == 1 and again["question"] == "改写后的题目：国际漫游日套餐每天多少元？"
