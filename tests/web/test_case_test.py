"""The promotion case test and practice mode, through Starlette's test client."""

from __future__ import annotations

import io
import json
import re
import wave

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from examsrv.app import create_app
from examsrv.clock import FakeClock
from examsrv.itembank.case_specs import Pool
from examsrv.persistence.case_bank import store_media
from examsrv.persistence.case_tables import CaseAnswer, CaseAttempt, CaseItem
from examsrv.persistence.case_tests import submit_due
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import LevelEvidence, Role
from examsrv.settings import Settings
from tests.case_fixtures import branching_case, level_bank, make_live
from tests.conftest import add_user, csrf_of, login

CORRECT = {
    "q1": "B",
    "q2": "AB",
    "q3": "false",
    "q4": "BA",
    "q5": "先安抚客户，再核实账单并说明依据。",
}


def start(client: TestClient, level: int = 1) -> int:
    page = client.get("/cases")
    response = client.post(
        "/case-test/start",
        data={"csrf_token": csrf_of(page.text), "level": str(level)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/case-test/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


@pytest.fixture
def candidate(client: TestClient, engine: Engine) -> TestClient:
    level_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE, "张三")
    login(client, "10001")
    return client


def answer_all(ws: object, case: dict[str, object], correct: bool = True) -> None:
    for q in case["questions"]:  # type: ignore[attr-defined]
        ws.send_json(  # type: ignore[attr-defined]
            {
                "type": "answer",
                "version": case["version"],
                "question": q["key"],
                "answer": CORRECT[q["key"]] if correct else "A",
            }
        )
        ack = ws.receive_json()  # type: ignore[attr-defined]
        assert ack == {"type": "ack", "version": case["version"], "question": q["key"]}


def take_whole_test(client: TestClient, correct: bool = True) -> tuple[int, dict[str, object]]:
    attempt_id = start(client)
    with client.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["case_count"] == 10
        case = ws.receive_json()
        for position in range(10):
            assert case["type"] == "case" and case["position"] == position
            answer_all(ws, case, correct)
            if position < 9:
                ws.send_json({"type": "goto", "position": position + 1})
                case = ws.receive_json()
        ws.send_json({"type": "submit"})
        end = ws.receive_json()
    return attempt_id, end


def test_a_whole_case_test_is_saved_graded_and_recorded(
    candidate: TestClient, engine: Engine, settings: Settings
) -> None:
    attempt_id, end = take_whole_test(candidate)
    assert end["type"] == "end" and end["submitted_by"] == "candidate"
    assert end["pending"] == 10  # one free-text answer per case awaits reviewers
    assert end["earned"] == 10 * 6 and end["possible"] == 10 * 11
    with Session(engine) as s:
        assert len(s.exec(select(CaseAnswer)).all()) == 50
        attempt = s.get(CaseAttempt, attempt_id)
        assert attempt is not None and len(set(attempt.versions)) == 10
        # Spread across the five categories: two cases from each.
        items = s.exec(select(CaseItem)).all()
    assert "Pending" in candidate.get(f"/case-test/{attempt_id}/result").text or "待定" in (
        candidate.get(f"/case-test/{attempt_id}/result").text
    )
    # A reviewer grades the free-text answers; with the default fixed pass score of 60 %
    # the result is recorded as soon as the last one is graded.
    add_user(engine, "grader", Role.AUTHOR)
    with TestClient(create_app(settings)) as staff:
        login(staff, "grader")
        queue = staff.get("/grading")
        ids = re.findall(r'action="/grading/(\d+)"', queue.text)
        assert len(ids) == 10
        token = csrf_of(queue.text)
        assert (
            staff.post(f"/grading/{ids[0]}", data={"csrf_token": token, "points": "9"}).status_code
            == 400
        )
        for answer_id in ids:
            response = staff.post(
                f"/grading/{answer_id}",
                data={"csrf_token": token, "points": "4"},
                follow_redirects=False,
            )
            assert response.status_code == 303
    with Session(engine) as s:
        attempt = s.get(CaseAttempt, attempt_id)
        assert attempt is not None and attempt.pending == 0 and attempt.earned == 100
        evidence = s.exec(select(LevelEvidence).where(LevelEvidence.kind == "case_test")).one()
        assert evidence.passed and evidence.level_reached == 1
    assert len({i.category for i in items}) == 5
    result = candidate.get(f"/case-test/{attempt_id}/result").text
    assert "100 / 110" in result


def test_only_the_next_level_may_be_taken(candidate: TestClient, engine: Engine) -> None:
    page = candidate.get("/cases")
    for level in ("2", "0", "x"):
        response = candidate.post(
            "/case-test/start", data={"csrf_token": csrf_of(page.text), "level": level}
        )
        assert response.status_code == 409
        assert "越级" in response.text or "级" in response.text


def test_a_reconnect_resumes_and_the_latest_answer_counts(
    candidate: TestClient, engine: Engine
) -> None:
    attempt_id = start(candidate)
    with candidate.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
        ws.receive_json()
        case = ws.receive_json()
        version = case["version"]
        ws.send_json({"type": "answer", "version": version, "question": "q1", "answer": "A"})
        ws.receive_json()
        ws.send_json({"type": "goto", "position": 3})
        ws.receive_json()
    with candidate.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
        hello = ws.receive_json()
        assert hello["position"] == 3 and hello["answered"] == [[version, "q1"]]
        assert ws.receive_json()["position"] == 3  # the case the candidate was on
        ws.send_json({"type": "goto", "position": 0})
        case = ws.receive_json()
        assert case["answers"] == {"q1": "A"}
        ws.send_json({"type": "answer", "version": version, "question": "q1", "answer": "B"})
        ws.receive_json()
    with Session(engine) as s:
        rows = s.exec(select(CaseAnswer)).all()
    assert [(r.given, r.correct) for r in rows] == [("B", True)]


def test_bad_frames_are_refused_and_nothing_is_lost(candidate: TestClient, engine: Engine) -> None:
    attempt_id = start(candidate)
    with candidate.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
        ws.receive_json()
        case = ws.receive_json()
        ws.send_json(
            {"type": "answer", "version": case["version"], "question": "q1", "answer": "B"}
        )
        ws.receive_json()
        for frame, code in [
            ("{", "malformed_frame"),
            ('{"type": "answer", "version": 999999, "question": "q1", "answer": "B"}', "not_saved"),
            (
                json.dumps(
                    {
                        "type": "answer",
                        "version": case["version"],
                        "question": "nope",
                        "answer": "B",
                    }
                ),
                "not_saved",
            ),
            ('{"type": "goto", "position": 99}', "malformed_frame"),
            ('{"type": "dance"}', "unknown_type"),
            (
                '{"type": "answer", "version": 1, "question": "q1", "answer": "'
                + "x" * 5000
                + '"}',
                "frame_too_large",
            ),
        ]:
            ws.send_text(frame)
            error = ws.receive_json()
            assert error["type"] == "error" and error["code"] == code, frame[:50]
        with candidate.websocket_connect(f"/ws/case-test/{attempt_id}") as second:
            assert second.receive_json()["code"] == "already_connected"
            with pytest.raises(WebSocketDisconnect) as closed:
                second.receive_json()
            assert closed.value.code == 4409
    with Session(engine) as s:
        assert [a.given for a in s.exec(select(CaseAnswer)).all()] == ["B"]


def test_the_deadline_submits_an_abandoned_test(settings: Settings, engine: Engine) -> None:
    level_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    clock = FakeClock()
    with TestClient(create_app(settings, clock=clock)) as client:
        login(client, "10001")
        attempt_id = start(client)
        with client.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
            ws.receive_json()
            case = ws.receive_json()
            answer_all(ws, case)
        # The browser is gone. At the deadline (60 minutes by default) the server's sweep
        # submits the attempt with what was saved.
        clock.advance(59 * 60)
        with session_scope(engine) as s:
            assert submit_due(s, now=clock.now()) == []
        clock.advance(61)
        with session_scope(engine) as s:
            assert submit_due(s, now=clock.now()) == [attempt_id]
        with client.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
            end = ws.receive_json()
        assert end["type"] == "end" and end["submitted_by"] == "deadline"
    with Session(engine) as s:
        attempt = s.get(CaseAttempt, attempt_id)
        assert attempt is not None and attempt.status == "submitted"
        assert attempt.earned == 6  # the first case's objective answers count


def test_an_answer_after_the_deadline_is_refused_and_the_test_ends(
    settings: Settings, engine: Engine
) -> None:
    level_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    clock = FakeClock()
    with TestClient(create_app(settings, clock=clock)) as client:
        login(client, "10001")
        attempt_id = start(client)
        with client.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
            ws.receive_json()
            case = ws.receive_json()
            clock.advance(3601)
            ws.send_json(
                {"type": "answer", "version": case["version"], "question": "q1", "answer": "B"}
            )
            end = ws.receive_json()
            assert end["type"] == "end" and end["submitted_by"] == "deadline"
    with Session(engine) as s:
        assert s.exec(select(CaseAnswer)).all() == []


def test_test_cases_are_never_reachable_outside_a_test(
    candidate: TestClient, engine: Engine, settings: Settings
) -> None:
    with Session(engine) as s:
        test_case = s.exec(select(CaseItem).where(CaseItem.pool == "test")).first()
        training = s.exec(select(CaseItem).where(CaseItem.pool == "training")).first()
    assert test_case is not None and training is not None
    home = candidate.get("/cases").text
    assert test_case.title not in home and training.title in home
    assert candidate.get(f"/practice/{test_case.id}").status_code == 404
    assert candidate.get(f"/practice/{test_case.id}/audio").status_code == 404
    assert candidate.get("/author/cases").status_code == 403
    assert test_case.title not in candidate.get("/kb/search", params={"q": "话费"}).text
    attempt_id = start(candidate)
    add_user(engine, "10002", Role.CANDIDATE)  # another candidate cannot open this attempt
    with TestClient(create_app(settings)) as intruder:
        login(intruder, "10002")
        assert intruder.get(f"/case-test/{attempt_id}").status_code == 404
        with intruder.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
            assert ws.receive_json()["code"] == "forbidden"


def test_practice_gives_feedback_and_a_case_is_rated_once(
    candidate: TestClient, engine: Engine
) -> None:
    with Session(engine) as s:
        training = s.exec(select(CaseItem).where(CaseItem.pool == "training")).first()
    assert training is not None
    page = candidate.get(f"/practice/{training.id}")
    assert page.status_code == 200 and "先安抚情绪" in page.text  # annotations shown in study
    token = csrf_of(candidate.get("/cases").text)
    headers = {"X-CSRF-Token": token}
    right = candidate.post(
        f"/practice/{training.id}/answer", data={"question": "q1", "answer": "B"}, headers=headers
    )
    wrong = candidate.post(
        f"/practice/{training.id}/answer", data={"question": "q4", "answer": "AB"}, headers=headers
    )
    assert "✓" in right.text and "✗" in wrong.text and "B → A" in wrong.text
    assert (
        candidate.post(
            f"/practice/{training.id}/rate", data={"rating": "excellent"}, headers=headers
        ).status_code
        == 200
    )
    again = candidate.post(
        f"/practice/{training.id}/rate", data={"rating": "poor"}, headers=headers
    )
    assert again.status_code == 409
    with Session(engine) as s:
        item = s.get(CaseItem, training.id)
        assert item is not None and item.studies == 1


def test_a_play_once_recording_is_served_once(candidate: TestClient, engine: Engine) -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000)
    with session_scope(engine) as s:
        for item in s.exec(select(CaseItem).where(CaseItem.pool == "test")).all():
            item.retired = True  # leave only voice cases in the level-1 test pool
            s.add(item)
    make_live(
        engine,
        [
            branching_case(f"V{i}", pool=Pool.TEST, voice=True, category=c)
            for i, c in enumerate(["账单争议", "网络故障"] * 5)
        ],
    )
    with session_scope(engine) as s:
        for i in range(10):
            store_media(
                s,
                f"V{i}.wav",
                buffer.getvalue(),
                content_type="audio/wav",
                duration_s=1.0,
                actor="author",
                now=FakeClock().now(),
            )
    attempt_id = start(candidate)
    with candidate.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
        ws.receive_json()
        case = ws.receive_json()
    assert case["play_once"] is True and case["audio_url"]
    first = candidate.get(case["audio_url"])
    assert first.status_code == 200 and first.content.startswith(b"RIFF")
    assert candidate.get(case["audio_url"]).status_code == 410


