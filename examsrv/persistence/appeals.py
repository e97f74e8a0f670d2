"""Appeals (申诉): a CSR appeals one of their own results, HR investigates and decides.

Every step is an ``appeal_step`` row; the appeal row carries the current status
and, once decided, the remedy and the answer the CSR reads. Which step may
follow which is the rule of ``certification.appeals.next_status``. An upheld
appeal may:

* ``regrade`` a lookup trial: its saved answers are checked again against the
  tasks' current answer keys and graded with the policy stored on the attempt;
  the new result is a new ``level_evidence`` entry, the old one stays as it was;
* grant a ``new_attempt`` (a ``retake_grant`` row) that the CSR can use once.

A decision is reported to HR through the outbox (``appeal.decided``) in the
same transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from examsrv.certification.appeals import (
    AppealError,
    AppealStatus,
    Remedy,
    next_status,
    reason_error,
)
from examsrv.i18n import gettext as _
from examsrv.itembank.answers import AnswerKey
from examsrv.persistence.case_tables import CaseAttempt
from examsrv.persistence.case_tests import CaseTestError, start_case_test
from examsrv.persistence.knowledge import task_spec
from examsrv.persistence.ledger import aware
from examsrv.persistence.ledger_tables import Appeal, AppealStep, RetakeGrant
from examsrv.persistence.models import AttemptStatus, Employee, LevelEvidence, TrialAttempt
from examsrv.persistence.outbox import enqueue
from examsrv.persistence.record_tables import Application, LevelChange
from examsrv.persistence.trials import (
    answers_of,
    in_progress_attempt,
    policy_from_snapshot,
    record_event,
    start_attempt,
    tasks_by_id,
)
from examsrv.timing.trial_grading import TaskTiming, TrialGrade, grade_trial

SUBJECT_KINDS = ("trial", "case_test", "application", "level_change")
MAX_TEXT = 2000


class AppealRefused(ValueError):
    """A step on an appeal that is refused; the message is for people."""


@dataclass(frozen=True)
class Subject:
    """The result an appeal is about, as the CSR and HR see it."""

    kind: str
    id: int
    employee_id: int
    at: datetime
    summary: str


def subject_of(session: Session, kind: str, subject_id: int) -> Subject | None:
    """The result ``kind``/``subject_id`` if it exists and has a result to appeal."""
    if kind == "trial":
        trial = session.get(TrialAttempt, subject_id)
        if (
            trial is None
            or trial.result is None
            or trial.finished_at is None
            or trial.status == AttemptStatus.VOIDED
        ):
            return None
        level = trial.result.get("level_reached")
        graded = int(trial.result.get("graded_ms", 0)) / 1000
        return Subject(
            kind,
            subject_id,
            trial.employee_id,
            aware(trial.finished_at),
            f"{graded:.1f}s → {level if level is not None else '—'}",
        )
    if kind == "case_test":
        case = session.get(CaseAttempt, subject_id)
        if case is None or not case.released or case.submitted_at is None:
            return None
        return Subject(
            kind, subject_id, case.employee_id, aware(case.submitted_at), f"L{case.level}"
        )
    if kind == "application":
        app = session.get(Application, subject_id)
        if app is None or app.status not in ("passed", "failed", "refused"):
            return None
        return Subject(
            kind,
            subject_id,
            app.employee_id,
            aware(app.updated_at),
            f"L{app.from_level} → L{app.target_level}: {app.status}",
        )
    if kind == "level_change":
        change = session.get(LevelChange, subject_id)
        if change is None:
            return None
        return Subject(
            kind,
            subject_id,
            change.employee_id,
            aware(change.at),
            f"{change.kind}: L{change.from_level} → L{change.to_level}",
        )
    return None


def appealable(session: Session, employee_id: int) -> list[Subject]:
    """The employee's results that can be appealed, newest first."""
    found: list[Subject] = []
    trials = session.exec(
        select(TrialAttempt.id)
        .where(TrialAttempt.employee_id == employee_id)
        .where(col(TrialAttempt.status).in_([AttemptStatus.FINISHED, AttemptStatus.EXPIRED]))
    ).all()
    cases = session.exec(
        select(CaseAttempt.id)
        .where(CaseAttempt.employee_id == employee_id)
        .where(CaseAttempt.released == True)  # noqa: E712
    ).all()
    apps = session.exec(select(Application.id).where(Application.employee_id == employee_id)).all()
    changes = session.exec(
        select(LevelChange.id).where(LevelChange.employee_id == employee_id)
    ).all()
    for kind, ids in (
        ("trial", trials),
        ("case_test", cases),
        ("application", apps),
        ("level_change", changes),
    ):
        for subject_id in ids:
            subject = subject_of(session, kind, int(subject_id or 0))
            if subject is not None:
                found.append(subject)
    return sorted(found, key=lambda s: s.at, reverse=True)


