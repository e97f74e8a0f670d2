"""The level history: changes are appended, corrections name what they correct, nothing
is edited in place; the stored certification policy; the facts the rules read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from examsrv.certification.policy import DEFAULT_POLICY, PolicyError
from examsrv.i18n import use_locale
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import AttemptStatus, Employee, TrialAttempt
from examsrv.persistence.outbox_tables import OutboxEvent
from examsrv.persistence.record import (
    RecordError,
    certification_policy,
    change_level,
    current_round,
    facts_for,
    history,
    save_policy,
)
from examsrv.persistence.record_tables import LevelChange
from tests.record_fixtures import NOW, add_candidate, add_case_pass, add_trial


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are English message ids; compare them untranslated."""
    with use_locale("en"):
        yield


def _promote(engine: Engine, employee_id: int, to_level: int, minutes: int = 0) -> int:
    with session_scope(engine) as s:
        change = change_level(
            s,
            employee_id=employee_id,
            to_level=to_level,
            kind="promotion",
            reason="passed",
            evidence=[{"kind": "application", "id": 1, "summary": "x"}],
            actor="approver",
            now=NOW + timedelta(minutes=minutes),
        )
        assert change.id is not None
        return change.id


def test_change_level_appends_sets_the_level_and_queues_an_event(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    first = _promote(engine, eid, 1)
    second = _promote(engine, eid, 2, minutes=1)
    with session_scope(engine) as s:
        rows = history(s, eid)
        assert [(r.id, r.from_level, r.to_level) for r in rows] == [(first, 0, 1), (second, 1, 2)]
        assert rows[0].evidence == [{"kind": "application", "id": 1, "summary": "x"}]
        assert s.get(Employee, eid).current_level == 2  # type: ignore[union-attr]
        events = s.exec(select(OutboxEvent).where(OutboxEvent.kind == "level.changed")).all()
        assert [e.payload["to_level"] for e in events] == [1, 2]
        assert events[1].payload["title"] == "教师"
        assert events[0].subject == "10001"


def test_a_promotion_cannot_skip_and_a_demotion_goes_one_down(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001", level=1)
    with pytest.raises(RecordError, match="skipped"), session_scope(engine) as s:
        change_level(
            s,
            employee_id=eid,
            to_level=3,
            kind="promotion",
            reason="",
            evidence=[],
            actor="x",
            now=NOW,
        )
    with pytest.raises(RecordError, match="one level"), session_scope(engine) as s:
        change_level(
            s,
            employee_id=eid,
            to_level=1,
            kind="demotion",
            reason="",
            evidence=[],
            actor="x",
            now=NOW,
        )
    with session_scope(engine) as s:
        assert history(s, eid) == []
        assert s.exec(select(OutboxEvent)).all() == []  # a refused change queues nothing


def test_a_correction_is_a_new_entry_naming_the_one_it_corrects(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
        other = add_candidate(s, "10002", name="李四")
    wrong = _promote(engine, eid, 1)
    with session_scope(engine) as s:
        before = s.get(LevelChange, wrong)
        assert before is not None
        snapshot = before.model_dump()
        fix = change_level(
            s,
            employee_id=eid,
            to_level=0,
            kind="correction",
            reason="promoted on another CSR's results",
            evidence=[],
            actor="hr",
            now=NOW + timedelta(hours=1),
            corrects_id=wrong,
        )
        fix_id = fix.id
    with session_scope(engine) as s:
        rows = history(s, eid)
        assert [r.kind for r in rows] == ["promotion", "correction"]
        assert rows[0].model_dump() == snapshot  # the corrected entry is untouched
        assert rows[1].corrects_id == wrong and rows[1].actor == "hr"
        assert (rows[1].from_level, rows[1].to_level) == (1, 0)
        assert s.get(Employee, eid).current_level == 0  # type: ignore[union-attr]
        assert current_round(s, eid) == 1  # the corrected promotion no longer counts
    # A correction of a correction chains on; one without a reason, or naming another
    # employee's entry, is refused.
    with session_scope(engine) as s:
        change_level(
            s,
            employee_id=eid,
            to_level=1,
            kind="correction",
            reason="the first was right",
            evidence=[],
            actor="hr",
            now=NOW + timedelta(hours=2),
            corrects_id=fix_id,
        )
    for corrects, reason, who in ((wrong, "", eid), (wrong, "x", other), (None, "x", eid)):
        with pytest.raises(RecordError), session_scope(engine) as s:
            change_level(
                s,
                employee_id=who,
                to_level=2,
                kind="correction",
                reason=reason,
                evidence=[],
                actor="hr",
                now=NOW,
                corrects_id=corrects,
            )
    with session_scope(engine) as s:
        assert len(history(s, eid)) == 3


def test_unknown_evidence_kinds_are_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    with pytest.raises(RecordError, match="evidence"), session_scope(engine) as s:
        change_level(
            s,
            employee_id=eid,
            to_level=1,
            kind="promotion",
            reason="",
            evidence=[{"kind": "hearsay", "id": 1}],
            actor="x",
            now=NOW,
        )


def test_the_policy_defaults_then_stores_and_refuses_bad_json(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert certification_policy(s) == DEFAULT_POLICY
        data = DEFAULT_POLICY.to_json() | {"course_pass_score": 70}
        save_policy(s, data, actor="admin", now=NOW)
    with session_scope(engine) as s:
        assert certification_policy(s).course_pass_score == 70
        with pytest.raises(PolicyError) as caught:
            save_policy(s, {"course_pass_score": 170, "nonsense": 1}, actor="admin", now=NOW)
        assert len(caught.value.messages) == 2
    with session_scope(engine) as s:
        assert certification_policy(s).course_pass_score == 70


def test_facts_come_from_the_record_and_leave_voided_trials_out(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
        add_trial(s, eid, 2)
        voided = add_trial(s, eid, 5)
        add_case_pass(s, eid, 1)
        attempt = s.get(TrialAttempt, voided)
        assert attempt is not None
        attempt.status = AttemptStatus.VOIDED
        s.add(attempt)
    with session_scope(engine) as s:
        facts = facts_for(s, eid, today=NOW.date())
    assert facts.current_level == 0 and facts.track == "呼入"
    assert facts.lookup_results == [(NOW.date(), 2)]
    assert facts.case_passes == [(NOW.date(), 1)]
    assert facts.last_promotion is None and facts.points_total == 0
