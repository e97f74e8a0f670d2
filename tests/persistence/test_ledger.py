"""The points ledger and mentoring: validation by role and range, corrections,
balances, and the automatic apprentice award (once per promotion, never twice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.certification.policy import DEFAULT_POLICY
from examsrv.i18n import use_locale
from examsrv.persistence.engine import session_scope
from examsrv.persistence.ledger import (
    LedgerError,
    add_points,
    apprentices_promoted,
    balances,
    end_mentorship,
    entries_of,
    points_total,
    register_mentorship,
    sync_apprentice_awards,
)
from examsrv.persistence.ledger_tables import PointsEntry
from examsrv.persistence.models import (
    Article,
    AttemptStatus,
    Employee,
    Task,
    TrialAnswer,
    TrialAttempt,
)
from examsrv.persistence.record import change_level
from examsrv.persistence.trials import finish_attempt
from examsrv.timing.level_bands import DEFAULT_BANDS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# -- fixtures shared by the ledger, appeals, retention and reports tests ---------


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English, whatever the catalogs hold, so tests can match them."""
    with use_locale("en"):
        yield


def employee(s: Session, no: str, level: int = 0, **facts: object) -> Employee:
    row = Employee(employee_no=no, name=f"CSR {no}", current_level=level, created_at=NOW)
    for key, value in facts.items():
        setattr(row, key, value)
    s.add(row)
    s.flush()
    return row


def promote(s: Session, employee_id: int, at: datetime, *, actor: str = "approver") -> int:
    employee_row = s.get(Employee, employee_id)
    assert employee_row is not None
    change = change_level(
        s,
        employee_id=employee_id,
        to_level=employee_row.current_level + 1,
        kind="promotion",
        reason="passed",
        evidence=[],
        actor=actor,
        now=at,
    )
    return change.id or 0


def tasks(s: Session, count: int = 5) -> list[int]:
    """``count`` lookup tasks whose answer is 甲 (made once per database)."""
    existing = s.exec(select(Task.id).order_by(Task.id)).all()
    if len(existing) >= count:
        return [int(t or 0) for t in existing[:count]]
    article = Article(key="A-1", category="套餐", title="t", body="b", updated_at=NOW)
    s.add(article)
    s.flush()
    made = []
    for i in range(count):
        task = Task(
            key=f"T-{i}",
            question=f"q{i}",
            answers=["甲"],
            article_id=article.id or 0,
            updated_at=NOW,
        )
        s.add(task)
        s.flush()
        made.append(task.id or 0)
    return made


def trial(
    s: Session,
    employee_id: int,
    *,
    at: datetime,
    seconds_each: float = 25.0,
    given: list[str] | None = None,
    correct: list[bool] | None = None,
) -> int:
    """A finished five-task trial: each task took ``seconds_each``; answers as given."""
    ids = tasks(s)
    given = given or ["甲"] * len(ids)
    correct = correct or [g == "甲" for g in given]
    attempt = TrialAttempt(
        employee_id=employee_id,
        seed=1,
        form=ids,
        policy={
            "bands": DEFAULT_BANDS.to_rows(),
            "wrong_penalty_s": 5.0,
            "min_accuracy": 0.8,
            "task_count": len(ids),
        },
        started_at=at - timedelta(minutes=5),
    )
    s.add(attempt)
    s.flush()
    for seq, (task_id, text, ok) in enumerate(zip(ids, given, correct, strict=True), start=1):
        s.add(
            TrialAnswer(
                attempt_id=attempt.id or 0,
                seq=seq,
                task_id=task_id,
                given=text,
                correct=ok,
                raw_ms=seconds_each * 1000,
                network_ms=0.0,
                received_at=at,
            )
        )
    s.flush()
    finish_attempt(s, attempt.id or 0, status=AttemptStatus.FINISHED, now=at)
    return attempt.id or 0


# -- points ----------------------------------------------------------------------


def test_points_default_to_the_sources_award_and_are_checked_by_role_and_range(
    engine: Engine,
) -> None:
    with session_scope(engine) as s:
        csr = employee(s, "10001").id or 0
        entry = add_points(
            s,
            employee_id=csr,
            source="new_case",
            amount=None,
            reason="case 12",
            source_ref="case:12",
            entered_by="hr",
            role="hr",
            now=NOW,
        )
        assert entry.amount == 20  # the default award for a new case
        add_points(
            s,
            employee_id=csr,
            source="suggestion",
            amount=200,
            reason="",
            source_ref="",
            entered_by="approver",
            role="approver",
            now=NOW,
        )
        with pytest.raises(LedgerError, match="from 30 to 200"):
            add_points(
                s,
                employee_id=csr,
                source="suggestion",
                amount=201,
                reason="",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
            )
        with pytest.raises(LedgerError, match="may not enter"):
            add_points(
                s,
                employee_id=csr,
                source="suggestion",
                amount=50,
                reason="",
                source_ref="",
                entered_by="author",
                role="author",
                now=NOW,
            )
        with pytest.raises(LedgerError, match="may not enter"):
            add_points(
                s,
                employee_id=csr,
                source="kb_correction",
                amount=3,
                reason="",
                source_ref="",
                entered_by="10001",
                role="candidate",
                now=NOW,
            )
        with pytest.raises(LedgerError, match="Unknown points source"):
            add_points(
                s,
                employee_id=csr,
                source="bribe",
                amount=3,
                reason="",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
            )
        with pytest.raises(LedgerError, match="No such employee"):
            add_points(
                s,
                employee_id=999,
                source="new_case",
                amount=20,
                reason="",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
            )
        assert points_total(s, csr, since=date(2026, 1, 1)) == 220


