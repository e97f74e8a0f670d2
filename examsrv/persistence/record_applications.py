"""An application for the next level and its procedure, as a state machine.

::

    submitted --HR qualify--> courses --HR advance--> tests --HR advance--> review
        |                        |                      |                    |
        +--HR refuse--> refused  +-- candidate withdraw --> withdrawn      approver
                                                                          pass / fail
                                                                        passed | failed

- *submitted*: HR's qualification review against the basic conditions: pass, or
  refuse with a reason.
- *courses*: HR records course exam scores; the application moves on once every
  course of the level and track is passed (best score in the current round).
- *tests*: the skill and knowledge tests are taken from the record (a lookup trial
  and a released case test of the target level); it moves on once every
  condition of the promotion checklist is met.
- *review*: the approvers' overall review: pass or fail, with a note. A pass is
  refused while any condition of the checklist is missing; a pass appends the
  promotion to the level history with its evidence and issues the certificate.

Every move is an ``ApplicationStep`` (who, when, outcome, note). An employee has at
most one open application (the database refuses a second one).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from examsrv.certification.promotion import CheckItem, apply_error, checklist, missing
from examsrv.i18n import gettext as _
from examsrv.persistence.models import Employee, LevelEvidence, Role
from examsrv.persistence.record import (
    RecordError,
    best_course_results,
    certification_policy,
    change_level,
    facts_for,
    passed_evidence,
)
from examsrv.persistence.record_certificates import issue
from examsrv.persistence.record_tables import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Certificate,
)

S = ApplicationStatus
HR_ROLES = (Role.HR, Role.ADMIN)
# (status, action) -> (new status, roles allowed, note required)
MOVES: dict[tuple[str, str], tuple[ApplicationStatus, tuple[Role, ...], bool]] = {
    (S.SUBMITTED, "qualify"): (S.COURSES, HR_ROLES, False),
    (S.SUBMITTED, "refuse"): (S.REFUSED, HR_ROLES, True),
    (S.COURSES, "advance"): (S.TESTS, HR_ROLES, False),
    (S.TESTS, "advance"): (S.REVIEW, HR_ROLES, False),
    (S.REVIEW, "pass"): (S.PASSED, (Role.APPROVER,), False),
    (S.REVIEW, "fail"): (S.FAILED, (Role.APPROVER,), True),
}
WITHDRAWABLE = (S.SUBMITTED, S.COURSES, S.TESTS)


def status_labels() -> dict[str, str]:
    """Each status of an application as people read it, in the interface language."""
    return {
        S.SUBMITTED: _("Qualification review"),
        S.COURSES: _("Course exams"),
        S.TESTS: _("Skill and knowledge tests"),
        S.REVIEW: _("Overall review"),
        S.PASSED: _("Passed"),
        S.FAILED: _("Failed"),
        S.REFUSED: _("Refused"),
        S.WITHDRAWN: _("Withdrawn"),
    }


def status_label(status: str) -> str:
    return status_labels().get(status, status)


def open_application(session: Session, employee_id: int) -> Application | None:
    return session.exec(
        select(Application).where(Application.open_employee_id == employee_id)
    ).first()


def apply(
    session: Session,
    *,
    employee_id: int,
    target_level: int,
    track: str,
    actor: str,
    now: datetime,
) -> Application:
    """Open an application for ``target_level`` in ``track`` (any track; one level up)."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise RecordError(_("No such employee."))
    refusal = apply_error(employee.current_level, target_level)
    if refusal is not None:
        raise RecordError(refusal)
    track = track.strip()
    if not track or len(track) > 40:
        raise RecordError(_("Choose the track you apply in."))
    if open_application(session, employee_id) is not None:
        raise RecordError(_("You already have an open application; it must be closed first."))
    application = Application(
        employee_id=employee_id,
        open_employee_id=employee_id,
        from_level=employee.current_level,
        target_level=target_level,
        track=track,
        status=S.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError:
        raise RecordError(
            _("You already have an open application; it must be closed first.")
        ) from None
    _step(session, application, S.SUBMITTED, "submitted", "", actor, Role.CANDIDATE, now)
    return application


def _step(
    session: Session,
    application: Application,
    stage: str,
    outcome: str,
    note: str,
    actor: str,
    role: str,
    now: datetime,
) -> ApplicationStep:
    step = ApplicationStep(
        application_id=application.id or 0,
        stage=stage,
        outcome=outcome,
        to_status=application.status,
        note=note[:1000],
        actor=actor,
        role=str(role),
        at=now,
    )
    session.add(step)
    session.flush()
    return step


def application_checklist(
    session: Session, application: Application, *, today: date
) -> list[CheckItem]:
    """The promotion checklist of the application's target level, in its track."""
    facts = replace(
        facts_for(session, application.employee_id, today=today), track=application.track
    )
    return checklist(facts, application.target_level, certification_policy(session), today)


def course_items(items: list[CheckItem]) -> list[CheckItem]:
    return [i for i in items if i.key.startswith("course:")]


def act(
    session: Session,
    application_id: int,
    *,
    action: str,
    note: str,
    actor: str,
    role: Role,
    now: datetime,
) -> Application:
    """Take one step of the procedure (see the module doc); raises ``RecordError``."""
    application = session.get(Application, application_id, with_for_update=True)
    if application is None:
        raise RecordError(_("No such application."))
    note = note.strip()
    if action == "withdraw":
        return _withdraw(session, application, actor, role, now)
    move = MOVES.get((application.status, action))
    if move is None:
        raise RecordError(
            _("This step cannot be taken while the application is at the step: %(status)s.")
            % {"status": status_label(application.status)}
        )
    new_status, roles, note_needed = move
    if role not in roles:
        raise RecordError(_("Your role may not take this step."))
    if note_needed and not note:
        raise RecordError(_("Give the reason in the note."))
    items = application_checklist(session, application, today=now.date())
    gaps = missing(items)
    if application.status == S.COURSES and action == "advance":
        open_courses = course_items(gaps)
        if open_courses:
            raise RecordError(
                _("Not every course is passed yet: %(courses)s.")
                % {"courses": "; ".join(i.label for i in open_courses)}
            )
    if action in ("advance", "pass") and application.status in (S.TESTS, S.REVIEW) and gaps:
        raise RecordError(
            _(
                "Promoting without the evidence the rules require is refused. Still missing: "
                "%(items)s."
            )
            % {"items": "; ".join(f"{i.label} ({i.detail})" if i.detail else i.label for i in gaps)}
        )
    stage = application.status
    application.status = new_status
    application.updated_at = now
    if new_status not in OPEN_STATUSES:
        application.open_employee_id = None
    session.add(application)
    step = _step(session, application, stage, action, note, actor, role, now)
    if new_status == S.PASSED:
        _promote(session, application, step, actor, now)
    return application


def _withdraw(
    session: Session, application: Application, actor: str, role: Role, now: datetime
) -> Application:
    if role != Role.CANDIDATE:
        raise RecordError(_("Only the candidate may withdraw an application."))
    if application.status not in WITHDRAWABLE:
        raise RecordError(_("An application with the approvers, or closed, cannot be withdrawn."))
    stage = application.status
    application.status = S.WITHDRAWN
    application.open_employee_id = None
    application.updated_at = now
    session.add(application)
    _step(session, application, stage, "withdraw", "", actor, role, now)
    return application


def _promote(
    session: Session, application: Application, approval: ApplicationStep, actor: str, now: datetime
) -> None:
    employee = session.get(Employee, application.employee_id)
    assert employee is not None
    if employee.current_level != application.from_level:
        raise RecordError(
            _("The employee's level changed since the application (now %(level)s): fail it.")
            % {"level": employee.current_level}
        )
    change = change_level(
        session,
        employee_id=application.employee_id,
        to_level=application.target_level,
        kind="promotion",
        reason=_("Application %(id)s passed the overall review.") % {"id": application.id},
        evidence=evidence_for(session, application, approval),
        actor=actor,
        now=now,
    )
    application.level_change_id = change.id
    session.add(application)
    issue(session, application, actor=actor, now=now)


def evidence_for(
    session: Session, application: Application, approval: ApplicationStep
) -> list[dict[str, Any]]:
    """What a promotion rests on: the tests, the courses, the application and its approval."""
    found: list[dict[str, Any]] = []
    trials = passed_evidence(session, application.employee_id, "lookup_trial")
    lookup = max(trials, key=lambda e: (e.level_reached or 0, e.id or 0), default=None)
    if lookup is not None:
        found.append(_item("lookup_trial", lookup))
    cases = [
        e
        for e in passed_evidence(session, application.employee_id, "case_test")
        if e.level_reached == application.target_level
    ]
    case = _latest(cases)
    if case is not None:
        found.append(_item("case_test", case))
    for course, result in sorted(best_course_results(session, application.employee_id).items()):
        found.append({"kind": "course", "id": result.id, "summary": f"{course} {result.score:g}"})
    found.append(
        {
            "kind": "application",
            "id": application.id,
            "summary": f"{application.from_level} → {application.target_level}, "
            f"{application.track}",
        }
    )
    found.append({"kind": "approval", "id": approval.id, "summary": approval.actor})
    return found


def _latest(rows: list[LevelEvidence]) -> LevelEvidence | None:
    return rows[-1] if rows else None


def _item(kind: str, evidence: LevelEvidence) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": evidence.attempt_id,
        "summary": f"L{evidence.level_reached} {evidence.summary}".strip(),
    }


def steps_of(session: Session, application_id: int) -> list[ApplicationStep]:
    return list(
        session.exec(
            select(ApplicationStep)
            .where(ApplicationStep.application_id == application_id)
            .order_by(col(ApplicationStep.id))
        ).all()
    )


def applications_of(session: Session, employee_id: int) -> list[Application]:
    return list(
        session.exec(
            select(Application)
            .where(Application.employee_id == employee_id)
            .order_by(col(Application.id).desc())
        ).all()
    )


def queue(session: Session, statuses: tuple[str, ...]) -> list[tuple[Application, Employee]]:
    rows = session.exec(
        select(Application, Employee)
        .join(Employee, col(Application.employee_id) == col(Employee.id))
        .where(col(Application.status).in_(statuses))
        .order_by(col(Application.updated_at))
    ).all()
    return [(a, e) for a, e in rows]


def certificate_for(session: Session, application_id: int) -> Certificate | None:
    return session.exec(
        select(Certificate).where(Certificate.application_id == application_id)
    ).first()
