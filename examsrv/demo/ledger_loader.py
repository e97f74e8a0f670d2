"""Demo data for the points ledger, mentoring and appeals.

Uses the demo's employees (10001-10030) and staff (hr, author, approver): a year
and a bit of points entries, one correction, a few mentorships, and one appeal
in each state (submitted, investigating, upheld, rejected). Deterministic given
``rng``; loading twice adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from examsrv.certification.points import DEFAULT_AWARDS, PointsSource
from examsrv.persistence.appeals import decide, file_appeal, investigate
from examsrv.persistence.ledger import (
    add_points,
    open_mentorship_of,
    register_mentorship,
    sync_apprentice_awards,
)
from examsrv.persistence.ledger_tables import Appeal, PointsEntry
from examsrv.persistence.models import AttemptStatus, Employee, TrialAttempt
from examsrv.persistence.record import certification_policy

NUMBERS = [str(n) for n in range(10001, 10031)]
# (source, who enters it, the role they hold)
KINDS = (
    (PointsSource.KB_CORRECTION, "author", "author"),
    (PointsSource.NEW_CASE, "hr", "hr"),
    (PointsSource.CASE_REVISION, "author", "author"),
    (PointsSource.QUALITY_CASE, "hr", "hr"),
    (PointsSource.SUGGESTION, "approver", "approver"),
    (PointsSource.REVIEW_DONE, "author", "author"),
)
REASONS = {
    PointsSource.KB_CORRECTION: "知识库纠错：国际漫游资费说明有误",
    PointsSource.NEW_CASE: "新增案例被收录：携号转网咨询",
    PointsSource.CASE_REVISION: "修订案例：宽带故障报修",
    PointsSource.QUALITY_CASE: "案例被评为优秀",
    PointsSource.SUGGESTION: "合理化建议被采纳：夜班交接清单",
    PointsSource.REVIEW_DONE: "完成知识库评审",
}


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    employees = {
        e.employee_no: e
        for e in session.exec(select(Employee).where(col(Employee.employee_no).in_(NUMBERS)))
    }
    if not employees or session.exec(select(PointsEntry.id)).first() is not None:
        return
    _points(session, list(employees.values()), now=now, rng=rng)
    _mentorships(session, list(employees.values()), now=now)
    sync_apprentice_awards(session)
    _appeals(session, now=now)


def _points(
    session: Session, employees: list[Employee], *, now: datetime, rng: random.Random
) -> None:
    first: PointsEntry | None = None
    for employee in sorted(employees, key=lambda e: e.employee_no):
        for _n in range(rng.randint(1, 5)):
            source, who, role = rng.choice(KINDS)
            award = DEFAULT_AWARDS[source]
            amount = rng.randint(award.min, award.max)
            entry = add_points(
                session,
                employee_id=employee.id or 0,
                source=source.value,
                amount=amount,
                reason=REASONS[source],
                source_ref="",
                entered_by=who,
                role=role,
                now=now - timedelta(days=rng.randint(1, 420), hours=rng.randint(0, 8)),
            )
            first = first or entry
    if first is not None and first.amount > 1:
        add_points(
            session,
            employee_id=first.employee_id,
            source=PointsSource.CORRECTION.value,
            amount=-1,
            reason="录入时多记 1 分",
            source_ref=f"entry:{first.id}",
            entered_by="hr",
            role="hr",
            now=now - timedelta(hours=2),
            corrects_id=first.id,
        )


def _mentorships(session: Session, employees: list[Employee], *, now: datetime) -> None:
    policy = certification_policy(session)
    ordered = sorted(employees, key=lambda e: e.employee_no)
    mentors = [e for e in ordered if e.current_level >= max(policy.min_mentor_level, 2)][:3]
    apprentices = [e for e in ordered if e.current_level <= 1]
    for mentor in mentors:
        for apprentice in apprentices:
            if (
                apprentice.current_level < mentor.current_level
                and open_mentorship_of(session, apprentice.id or 0) is None
            ):
                register_mentorship(
                    session,
                    mentor_id=mentor.id or 0,
                    apprentice_id=apprentice.id or 0,
                    actor="hr",
                    now=now - timedelta(days=150),
                    policy=policy,
                )
                break


def _appeals(session: Session, *, now: datetime) -> None:
    trials = session.exec(
        select(TrialAttempt)
        .where(TrialAttempt.status == AttemptStatus.FINISHED)
        .order_by(col(TrialAttempt.id))
    ).all()
    seen: set[int] = set()
    picked: list[TrialAttempt] = []
    for attempt in trials:
        if attempt.employee_id not in seen:
            seen.add(attempt.employee_id)
            picked.append(attempt)
    texts = (
        "第 37 题的标准答案与知识库不一致。",
        "第 12 题我的回答与答案意思相同。",
        "考试中网络中断约两分钟，耗时被计入。",
        "系统卡顿，多次点击未响应。",
    )
    for n, attempt in enumerate(picked[:4]):
        if session.exec(select(Appeal.id).where(Appeal.open_key == f"trial:{attempt.id}")).first():
            continue
        employee = session.get(Employee, attempt.employee_id)
        assert employee is not None
        at = now - timedelta(days=10 - n)
        appeal = file_appeal(
            session,
            employee_id=attempt.employee_id,
            subject_kind="trial",
            subject_id=attempt.id or 0,
            reason=texts[n],
            actor=employee.employee_no,
            now=at,
        )
        if n == 0:
            continue  # stays submitted
        investigate(
            session, appeal.id or 0, note="调取答题记录", actor="hr", now=at + timedelta(days=1)
        )
        if n == 2:
            decide(
                session,
                appeal.id or 0,
                upheld=True,
                remedy="new_attempt",
                decision="经核实考试期间网络中断，准予重新测评一次。",
                actor="hr",
                now=at + timedelta(days=2),
            )
        elif n == 3:
            decide(
                session,
                appeal.id or 0,
                upheld=False,
                remedy="none",
                decision="经核查服务器记录，计时无误，维持原结果。",
                actor="hr",
                now=at + timedelta(days=2),
            )