def test_only_a_correction_may_be_negative_and_an_entry_is_corrected_once(engine: Engine) -> None:
    with session_scope(engine) as s:
        csr = employee(s, "10001").id or 0
        other = employee(s, "10002").id or 0
        wrong = add_points(
            s,
            employee_id=csr,
            source="new_case",
            amount=50,
            reason="",
            source_ref="",
            entered_by="hr",
            role="hr",
            now=NOW,
        )
        with pytest.raises(LedgerError, match="from 20 to 50"):
            add_points(
                s,
                employee_id=csr,
                source="new_case",
                amount=-20,
                reason="",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
            )
        with pytest.raises(LedgerError, match="must name the entry"):
            add_points(
                s,
                employee_id=csr,
                source="correction",
                amount=-30,
                reason="typo",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
            )
        with pytest.raises(LedgerError, match="not one of this employee"):
            add_points(
                s,
                employee_id=other,
                source="correction",
                amount=-30,
                reason="typo",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
                corrects_id=wrong.id,
            )
        with pytest.raises(LedgerError, match="more than the entry gave"):
            add_points(
                s,
                employee_id=csr,
                source="correction",
                amount=-60,
                reason="typo",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
                corrects_id=wrong.id,
            )
        fix = add_points(
            s,
            employee_id=csr,
            source="correction",
            amount=-30,
            reason="was 20",
            source_ref="",
            entered_by="admin",
            role="admin",
            now=NOW,
            corrects_id=wrong.id,
        )
        with pytest.raises(LedgerError, match="already been corrected"):
            add_points(
                s,
                employee_id=csr,
                source="correction",
                amount=-5,
                reason="again",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=NOW,
                corrects_id=wrong.id,
            )
        assert fix.corrects_id == wrong.id
        assert points_total(s, csr, since=date(2026, 1, 1)) == 20
        refreshed = s.get(PointsEntry, wrong.id)
        assert refreshed is not None and refreshed.amount == 50  # the original is untouched


def test_balances_per_year_and_totals_within_a_period(engine: Engine) -> None:
    with session_scope(engine) as s:
        csr = employee(s, "10001").id or 0
        for at, amount in (
            (datetime(2025, 12, 31, 23, tzinfo=UTC), 30),
            (datetime(2026, 1, 1, 1, tzinfo=UTC), 40),
            (datetime(2026, 6, 1, tzinfo=UTC), 50),
        ):
            add_points(
                s,
                employee_id=csr,
                source="suggestion",
                amount=amount,
                reason="",
                source_ref="",
                entered_by="hr",
                role="hr",
                now=at,
            )
        assert balances(s, csr) == {2025: 30, 2026: 90}
        assert points_total(s, csr, since=date(2026, 1, 1), until=date(2026, 6, 1)) == 40
        assert [e.amount for e in entries_of(s, csr)] == [50, 40, 30]


# -- mentoring -------------------------------------------------------------------


def test_level_1_cannot_mentor_and_an_apprentice_has_one_mentor(engine: Engine) -> None:
    with session_scope(engine) as s:
        junior = employee(s, "10001", level=1).id or 0
        senior = employee(s, "10002", level=2).id or 0
        senior2 = employee(s, "10003", level=3).id or 0
        apprentice = employee(s, "10004", level=0).id or 0
        with pytest.raises(LedgerError, match="level-1 CSR cannot mentor"):
            register_mentorship(
                s,
                mentor_id=junior,
                apprentice_id=apprentice,
                actor="hr",
                now=NOW,
                policy=DEFAULT_POLICY,
            )
        with pytest.raises(LedgerError, match="higher level"):
            register_mentorship(
                s,
                mentor_id=senior,
                apprentice_id=senior2,
                actor="hr",
                now=NOW,
                policy=DEFAULT_POLICY,
            )
        register_mentorship(
            s,
            mentor_id=senior,
            apprentice_id=apprentice,
            actor="hr",
            now=NOW,
            policy=DEFAULT_POLICY,
        )
        with pytest.raises(LedgerError, match="already has a mentor"):
            register_mentorship(
                s,
                mentor_id=senior2,
                apprentice_id=apprentice,
                actor="hr",
                now=NOW,
                policy=DEFAULT_POLICY,
            )


def test_an_apprentice_promotion_while_mentored_awards_200_once(engine: Engine) -> None:
    with session_scope(engine) as s:
        mentor = employee(s, "10001", level=3).id or 0
        apprentice = employee(s, "10002", level=0).id or 0
        promote(s, apprentice, NOW - timedelta(days=3))  # before the mentorship: not counted
        ship = register_mentorship(
            s,
            mentor_id=mentor,
            apprentice_id=apprentice,
            actor="hr",
            now=NOW,
            policy=DEFAULT_POLICY,
        )
        promote(s, apprentice, NOW + timedelta(days=30))
        assert apprentices_promoted(s, mentor) == [(1, 2, date(2026, 4, 1))]
        assert sync_apprentice_awards(s) == 1
        assert sync_apprentice_awards(s) == 0  # idempotent
        end_mentorship(s, ship.id or 0, actor="hr", now=NOW + timedelta(days=40))
        promote(s, apprentice, NOW + timedelta(days=60))  # after it ended: not counted
        assert sync_apprentice_awards(s) == 0
    with session_scope(engine) as s:  # another request computing totals awards nothing more
        assert points_total(s, mentor, since=date(2026, 1, 1)) == 200
        awards = s.exec(select(PointsEntry).where(PointsEntry.employee_id == mentor)).all()
        assert [(a.source, a.amount, a.entered_by) for a in awards] == [
            ("apprentice_promoted", 200, "system")
        ]
