"""The deliverer against a real HTTP receiver that fails, hangs, drops, answers garbage
and recovers: every event has exactly one effect at a receiver that deduplicates."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from examsrv.clock import FakeClock
from examsrv.hr_push import backoff
from examsrv.hr_push.deliverer import Deliverer
from examsrv.persistence.engine import session_scope
from examsrv.persistence.outbox import claim_due, enqueue, replay
from examsrv.persistence.outbox_tables import OutboxDelivery, OutboxEvent, OutboxStatus
from examsrv.settings import Settings
from tests.hr_push.receiver import (
    APPLY_THEN_DROP,
    APPLY_THEN_FAIL,
    DROP,
    FAIL,
    GARBAGE,
    HANG,
    Receiver,
    running,
)

SECRET = "hr-shared-secret"
TIMEOUT_S = 0.5


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def receiver(clock: FakeClock) -> Iterator[Receiver]:
    with running(Receiver(SECRET, now_s=lambda: clock.now().timestamp())) as r:
        yield r


def deliverer(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock, **changes: object
) -> Deliverer:
    poll_s = float(changes.pop("poll_s", 5.0))  # type: ignore[arg-type]
    configured = replace(
        settings,
        hr_webhook_url=receiver.url,
        hr_webhook_secret=SECRET,
        hr_webhook_timeout_s=TIMEOUT_S,
        **changes,  # type: ignore[arg-type]
    )
    return Deliverer(engine, configured, clock, rng=random.Random(7), poll_s=poll_s)


def add_events(engine: Engine, clock: FakeClock, n: int) -> list[str]:
    with session_scope(engine) as s:
        events = [
            enqueue(
                s,
                kind="trial.finished",
                subject=f"1000{i}",
                payload={"employee_no": f"1000{i}", "n": i},
                now=clock.now(),
            )
            for i in range(n)
        ]
    return [e.event_id for e in events]


def events(engine: Engine) -> dict[str, OutboxEvent]:
    with session_scope(engine) as s:
        return {e.event_id: e for e in s.exec(select(OutboxEvent)).all()}


def tries(engine: Engine) -> list[OutboxDelivery]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxDelivery).order_by(col(OutboxDelivery.id))).all())


def sweep_until_settled(d: Deliverer, engine: Engine, clock: FakeClock, rounds: int = 20) -> None:
    """Sweep, then move the clock past any backoff, until nothing is pending."""
    for _ in range(rounds):
        d.deliver_due(clock.now())
        if all(e.status != OutboxStatus.PENDING for e in events(engine).values()):
            return
        clock.advance(backoff.CAP_S)
    raise AssertionError("events still pending")


def test_a_hostile_endpoint_that_recovers_gets_each_event_exactly_once(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock
) -> None:
    ids = add_events(engine, clock, 4)
    # Five failing answers, two of them after the receiver has already applied the event,
    # and one 200 whose body is garbage; then the endpoint recovers.
    receiver.script = [FAIL, HANG, DROP, GARBAGE, APPLY_THEN_DROP, APPLY_THEN_FAIL]
    sweep_until_settled(deliverer(engine, settings, receiver, clock), engine, clock)

    assert {e.status for e in events(engine).values()} == {OutboxStatus.DELIVERED}
    assert dict(receiver.effects) == {i: 1 for i in ids}  # exactly one effect per event
    raw = receiver.raw_counts()
    assert sum(raw.values()) == 4 + 5  # one success per event plus the five failures
    assert set(raw) == set(ids)
    assert all(r.signature_ok for r in receiver.requests)
    for event_id in ids:  # every try of an event carried the same bytes
        assert len({r.body for r in receiver.requests if r.event_id == event_id}) == 1
    log = tries(engine)
    assert len(log) == 9
    errors = sorted(t.error.split(":")[0] for t in log if not t.delivered)
    assert errors == [
        "HTTP 500",
        "HTTP 500",
        "RemoteProtocolError",
        "RemoteProtocolError",
        f"no answer within {TIMEOUT_S:g} s",
    ]
    garbage = [t for t in log if t.delivered and t.response_excerpt != '{"ok": true}']
    assert len(garbage) == 1 and garbage[0].http_status == 200


def test_a_failed_event_waits_for_its_backoff(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock
) -> None:
    add_events(engine, clock, 1)
    receiver.script = [FAIL]
    d = deliverer(engine, settings, receiver, clock)
    assert d.deliver_due(clock.now()) == 0
    assert d.deliver_due(clock.now()) == 0
    clock.advance(backoff.BASE_S * (1 - backoff.JITTER) - 1)  # before the earliest retry
    assert d.deliver_due(clock.now()) == 0
    assert len(receiver.requests) == 1
    clock.advance(backoff.BASE_S * backoff.JITTER + 1)  # past the latest retry
    assert d.deliver_due(clock.now()) == 1
    assert len(receiver.requests) == 2 and len(receiver.effects) == 1


def test_an_event_claimed_by_a_deliverer_that_died_is_sent_once_its_lease_ends(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock
) -> None:
    [event_id] = add_events(engine, clock, 1)
    d = deliverer(engine, settings, receiver, clock)
    with session_scope(engine) as s:  # another process claims it, then dies before sending
        assert len(claim_due(s, now=clock.now(), owner="dead", lease_s=d.lease_s)) == 1
    assert d.deliver_due(clock.now()) == 0
    assert receiver.requests == []
    clock.advance(d.lease_s)
    assert d.deliver_due(clock.now()) == 1
    assert dict(receiver.effects) == {event_id: 1}


def test_nothing_is_lost_across_a_stop_in_the_middle_of_a_try_and_a_new_start(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock
) -> None:
    ids = add_events(engine, clock, 3)
    receiver.script = [HANG]
    first = deliverer(engine, settings, receiver, clock, poll_s=0.05)
    first.start()
    receiver.wait_for_requests(1)
    first.stop()  # while the endpoint hangs: the try under way is settled, not abandoned
    settled = events(engine)
    assert all(e.lease_owner is None for e in settled.values())
    assert sum(e.attempts for e in settled.values()) == len(receiver.requests)
    assert {e.status for e in settled.values()} <= {OutboxStatus.PENDING, OutboxStatus.DELIVERED}

    add_events(engine, clock, 1)  # written while no deliverer runs
    ids = list(events(engine))
    clock.advance(backoff.CAP_S)  # the hung try's retry is due
    second = deliverer(engine, settings, receiver, clock, poll_s=0.05)
    second.start()
    try:
        receiver.wait_for_effects(len(ids))
    finally:
        second.stop()
    assert dict(receiver.effects) == {i: 1 for i in ids}
    assert {e.status for e in events(engine).values()} == {OutboxStatus.DELIVERED}


def test_an_event_is_parked_after_its_last_try_and_a_replay_sends_the_same_id(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock
) -> None:
    [event_id] = add_events(engine, clock, 1)
    receiver.default = FAIL
    d = deliverer(engine, settings, receiver, clock, hr_webhook_max_attempts=3)
    sweep_until_settled(d, engine, clock)
    [event] = events(engine).values()
    assert event.status == OutboxStatus.PARKED and event.attempts == 3
    assert event.last_error == "HTTP 500" and event.last_status == 500
    clock.advance(backoff.CAP_S)
    assert d.deliver_due(clock.now()) == 0 and len(receiver.requests) == 3  # parked: left alone

    receiver.default = "ok"
    with session_scope(engine) as s:
        replay(s, event.id or 0, now=clock.now(), actor="hr")
    assert d.deliver_due(clock.now()) == 1
    assert dict(receiver.effects) == {event_id: 1}
    assert {r.event_id for r in receiver.requests} == {event_id}
    assert len({r.body for r in receiver.requests}) == 1
    assert [(t.attempt, t.replay, t.delivered) for t in tries(engine)] == [
        (1, 0, False),
        (2, 0, False),
        (3, 0, False),
        (1, 1, True),
    ]

    with session_scope(engine) as s:  # replaying a delivered event: the receiver deduplicates
        replay(s, event.id or 0, now=clock.now(), actor="hr")
    assert d.deliver_due(clock.now()) == 1
    assert receiver.raw_counts()[event_id] == 5
    assert dict(receiver.effects) == {event_id: 1}


def test_the_body_sent_is_the_envelope_and_is_logged_exactly(
    engine: Engine, settings: Settings, receiver: Receiver, clock: FakeClock
) -> None:
    [event_id] = add_events(engine, clock, 1)
    deliverer(engine, settings, receiver, clock).deliver_due(clock.now())
    [got] = receiver.requests
    envelope = json.loads(got.body)
    assert envelope == {
        "id": event_id,
        "kind": "trial.finished",
        "subject": "10000",
        "occurred_at": "2026-01-05T09:00:00.000000Z",
        "data": {"employee_no": "10000", "n": 0},
    }
    assert got.kind == "trial.finished"
    assert got.headers["X-Examsrv-Timestamp"] == str(int(clock.now().timestamp()))
    [logged] = tries(engine)
    assert logged.body.encode() == got.body
    assert logged.timestamp == got.headers["X-Examsrv-Timestamp"]


def test_without_an_endpoint_events_wait_in_the_outbox(
    engine: Engine, settings: Settings, clock: FakeClock
) -> None:
    add_events(engine, clock, 2)
    d = Deliverer(engine, replace(settings, hr_webhook_url=""), clock)
    assert d.deliver_due(clock.now()) == 0
    assert {e.status for e in events(engine).values()} == {OutboxStatus.PENDING}
    assert tries(engine) == []
