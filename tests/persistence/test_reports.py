"""Report numbers on a small fixture, and accepting a band re-calibration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import AuditEvent, GradingPolicyRow
from examsrv.persistence.reports import (
    ReportError,
    accept_calibration,
    calibration_preview,
    current_bands,
    graded_times,
    histogram,
    level_distribution,
    pass_rates_by_month,
    pass_rates_by_sitting,
    retention_due_by_month,
)
from examsrv.persistence.sitting_tables import Seat, Sitting
from tests.persistence.test_ledger import NOW, employee, english, promote, trial

__all__ = ["english"]


def test_levels_times_and_pass_rates(engine: Engine) -> None:
    with session_scope(engine) as s:
        a = employee(s, "10001", level=0).id or 0
        employee(s, "10002", level=2)
        employee(s, "10003", level=2)
        trial(s, a, at=datetime(2026, 1, 10, tzinfo=UTC), seconds_each=23.0)  # 115 s, passed
        trial(s, a, at=datetime(2026, 1, 20, tzinfo=UTC), seconds_each=29.0)  # 145 s, passed
        trial(s, a, at=datetime(2026, 2, 3, tzinfo=UTC), seconds_each=32.0)  # 160 s, too slow
        assert level_distribution(s).rows == [(0, 1), (1, 0), (2, 2), (3, 0), (4, 0), (5, 0)]
        times = graded_times(s)
        assert times == [115.0, 145.0, 160.0]
        bins = histogram(times, current_bands(s, now=NOW))
        counted = {(b.lo_s, b.hi_s): b.count for b in bins if b.count}
        assert counted == {(115.0, 120.0): 1, (145.0, 150.0): 1, (160.0, 165.0): 1}
        assert bins[0].lo_s <= 110 and bins[-1].hi_s >= 165  # every edge and time is covered
        assert pass_rates_by_month(s).rows == [
            ("lookup_trial", "2026-01", 2, 2, 100.0),
            ("lookup_trial", "2026-02", 1, 0, 0.0),
        ]
        assert graded_times(s, since=date(2026, 1, 15), until=date(2026, 1, 31)) == [145.0]


def test_retention_due_counts_windows_per_month(engine: Engine) -> None:
    with session_scope(engine) as s:
        for no, promoted in (
            ("10001", datetime(2025, 4, 10, tzinfo=UTC)),
            ("10002", datetime(2025, 4, 20, tzinfo=UTC)),
            ("10003", datetime(2025, 6, 1, tzinfo=UTC)),
        ):
            promote(s, employee(s, no).id or 0, promoted)
        rows = dict(retention_due_by_month(s, today=date(2026, 3, 1)).rows)
        assert next(iter(rows)) == "2026-03" and len(rows) == 12
        assert rows["2026-03"] == 2 and rows["2026-05"] == 1 and rows["2026-04"] == 0


def test_accepting_a_calibration_stores_the_proposal_and_who(engine: Engine) -> None:
    with session_scope(engine) as s:
        csr = employee(s, "10001").id or 0
        for i in range(40):  # 100 s to 139 s
            trial(s, csr, at=NOW - timedelta(days=1, minutes=i), seconds_each=20 + i / 5)
    since, until = date(2026, 2, 1), date(2026, 3, 2)
    with session_scope(engine) as s:
        proposal, times = calibration_preview(s, since=since, until=until, now=NOW)
        assert len(times) == 40 and proposal.proposed is not None
        expected = proposal.proposed.to_text()
        with pytest.raises(ReportError, match="changed since it was shown"):
            accept_calibration(
                s, since=since, until=until, expected="150 <= 1", actor="admin", now=NOW
            )
        accept_calibration(s, since=since, until=until, expected=expected, actor="admin", now=NOW)
    with session_scope(engine) as s:
        row = s.get(GradingPolicyRow, 1)
        assert row is not None and row.updated_by == "admin"
        assert row.bands == proposal.proposed.to_rows()
        event = s.exec(select(AuditEvent).where(AuditEvent.kind == "grading_calibrated")).one()
        assert event.actor == "admin" and event.detail["sample"] == 40


def test_pass_rates_per_sitting_count_seated_results_and_leave_voided_seats_out(
    engine: Engine,
) -> None:
    with session_scope(engine) as s:
        sitting = Sitting(
            name="3月查询测评A场", test="lookup", opens_at=NOW, closes_at=NOW, created_at=NOW
        )
        s.add(sitting)
        s.flush()
        for n, (seconds, voided) in enumerate(((23.0, False), (32.0, False), (23.0, True))):
            csr = employee(s, str(10001 + n)).id or 0
            attempt = trial(s, csr, at=NOW, seconds_each=seconds)
            s.add(
                Seat(
                    sitting_id=sitting.id or 0,
                    employee_id=csr,
                    code=f"C{n}",
                    attempt_kind="lookup",
                    attempt_id=attempt,
                    voided_at=NOW if voided else None,
                )
            )
        s.flush()
        assert pass_rates_by_sitting(s).rows == [
            ("3月查询测评A场", "lookup_trial", "2026-03-02", 2, 1, 50.0)
        ]
