"""Demo data for the certification record: hire dates and probation, the level history,
applications at every step of the procedure, course scores, issued certificates (one
superseded, one revoked) and a correction, so that every record page has something
to show.

It works on the demo's candidates 10001-10030 and its staff usernames; ``now`` and
``rng`` make it deterministic. Applications that passed are written as the procedure
would leave them (steps, promotion with evidence, certificate) without waiting for
the evidence the checklist asks of a live application.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import Session, select

from examsrv.certification.policy import COMMON_COURSES
from examsrv.persistence.models import AttemptStatus, Employee, LevelEvidence, TrialAttempt
from examsrv.persistence.record import change_level, history
from examsrv.persistence.record_applications import evidence_for
from examsrv.persistence.record_certificates import issue, revoke
from examsrv.persistence.record_courses import record_score
from examsrv.persistence.record_tables import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationStep,
    ChangeKind,
    LevelChange,
)

FIRST, LAST = 10001, 10030
HR, APPROVER = "hr", "approver"
# The procedure's steps up to each open status: (stage, outcome, status after).
PATH = (
    (ApplicationStatus.SUBMITTED, "qualify", ApplicationStatus.COURSES),
    (ApplicationStatus.COURSES, "advance", ApplicationStatus.TESTS),
    (ApplicationStatus.TESTS, "advance", ApplicationStatus.REVIEW),
)


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    people = {
        int(e.employee_no): e
        for e in session.exec(select(Employee)).all()
        if e.employee_no.isdigit() and FIRST <= int(e.employee_no) <= LAST
    }
    if not people or session.exec(select(Application)).first() is not None:
        return  # no demo candidates, or already loaded
    for number, employee in sorted(people.items()):
        _facts(session, employee, now, rng, probation=number in (10028, 10029, 10030))
    by_level = sorted(people.values(), key=lambda e: (e.current_level, e.employee_no))
    level0 = [e for e in by_level if e.current_level == 0 and not e.on_probation]
    level1 = [e for e in by_level if e.current_level == 1]
    open_steps = (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.COURSES,
        ApplicationStatus.TESTS,
        ApplicationStatus.REVIEW,
    )
    for employee, status in zip(level0, open_steps, strict=False):
        _open(session, employee, status, now - timedelta(days=rng.randint(3, 20)), rng)
    if len(level1) >= 2:
        twice, revoked = level1[0], level1[1]
        _passed(session, twice, now - timedelta(days=150))
        _passed(session, twice, now - timedelta(days=20))  # supersedes the first certificate
        certificate = _passed(session, revoked, now - timedelta(days=60))
        revoke(
            session,
            certificate,
            reason="申报材料中的通话录音并非本人所录，经人力资源部调查属实。",
            actor=HR,
            now=now - timedelta(days=10),
        )
        _correction(session, revoked, now - timedelta(days=9))


def _facts(
    session: Session, employee: Employee, now: datetime, rng: random.Random, *, probation: bool
) -> None:
    months = rng.randint(1, 2) if probation else rng.randint(4, 40)
    hired = now - timedelta(days=30 * months + rng.randint(0, 25))
    employee.hire_date = hired.date()
    employee.on_probation = probation
    employee.permanent_since = None if probation else (hired + timedelta(days=91)).date()
    session.add(employee)
    # The level each demo CSR was taken on the record with. Written directly: these
    # are the starting point, not news for HR's system.
    session.add(
        LevelChange(
            employee_id=employee.id or 0,
            from_level=employee.current_level,
            to_level=employee.current_level,
            kind=ChangeKind.INITIAL,
            reason="导入既有认证级别",
            evidence=[],
            actor=HR,
            at=hired,
        )
    )
    session.flush()


def _application(session: Session, employee: Employee, when: datetime) -> Application:
    application = Application(
        employee_id=employee.id or 0,
        open_employee_id=employee.id,
        from_level=employee.current_level,
        target_level=employee.current_level + 1,
        track=employee.track,
        status=ApplicationStatus.SUBMITTED,
        created_at=when,
        updated_at=when,
    )
    session.add(application)
    session.flush()
    _step(
        session, application, ApplicationStatus.SUBMITTED, "submitted", employee.employee_no, when
    )
    return application


def _step(
    session: Session, application: Application, stage: str, outcome: str, actor: str, at: datetime
) -> ApplicationStep:
    role = {"submitted": "candidate", "pass": "approver", "fail": "approver"}.get(outcome, "hr")
    note = "材料齐全，同意。" if outcome == "pass" else ""
    step = ApplicationStep(
        application_id=application.id or 0,
        stage=stage,
        outcome=outcome,
        to_status=application.status,
        note=note,
        actor=actor,
        role=role,
        at=at,
    )
    session.add(step)
    session.flush()
    return step


def _walk(session: Session, application: Application, until: str, when: datetime) -> datetime:
    for stage, outcome, after in PATH:
        if application.status == until:
            break
        when += timedelta(days=1)
        application.status = after
        application.updated_at = when
        session.add(application)
        _step(session, application, stage, outcome, HR, when)
    return when


def _open(
    session: Session, employee: Employee, status: str, when: datetime, rng: random.Random
) -> None:
    application = _application(session, employee, when)
    _walk(session, application, status, when)
    if status != ApplicationStatus.SUBMITTED:
        for course in COMMON_COURSES[: rng.randint(3, 6)]:
            for score in sorted(rng.sample(range(45, 96), 2)):
                record_score(
                    session,
                    employee_id=employee.id or 0,
                    course=course,
                    score=float(score),
                    actor=HR,
                    now=when,
                )
    assert application.status in OPEN_STATUSES


def _passed(session: Session, employee: Employee, when: datetime) -> str:
    """An application walked through every step and passed; the certificate's number."""
    target = employee.current_level + 1
    _tests(session, employee, target, when - timedelta(days=5))
    application = _application(session, employee, when - timedelta(days=4))
    moment = _walk(session, application, ApplicationStatus.REVIEW, when - timedelta(days=4))
    application.status = ApplicationStatus.PASSED
    application.open_employee_id = None
    application.updated_at = moment
    approval = _step(session, application, ApplicationStatus.REVIEW, "pass", APPROVER, moment)
    change = change_level(
        session,
        employee_id=employee.id or 0,
        to_level=target,
        kind="promotion",
        reason=f"申报 {application.id} 通过综合评审。",
        evidence=evidence_for(session, application, approval),
        actor=APPROVER,
        now=moment,
    )
    application.level_change_id = change.id
    session.add(application)
    return issue(session, application, actor=APPROVER, now=moment).number


