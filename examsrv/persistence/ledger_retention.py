"""Retention (保级) from the record: who is due, overdue, at risk or to be demoted.

For each employee at level 1 or above, the retention year starts on the date of
the level change that gave the level now held (normally the last promotion, in
``level_change``). The retests counted are the lookup trials and case tests
recorded since then (``level_evidence``; for a trial regraded after an appeal
the newest entry counts, and a result an upheld appeal set aside for a new
attempt does not count). With the year's points and apprentices, the pure rule
``certification.retention.retention_status`` gives the state. A year whose
level was kept and whose window has closed rolls over to the next one.

Level-0 employees have nothing to keep; for them the probation rule applies
(``probation_status``: a probationer made permanent must reach level 1 within
three months or be put on standby).

``demote`` is the only write here: HR's action, refused unless the rules say
demote, recorded through ``record.change_level`` with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from examsrv.certification.policy import CertificationPolicy
from examsrv.certification.retention import (
    ProbationStatus,
    RetentionAttempt,
    RetentionState,
    RetentionStatus,
    next_year_start,
    probation_status,
    retention_status,
)
from examsrv.i18n import gettext as _
from examsrv.persistence.appeals import set_aside_attempts
from examsrv.persistence.case_tables import CaseAttempt
from examsrv.persistence.ledger import LedgerError, apprentices_promoted, aware, points_total
from examsrv.persistence.models import AttemptStatus, Employee, LevelEvidence, TrialAttempt
from examsrv.persistence.record import certification_policy, change_level
from examsrv.persistence.record_tables import LevelChange

MAX_YEARS = 50  # a guard on rolling kept years forward


@dataclass(frozen=True)
class RetentionRow:
    """One employee's standing: retention (level 1+) or probation (level 0)."""

    employee: Employee
    year_start: date | None
    status: RetentionStatus | None
    probation: ProbationStatus
    points: int
    apprentices: int

    @property
    def state(self) -> str:
        """The retention state, or the probation state for level 0."""
        if self.status is not None:
            return self.status.state.value
        return self.probation.value


def level_since(session: Session, employee: Employee) -> date | None:
    """The date of the newest level change that gave the level now held."""
    change = session.exec(
        select(LevelChange)
        .where(LevelChange.employee_id == employee.id)
        .where(LevelChange.to_level == employee.current_level)
        .order_by(col(LevelChange.id).desc())
    ).first()
    return None if change is None else aware(change.at).date()


def retests(session: Session, employee: Employee, since: date) -> list[RetentionAttempt]:
    """The lookup trials and case tests recorded on or after ``since`` as retests.

    A lookup trial counts as passed when it reached the level held; a case test
    passed at the level held or above counts as passed, failed at the level
    held as failed (a failed promotion test does not endanger the level).
    """
    employee_id = employee.id or 0
    rows = list(
        session.exec(
            select(LevelEvidence)
            .where(LevelEvidence.employee_id == employee_id)
            .where(col(LevelEvidence.kind).in_(["lookup_trial", "case_test"]))
            .order_by(col(LevelEvidence.id))
        ).all()
    )
    newest: dict[tuple[str, int | None], LevelEvidence] = {}
    for row in rows:  # a regrade is a newer entry for the same attempt: it replaces the old
        newest[(row.kind, row.attempt_id)] = row
    set_aside = set_aside_attempts(session, employee_id)
    voided = set(
        session.exec(
            select(TrialAttempt.id)
            .where(TrialAttempt.employee_id == employee_id)
            .where(TrialAttempt.status == AttemptStatus.VOIDED)
        ).all()
    )
    case_levels = dict(
        session.exec(
            select(CaseAttempt.id, CaseAttempt.level).where(CaseAttempt.employee_id == employee_id)
        ).all()
    )
    found: list[RetentionAttempt] = []
    level = employee.current_level
    for (kind, attempt_id), row in newest.items():
        first = _first_recorded(rows, kind, attempt_id)
        if first < since or attempt_id is None:
            continue
        if kind == "lookup_trial":
            if ("trial", attempt_id) in set_aside or attempt_id in voided:
                continue
            passed = row.passed and (row.level_reached or 0) >= level
            found.append(RetentionAttempt("lookup", first, passed))
        else:
            if ("case_test", attempt_id) in set_aside:
                continue
            tested = case_levels.get(attempt_id, 0)
            if row.passed and tested >= level:
                found.append(RetentionAttempt("skill", first, True))
            elif not row.passed and tested == level:
                found.append(RetentionAttempt("skill", first, False))
    return sorted(found, key=lambda a: a.on)


