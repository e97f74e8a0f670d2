"""Retention from the record: the state at 11 and 12 months, make-ups, demotion by HR."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from examsrv.persistence.engine import session_scope
from examsrv.persistence.ledger import LedgerError, add_points
from examsrv.persistence.ledger_retention import demote, retention_rows, row_for
from examsrv.persistence.models import Employee
from examsrv.persistence.record import certification_policy, history
from tests.persistence.test_ledger import employee, english, promote, trial

__all__ = ["english"]
PROMOTED = datetime(2025, 3, 2, 10, tzinfo=UTC)  # window: 2026-02-02 to 2026-03-02
WRONG = ["乙"] * 5


def _csr(s: Session, *, points: int = 200) -> Employee:
    csr = employee(s, "10001", level=0)
    promote(s, csr.id or 0, PROMOTED)
    if points:
        add_points(
            s,
            employee_id=csr.id or 0,
            source="suggestion",
            amount=points,
            reason="",
            source_ref="",
            entered_by="hr",
            role="hr",
            now=datetime(2025, 6, 1, tzinfo=UTC),
        )
    return csr


def _state(s: Session, csr: Employee, today: date) -> str:
    return row_for(s, csr, today=today, policy=certification_policy(s)).state


def test_due_from_11_months_overdue_after_12(engine: Engine) -> None:
    with session_scope(engine) as s:
        csr = _csr(s)
        assert _state(s, csr, date(2026, 2, 1)) == "not_due"
        assert _state(s, csr, date(2026, 2, 2)) == "due"
        assert _state(s, csr, date(2026, 3, 2)) == "due"
        assert _state(s, csr, date(2026, 3, 3)) == "overdue"
        trial(s, csr.id or 0, at=datetime(2026, 1, 20, tzinfo=UTC))  # too early: not counted
        assert _state(s, csr, date(2026, 2, 2)) == "due"


def test_a_failed_retest_puts_at_risk_and_a_failed_make_up_demotes(engine: Engine) -> None:
    with session_scope(engine) as s:
        csr = _csr(s)
        trial(s, csr.id or 0, at=datetime(2026, 2, 5, tzinfo=UTC), given=WRONG)
        row = row_for(s, csr, today=date(2026, 2, 6), policy=certification_policy(s))
        assert row.state == "at_risk" and row.status is not None
        assert not row.status.makeup_used
        with pytest.raises(LedgerError, match="cannot be demoted"):
            demote(s, csr.id or 0, actor="hr", today=date(2026, 2, 6), now=PROMOTED)
        trial(s, csr.id or 0, at=datetime(2026, 2, 10, tzinfo=UTC), given=WRONG)
        row = row_for(s, csr, today=date(2026, 2, 11), policy=certification_policy(s))
        assert row.state == "demote" and row.status is not None and row.status.makeup_used
        change = demote(
            s,
            csr.id or 0,
            actor="hr",
            today=date(2026, 2, 11),
            now=datetime(2026, 2, 11, 9, tzinfo=UTC),
        )
        assert (change.kind, change.from_level, change.to_level) == ("demotion", 1, 0)
        assert "make-up" in change.reason
        with pytest.raises(LedgerError, match="cannot be demoted"):  # not twice
            demote(s, csr.id or 0, actor="hr", today=date(2026, 2, 11), now=PROMOTED)
        assert [c.kind for c in history(s, csr.id or 0)] == ["promotion", "demotion"]


def test_points_short_at_the_end_of_the_window_demote(engine: Engine) -> None:
    with session_scope(engine) as s:
        csr = _csr(s, points=150)
        assert _state(s, csr, date(2026, 2, 2)) == "at_risk"  # short, window still open
        assert _state(s, csr, date(2026, 3, 3)) == "demote"


def test_a_level_0_employee_is_judged_by_probation(engine: Engine) -> None:
    with session_scope(engine) as s:
        employee(s, "10009", level=0, on_probation=False, permanent_since=date(2025, 11, 30))
        rows = {r.employee.employee_no: r for r in retention_rows(s, today=date(2026, 2, 28))}
        assert rows["10009"].state == "within_window"
        rows = {r.employee.employee_no: r for r in retention_rows(s, today=date(2026, 3, 1))}
        assert rows["10009"].state == "standby"
