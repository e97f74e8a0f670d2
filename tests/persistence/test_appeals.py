"""Appeals: only on one's own result, one open appeal per result, legal steps only,
a regrade adds new evidence and leaves the old, a new attempt is granted once."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from examsrv.persistence.appeals import (
    AppealRefused,
    appealable,
    decide,
    file_appeal,
    investigate,
    use_grant,
    view,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.ledger_tables import AppealStep
from examsrv.persistence.models import LevelEvidence, Task, TrialAttempt
from examsrv.persistence.outbox_tables import OutboxEvent
from tests.persistence.test_ledger import NOW, employee, english, trial

__all__ = ["english"]


def _filed(engine: Engine, *, given: list[str] | None = None) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        csr = employee(s, "10001", level=1).id or 0
        attempt = trial(s, csr, at=NOW, given=given)
        appeal = file_appeal(
            s,
            employee_id=csr,
            subject_kind="trial",
            subject_id=attempt,
            reason="The answer key is wrong",
            actor="10001",
            now=NOW,
        )
        return csr, attempt, appeal.id or 0


def test_a_csr_appeals_only_their_own_result_and_once_while_open(engine: Engine) -> None:
    csr, attempt, _appeal = _filed(engine)
    with session_scope(engine) as s:
        other = employee(s, "10002").id or 0
        with pytest.raises(AppealRefused, match="only appeal your own"):
            file_appeal(
                s,
                employee_id=other,
                subject_kind="trial",
                subject_id=attempt,
                reason="mine?",
                actor="10002",
                now=NOW,
            )
        with pytest.raises(AppealRefused, match="already has an open appeal"):
            file_appeal(
                s,
                employee_id=csr,
                subject_kind="trial",
                subject_id=attempt,
                reason="again",
                actor="10001",
                now=NOW,
            )
        with pytest.raises(AppealRefused, match="no such result"):
            file_appeal(
                s,
                employee_id=csr,
                subject_kind="level_change",
                subject_id=attempt,
                reason="x",
                actor="10001",
                now=NOW,
            )
        with pytest.raises(AppealRefused, match="Give the reason"):
            second = trial(s, csr, at=NOW + timedelta(days=1))
            file_appeal(
                s,
                employee_id=csr,
                subject_kind="trial",
                subject_id=second,
                reason="   ",
                actor="10001",
                now=NOW,
            )
        assert [(x.kind, x.id) for x in appealable(s, csr)][-1] == ("trial", attempt)


def test_illegal_steps_are_refused_and_leave_the_appeal_as_it_was(engine: Engine) -> None:
    _csr, _attempt, appeal = _filed(engine)
    with session_scope(engine) as s:
        with pytest.raises(AppealRefused, match="investigated before"):
            decide(s, appeal, upheld=True, remedy="none", decision="ok", actor="hr", now=NOW)
        investigate(s, appeal, note="checking the key", actor="hr", now=NOW)
    with session_scope(engine) as s:
        with pytest.raises(AppealRefused, match="already being investigated"):
            investigate(s, appeal, note="", actor="hr", now=NOW)
        with pytest.raises(AppealRefused, match="rejected appeal"):
            decide(s, appeal, upheld=False, remedy="regrade", decision="no", actor="hr", now=NOW)
        with pytest.raises(AppealRefused, match="answer the CSR will read"):
            decide(s, appeal, upheld=True, remedy="none", decision=" ", actor="hr", now=NOW)
    with session_scope(engine) as s:
        shown = view(s, appeal)
        assert shown is not None and shown.appeal.status == "investigating"
        decide(
            s,
            appeal,
            upheld=False,
            remedy="none",
            decision="The key is right.",
            actor="hr",
            now=NOW,
        )
    with session_scope(engine) as s:
        with pytest.raises(AppealRefused, match="already been decided"):
            decide(
                s,
                appeal,
                upheld=True,
                remedy="none",
                decision="changed my mind",
                actor="hr",
                now=NOW,
            )
        steps = s.exec(select(AppealStep).where(AppealStep.appeal_id == appeal)).all()
        assert [(x.action, x.to_status) for x in steps] == [
            ("file", "submitted"),
            ("investigate", "investigating"),
            ("decide", "rejected"),
        ]
        events = s.exec(select(OutboxEvent).where(OutboxEvent.kind == "appeal.decided")).all()
        assert len(events) == 1 and events[0].payload["status"] == "rejected"


def test_a_regrade_records_new_evidence_and_leaves_the_old(engine: Engine) -> None:
    # Two answers were 乙 and marked wrong; the key is then fixed to accept 乙 too.
    csr, attempt, appeal = _filed(engine, given=["甲", "甲", "甲", "乙", "乙"])
    with session_scope(engine) as s:
        for task in s.exec(select(Task)).all():
            task.answers = ["甲", "乙"]
            s.add(task)
        investigate(s, appeal, note="", actor="hr", now=NOW)
        decide(
            s,
            appeal,
            upheld=True,
            remedy="regrade",
            decision="Regraded with the fixed key.",
            actor="hr",
            now=NOW + timedelta(days=1),
        )
    with session_scope(engine) as s:
        rows = s.exec(
            select(LevelEvidence)
            .where(LevelEvidence.attempt_id == attempt)
            .order_by(LevelEvidence.id)
        ).all()
        assert [(r.passed, r.level_reached) for r in rows] == [(False, None), (True, 4)]
        assert rows[1].summary.startswith("regraded (appeal #")
        shown = view(s, appeal)
        assert shown is not None and shown.regrade is not None and shown.regrade.id == rows[1].id
        kept = s.get(TrialAttempt, attempt)
        assert kept is not None and kept.result is not None and kept.result["passed"] is False
        assert csr


def test_a_new_attempt_is_granted_once(engine: Engine) -> None:
    csr, _attempt, appeal = _filed(engine)
    with session_scope(engine) as s:
        investigate(s, appeal, note="", actor="hr", now=NOW)
        decide(
            s,
            appeal,
            upheld=True,
            remedy="new_attempt",
            decision="Take it again.",
            actor="hr",
            now=NOW,
        )
    with session_scope(engine) as s:
        shown = view(s, appeal)
        assert shown is not None and shown.grant is not None
        grant_id = shown.grant.id or 0
        other = employee(s, "10002").id or 0
        with pytest.raises(AppealRefused, match="no such new attempt"):
            use_grant(
                s,
                grant_id,
                employee_id=other,
                now=NOW,
                seed_source=random.Random(1),
                task_count=5,
                recent_attempts=0,
            )
        used = use_grant(
            s,
            grant_id,
            employee_id=csr,
            now=NOW,
            seed_source=random.Random(1),
            task_count=5,
            recent_attempts=0,
        )
        assert used.used_attempt_id is not None
    with session_scope(engine) as s, pytest.raises(AppealRefused, match="already been used"):
        use_grant(
            s,
            grant_id,
            employee_id=csr,
            now=NOW,
            seed_source=random.Random(2),
            task_count=5,
            recent_attempts=0,
        )
