"""The points ledger and mentoring: entering points, balances, apprentices promoted.

Points entries are never edited: a wrong entry is answered by a ``correction``
entry naming it (``corrects_id``), which may be negative. The award for an
apprentice brought up a level is made automatically, once per promotion: which
promotions count is derived from the apprentice's ``level_change`` rows made
while a mentorship was open, and each award carries a unique ``award_key`` so
the database itself refuses a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from examsrv.certification.points import (
    DEFAULT_AWARDS,
    PointsSource,
    award_error,
    balance_by_year,
)
from examsrv.certification.policy import CertificationPolicy
from examsrv.i18n import gettext as _
from examsrv.persistence.ledger_tables import Mentorship, PointsEntry
from examsrv.persistence.models import Employee
from examsrv.persistence.record_tables import ChangeKind, LevelChange

SYSTEM = "system"  # the actor and role of automatic awards
MAX_REASON = 500
MAX_REF = 100


class LedgerError(ValueError):
    """A points entry or mentorship the rules refuse; the message is for people."""


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# -- points ------------------------------------------------------------------


def add_points(
    session: Session,
    *,
    employee_id: int,
    source: str,
    amount: int | None,
    reason: str,
    source_ref: str,
    entered_by: str,
    role: str,
    now: datetime,
    corrects_id: int | None = None,
) -> PointsEntry:
    """Enter points for an employee; ``amount`` None takes the source's default award.

    Raises :class:`LedgerError` with the reason when the rules refuse the entry
    (unknown employee or source, an amount outside the source's range, a role
    that may not enter this source, a correction of nothing).
    """
    if session.get(Employee, employee_id) is None:
        raise LedgerError(_("No such employee."))
    try:
        kind = PointsSource(source)
    except ValueError:
        raise LedgerError(_("Unknown points source %(source)s.") % {"source": source}) from None
    if amount is None:
        amount = DEFAULT_AWARDS[kind].default if kind in DEFAULT_AWARDS else 0
    reason, source_ref = reason.strip(), source_ref.strip()
    if len(reason) > MAX_REASON or len(source_ref) > MAX_REF:
        raise LedgerError(_("The reason or the reference is too long."))
    problem = award_error(kind, amount, role)
    if problem is not None:
        raise LedgerError(problem)
    if kind == PointsSource.CORRECTION:
        _check_correction(session, employee_id, amount, corrects_id, reason)
    elif corrects_id is not None:
        raise LedgerError(_("Only a correction entry may correct another entry."))
    entry = PointsEntry(
        employee_id=employee_id,
        amount=amount,
        source=kind.value,
        reason=reason,
        source_ref=source_ref,
        entered_by=entered_by,
        at=now,
        corrects_id=corrects_id,
    )
    session.add(entry)
    session.flush()
    return entry


def _check_correction(
    session: Session, employee_id: int, amount: int, corrects_id: int | None, reason: str
) -> None:
    if corrects_id is None:
        raise LedgerError(_("A correction must name the entry it corrects."))
    original = session.get(PointsEntry, corrects_id)
    if original is None or original.employee_id != employee_id:
        raise LedgerError(_("The entry to correct is not one of this employee's entries."))
    if original.source == PointsSource.CORRECTION:
        raise LedgerError(_("A correction cannot itself be corrected; correct the original."))
    if not reason:
        raise LedgerError(_("A correction needs a reason."))
    already = session.exec(
        select(PointsEntry.id).where(PointsEntry.corrects_id == corrects_id)
    ).first()
    if already is not None:
        raise LedgerError(_("This entry has already been corrected."))
    if original.amount + amount < 0:
        raise LedgerError(
            _("A correction cannot take away more than the entry gave (%(n)s points).")
            % {"n": original.amount}
        )


def entries_of(session: Session, employee_id: int) -> list[PointsEntry]:
    sync_apprentice_awards(session)
    return list(
        session.exec(
            select(PointsEntry)
            .where(PointsEntry.employee_id == employee_id)
            .order_by(col(PointsEntry.at).desc(), col(PointsEntry.id).desc())
        ).all()
    )


def points_total(
    session: Session, employee_id: int, *, since: date, until: date | None = None
) -> int:
    """The employee's points entered on or after ``since`` (and before ``until``)."""
    sync_apprentice_awards(session)
    query = (
        select(func.coalesce(func.sum(PointsEntry.amount), 0))
        .where(PointsEntry.employee_id == employee_id)
        .where(col(PointsEntry.at) >= start_of(since))
    )
    if until is not None:
        query = query.where(col(PointsEntry.at) < start_of(until))
    return int(session.exec(query).one())


def balances(session: Session, employee_id: int) -> dict[int, int]:
    """The employee's points per calendar year."""
    rows = session.exec(
        select(PointsEntry.at, PointsEntry.amount).where(PointsEntry.employee_id == employee_id)
    ).all()
    return balance_by_year((aware(at).date(), amount) for at, amount in rows)


# -- mentoring ---------------------------------------------------------------


@dataclass(frozen=True)
class ApprenticePromotion:
    """A promotion of an apprentice made while ``mentorship`` was open."""

    mentorship: Mentorship
    change: LevelChange


