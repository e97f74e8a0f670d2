"""Course exam scores, and their import from a spreadsheet.

**The certification round.** An employee's round is the number of promotions in
their history (not answered by a correction) plus one: a new hire works in
round 1, and each promotion starts the next round. Every score is stored with
the round it was recorded in; the best score per course *within the current
round* is the one that counts, so scores accumulate across sittings while an
employee works towards a level and are set aside, not deleted, when a promotion
starts the next round. A refused or failed application does not start a round:
its course passes still count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from examsrv.certification.policy import CertificationPolicy
from examsrv.i18n import gettext as _
from examsrv.persistence.models import Employee
from examsrv.persistence.record import (
    RecordError,
    best_course_results,
    certification_policy,
    current_round,
)
from examsrv.persistence.record_io import RowError, TableColumn, read_table
from examsrv.persistence.record_tables import CourseResult

COURSE_COLUMNS = (
    TableColumn("employee_no", ("工号", "employee_no", "employee no", "employee id")),
    TableColumn("course", ("课程", "course")),
    TableColumn("score", ("成绩", "分数", "score")),
)


def all_courses(policy: CertificationPolicy) -> tuple[str, ...]:
    """Every course of the policy: the common ones, then each track's."""
    seen = list(policy.common_courses)
    for courses in policy.track_courses.values():
        seen.extend(c for c in courses if c not in seen)
    return tuple(seen)


def parse_score(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value <= 100 else None


def record_score(
    session: Session,
    *,
    employee_id: int,
    course: str,
    score: float,
    actor: str,
    now: datetime,
    source: str = "form",
) -> CourseResult:
    """Record one course exam score in the employee's current round."""
    policy = certification_policy(session)
    if course not in all_courses(policy):
        raise RecordError(_("Unknown course: %(course)s.") % {"course": course})
    if not (math.isfinite(score) and 0 <= score <= 100):
        raise RecordError(_("A score is a number from 0 to 100."))
    if session.get(Employee, employee_id) is None:
        raise RecordError(_("No such employee."))
    result = CourseResult(
        employee_id=employee_id,
        course=course,
        score=score,
        round=current_round(session, employee_id),
        source=source,
        recorded_by=actor,
        at=now,
    )
    session.add(result)
    session.flush()
    return result


def best_scores(session: Session, employee_id: int) -> dict[str, float]:
    """The best score per course in the employee's current round."""
    return {course: row.score for course, row in best_course_results(session, employee_id).items()}


def results_of(session: Session, employee_id: int) -> list[CourseResult]:
    """Every score recorded for the employee, newest first."""
    return list(
        session.exec(
            select(CourseResult)
            .where(CourseResult.employee_id == employee_id)
            .order_by(col(CourseResult.id).desc())
        ).all()
    )


@dataclass(frozen=True)
class ScoreRow:
    row: int
    employee_id: int
    course: str
    score: float


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: every row imported, or none and every problem listed."""

    imported: int
    errors: tuple[RowError, ...]


def import_scores(
    session: Session, data: bytes, filename: str, *, actor: str, now: datetime
) -> ImportOutcome:
    """Import course scores from .xlsx or .csv (columns 工号, 课程, 成绩).

    Every row is checked first; if any row is wrong (unknown employee, unknown
    course, a score that is not 0-100) nothing is imported and every problem is
    returned with its row number.
    """
    table = read_table(data, filename, COURSE_COLUMNS)
    errors = list(table.errors)
    courses = all_courses(certification_policy(session))
    numbers = {r.values["employee_no"] for r in table.rows}
    known = _employee_ids(session, numbers)
    good: list[ScoreRow] = []
    for r in table.rows:
        number, course = r.values["employee_no"], r.values["course"]
        score = parse_score(r.values["score"])
        problems = []
        if number not in known:
            problems.append(_("unknown employee number %(no)s") % {"no": number or "—"})
        if course not in courses:
            problems.append(_("unknown course %(course)s") % {"course": course or "—"})
        if score is None:
            problems.append(
                _("the score %(score)s is not a number from 0 to 100")
                % {"score": r.values["score"]}
            )
        if problems:
            errors.append(RowError(r.row, "; ".join(problems)))
        elif score is not None:
            good.append(ScoreRow(r.row, known[number], course, score))
    if not errors and not good:
        errors.append(RowError(0, _("The file has no rows to import.")))
    if errors:
        return ImportOutcome(0, tuple(errors))
    for row in good:
        record_score(
            session,
            employee_id=row.employee_id,
            course=row.course,
            score=row.score,
            actor=actor,
            now=now,
            source="import",
        )
    return ImportOutcome(len(good), ())


def _employee_ids(session: Session, numbers: Sequence[str] | set[str]) -> dict[str, int]:
    if not numbers:
        return {}
    rows = session.exec(
        select(Employee.employee_no, Employee.id).where(col(Employee.employee_no).in_(numbers))
    ).all()
    return {no: eid for no, eid in rows if eid is not None}
