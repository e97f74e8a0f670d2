"""Figures for HR and administrators, and re-calibrating the lookup bands.

Each report is a :class:`ReportTable` (a title, column names and rows of plain
values) so that the same numbers feed the chart, the table under it and the CSV
and Excel downloads. Results are read from ``level_evidence``: when a trial was
regraded after an appeal, its newest entry counts.

Re-calibration (``calibration_preview`` / ``accept_calibration``) runs the pure
``timing.band_calibration.propose_bands`` over the graded times of the trials
finished in a period, and, when the administrator accepts, stores the proposal
as the grading policy in force through ``trials.current_policy_row``, the same
row the grading page edits, with an audit event saying who and when.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from examsrv.certification.months import add_months
from examsrv.certification.titles import LEVELS
from examsrv.i18n import gettext as _
from examsrv.persistence.ledger import aware
from examsrv.persistence.ledger_retention import retention_rows
from examsrv.persistence.models import AttemptStatus, Employee, LevelEvidence, TrialAttempt
from examsrv.persistence.sitting_tables import Seat, Sitting
from examsrv.persistence.trials import current_policy_row, record_event
from examsrv.timing.band_calibration import BandProposal, propose_bands
from examsrv.timing.level_bands import BandTable

Cell = str | int | float | None
KIND_OF_SEAT = {"lookup": "lookup_trial", "case": "case_test"}


class ReportError(ValueError):
    """A request the reports refuse; the message is for people."""


@dataclass(frozen=True)
class ReportTable:
    """A report's numbers: ``columns`` are English message ids, ``rows`` plain values."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class Bin:
    """Results from ``lo_s`` (included) to ``hi_s`` (excluded)."""

    lo_s: float
    hi_s: float
    count: int


def level_distribution(session: Session) -> ReportTable:
    counts = Counter(session.exec(select(Employee.current_level)).all())
    rows: list[tuple[Cell, ...]] = [(level, counts.get(level, 0)) for level in LEVELS]
    return ReportTable("levels", "Level distribution", ("Level", "Employees"), rows)


def graded_times(
    session: Session, *, since: date | None = None, until: date | None = None
) -> list[float]:
    """Graded times (s) of complete trials finished from ``since`` to ``until`` (both included).

    Trials that ran out of time (incomplete) and voided trials are left out: their
    times do not measure a whole trial.
    """
    query = select(TrialAttempt.result, TrialAttempt.finished_at).where(
        col(TrialAttempt.status).in_([AttemptStatus.FINISHED, AttemptStatus.EXPIRED])
    )
    if since is not None:
        query = query.where(col(TrialAttempt.finished_at) >= _start(since))
    if until is not None:
        query = query.where(col(TrialAttempt.finished_at) < _start(until + timedelta(days=1)))
    times = []
    for result, _finished in session.exec(query).all():
        if result and result.get("reason") != "incomplete" and "graded_ms" in result:
            times.append(int(result["graded_ms"]) / 1000)
    return sorted(times)