def register_mentorship(
    session: Session,
    *,
    mentor_id: int,
    apprentice_id: int,
    actor: str,
    now: datetime,
    policy: CertificationPolicy,
) -> Mentorship:
    """Record that ``mentor_id`` now mentors ``apprentice_id``; LedgerError if the rules refuse."""
    mentor = session.get(Employee, mentor_id)
    apprentice = session.get(Employee, apprentice_id)
    if mentor is None or apprentice is None:
        raise LedgerError(_("No such employee."))
    if mentor_id == apprentice_id:
        raise LedgerError(_("An employee cannot mentor themselves."))
    if mentor.current_level < policy.min_mentor_level:
        raise LedgerError(
            _("A level-%(level)s CSR cannot mentor; mentors need level %(min)s or more.")
            % {"level": mentor.current_level, "min": policy.min_mentor_level}
        )
    if apprentice.current_level >= mentor.current_level:
        raise LedgerError(_("The mentor must hold a higher level than the apprentice."))
    if open_mentorship_of(session, apprentice_id) is not None:
        raise LedgerError(_("This apprentice already has a mentor."))
    row = Mentorship(
        mentor_id=mentor_id,
        apprentice_id=apprentice_id,
        apprentice_level_at_start=apprentice.current_level,
        started_at=now,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    return row


def open_mentorship_of(session: Session, apprentice_id: int) -> Mentorship | None:
    return session.exec(
        select(Mentorship)
        .where(Mentorship.apprentice_id == apprentice_id)
        .where(col(Mentorship.ended_at).is_(None))
    ).first()


def end_mentorship(session: Session, mentorship_id: int, *, actor: str, now: datetime) -> None:
    row = session.get(Mentorship, mentorship_id)
    if row is None:
        raise LedgerError(_("No such mentorship."))
    if row.ended_at is not None:
        raise LedgerError(_("This mentorship has already ended."))
    row.ended_at = now
    row.ended_by = actor
    session.add(row)


def mentorships(session: Session) -> list[tuple[Mentorship, Employee, Employee]]:
    """Every mentorship with its mentor and apprentice, open ones first, newest first."""
    rows = session.exec(select(Mentorship).order_by(col(Mentorship.id).desc())).all()
    people = {e.id: e for e in session.exec(select(Employee)).all()}
    listed = [(m, people[m.mentor_id], people[m.apprentice_id]) for m in rows]
    return sorted(listed, key=lambda r: r[0].ended_at is not None)


def _promotions(session: Session, mentor_id: int | None = None) -> list[ApprenticePromotion]:
    query = select(Mentorship)
    if mentor_id is not None:
        query = query.where(Mentorship.mentor_id == mentor_id)
    ships = session.exec(query).all()
    if not ships:
        return []
    apprentices = {m.apprentice_id for m in ships}
    changes = session.exec(
        select(LevelChange)
        .where(col(LevelChange.employee_id).in_(apprentices))
        .order_by(col(LevelChange.at), col(LevelChange.id))
    ).all()
    corrected = {c.corrects_id for c in changes if c.corrects_id is not None}
    found: list[ApprenticePromotion] = []
    for ship in ships:
        start = aware(ship.started_at)
        end = None if ship.ended_at is None else aware(ship.ended_at)
        for change in changes:
            at = aware(change.at)
            if (
                change.employee_id == ship.apprentice_id
                and change.kind == ChangeKind.PROMOTION
                and change.to_level > change.from_level
                and change.id not in corrected
                and at >= start
                and (end is None or at < end)
            ):
                found.append(ApprenticePromotion(ship, change))
    return found


def apprentices_promoted(session: Session, mentor_employee_id: int) -> list[tuple[int, int, date]]:
    """Each promotion of the mentor's apprentices while mentored: (from, to, date)."""
    return [
        (p.change.from_level, p.change.to_level, aware(p.change.at).date())
        for p in _promotions(session, mentor_employee_id)
    ]


def award_key(promotion: ApprenticePromotion) -> str:
    return f"apprentice:{promotion.mentorship.mentor_id}:{promotion.change.id}"


def sync_apprentice_awards(session: Session) -> int:
    """Award the mentor's points for every apprentice promotion not yet awarded.

    Idempotent: each award has a unique key, inserted with ``ON CONFLICT DO
    NOTHING``, so running this twice, or from two requests at once, awards once.
    Returns how many awards were made. The entry is dated at the promotion.
    """
    promotions = _promotions(session)
    if not promotions:
        return 0
    keys = {award_key(p) for p in promotions}
    done = set(
        session.exec(select(PointsEntry.award_key).where(col(PointsEntry.award_key).in_(keys)))
    )
    award = DEFAULT_AWARDS[PointsSource.APPRENTICE_PROMOTED]
    table = PointsEntry.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    made = 0
    for p in promotions:
        key = award_key(p)
        if key in done:
            continue
        values = {
            "employee_id": p.mentorship.mentor_id,
            "amount": award.default,
            "source": PointsSource.APPRENTICE_PROMOTED.value,
            "reason": f"level {p.change.from_level} -> {p.change.to_level}",
            "source_ref": f"employee:{p.change.employee_id}",
            "entered_by": SYSTEM,
            "at": aware(p.change.at),
            "corrects_id": None,
            "award_key": key,
        }
        with session.begin_nested():
            inserted = session.execute(
                dialect.insert(table).values(values).on_conflict_do_nothing().returning(table.c.id)
            ).all()
        made += len(inserted)
    return made
