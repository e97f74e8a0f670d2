"""The grading policy row is created once, however many trials start together."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from examsrv.clock import SystemClock
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import GradingPolicyRow
from examsrv.persistence.trials import current_policy_row


def test_concurrent_first_reads_create_one_default_policy(engine: Engine) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def first_read() -> None:
        try:
            barrier.wait()
            with session_scope(engine) as s:
                assert current_policy_row(s, now=SystemClock().now()).id == 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(GradingPolicyRow)).one() == 1