def _first_recorded(rows: list[LevelEvidence], kind: str, attempt_id: int | None) -> date:
    """The day the attempt was first recorded: a regrade keeps the attempt's own date."""
    for row in rows:
        if row.kind == kind and row.attempt_id == attempt_id:
            return aware(row.recorded_at).date()
    raise LookupError(attempt_id)


def row_for(
    session: Session, employee: Employee, *, today: date, policy: CertificationPolicy
) -> RetentionRow:
    """The employee's retention or probation standing on ``today``."""
    probation = probation_status(employee.permanent_since, employee.current_level, today, policy)
    start = level_since(session, employee) if employee.current_level >= 1 else None
    if start is None:
        return RetentionRow(employee, None, None, probation, 0, 0)
    attempts = retests(session, employee, start)
    mentored = apprentices_promoted(session, employee.id or 0)
    for _year in range(MAX_YEARS):
        status, points, apprentices = _year_status(
            session, employee, start, today, attempts, mentored, policy
        )
        if status.state != RetentionState.KEPT or today <= status.window_to:
            break
        start = next_year_start(start, policy)
    return RetentionRow(employee, start, status, probation, points, apprentices)


def _year_status(
    session: Session,
    employee: Employee,
    start: date,
    today: date,
    attempts: list[RetentionAttempt],
    mentored: list[tuple[int, int, date]],
    policy: CertificationPolicy,
) -> tuple[RetentionStatus, int, int]:
    year_end = next_year_start(start, policy)
    until = min(today, year_end) + timedelta(days=1)
    points = points_total(session, employee.id or 0, since=start, until=until)
    apprentices = sum(1 for _f, _t, on in mentored if start <= on <= year_end)
    status = retention_status(
        start,
        today,
        [a for a in attempts if a.on >= start],
        points,
        apprentices,
        policy,
        level=employee.current_level,
    )
    return status, points, apprentices


def retention_rows(session: Session, *, today: date) -> list[RetentionRow]:
    """Every employee's standing, by employee number."""
    policy = certification_policy(session)
    employees = session.exec(select(Employee).order_by(col(Employee.employee_no))).all()
    return [row_for(session, e, today=today, policy=policy) for e in employees]


def demote(
    session: Session, employee_id: int, *, actor: str, today: date, now: datetime
) -> LevelChange:
    """Demote one level because retention failed; refused unless the rules say demote."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise LedgerError(_("No such employee."))
    row = row_for(session, employee, today=today, policy=certification_policy(session))
    if row.status is None or row.status.state != RetentionState.DEMOTE:
        raise LedgerError(
            _(
                "%(name)s cannot be demoted: the retention rules do not say demote "
                "(current state: %(state)s)."
            )
            % {"name": employee.name, "state": _(STATE_LABELS.get(row.state, row.state))}
        )
    reasons = "; ".join(row.status.reasons)
    return change_level(
        session,
        employee_id=employee_id,
        to_level=employee.current_level - 1,
        kind="demotion",
        reason=_("Retention failed: %(reasons)s") % {"reasons": reasons},
        evidence=[
            {
                "kind": "retention",
                "id": None,
                "summary": f"{row.year_start} – {row.status.window_to}: {reasons}",
            },
            {"kind": "points", "id": None, "summary": f"{row.points} / {row.apprentices}"},
        ],
        actor=actor,
        now=now,
    )


STATE_LABELS: dict[str, str] = {
    "not_due": "Not due",
    "due": "Due",
    "at_risk": "At risk",
    "overdue": "Overdue",
    "kept": "Kept",
    "demote": "To demote",
    "ok": "No action",
    "within_window": "Must reach level 1",
    "standby": "Standby",
}
"""English message ids of the states, for pages and exports."""
