"""The certification record: an employee's level history, the certification policy, and
the facts the promotion rules are applied to.

The level history is append-only. ``change_level`` is the one way an employee's
level changes: it appends a ``LevelChange`` (with its reason, its evidence and
who made it), sets ``Employee.current_level`` and queues a ``level.changed``
event for HR in the same transaction. A wrong entry is never edited: a
correction is a new entry of kind ``correction`` naming the entry it corrects.

The procedure of an application lives in ``record_applications``, course scores
in ``record_courses``, certificates in ``record_certificates``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from examsrv.certification.policy import (
    DEFAULT_POLICY,
    CertificationPolicy,
    PolicyError,
    from_json,
)
from examsrv.certification.promotion import EmployeeFacts
from examsrv.certification.titles import MAX_LEVEL, MIN_LEVEL, title_for
from examsrv.hr_push.signing import iso_utc
from examsrv.i18n import gettext as _
from examsrv.persistence.ledger import apprentices_promoted, points_total
from examsrv.persistence.models import AttemptStatus, Employee, LevelEvidence, TrialAttempt
from examsrv.persistence.outbox import enqueue
from examsrv.persistence.record_tables import (
    CertificationPolicyRow,
    ChangeKind,
    CourseResult,
    LevelChange,
)

EVIDENCE_KINDS = frozenset(
    {"lookup_trial", "case_test", "course", "application", "approval", "retention", "points"}
)


ROUND_ZERO = date(1970, 1, 1)  # points "since the start" for an employee never promoted


class RecordError(ValueError):
    """A change to the record that is refused; the message is for people."""


def certification_policy(session: Session) -> CertificationPolicy:
    """The policy in force: the stored one, or ``DEFAULT_POLICY`` if none was saved."""
    row = session.get(CertificationPolicyRow, 1)
    if row is None:
        return DEFAULT_POLICY
    return from_json(row.data)


def save_policy(
    session: Session, data: object, *, actor: str, now: datetime
) -> CertificationPolicy:
    """Check ``data`` (raises ``PolicyError`` listing every problem) and store it."""
    policy = from_json(data)
    row = session.get(CertificationPolicyRow, 1)
    if row is None:
        row = CertificationPolicyRow(id=1, data={}, updated_at=now)
    row.data = policy.to_json()
    row.updated_at = now
    row.updated_by = actor
    session.add(row)
    session.flush()
    return policy


def policy_row(session: Session) -> CertificationPolicyRow | None:
    return session.get(CertificationPolicyRow, 1)


def _check_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    for item in evidence:
        kind = item.get("kind")
        if kind not in EVIDENCE_KINDS:
            raise RecordError(_("Unknown kind of evidence: %(kind)s.") % {"kind": kind})
        ref = item.get("id")
        clean.append(
            {
                "kind": kind,
                "id": ref if isinstance(ref, int) and not isinstance(ref, bool) else None,
                "summary": str(item.get("summary", ""))[:300],
            }
        )
    return clean


def change_level(
    session: Session,
    *,
    employee_id: int,
    to_level: int,
    kind: str,
    reason: str,
    evidence: list[dict[str, Any]],
    actor: str,
    now: datetime,
    corrects_id: int | None = None,
) -> LevelChange:
    """Append a level change, set the employee's level, and queue ``level.changed``.

    A promotion goes up exactly one level, a demotion down exactly one; an initial
    entry only starts an empty history; a correction names an earlier entry of the
    same employee and needs a reason. Raises ``RecordError`` otherwise.
    """
    employee = session.get(Employee, employee_id, with_for_update=True)
    if employee is None:
        raise RecordError(_("No such employee."))
    try:
        change_kind = ChangeKind(kind)
    except ValueError:
        raise RecordError(_("Unknown kind of level change: %(kind)s.") % {"kind": kind}) from None
    if not MIN_LEVEL <= to_level <= MAX_LEVEL:
        raise RecordError(
            _("A level is from %(low)s to %(high)s.") % {"low": MIN_LEVEL, "high": MAX_LEVEL}
        )
    reason = reason.strip()
    from_level = employee.current_level
    _check_kind(session, change_kind, employee_id, from_level, to_level, reason, corrects_id)
    change = LevelChange(
        employee_id=employee_id,
        from_level=from_level,
        to_level=to_level,
        kind=change_kind.value,
        reason=reason[:500],
        evidence=_check_evidence(evidence),
        actor=actor,
        at=now,
        corrects_id=corrects_id,
    )
    session.add(change)
    employee.current_level = to_level
    session.add(employee)
    session.flush()
    policy = certification_policy(session)
    enqueue(
        session,
        kind="level.changed",
        subject=employee.employee_no,
        payload={
            "level_change_id": change.id,
            "employee_no": employee.employee_no,
            "name": employee.name,
            "track": employee.track,
            "kind": change.kind,
            "from_level": from_level,
            "to_level": to_level,
            "title": title_for(to_level, policy.titles),
            "reason": change.reason,
            "evidence": change.evidence,
            "corrects_id": corrects_id,
            "actor": actor,
            "at": iso_utc(now),
        },
        now=now,
    )
    return change


def _check_kind(
    session: Session,
    kind: ChangeKind,
    employee_id: int,
    from_level: int,
    to_level: int,
    reason: str,
    corrects_id: int | None,
) -> None:
    if kind == ChangeKind.CORRECTION:
        target = None if corrects_id is None else session.get(LevelChange, corrects_id)
        if target is None or target.employee_id != employee_id:
            raise RecordError(_("A correction must name an entry of this employee's history."))
        if not reason:
            raise RecordError(_("A correction needs a reason."))
        return
    if corrects_id is not None:
        raise RecordError(_("Only a correction may name an entry it corrects."))
    if kind == ChangeKind.PROMOTION and to_level != from_level + 1:
        raise RecordError(_("A promotion goes up exactly one level; levels cannot be skipped."))
    if kind == ChangeKind.DEMOTION and to_level != from_level - 1:
        raise RecordError(_("A demotion goes down exactly one level."))
    if kind == ChangeKind.INITIAL and history(session, employee_id):
        raise RecordError(_("An initial level can only start an empty history."))


def history(session: Session, employee_id: int) -> list[LevelChange]:
    """The employee's level changes, oldest first."""
    return list(
        session.exec(
            select(LevelChange)
            .where(LevelChange.employee_id == employee_id)
            .order_by(col(LevelChange.id))
        ).all()
    )


