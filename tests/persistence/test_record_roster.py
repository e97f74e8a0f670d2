"""Record facts: changes are logged, searching and exporting the records, and the import
of record facts that refuses unknown employees and then imports nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import select

from examsrv.certification.policy import DEFAULT_POLICY
from examsrv.i18n import use_locale
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee
from examsrv.persistence.record_io import write_csv, write_xlsx
from examsrv.persistence.record_roster import (
    EXPORT_HEADERS,
    EmployeeFilter,
    employees,
    export_rows,
    fact_changes,
    import_facts,
    set_record_facts,
)
from examsrv.persistence.record_tables import RecordFactChange
from tests.record_fixtures import NOW, add_candidate


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are English message ids; compare them untranslated."""
    with use_locale("en"):
        yield


def test_changing_facts_logs_each_change_and_ending_probation_dates_it(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
        employee = s.get(Employee, eid)
        assert employee is not None
        set_record_facts(
            s,
            employee,
            changes={"hire_date": date(2025, 9, 1), "on_probation": True},
            actor="hr",
            source="form",
            now=NOW,
        )
        set_record_facts(
            s,
            employee,
            changes={"hire_date": date(2025, 9, 1), "on_probation": False},
            actor="hr",
            source="form",
            now=NOW,
        )
    with session_scope(engine) as s:
        employee = s.get(Employee, eid)
        assert employee is not None and employee.permanent_since == NOW.date()
        logged = [(c.fact, c.before, c.after) for c in reversed(fact_changes(s, eid))]
    assert logged == [
        ("hire_date", "", "2025-09-01"),
        ("on_probation", "no", "yes"),
        ("on_probation", "yes", "no"),
        ("permanent_since", "", NOW.date().isoformat()),
    ]


def test_search_filters_and_exports(engine: Engine) -> None:
    with session_scope(engine) as s:
        add_candidate(s, "10001", name="张三", level=1)
        add_candidate(s, "10002", name="李四", level=2, track="营销")
        found = employees(s, EmployeeFilter(text="李"))
        assert [e.employee_no for e in found] == ["10002"]
        assert [e.employee_no for e in employees(s, EmployeeFilter(level=1))] == ["10001"]
        assert [e.employee_no for e in employees(s, EmployeeFilter(track="营销"))] == ["10002"]
        assert employees(s, EmployeeFilter(probation=True)) == []
        rows = export_rows(employees(s, EmployeeFilter()), DEFAULT_POLICY)
    assert rows[1][:5] == ["10002", "李四", "营销", 2, "教师"]
    sheet = load_workbook(io.BytesIO(write_xlsx("records", EXPORT_HEADERS, rows))).active
    assert [c.value for c in sheet[1]] == list(EXPORT_HEADERS)
    assert sheet["B3"].value == "李四"
    text = write_csv(EXPORT_HEADERS, rows).decode("utf-8-sig")
    assert text.splitlines()[2].startswith("10002,李四,营销,2,教师")


def test_a_formula_is_exported_as_text() -> None:
    text = write_csv(["name"], [["=HYPERLINK(1)"]]).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=HYPERLINK(1)"


def test_a_facts_import_with_an_unknown_employee_imports_nothing(engine: Engine) -> None:
    with session_scope(engine) as s:
        add_candidate(s, "10001")
    data = (
        "工号,入职日期,序列,试用期\n10001,2025-01-06,营销,否\n10009,2025-02-01,,是\n10001,,,maybe\n"
    )
    with session_scope(engine) as s:
        outcome = import_facts(s, data.encode(), "f.csv", actor="hr", now=NOW)
    assert outcome.employees == 0
    assert [(e.row, e.message) for e in outcome.errors] == [
        (3, "unknown employee number 10009"),
        (4, "employee 10001 is already on row 2; probation must be 是 or 否, got maybe"),
    ]
    with session_scope(engine) as s:
        employee = s.exec(select(Employee)).one()
        assert (employee.hire_date, employee.track) == (None, "呼入")
        assert s.exec(select(RecordFactChange)).all() == []


def test_a_clean_facts_import_changes_only_what_differs(engine: Engine) -> None:
    with session_scope(engine) as s:
        add_candidate(s, "10001")
        add_candidate(s, "10002", name="李四")
    data = "工号,入职日期,序列,试用期\n10001,2025/01/06,营销,否\n10002,,,是\n"
    with session_scope(engine) as s:
        outcome = import_facts(s, data.encode(), "f.csv", actor="hr", now=NOW)
    assert (outcome.employees, outcome.changes, outcome.errors) == (2, 3, ())
    with session_scope(engine) as s:
        first, second = s.exec(select(Employee).order_by(Employee.employee_no)).all()
        assert (first.hire_date, first.track, first.on_probation) == (
            date(2025, 1, 6),
            "营销",
            False,
        )
        assert second.on_probation is True
        assert {c.source for c in s.exec(select(RecordFactChange)).all()} == {"import"}