def _step(
    session: Session, appeal: Appeal, action: str, before: str, note: str, actor: str, now: datetime
) -> None:
    session.add(
        AppealStep(
            appeal_id=appeal.id or 0,
            action=action,
            from_status=before,
            to_status=appeal.status,
            note=note,
            actor=actor,
            at=now,
        )
    )


def file_appeal(
    session: Session,
    *,
    employee_id: int,
    subject_kind: str,
    subject_id: int,
    reason: str,
    actor: str,
    now: datetime,
) -> Appeal:
    """A CSR's appeal against one of their own results, with a reason."""
    reason = reason.strip()
    if subject_kind not in SUBJECT_KINDS:
        raise AppealRefused(_("Choose the result you appeal."))
    subject = subject_of(session, subject_kind, subject_id)
    if subject is None:
        raise AppealRefused(_("There is no such result to appeal."))
    if subject.employee_id != employee_id:
        raise AppealRefused(_("You can only appeal your own results."))
    problem = reason_error(reason)
    if problem is not None:
        raise AppealRefused(problem)
    key = f"{subject_kind}:{subject_id}"
    if session.exec(select(Appeal.id).where(Appeal.open_key == key)).first() is not None:
        raise AppealRefused(_("This result already has an open appeal."))
    appeal = Appeal(
        employee_id=employee_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        reason=reason,
        status=AppealStatus.SUBMITTED.value,
        filed_by=actor,
        filed_at=now,
        open_key=key,
    )
    try:
        with session.begin_nested():
            session.add(appeal)
            session.flush()
    except IntegrityError:
        raise AppealRefused(_("This result already has an open appeal.")) from None
    _step(session, appeal, "file", "", reason, actor, now)
    return appeal


def _load(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id, with_for_update=True)
    if appeal is None:
        raise AppealRefused(_("No such appeal."))
    return appeal


def _next(appeal: Appeal, action: str) -> str:
    try:
        return next_status(AppealStatus(appeal.status), action).value
    except AppealError as exc:
        raise AppealRefused(str(exc)) from None


def investigate(
    session: Session, appeal_id: int, *, note: str, actor: str, now: datetime
) -> Appeal:
    """HR starts investigating a submitted appeal."""
    appeal = _load(session, appeal_id)
    before, appeal.status = appeal.status, _next(appeal, "investigate")
    session.add(appeal)
    _step(session, appeal, "investigate", before, note.strip()[:MAX_TEXT], actor, now)
    return appeal


def _check_remedy(appeal: Appeal, upheld: bool, remedy: str) -> Remedy:
    try:
        chosen = Remedy(remedy or "none")
    except ValueError:
        raise AppealRefused(_("Unknown remedy.")) from None
    if not upheld and chosen != Remedy.NONE:
        raise AppealRefused(_("A rejected appeal has no remedy."))
    if chosen == Remedy.REGRADE and appeal.subject_kind != "trial":
        raise AppealRefused(_("Only a lookup trial can be regraded."))
    if chosen == Remedy.NEW_ATTEMPT and appeal.subject_kind not in ("trial", "case_test"):
        raise AppealRefused(
            _("A new attempt can only be granted for a lookup trial or a case test.")
        )
    return chosen