def promotions(session: Session, employee_id: int) -> list[LevelChange]:
    """The employee's promotions that no correction has answered, oldest first."""
    changes = history(session, employee_id)
    corrected = {c.corrects_id for c in changes if c.corrects_id is not None}
    return [c for c in changes if c.kind == ChangeKind.PROMOTION and c.id not in corrected]


def last_promotion(session: Session, employee_id: int) -> LevelChange | None:
    found = promotions(session, employee_id)
    return found[-1] if found else None


def current_round(session: Session, employee_id: int) -> int:
    """The employee's certification round: promotions in the history, plus one.

    A promotion answered by a correction does not count (see ``record_courses``).
    """
    return len(promotions(session, employee_id)) + 1


def best_course_results(session: Session, employee_id: int) -> dict[str, CourseResult]:
    """The result holding the best score per course in the current round (earliest on a tie)."""
    rows = session.exec(
        select(CourseResult)
        .where(CourseResult.employee_id == employee_id)
        .where(CourseResult.round == current_round(session, employee_id))
        .order_by(col(CourseResult.id))
    ).all()
    best: dict[str, CourseResult] = {}
    for row in rows:
        if row.course not in best or row.score > best[row.course].score:
            best[row.course] = row
    return best


def passed_evidence(session: Session, employee_id: int, kind: str) -> list[LevelEvidence]:
    """Passed results of ``kind`` (lookup_trial, case_test), oldest first, voided ones left out."""
    query = (
        select(LevelEvidence)
        .where(LevelEvidence.employee_id == employee_id)
        .where(LevelEvidence.kind == kind)
        .where(LevelEvidence.passed == True)  # noqa: E712  (SQL comparison)
        .where(col(LevelEvidence.level_reached).is_not(None))
        .order_by(col(LevelEvidence.id))
    )
    rows = list(session.exec(query).all())
    if kind == "lookup_trial":
        voided = set(
            session.exec(
                select(TrialAttempt.id)
                .where(TrialAttempt.employee_id == employee_id)
                .where(TrialAttempt.status == AttemptStatus.VOIDED)
            ).all()
        )
        rows = [r for r in rows if r.attempt_id not in voided]
    return rows


def facts_for(session: Session, employee_id: int, *, today: date) -> EmployeeFacts:
    """What the record knows about the employee, for the promotion rules."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise RecordError(_("No such employee."))
    promoted = last_promotion(session, employee_id)
    promoted_on = None if promoted is None else aware(promoted.at).date()
    return EmployeeFacts(
        current_level=employee.current_level,
        track=employee.track,
        on_probation=employee.on_probation,
        lookup_results=[
            (aware(e.recorded_at).date(), int(e.level_reached or 0))
            for e in passed_evidence(session, employee_id, "lookup_trial")
        ],
        case_passes=[
            (aware(e.recorded_at).date(), int(e.level_reached or 0))
            for e in passed_evidence(session, employee_id, "case_test")
        ],
        course_scores={c: r.score for c, r in best_course_results(session, employee_id).items()},
        points_total=points_total(session, employee_id, since=promoted_on or ROUND_ZERO),
        apprentices_promoted=apprentices_promoted(session, employee_id),
        last_promotion=promoted_on,
    )


def aware(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back without its zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


__all__ = [
    "PolicyError",
    "RecordError",
    "certification_policy",
    "change_level",
    "current_round",
    "facts_for",
    "history",
    "last_promotion",
    "save_policy",
]
