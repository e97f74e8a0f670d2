"""The outbox pages: who may see them, filters, an event's tries, replay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.outbox import TryRecord, claim_due, enqueue, settle
from examsrv.persistence.outbox_tables import OutboxEvent, OutboxStatus
from tests.conftest import add_user, csrf_of, login

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_event(engine: Engine, kind: str, status: OutboxStatus, subject: str = "10001") -> int:
    """An event in ``status``; a parked one after one failed try with its log row."""
    with session_scope(engine) as s:
        event = enqueue(s, kind=kind, subject=subject, payload={"employee_no": subject}, now=NOW)
        s.flush()
        pk = event.id or 0
    if status == OutboxStatus.PENDING:
        return pk
    with session_scope(engine) as s:
        claim_due(s, now=NOW, owner="t", lease_s=60, limit=100)
        delivered = status == OutboxStatus.DELIVERED
        record = TryRecord(
            NOW,
            12.0,
            "http://hr.example/hook",
            delivered,
            200 if delivered else 502,
            "" if delivered else "HTTP 502",
            "<html>bad gateway</html>",
            "1772442000",
            f'{{"data":{{"employee_no":"{subject}"}},"id":"x"}}',
        )
        settle(s, pk, owner="t", record=record, now=NOW, retry_at=NOW, max_attempts=1)
    return pk


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.HR, True),
        (Role.PROCTOR, False),
        (Role.AUTHOR, False),
        (Role.CANDIDATE, False),
    ],
)
def test_only_administrators_and_hr_open_the_outbox(
    client: TestClient, engine: Engine, role: Role, allowed: bool
) -> None:
    pk = add_event(engine, "trial.finished", OutboxStatus.PARKED)
    add_user(engine, "someone", role)
    login(client, "someone")
    for path in ("/admin/outbox", f"/admin/outbox/{pk}"):
        assert client.get(path).status_code == (200 if allowed else 403)
    token = csrf_of(client.get("/admin/outbox").text) if allowed else _any_token(client)
    response = client.post(
        f"/admin/outbox/{pk}/replay", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == (303 if allowed else 403)
    with session_scope(engine) as s:
        event = s.get(OutboxEvent, pk)
        assert event is not None
        assert event.status == (OutboxStatus.PENDING if allowed else OutboxStatus.PARKED)


def _any_token(client: TestClient) -> str:
    return csrf_of(client.get("/login").text)


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login(client: TestClient) -> None:
    response = client.get("/admin/outbox", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_list_counts_per_status_and_filters_by_status_and_kind(
    client: TestClient, engine: Engine
) -> None:
    add_event(engine, "trial.finished", OutboxStatus.PENDING, "10001")
    add_event(engine, "case_test.released", OutboxStatus.DELIVERED, "10002")
    add_event(engine, "trial.finished", OutboxStatus.PARKED, "10003")
    add_user(engine, "hr", Role.HR)
    login(client, "hr")
    page = client.get("/admin/outbox").text
    assert all(n in page for n in ("10001", "10002", "10003"))
    assert 'href="/admin/outbox?status=parked">1<' in page
    parked = client.get("/admin/outbox?status=parked").text
    assert "10003" in parked and "10001" not in parked and "10002" not in parked
    released = client.get("/admin/outbox?kind=case_test.released").text
    assert "10002" in released and "10001" not in released
    both = client.get("/admin/outbox?status=pending&kind=trial.finished").text
    assert "10001" in both and "10003" not in both


def test_an_unknown_filter_is_said_and_everything_is_shown(
    client: TestClient, engine: Engine
) -> None:
    add_event(engine, "trial.finished", OutboxStatus.PENDING, "10001")
    add_user(engine, "admin", Role.ADMIN)
    login(client, "admin")
    client.get("/lang/en")
    response = client.get("/admin/outbox?status=lost&kind=<b>x</b>")
    assert response.status_code == 200
    assert "There is no status lost" in response.text
    assert "There is no event kind &lt;b&gt;x&lt;/b&gt;" in response.text
    assert "10001" in response.text


def test_the_detail_shows_every_try_and_the_exact_body_sent(
    client: TestClient, engine: Engine
) -> None:
    pk = add_event(engine, "trial.finished", OutboxStatus.PARKED, "10005")
    pending = add_event(engine, "level.changed", OutboxStatus.PENDING, "10006")
    add_user(engine, "hr", Role.HR)
    login(client, "hr")
    client.get("/lang/en")
    page = client.get(f"/admin/outbox/{pk}").text
    assert "HTTP 502" in page and "http://hr.example/hook" in page
    assert "&lt;html&gt;bad gateway&lt;/html&gt;" in page  # the endpoint's answer, escaped
    sent = '{"data":{"employee_no":"10005"},"id":"x"}'.replace('"', "&#34;")
    assert sent in page  # the raw bytes, exactly
    assert "Replay (send again" in page
    waiting = client.get(f"/admin/outbox/{pending}").text
    assert "Not tried yet" in waiting and "10006" in waiting
    assert "Replay (send again" not in waiting
    assert client.get("/admin/outbox/99999").status_code == 404


def test_replaying_a_pending_event_is_refused_with_a_reason(
    client: TestClient, engine: Engine
) -> None:
    pk = add_event(engine, "trial.finished", OutboxStatus.PENDING)
    add_user(engine, "admin", Role.ADMIN)
    login(client, "admin")
    client.get("/lang/en")
    token = csrf_of(client.get(f"/admin/outbox/{pk}").text)
    response = client.post(f"/admin/outbox/{pk}/replay", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Only a parked or delivered event can be replayed." in response.text
    missing = client.post("/admin/outbox/99999/replay", data={"csrf_token": token})
    assert missing.status_code == 404


def test_replay_without_the_csrf_token_is_refused(client: TestClient, engine: Engine) -> None:
    pk = add_event(engine, "trial.finished", OutboxStatus.PARKED)
    add_user(engine, "admin", Role.ADMIN)
    login(client, "admin")
    assert client.post(f"/admin/outbox/{pk}/replay", data={}).status_code == 403
    assert client.post("/admin/outbox/replay-parked", data={}).status_code == 403
    with session_scope(engine) as s:
        assert s.get(OutboxEvent, pk).status == OutboxStatus.PARKED  # type: ignore[union-attr]


def test_replay_all_parked_sends_every_parked_event_again(
    client: TestClient, engine: Engine
) -> None:
    parked = [
        add_event(engine, "trial.finished", OutboxStatus.PARKED, f"1000{i}") for i in range(3)
    ]
    delivered = add_event(engine, "trial.finished", OutboxStatus.DELIVERED, "10009")
    add_user(engine, "hr", Role.HR)
    login(client, "hr")
    client.get("/lang/en")
    page = client.get("/admin/outbox").text
    assert "Replay all 3 parked events" in page
    response = client.post(
        "/admin/outbox/replay-parked", data={"csrf_token": csrf_of(page)}, follow_redirects=True
    )
    assert "3 parked events will be sent again." in response.text
    with session_scope(engine) as s:
        rows = {e.id: e for e in s.exec(select(OutboxEvent)).all()}
    assert all(rows[pk].status == OutboxStatus.PENDING and rows[pk].replays == 1 for pk in parked)
    assert rows[delivered].status == OutboxStatus.DELIVERED