def decide(
    session: Session,
    appeal_id: int,
    *,
    upheld: bool,
    remedy: str,
    decision: str,
    actor: str,
    now: datetime,
) -> Appeal:
    """HR's answer: upheld (with a remedy) or rejected; the CSR sees ``decision``.

    Everything is checked before anything changes, so a refused decision leaves
    the appeal as it was.
    """
    decision = decision.strip()
    appeal = _load(session, appeal_id)
    after = _next(appeal, "uphold" if upheld else "reject")
    chosen = _check_remedy(appeal, upheld, remedy)
    if not decision:
        raise AppealRefused(_("Write the answer the CSR will read."))
    if len(decision) > MAX_TEXT:
        raise AppealRefused(
            _("The answer is too long (at most %(n)s characters).") % {"n": MAX_TEXT}
        )
    before = appeal.status
    appeal.status = after
    appeal.remedy = chosen.value
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = now
    appeal.open_key = None
    session.add(appeal)
    session.flush()
    if chosen == Remedy.REGRADE:
        evidence = regrade_trial(session, appeal.subject_id, appeal_id=appeal.id or 0, now=now)
        appeal.regrade_evidence_id = evidence.id
    elif chosen == Remedy.NEW_ATTEMPT:
        level = None
        if appeal.subject_kind == "case_test":
            case = session.get(CaseAttempt, appeal.subject_id)
            level = None if case is None else case.level
        session.add(
            RetakeGrant(
                appeal_id=appeal.id or 0,
                employee_id=appeal.employee_id,
                kind=appeal.subject_kind,
                level=level,
                granted_at=now,
            )
        )
    _step(session, appeal, "decide", before, decision, actor, now)
    _report(session, appeal, now)
    return appeal


def _report(session: Session, appeal: Appeal, now: datetime) -> None:
    employee = session.get(Employee, appeal.employee_id)
    assert employee is not None
    payload: dict[str, Any] = {
        "appeal_id": appeal.id,
        "employee_no": employee.employee_no,
        "name": employee.name,
        "subject_kind": appeal.subject_kind,
        "subject_id": appeal.subject_id,
        "status": appeal.status,
        "remedy": appeal.remedy,
        "decision": appeal.decision,
        "regrade_evidence_id": appeal.regrade_evidence_id,
        "decided_by": appeal.decided_by,
        "at": now.isoformat(),
    }
    enqueue(session, kind="appeal.decided", subject=employee.employee_no, payload=payload, now=now)


def regrade(session: Session, attempt: TrialAttempt) -> TrialGrade:
    """The trial graded again from its saved answers, checked against the tasks' current
    answer keys, under the policy stored on the attempt."""
    answers = answers_of(session, attempt.id or 0)
    tasks = tasks_by_id(session, [a.task_id for a in answers])
    timings = []
    for a in answers:
        correct = a.correct
        task = tasks.get(a.task_id)
        if task is not None:
            try:
                correct = AnswerKey.from_spec(task_spec(task, "")).accepts(a.given)
            except ValueError:
                correct = a.correct  # the task cannot be graded now: keep the saved verdict
        timings.append(TaskTiming(a.seq, a.raw_ms, a.network_ms, correct))
    return grade_trial(timings, policy_from_snapshot(attempt.policy))


def regrade_trial(
    session: Session, attempt_id: int, *, appeal_id: int, now: datetime
) -> LevelEvidence:
    """Record a regrade of a trial as a new evidence entry; the old entry is not touched."""
    attempt = session.get(TrialAttempt, attempt_id)
    if attempt is None or attempt.result is None:
        raise AppealRefused(_("There is no such result to appeal."))
    grade = regrade(session, attempt)
    evidence = LevelEvidence(
        employee_id=attempt.employee_id,
        kind="lookup_trial",
        attempt_id=attempt_id,
        passed=grade.passed,
        level_reached=grade.level_reached,
        summary=(
            f"regraded (appeal #{appeal_id}): {grade.graded_ms / 1000:.1f}s, "
            f"{grade.correct}/{grade.answered}"
        )[:200],
        recorded_at=now,
    )
    session.add(evidence)
    session.flush()
    record_event(
        session,
        kind="trial_regraded",
        now=now,
        attempt_id=attempt_id,
        detail={"appeal": appeal_id, "evidence": evidence.id, "grade": grade.reason},
    )
    return evidence