def _tests(session: Session, employee: Employee, level: int, when: datetime) -> None:
    """A finished lookup trial reaching ``level`` and a passed case test of ``level``."""
    trial = TrialAttempt(
        employee_id=employee.id or 0,
        status=AttemptStatus.FINISHED,
        seed=level,
        form=[],
        policy={},
        started_at=when - timedelta(minutes=4),
        finished_at=when,
        result=_graded(level),
    )
    session.add(trial)
    session.flush()
    for kind, ref, summary in (
        ("lookup_trial", trial.id, "136.4s, 98/100"),
        ("case_test", None, "82.5%"),
    ):
        session.add(
            LevelEvidence(
                employee_id=employee.id or 0,
                kind=kind,
                attempt_id=ref,
                passed=True,
                level_reached=level,
                summary=summary,
                recorded_at=when,
            )
        )
    session.flush()


def _graded(level: int) -> dict[str, object]:
    """A whole grade (the shape ``grade_to_json`` writes): 98/100 in 136.4 s graded."""
    return {
        "answered": 100,
        "correct": 98,
        "accuracy": 0.98,
        "raw_ms": 126_600,
        "network_ms": 200,
        "lookup_ms": 126_400,
        "penalty_ms": 10_000,
        "graded_ms": 136_400,
        "band": {"levels": [level]},
        "band_label": str(level),
        "level_reached": level,
        "passed": True,
        "reason": "passed",
    }


def _correction(session: Session, employee: Employee, when: datetime) -> None:
    """The revoked promotion is corrected: the CSR goes back to the level before it."""
    promotion = [c for c in history(session, employee.id or 0) if c.kind == ChangeKind.PROMOTION][
        -1
    ]
    change_level(
        session,
        employee_id=employee.id or 0,
        to_level=promotion.from_level,
        kind="correction",
        reason="证书已撤销，晋级依据不成立，级别恢复。",
        evidence=[],
        actor=HR,
        now=when,
        corrects_id=promotion.id,
    )
