"""The employees as HR sees them: record facts (hire date, track, probation), searching
and filtering, the export of the records, and the import of record facts.

Record facts are kept on ``Employee``; every change, by hand or by import, is
logged in ``record_fact_change`` with its before and after values.

An import of record facts reads the columns 工号 (required), 入职日期, 序列,
试用期 and 转正日期 (each optional; a blank cell leaves the value unchanged).
Every row is checked before anything is written: one unknown employee number or
bad value and nothing is imported, and every problem is listed with its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from examsrv.certification.policy import CertificationPolicy
from examsrv.certification.titles import title_for
from examsrv.i18n import gettext as _
from examsrv.persistence.models import Employee
from examsrv.persistence.record_io import RowError, TableColumn, read_table
from examsrv.persistence.record_tables import RecordFactChange

FACTS = ("hire_date", "track", "on_probation", "permanent_since")
FACT_COLUMNS = (
    TableColumn("employee_no", ("工号", "employee_no", "employee no", "employee id")),
    TableColumn("hire_date", ("入职日期", "hire_date", "hire date"), required=False),
    TableColumn("track", ("序列", "track"), required=False),
    TableColumn("on_probation", ("试用期", "on_probation", "probation"), required=False),
    TableColumn("permanent_since", ("转正日期", "permanent_since"), required=False),
)
YES = frozenset({"是", "yes", "y", "true", "1"})
NO = frozenset({"否", "no", "n", "false", "0"})


def set_record_facts(
    session: Session,
    employee: Employee,
    *,
    changes: dict[str, Any],
    actor: str,
    source: str,
    now: datetime,
) -> list[RecordFactChange]:
    """Set hire date, track, probation or permanent date, logging each real change.

    Ending a probation without a permanent date given sets it to today: the
    window in which a new permanent employee must reach level 1 starts then.
    """
    changes = dict(changes)
    if changes.get("on_probation") is False and employee.on_probation:
        changes.setdefault("permanent_since", now.date())
    logged: list[RecordFactChange] = []
    for fact in FACTS:
        if fact not in changes:
            continue
        before, after = getattr(employee, fact), changes[fact]
        if before == after:
            continue
        setattr(employee, fact, after)
        entry = RecordFactChange(
            employee_id=employee.id or 0,
            fact=fact,
            before=show_fact(before),
            after=show_fact(after),
            source=source,
            actor=actor,
            at=now,
        )
        session.add(entry)
        logged.append(entry)
    session.add(employee)
    session.flush()
    return logged


def show_fact(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fact_changes(session: Session, employee_id: int) -> list[RecordFactChange]:
    return list(
        session.exec(
            select(RecordFactChange)
            .where(RecordFactChange.employee_id == employee_id)
            .order_by(col(RecordFactChange.id).desc())
        ).all()
    )


@dataclass(frozen=True)
class EmployeeFilter:
    text: str = ""  # part of the employee number or name
    level: int | None = None
    track: str = ""
    probation: bool | None = None


def employees(session: Session, chosen: EmployeeFilter) -> list[Employee]:
    query = select(Employee)
    if chosen.text:
        like = f"%{chosen.text}%"
        query = query.where(col(Employee.employee_no).like(like) | col(Employee.name).like(like))
    if chosen.level is not None:
        query = query.where(Employee.current_level == chosen.level)
    if chosen.track:
        query = query.where(Employee.track == chosen.track)
    if chosen.probation is not None:
        query = query.where(Employee.on_probation == chosen.probation)
    return list(session.exec(query.order_by(col(Employee.employee_no))).all())


def tracks(session: Session, policy: CertificationPolicy) -> list[str]:
    """Every track in use or with courses of its own."""
    used = set(session.exec(select(Employee.track).distinct()).all())
    return sorted(used | set(policy.track_courses))


EXPORT_HEADERS = ("工号", "姓名", "序列", "级别", "称号", "入职日期", "试用期", "转正日期")


def export_rows(rows: list[Employee], policy: CertificationPolicy) -> list[list[object]]:
    return [
        [
            e.employee_no,
            e.name,
            e.track,
            e.current_level,
            title_for(e.current_level, policy.titles),
            show_fact(e.hire_date),
            "是" if e.on_probation else "否",
            show_fact(e.permanent_since),
        ]
        for e in rows
    ]


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        return None


def _row_changes(values: dict[str, str], problems: list[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for fact in ("hire_date", "permanent_since"):
        text = values.get(fact, "")
        if text:
            day = _parse_date(text)
            if day is None:
                problems.append(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": text})
            else:
                changes[fact] = day
    track = values.get("track", "")
    if track:
        if len(track) > 40:
            problems.append(_("the track is longer than 40 characters"))
        else:
            changes["track"] = track
    flag = values.get("on_probation", "").lower()
    if flag:
        if flag in YES:
            changes["on_probation"] = True
        elif flag in NO:
            changes["on_probation"] = False
        else:
            problems.append(_("probation must be 是 or 否, got %(value)s") % {"value": flag})
    return changes


@dataclass(frozen=True)
class FactsImport:
    employees: int  # employees whose record was read (0 when refused)
    changes: int  # facts that actually changed
    errors: tuple[RowError, ...]


def import_facts(
    session: Session, data: bytes, filename: str, *, actor: str, now: datetime
) -> FactsImport:
    """Import record facts from .xlsx or .csv; all rows or none (see the module doc)."""
    table = read_table(data, filename, FACT_COLUMNS)
    errors = list(table.errors)
    numbers = {r.values["employee_no"] for r in table.rows}
    known = {
        e.employee_no: e
        for e in session.exec(
            select(Employee).where(col(Employee.employee_no).in_(numbers or {""}))
        ).all()
    }
    planned: list[tuple[Employee, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for r in table.rows:
        number = r.values["employee_no"]
        problems: list[str] = []
        if number not in known:
            problems.append(_("unknown employee number %(no)s") % {"no": number or "—"})
        elif number in seen:
            problems.append(
                _("employee %(no)s is already on row %(row)s") % {"no": number, "row": seen[number]}
            )
        seen.setdefault(number, r.row)
        changes = _row_changes(r.values, problems)
        if problems:
            errors.append(RowError(r.row, "; ".join(problems)))
        else:
            planned.append((known[number], changes))
    if not errors and not planned:
        errors.append(RowError(0, _("The file has no rows to import.")))
    if errors:
        return FactsImport(0, 0, tuple(errors))
    changed = 0
    for employee, changes in planned:
        changed += len(
            set_record_facts(
                session, employee, changes=changes, actor=actor, source="import", now=now
            )
        )
    return FactsImport(len(planned), changed, ())