def use_grant(
    session: Session,
    grant_id: int,
    *,
    employee_id: int,
    now: datetime,
    seed_source: random.Random,
    task_count: int,
    recent_attempts: int,
) -> RetakeGrant:
    """Start the new attempt a grant allows; refused if the grant is not theirs or used."""
    grant = session.get(RetakeGrant, grant_id)
    if grant is None or grant.employee_id != employee_id:
        raise AppealRefused(_("There is no such new attempt for you."))
    if grant.used_at is not None:
        raise AppealRefused(_("This new attempt has already been used."))
    if grant.kind == "trial":
        if in_progress_attempt(session, employee_id) is not None:
            raise AppealRefused(_("Finish the trial you have started first."))
        attempt_id = start_attempt(
            session,
            employee_id,
            task_count=task_count,
            recent_attempts=recent_attempts,
            now=now,
            seed_source=seed_source,
        ).id
    else:
        try:
            attempt_id = start_case_test(
                session, employee_id, grant.level or 0, now=now, seed_source=seed_source
            ).id
        except CaseTestError as exc:
            raise AppealRefused(str(exc)) from None
    claimed = session.execute(
        update(RetakeGrant)
        .where(col(RetakeGrant.id) == grant_id)
        .where(col(RetakeGrant.used_at).is_(None))
        .values(used_at=now, used_attempt_id=attempt_id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise AppealRefused(_("This new attempt has already been used."))
    session.refresh(grant)
    return grant


# -- reading -----------------------------------------------------------------


@dataclass(frozen=True)
class AppealView:
    """An appeal with what its pages show."""

    appeal: Appeal
    employee: Employee
    subject: Subject | None
    steps: list[AppealStep]
    grant: RetakeGrant | None
    regrade: LevelEvidence | None


def view(session: Session, appeal_id: int) -> AppealView | None:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        return None
    employee = session.get(Employee, appeal.employee_id)
    assert employee is not None
    steps = session.exec(
        select(AppealStep).where(AppealStep.appeal_id == appeal_id).order_by(col(AppealStep.id))
    ).all()
    grant = session.exec(select(RetakeGrant).where(RetakeGrant.appeal_id == appeal_id)).first()
    evidence = (
        None
        if appeal.regrade_evidence_id is None
        else session.get(LevelEvidence, appeal.regrade_evidence_id)
    )
    return AppealView(
        appeal,
        employee,
        subject_of(session, appeal.subject_kind, appeal.subject_id),
        list(steps),
        grant,
        evidence,
    )


def appeals_of(session: Session, employee_id: int) -> list[AppealView]:
    ids = session.exec(
        select(Appeal.id).where(Appeal.employee_id == employee_id).order_by(col(Appeal.id).desc())
    ).all()
    return [v for i in ids if (v := view(session, int(i or 0))) is not None]


def queue(session: Session, *, status: str = "") -> list[tuple[Appeal, Employee]]:
    """Appeals for HR, oldest open first; ``status`` filters by one status."""
    query = select(Appeal, Employee).join(Employee, col(Appeal.employee_id) == col(Employee.id))
    if status:
        query = query.where(Appeal.status == status)
    rows = session.exec(query.order_by(col(Appeal.id))).all()
    open_first = sorted(rows, key=lambda r: r[0].decided_at is not None)
    return [(a, e) for a, e in open_first]


def set_aside_attempts(session: Session, employee_id: int) -> set[tuple[str, int]]:
    """Results replaced by a new attempt an upheld appeal granted: (kind, attempt id)."""
    rows = session.exec(
        select(Appeal.subject_kind, Appeal.subject_id)
        .where(Appeal.employee_id == employee_id)
        .where(Appeal.status == AppealStatus.UPHELD.value)
        .where(Appeal.remedy == Remedy.NEW_ATTEMPT.value)
    ).all()
    return {(kind, int(sid)) for kind, sid in rows}
