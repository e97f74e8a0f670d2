"""Administrators: every attempt with its split times, the grading policy, the record."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.persistence.models import Role, TrialAttempt
from examsrv.settings import Settings
from tests.conftest import add_user, csrf_of, load_bank, login
from tests.web.trial_driver import answer, correct_answer, receive, start_trial


def take_trial(settings: Settings, engine: Engine, employee: str) -> int:
    with TestClient(create_app(settings)) as client:
        login(client, employee)
        attempt_id = start_trial(client)
        with client.websocket_connect(f"/ws/trial/{attempt_id}") as ws:
            ws.receive_json()
            task = receive(ws)
            while task["type"] == "task":
                answer(ws, task["seq"], correct_answer(engine, task["question"]))
                task = receive(ws)
    return attempt_id


def test_admin_sees_attempts_with_split_times_and_the_record(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE, "张三")
    add_user(engine, "admin", Role.ADMIN)
    attempt_id = take_trial(settings, engine, "10001")
    login(client, "admin")
    listing = client.get("/admin/attempts").text
    assert f"#{attempt_id}" in listing and "张三 (10001)" in listing
    detail = client.get(f"/admin/attempts/{attempt_id}").text
    assert detail.count('<tr class="">') == 5  # five answered tasks, all correct
    record = client.get("/admin/employees/1").text
    assert "5/5" in record
    assert client.get("/admin/attempts/424242").status_code == 404


def test_a_new_policy_grades_new_trials_and_old_ones_keep_theirs(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    add_user(engine, "admin", Role.ADMIN)
    first = take_trial(settings, engine, "10001")
    login(client, "admin")
    page = client.get("/admin/grading")
    assert "120 &lt; 5" in page.text  # the default table, as editable text
    response = client.post(
        "/admin/grading",
        data={
            "csrf_token": csrf_of(page.text),
            "bands": "100 < 5\n150 <= 1-4",
            "wrong_penalty_s": "10",
            "min_accuracy": "80",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    second = take_trial(settings, engine, "10001")
    with Session(engine) as s:
        old = s.get(TrialAttempt, first)
        new = s.get(TrialAttempt, second)
        assert old is not None and new is not None
        assert old.policy["wrong_penalty_s"] == 5.0 and old.policy["min_accuracy"] == 0.9
        assert new.policy["wrong_penalty_s"] == 10.0 and new.policy["min_accuracy"] == 0.8
        assert [b["levels"] for b in new.policy["bands"]] == [[5], [1, 2, 3, 4]]


def test_an_invalid_policy_is_refused_and_the_old_one_stays(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "admin", Role.ADMIN)
    login(client, "admin")
    page = client.get("/admin/grading")
    for bands, penalty, accuracy in [
        ("130 < 5\n120 < 4", "5", "90"),  # bounds not increasing
        ("120 < 7", "5", "90"),  # no level 7
        ("nonsense", "5", "90"),
        ("120 < 5", "-1", "90"),
        ("120 < 5", "5", "abc"),
    ]:
        response = client.post(
            "/admin/grading",
            data={
                "csrf_token": csrf_of(page.text),
                "bands": bands,
                "wrong_penalty_s": penalty,
                "min_accuracy": accuracy,
            },
        )
        assert response.status_code == 400, bands
        assert "评分规则未保存" in response.text
    with Session(engine) as s:
        from examsrv.persistence.models import GradingPolicyRow

        row = s.exec(select(GradingPolicyRow)).one()
        assert row.wrong_penalty_s == 5.0 and len(row.bands) == 4
