"""The application procedure: applying, each step, the evidence a pass needs, the
certificate it issues, and everything the procedure must refuse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from examsrv.certification.policy import DEFAULT_POLICY
from examsrv.i18n import use_locale
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.outbox_tables import OutboxEvent
from examsrv.persistence.record import RecordError, history, save_policy
from examsrv.persistence.record_applications import act, apply, steps_of
from examsrv.persistence.record_certificates import (
    by_number,
    issue,
    mask_name,
    revoke,
    verify,
)
from examsrv.persistence.record_tables import Application, Certificate
from tests.record_fixtures import (
    NOW,
    add_candidate,
    add_case_pass,
    add_trial,
    pass_courses,
    seed_level1_evidence,
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are English message ids; compare them untranslated."""
    with use_locale("en"):
        yield


def _apply(engine: Engine, eid: int, target: int = 1, track: str = "呼入") -> int:
    with session_scope(engine) as s:
        app = apply(s, employee_id=eid, target_level=target, track=track, actor="c", now=NOW)
        assert app.id is not None
        return app.id


def _act(engine: Engine, app_id: int, action: str, role: Role, note: str = "") -> Application:
    with session_scope(engine) as s:
        return act(s, app_id, action=action, note=note, actor=role.value, role=role, now=NOW)


def test_an_application_goes_through_every_step_to_a_certificate(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    seed_level1_evidence(engine, eid)
    app_id = _apply(engine, eid)
    _act(engine, app_id, "qualify", Role.HR)
    _act(engine, app_id, "advance", Role.HR)
    _act(engine, app_id, "advance", Role.HR)
    assert _act(engine, app_id, "pass", Role.APPROVER, "well done").status == "passed"
    with session_scope(engine) as s:
        steps = steps_of(s, app_id)
        assert [(x.stage, x.outcome, x.to_status) for x in steps] == [
            ("submitted", "submitted", "submitted"),
            ("submitted", "qualify", "courses"),
            ("courses", "advance", "tests"),
            ("tests", "advance", "review"),
            ("review", "pass", "passed"),
        ]
        employee = s.get(Employee, eid)
        assert employee is not None and employee.current_level == 1
        (change,) = history(s, eid)
        kinds = [e["kind"] for e in change.evidence]
        assert kinds[:2] == ["lookup_trial", "case_test"]
        assert kinds.count("course") == 6 and kinds[-2:] == ["application", "approval"]
        assert change.evidence[-1]["id"] == steps[-1].id
        app = s.get(Application, app_id)
        assert app is not None and app.level_change_id == change.id
        assert app.open_employee_id is None
        cert = s.exec(select(Certificate).where(Certificate.application_id == app_id)).one()
        assert cert.number == f"ZS-2026-{cert.id:06d}"
        assert (cert.level, cert.title, cert.status) == (1, "大学生", "valid")
        kinds = [e.kind for e in s.exec(select(OutboxEvent).order_by(OutboxEvent.id)).all()]
        assert kinds == ["level.changed", "certificate.issued"]


def test_skipping_a_level_is_refused_and_one_application_is_open_at_a_time(
    engine: Engine,
) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001", level=1)
    with pytest.raises(RecordError, match="skipped"), session_scope(engine) as s:
        apply(s, employee_id=eid, target_level=3, track="呼入", actor="c", now=NOW)
    with pytest.raises(RecordError, match="above"), session_scope(engine) as s:
        apply(s, employee_id=eid, target_level=1, track="呼入", actor="c", now=NOW)
    first = _apply(engine, eid, 2, track="营销")  # across tracks is allowed
    with pytest.raises(RecordError, match="open application"), session_scope(engine) as s:
        apply(s, employee_id=eid, target_level=2, track="呼入", actor="c", now=NOW)
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        # the database itself refuses a second open application
        s.add(
            Application(
                employee_id=eid,
                open_employee_id=eid,
                from_level=1,
                target_level=2,
                track="x",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        s.flush()
    # withdrawn, it is closed and a new one may be made
    with session_scope(engine) as s:
        act(s, first, action="withdraw", note="", actor="10001", role=Role.CANDIDATE, now=NOW)
    _apply(engine, eid, 2)
    with session_scope(engine) as s:
        assert len(s.exec(select(Application)).all()) == 2


def test_steps_are_taken_in_order_by_the_right_role_with_reasons(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    app_id = _apply(engine, eid)
    with pytest.raises(RecordError, match="cannot be taken"):
        _act(engine, app_id, "pass", Role.APPROVER)
    with pytest.raises(RecordError, match="role"):
        _act(engine, app_id, "qualify", Role.APPROVER)
    with pytest.raises(RecordError, match="reason"):
        _act(engine, app_id, "refuse", Role.HR)
    assert _act(engine, app_id, "refuse", Role.HR, "not permanent yet").status == "refused"
    with session_scope(engine) as s:
        assert [x.note for x in steps_of(s, app_id)] == ["", "not permanent yet"]


def test_courses_must_all_be_passed_before_the_tests(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    app_id = _apply(engine, eid)
    _act(engine, app_id, "qualify", Role.HR)
    with pytest.raises(RecordError, match="course"):
        _act(engine, app_id, "advance", Role.HR)
    with session_scope(engine) as s:
        pass_courses(s, eid)
    assert _act(engine, app_id, "advance", Role.HR).status == "tests"


def test_promoting_without_the_evidence_the_rules_require_is_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
        pass_courses(s, eid)
    app_id = _apply(engine, eid)
    _act(engine, app_id, "qualify", Role.HR)
    _act(engine, app_id, "advance", Role.HR)
    with pytest.raises(RecordError, match="evidence the rules require"):
        _act(engine, app_id, "advance", Role.HR)
    # Even an application that reached the approvers cannot pass without the evidence:
    # here the employee went back on probation after HR sent it on.
    seed_level1_evidence(engine, eid, courses=False)
    _act(engine, app_id, "advance", Role.HR)
    with session_scope(engine) as s:
        employee = s.get(Employee, eid)
        assert employee is not None
        employee.on_probation = True
        s.add(employee)
    with pytest.raises(RecordError, match="probation") as caught:
        _act(engine, app_id, "pass", Role.APPROVER)
    assert "Promoting without the evidence" in str(caught.value)
    with session_scope(engine) as s:
        assert history(s, eid) == []
        assert s.get(Application, app_id).status == "review"  # type: ignore[union-attr]
        assert s.exec(select(Certificate)).all() == []
    assert _act(engine, app_id, "fail", Role.APPROVER, "on probation").status == "failed"


def test_a_second_certificate_for_the_same_pass_is_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    seed_level1_evidence(engine, eid)
    app_id = _apply(engine, eid)
    for action in ("qualify", "advance", "advance"):
        _act(engine, app_id, action, Role.HR)
    _act(engine, app_id, "pass", Role.APPROVER)
    with session_scope(engine) as s:
        app = s.get(Application, app_id)
        assert app is not None
        with pytest.raises(RecordError, match="already issued"):
            issue(s, app, actor="approver", now=NOW)
    with pytest.raises(RecordError, match="cannot be taken"):
        _act(engine, app_id, "pass", Role.APPROVER)
    with session_scope(engine) as s:
        assert len(s.exec(select(Certificate)).all()) == 1
        assert len(history(s, eid)) == 1


def test_a_new_certificate_supersedes_the_last_and_revoking_needs_a_reason(
    engine: Engine,
) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001", name="王小明")
    seed_level1_evidence(engine, eid)
    first = _apply(engine, eid)
    for action in ("qualify", "advance", "advance"):
        _act(engine, first, action, Role.HR)
    _act(engine, first, "pass", Role.APPROVER)
    with session_scope(engine) as s:
        # level 1 -> 2 needs 800 points by default; make it need none for this test
        data = DEFAULT_POLICY.to_json()
        data["points_needed"] = {str(k): 0 for k in range(1, 6)}
        save_policy(s, data, actor="admin", now=NOW)
        later = NOW + timedelta(days=30)
        add_trial(s, eid, 2, at=later)
        add_case_pass(s, eid, 2, at=later)
        pass_courses(s, eid)  # a new round: the courses are taken again
    second = _apply(engine, eid, 2)
    with session_scope(engine) as s:
        for action, role in (("qualify", Role.HR), ("advance", Role.HR), ("advance", Role.HR)):
            act(s, second, action=action, note="", actor="hr", role=role, now=later)
        act(s, second, action="pass", note="", actor="boss", role=Role.APPROVER, now=later)
    with session_scope(engine) as s:
        old, new = s.exec(select(Certificate).order_by(Certificate.id)).all()
        assert (old.status, old.superseded_by_id, new.status) == ("superseded", new.id, "valid")
        seen = verify(s, old.number)
        assert seen is not None and seen.superseded_by == new.number
        assert seen.masked_name == "王*明"
        with pytest.raises(RecordError, match="reason"):
            revoke(s, new.number, reason=" ", actor="hr", now=later)
        revoke(s, new.number, reason="obtained by fraud", actor="hr", now=later)
    with session_scope(engine) as s:
        cert = by_number(s, new.number)
        assert cert is not None and cert.status == "revoked"
        assert cert.revoked_reason == "obtained by fraud"
        with pytest.raises(RecordError, match="already revoked"):
            revoke(s, new.number, reason="again", actor="hr", now=later)
        assert verify(s, "ZS-2026-999999") is None
        kinds = [e.kind for e in s.exec(select(OutboxEvent)).all()]
        assert kinds.count("certificate.revoked") == 1


def test_names_are_partly_masked() -> None:
    assert [mask_name(n) for n in ("张三丰", "张三", "张", "欧阳小明")] == [
        "张*丰",
        "张*",
        "张",
        "欧**明",
    ]