def test_a_pass_rate_sets_the_pass_score_over_the_cohort(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    level_bank(engine)
    add_user(engine, "admin", Role.ADMIN)
    for n in ("10001", "10002"):
        add_user(engine, n, Role.CANDIDATE)
    login(client, "admin")
    page = client.get("/admin/case-tests")
    saved = client.post(
        "/admin/case-tests",
        data={
            "csrf_token": csrf_of(page.text),
            "level": "1",
            "case_count": "10",
            "minutes": "60",
            "cut_mode": "pass_rate",
            "cut_value": "50",
            "action": "save",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    for n, correct in (("10001", True), ("10002", False)):
        with TestClient(create_app(settings)) as candidate:
            login(candidate, n)
            attempt_id, _end = take_whole_test(candidate, correct)
        with session_scope(engine) as s:  # grade the free text so the attempt is final
            for a in s.exec(select(CaseAnswer).where(CaseAnswer.attempt_id == attempt_id)).all():
                if a.earned is None:
                    a.earned, a.correct = 0.0, False
                    s.add(a)
            attempt = s.get(CaseAttempt, attempt_id)
            assert attempt is not None
            attempt.pending, attempt.earned = 0, 60.0 if correct else 10.0
            s.add(attempt)
    page = client.get("/admin/case-tests")
    assert "1 of 2 pass (50%)" in page.text or "2 人中 1 人通过" in page.text or "50%" in page.text
    released = client.post(
        "/admin/case-tests",
        data={"csrf_token": csrf_of(page.text), "level": "1", "action": "release"},
        follow_redirects=False,
    )
    assert released.status_code == 303
    with Session(engine) as s:
        outcomes = sorted(e.passed for e in s.exec(select(LevelEvidence)).all())
    assert outcomes == [False, True]


def test_an_answer_frame_without_an_answer_is_refused_not_saved_empty(
    candidate: TestClient, engine: Engine
) -> None:
    attempt_id = start(candidate)
    with candidate.websocket_connect(f"/ws/case-test/{attempt_id}") as ws:
        ws.receive_json()
        case = ws.receive_json()
        ws.send_json({"type": "answer", "version": case["version"], "question": "q2"})
        assert ws.receive_json()["code"] == "malformed_frame"
        # A multiple-choice form with every box unticked sends its hidden empty field.
        ws.send_json(
            {"type": "answer", "version": case["version"], "question": "q2", "answer": ["", "A"]}
        )
        assert ws.receive_json()["type"] == "ack"
    with Session(engine) as s:
        assert [a.given for a in s.exec(select(CaseAnswer)).all()] == ["A"]
