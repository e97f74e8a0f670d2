"""The outbox: written with the change it reports, claimed once, settled, replayed."""

from __future__ import annotations

import json
import random
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.persistence.case_tables import CaseAttempt, CaseAttemptStatus
from examsrv.persistence.case_tests import release_level
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import AttemptStatus, AuditEvent, Employee
from examsrv.persistence.outbox import (
    OutboxError,
    TryRecord,
    claim_due,
    enqueue,
    replay,
    replay_parked,
    settle,
    status_counts,
)
from examsrv.persistence.outbox_tables import OutboxEvent, OutboxStatus
from examsrv.persistence.trials import finish_attempt, start_attempt
from tests.conftest import load_bank

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind``'s data in docs/webhooks.md."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"### `{re.escape(kind)}`.*?```json\n(.*?)```", text, re.S)
    assert found, f"{kind} is not documented"
    schema: dict[str, Any] = json.loads(found.group(1))
    return schema


def assert_documented(kind: str, data: dict[str, Any]) -> None:
    schema = documented_schema(kind)
    assert set(schema["required"]) <= set(data), "a documented required field is missing"
    assert set(data) <= set(schema["properties"]), "a field sent is not documented"


def add(engine: Engine, n: int, *, now: datetime = NOW) -> list[int]:
    with session_scope(engine) as s:
        rows = [
            enqueue(s, kind="level.changed", subject=f"100{i:02d}", payload={"i": i}, now=now)
            for i in range(n)
        ]
    return [r.id or 0 for r in rows]


def all_events(engine: Engine) -> list[OutboxEvent]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxEvent)).all())


def failed_try(now: datetime = NOW) -> TryRecord:
    return TryRecord(now, 1.0, "http://hr", False, 503, "HTTP 503", "", "1", "{}")


def test_an_event_enqueued_in_a_transaction_that_rolls_back_does_not_exist(
    engine: Engine,
) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        s.add(Employee(employee_no="10001", name="张三", created_at=NOW))
        enqueue(s, kind="level.changed", subject="10001", payload={"to_level": 1}, now=NOW)
        s.flush()
        raise RuntimeError("the change failed after the event was written")
    assert all_events(engine) == []
    with session_scope(engine) as s:
        assert s.exec(select(Employee)).all() == []


def test_an_enqueued_event_is_pending_with_a_fresh_uuid_and_due_at_once(engine: Engine) -> None:
    add(engine, 2)
    first, second = all_events(engine)
    assert first.event_id != second.event_id and len(first.event_id) == 36
    assert first.status == OutboxStatus.PENDING and first.attempts == 0
    with session_scope(engine) as s:
        assert status_counts(s) == {"pending": 2, "delivered": 0, "parked": 0}


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("level.promoted", {}),
        ("level.changed", {"at": NOW}),
        ("level.changed", {"x": float("inf")}),
    ],
)
def test_an_unknown_kind_or_a_payload_that_is_not_json_is_refused(
    engine: Engine, kind: str, payload: dict[str, object]
) -> None:
    with pytest.raises(OutboxError), session_scope(engine) as s:
        enqueue(s, kind=kind, subject="10001", payload=payload, now=NOW)
    assert all_events(engine) == []


def test_a_finished_trial_enqueues_one_trial_finished_event(engine: Engine) -> None:
    load_bank(engine, articles=20, tasks=20)
    with session_scope(engine) as s:
        s.add(Employee(employee_no="10007", name="李四", created_at=NOW))
        s.flush()
        attempt = start_attempt(
            s, 1, task_count=5, recent_attempts=3, now=NOW, seed_source=random.Random(1)
        )
        attempt_id = attempt.id or 0
    for _ in range(2):  # a second finish records nothing twice
        with session_scope(engine) as s:
            finish_attempt(s, attempt_id, status=AttemptStatus.EXPIRED, now=NOW)
    [event] = all_events(engine)
    assert (event.kind, event.subject) == ("trial.finished", "10007")
    data = event.payload
    assert data["employee_no"] == "10007" and data["attempt_id"] == attempt_id
    assert data["status"] == "expired" and data["passed"] is False
    assert data["result"]["reason"] == "incomplete" and data["level_reached"] is None
    assert_documented("trial.finished", data)
    result_schema = documented_schema("trial.finished")["properties"]["result"]
    assert set(data["result"]) <= set(result_schema["properties"])


