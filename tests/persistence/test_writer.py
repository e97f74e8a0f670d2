"""The durable writer: answers are committed before their handlers wake, in batches,
and an answer is recorded once whatever is resent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from examsrv.clock import SystemClock
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role, TrialAnswer
from examsrv.persistence.trials import start_attempt
from examsrv.persistence.writer import AnswerWriter
from tests.conftest import add_user, load_bank


def make_attempt(engine: Engine) -> tuple[int, list[int]]:
    import random

    load_bank(engine)
    add_user(engine, "10001", Role.CANDIDATE)
    with session_scope(engine) as s:
        attempt = start_attempt(
            s,
            1,
            task_count=100,
            recent_attempts=3,
            now=SystemClock().now(),
            seed_source=random.Random(1),
        )
        assert attempt.id is not None
        return attempt.id, list(attempt.form)


def row(attempt_id: int, seq: int, task_id: int, given: str = "x") -> dict[str, object]:
    return {
        "attempt_id": attempt_id,
        "seq": seq,
        "task_id": task_id,
        "given": given,
        "correct": False,
        "raw_ms": 1.0,
        "network_ms": 0.0,
        "resumed": False,
        "received_at": datetime.now(UTC),
    }


def test_concurrent_answers_are_all_committed_in_few_batches(engine: Engine) -> None:
    attempt_id, form = make_attempt(engine)
    writer = AnswerWriter(engine, batch_max=64)
    writer.start()

    async def save_all() -> None:
        await asyncio.gather(*(writer.save(row(attempt_id, i + 1, t)) for i, t in enumerate(form)))

    try:
        asyncio.run(save_all())
    finally:
        writer.stop()
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(TrialAnswer)).one() == 100
    assert writer.rows == 100
    assert writer.batches < 100  # rows that waited together were committed together


def test_a_duplicate_row_is_ignored_and_the_first_stands(engine: Engine) -> None:
    attempt_id, form = make_attempt(engine)
    writer = AnswerWriter(engine)
    writer.start()

    async def save() -> None:
        await writer.save(row(attempt_id, 1, form[0], "first"))
        await writer.save(row(attempt_id, 1, form[0], "second"))

    try:
        asyncio.run(save())
    finally:
        writer.stop()
    with Session(engine) as s:
        given = s.exec(select(TrialAnswer.given)).all()
    assert given == ["first"]


def test_a_failed_commit_is_reported_to_the_waiting_handler(engine: Engine) -> None:
    writer = AnswerWriter(engine)
    writer.start()

    async def save() -> None:
        await writer.save(row(999_999, 1, 999_999))  # no such attempt: a foreign-key error

    try:
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            asyncio.run(save())
    finally:
        writer.stop()