def histogram(times_s: list[float], bands: BandTable, *, bin_s: float = 5.0) -> list[Bin]:
    """Counts per ``bin_s``-wide bin, covering every time and every band edge."""
    edges = [b.upper_s for b in bands.bands]
    low = min([*times_s, edges[0]]) - bin_s
    high = max([*times_s, edges[-1]]) + bin_s
    start = (low // bin_s) * bin_s
    bins: list[Bin] = []
    lo = max(start, 0.0)
    while lo < high:
        bins.append(Bin(lo, lo + bin_s, 0))
        lo += bin_s
    counts = Counter(int((t - bins[0].lo_s) // bin_s) for t in times_s)
    return [Bin(b.lo_s, b.hi_s, counts.get(i, 0)) for i, b in enumerate(bins)]


def histogram_table(bins: list[Bin]) -> ReportTable:
    rows: list[tuple[Cell, ...]] = [(f"{b.lo_s:g}", f"{b.hi_s:g}", b.count) for b in bins]
    return ReportTable(
        "lookup_times", "Lookup graded times", ("From (s)", "To (s)", "Trials"), rows
    )


def current_bands(session: Session, *, now: datetime) -> BandTable:
    return BandTable.from_rows(current_policy_row(session, now=now).bands)


@dataclass(frozen=True)
class Result:
    """A test result as reports count it: dated when first recorded, graded as last recorded."""

    kind: str
    attempt_id: int | None
    passed: bool
    recorded_at: datetime


def _newest_evidence(session: Session) -> list[Result]:
    rows = session.exec(
        select(LevelEvidence)
        .where(col(LevelEvidence.kind).in_(["lookup_trial", "case_test"]))
        .order_by(col(LevelEvidence.id))
    ).all()
    first: dict[tuple[str, int | None], datetime] = {}
    newest: dict[tuple[str, int | None], LevelEvidence] = {}
    for row in rows:
        key = (row.kind, row.attempt_id)
        first.setdefault(key, aware(row.recorded_at))
        newest[key] = row
    voided = set(
        session.exec(select(TrialAttempt.id).where(TrialAttempt.status == AttemptStatus.VOIDED))
    )
    kept = []
    for key, row in newest.items():
        if key[0] == "lookup_trial" and key[1] in voided:
            continue
        kept.append(Result(row.kind, row.attempt_id, row.passed, first[key]))
    return kept


def _rate(passed: int, taken: int) -> float:
    return round(100.0 * passed / taken, 1) if taken else 0.0


def pass_rates_by_month(session: Session) -> ReportTable:
    """Results taken and passed per test kind and calendar month, oldest month first."""
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in _newest_evidence(session):
        cell = tally[(row.kind, aware(row.recorded_at).strftime("%Y-%m"))]
        cell[0] += 1
        cell[1] += int(row.passed)
    rows: list[tuple[Cell, ...]] = [
        (kind, month, taken, passed, _rate(passed, taken))
        for (kind, month), (taken, passed) in sorted(
            tally.items(), key=lambda i: (i[0][1], i[0][0])
        )
    ]
    return ReportTable(
        "pass_rates_month",
        "Pass rates per test and month",
        ("Test", "Month", "Taken", "Passed", "Pass rate (percent)"),
        rows,
    )


def pass_rates_by_sitting(session: Session) -> ReportTable:
    """Results taken and passed per proctored sitting (seats with an attempt)."""
    by_attempt = {(r.kind, r.attempt_id): r for r in _newest_evidence(session)}
    sittings = {s.id: s for s in session.exec(select(Sitting)).all()}
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for seat in session.exec(select(Seat).where(col(Seat.attempt_id).is_not(None))).all():
        kind = KIND_OF_SEAT.get(seat.attempt_kind or "")
        row = by_attempt.get((kind or "", seat.attempt_id))
        if row is None or seat.voided_at is not None:
            continue
        tally[seat.sitting_id][0] += 1
        tally[seat.sitting_id][1] += int(row.passed)
    rows: list[tuple[Cell, ...]] = []
    for sitting_id, (taken, passed) in sorted(tally.items()):
        sitting = sittings[sitting_id]
        rows.append(
            (
                sitting.name,
                KIND_OF_SEAT.get(sitting.test, sitting.test),
                aware(sitting.opens_at).strftime("%Y-%m-%d"),
                taken,
                passed,
                _rate(passed, taken),
            )
        )
    return ReportTable(
        "pass_rates_sitting",
        "Pass rates per sitting",
        ("Sitting", "Test", "Date", "Taken", "Passed", "Pass rate (percent)"),
        rows,
    )


def retention_due_by_month(session: Session, *, today: date) -> ReportTable:
    """How many retention windows open in each of the next 12 months (this month first)."""
    months = [add_months(today.replace(day=1), i).strftime("%Y-%m") for i in range(12)]
    counts: Counter[str] = Counter()
    for row in retention_rows(session, today=today):
        if row.status is not None:
            counts[row.status.window_from.strftime("%Y-%m")] += 1
    rows: list[tuple[Cell, ...]] = [(m, counts.get(m, 0)) for m in months]
    return ReportTable("retention_due", "Retention due per month", ("Month", "Employees due"), rows)


# -- re-calibrating the bands ------------------------------------------------


def calibration_preview(
    session: Session, *, since: date, until: date, now: datetime
) -> tuple[BandProposal, list[float]]:
    """The proposal over the trials finished in the period, and the times it used."""
    if until < since:
        raise ReportError(_("The period ends before it starts."))
    times = graded_times(session, since=since, until=until)
    return propose_bands(times, current_bands(session, now=now)), times


def accept_calibration(
    session: Session, *, since: date, until: date, expected: str, actor: str, now: datetime
) -> BandTable:
    """Store the proposal for the period as the grading bands in force.

    ``expected`` is the proposed table's text as the administrator saw it: if
    trials finished since then changed the proposal, nothing is stored and the
    administrator is asked to review it again.
    """
    proposal, _times = calibration_preview(session, since=since, until=until, now=now)
    if proposal.proposed is None:
        raise ReportError(proposal.problem or _("No new bands are proposed."))
    if proposal.proposed.to_text().strip() != expected.strip():
        raise ReportError(
            _("The proposal changed since it was shown (new results came in); review it again.")
        )
    row = current_policy_row(session, now=now)
    before = {"bands": row.bands, "penalty": row.wrong_penalty_s, "accuracy": row.min_accuracy}
    row.bands = proposal.proposed.to_rows()
    row.updated_at = now
    row.updated_by = actor
    session.add(row)
    record_event(
        session,
        kind="grading_calibrated",
        now=now,
        attempt_id=None,
        actor=actor,
        detail={
            "before": before,
            "period": [since.isoformat(), until.isoformat()],
            "sample": proposal.sample_size,
        },
    )
    return proposal.proposed


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