def test_a_released_case_test_enqueues_one_case_test_released_event(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(Employee(employee_no="10008", name="王五", created_at=NOW))
        s.flush()
        s.add(
            CaseAttempt(
                employee_id=1,
                level=2,
                status=CaseAttemptStatus.SUBMITTED,
                seed=1,
                versions=[],
                started_at=NOW,
                deadline_at=NOW + timedelta(minutes=30),
                submitted_at=NOW,
                earned=9.0,
                possible=10.0,
            )
        )
    for _ in range(2):
        with session_scope(engine) as s:
            release_level(s, 2, now=NOW)
    [event] = all_events(engine)
    assert (event.kind, event.subject) == ("case_test.released", "10008")
    assert event.payload["level"] == 2 and event.payload["percent"] == 90.0
    assert isinstance(event.payload["passed"], bool)
    assert_documented("case_test.released", event.payload)


def test_a_leased_event_is_not_claimed_again_until_its_lease_ends(engine: Engine) -> None:
    add(engine, 1)
    with session_scope(engine) as s:
        assert len(claim_due(s, now=NOW, owner="a", lease_s=60)) == 1
    with session_scope(engine) as s:
        assert claim_due(s, now=NOW + timedelta(seconds=59), owner="b", lease_s=60) == []
    with session_scope(engine) as s:
        [event] = claim_due(s, now=NOW + timedelta(seconds=60), owner="b", lease_s=60)
        assert event.lease_owner == "b"


def test_an_event_not_yet_due_is_not_claimed(engine: Engine) -> None:
    add(engine, 1, now=NOW + timedelta(seconds=1))
    with session_scope(engine) as s:
        assert claim_due(s, now=NOW, owner="a", lease_s=60) == []


def test_a_failure_reported_by_a_deliverer_that_lost_its_lease_changes_nothing(
    engine: Engine,
) -> None:
    [pk] = add(engine, 1)
    with session_scope(engine) as s:
        claim_due(s, now=NOW, owner="old", lease_s=10)
    later = NOW + timedelta(seconds=11)
    with session_scope(engine) as s:
        claim_due(s, now=later, owner="new", lease_s=10)
    with session_scope(engine) as s:
        status = settle(
            s, pk, owner="old", record=failed_try(), now=later, retry_at=later, max_attempts=5
        )
    assert status == OutboxStatus.PENDING
    [event] = all_events(engine)
    assert event.attempts == 0 and event.lease_owner == "new"  # the try is only logged


def test_failures_retry_then_park_and_replay_starts_a_new_round(engine: Engine) -> None:
    [pk] = add(engine, 1)
    now = NOW
    for n in range(1, 4):
        with session_scope(engine) as s:
            assert len(claim_due(s, now=now, owner="d", lease_s=10)) == 1
            status = settle(
                s,
                pk,
                owner="d",
                record=failed_try(),
                now=now,
                retry_at=now + timedelta(seconds=30),
                max_attempts=3,
            )
        assert status == (OutboxStatus.PARKED if n == 3 else OutboxStatus.PENDING)
        now += timedelta(seconds=30)
    with session_scope(engine) as s:
        assert claim_due(s, now=now + timedelta(days=1), owner="d", lease_s=10) == []
        assert replay_parked(s, now=now, actor="hr") == 1
    [event] = all_events(engine)
    assert (event.status, event.attempts, event.replays) == (OutboxStatus.PENDING, 0, 1)
    with session_scope(engine) as s:
        with pytest.raises(OutboxError, match="parked or delivered"):
            replay(s, pk, now=now, actor="hr")
        audit = s.exec(select(AuditEvent).where(AuditEvent.kind == "outbox_replay")).all()
        assert [a.actor for a in audit] == ["hr"]
        assert audit[0].detail["event_id"] == event.event_id


def _claim_all(engine: Engine, owner: str, start: threading.Barrier, out: list[int]) -> None:
    start.wait()
    while True:
        with Session(engine) as s:
            got = [e.id or 0 for e in claim_due(s, now=NOW, owner=owner, lease_s=600, limit=3)]
            s.commit()
        if not got:
            return
        out.extend(got)


def test_two_concurrent_claimers_never_get_the_same_event(engine: Engine) -> None:
    ids = add(engine, 60)
    start = threading.Barrier(2)
    got: dict[str, list[int]] = {"a": [], "b": []}
    threads = [
        threading.Thread(target=_claim_all, args=(engine, o, start, got[o])) for o in ("a", "b")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(got["a"]) & set(got["b"])
    assert sorted(got["a"] + got["b"]) == sorted(ids)


def test_on_postgresql_a_claimer_skips_events_another_has_locked(
    engine: Engine, db_kind: str
) -> None:
    if db_kind != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    add(engine, 4)
    with Session(engine) as first, Session(engine) as second:
        a = {e.id for e in claim_due(first, now=NOW, owner="a", lease_s=600, limit=2)}
        # ``first`` has not committed: ``second`` skips its rows instead of waiting for them
        b = {e.id for e in claim_due(second, now=NOW, owner="b", lease_s=600, limit=4)}
        second.commit()
        first.commit()
    assert len(a) == 2 and len(b) == 2 and not a & b
