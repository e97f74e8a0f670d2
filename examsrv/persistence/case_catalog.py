"""Reading the case bank for its authors: the case list, a case's history, usage for
upkeep, exports, and the answers of case tests as a response matrix.

Writing (saving, reviewing, retiring, rating) stays in ``case_bank``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from examsrv.itembank.case_codec import spec_from_data
from examsrv.itembank.case_specs import CaseSpec, Question
from examsrv.itembank.case_upkeep import CaseUsage, classic_score
from examsrv.persistence.case_bank import rating_counts
from examsrv.persistence.case_tables import (
    CaseAnswer,
    CaseAttempt,
    CaseAttemptStatus,
    CaseItem,
    CaseRating,
    CaseReview,
    CaseVersion,
    VersionStatus,
)

RETIRED = "retired"  # a list filter beside the version statuses


def aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class VersionRef:
    """A version without its spec: enough to list it."""

    id: int
    number: int
    status: str


@dataclass(frozen=True)
class CaseRow:
    """One line of the authors' case list."""

    item: CaseItem
    latest: VersionRef | None
    live: VersionRef | None
    ratings: dict[str, int]

    @property
    def usage(self) -> CaseUsage:
        return usage_of(self.item, self.ratings)

    @property
    def classic(self) -> float:
        return classic_score(self.usage)

    @property
    def statuses(self) -> frozenset[str]:
        """Every list filter the case matches: live, the latest version's status, retired."""
        found = set()
        if self.item.retired:
            found.add(RETIRED)
        elif self.live is not None:
            found.add(VersionStatus.LIVE.value)
        if self.latest is not None and self.latest.status != VersionStatus.LIVE:
            found.add(self.latest.status)
        return frozenset(found)


def usage_of(item: CaseItem, ratings: dict[str, int]) -> CaseUsage:
    return CaseUsage(
        case_id=item.id or 0,
        level=item.level,
        category=item.category,
        constant_time=aware(item.constant_time),
        studies=item.studies,
        test_uses=item.test_uses,
        excellent=ratings.get("excellent", 0),
        average=ratings.get("average", 0),
        poor=ratings.get("poor", 0),
    )


def _refs(session: Session, version_ids: Sequence[int]) -> dict[int, VersionRef]:
    if not version_ids:
        return {}
    rows = session.exec(
        select(CaseVersion.id, CaseVersion.case_id, CaseVersion.number, CaseVersion.status).where(
            col(CaseVersion.id).in_(list(version_ids))
        )
    ).all()
    return {vid or 0: VersionRef(vid or 0, number, status) for vid, _c, number, status in rows}


def case_rows(session: Session, case_id: int | None = None) -> list[CaseRow]:
    """Every case of the bank, retired ones included, by key (or only ``case_id``)."""
    query = select(CaseItem).order_by(col(CaseItem.key))
    newest_query = select(CaseVersion.case_id, func.max(CaseVersion.number).label("number"))
    if case_id is not None:
        query = query.where(CaseItem.id == case_id)
        newest_query = newest_query.where(CaseVersion.case_id == case_id)
    items = list(session.exec(query).all())
    newest = newest_query.group_by(col(CaseVersion.case_id)).subquery()
    latest_ids = session.exec(
        select(CaseVersion.case_id, CaseVersion.id).join(
            newest,
            (col(CaseVersion.case_id) == newest.c.case_id)
            & (col(CaseVersion.number) == newest.c.number),
        )
    ).all()
    latest_of = dict(latest_ids)
    live_ids = [i.live_version_id for i in items if i.live_version_id is not None]
    refs = _refs(session, [*live_ids, *(v for v in latest_of.values() if v is not None)])
    ratings = rating_counts(session, [i.id or 0 for i in items])
    return [
        CaseRow(
            item=item,
            latest=refs.get(latest_of.get(item.id or 0) or 0),
            live=refs.get(item.live_version_id or 0),
            ratings=ratings[item.id or 0],
        )
        for item in items
    ]


@dataclass(frozen=True)
class VersionHistory:
    version: CaseVersion
    reviews: list[CaseReview]

    @property
    def approvals(self) -> int:
        return sum(1 for r in self.reviews if r.approve)


def history(session: Session, case_id: int) -> list[VersionHistory]:
    """Every version of a case, newest first, each with its reviews in order."""
    versions = session.exec(
        select(CaseVersion)
        .where(CaseVersion.case_id == case_id)
        .order_by(col(CaseVersion.number).desc())
    ).all()
    ids = [v.id for v in versions]
    reviews = session.exec(
        select(CaseReview).where(col(CaseReview.version_id).in_(ids)).order_by(col(CaseReview.id))
    ).all()
    by_version: dict[int, list[CaseReview]] = {}
    for review in reviews:
        by_version.setdefault(review.version_id, []).append(review)
    return [VersionHistory(v, by_version.get(v.id or 0, [])) for v in versions]


def rating_by(session: Session, case_id: int, user_id: int) -> str | None:
    """The rating ``user_id`` gave the case, if any."""
    row = session.exec(
        select(CaseRating).where(CaseRating.case_id == case_id).where(CaseRating.user_id == user_id)
    ).first()
    return row.rating if row else None


def version_of(session: Session, case_id: int, number: int) -> CaseVersion | None:
    return session.exec(
        select(CaseVersion)
        .where(CaseVersion.case_id == case_id)
        .where(CaseVersion.number == number)
    ).first()


def approval_counts(session: Session, version_ids: Sequence[int]) -> dict[int, int]:
    counts = dict.fromkeys(version_ids, 0)
    if not version_ids:
        return counts
    rows = session.exec(
        select(CaseReview.version_id, func.count())
        .where(col(CaseReview.version_id).in_(list(version_ids)))
        .where(CaseReview.approve == True)  # noqa: E712  (SQL comparison)
        .group_by(col(CaseReview.version_id))
    ).all()
    counts.update({version_id: int(n) for version_id, n in rows})
    return counts


def export_specs(session: Session, *, every_case: bool) -> list[CaseSpec]:
    """The live version of each case in the bank (not the history bank), by key; with
    ``every_case``, the latest version of every case, retired ones included."""
    specs: list[CaseSpec] = []
    for row in case_rows(session):
        if every_case:
            ref = row.latest
        else:
            ref = None if row.item.retired else row.live
        if ref is not None:
            version = session.get(CaseVersion, ref.id)
            assert version is not None
            specs.append(spec_from_data(version.spec))
    return specs


@dataclass(frozen=True)
class AskedQuestion:
    """A question of a live case version that appeared in case tests."""

    column: str  # the response matrix's key for it
    item: CaseItem
    version: int  # the version's number
    question: Question


def answer_matrix(
    session: Session,
) -> tuple[dict[int, dict[str, float | None]], list[AskedQuestion]]:
    """Per submitted case-test attempt, the score fraction of each question of each live
    case version it drew: earned / possible, 0 when left unanswered, None while a free-text
    answer waits for grading. Questions of versions no longer live are left out."""
    attempts = session.exec(
        select(CaseAttempt).where(CaseAttempt.status == CaseAttemptStatus.SUBMITTED)
    ).all()
    live = {
        item.live_version_id: item
        for item in session.exec(
            select(CaseItem).where(col(CaseItem.live_version_id).is_not(None))
        ).all()
    }
    drawn = {v for a in attempts for v in a.versions if v in live}
    if not drawn:
        return {}, []
    specs = {
        v.id or 0: (v.number, spec_from_data(v.spec))
        for v in session.exec(select(CaseVersion).where(col(CaseVersion.id).in_(drawn))).all()
    }
    answers: dict[tuple[int, int, str], CaseAnswer] = {
        (a.attempt_id, a.version_id, a.question_key): a
        for a in session.exec(select(CaseAnswer).where(col(CaseAnswer.version_id).in_(drawn))).all()
    }
    matrix: dict[int, dict[str, float | None]] = {}
    for attempt in attempts:
        row: dict[str, float | None] = {}
        for version_id in attempt.versions:
            if version_id not in specs:
                continue
            for question in specs[version_id][1].questions:
                answer = answers.get((attempt.id or 0, version_id, question.key))
                row[f"{version_id}/{question.key}"] = _fraction(answer)
        if row:
            matrix[attempt.id or 0] = row
    asked = [
        AskedQuestion(f"{vid}/{q.key}", live[vid], number, q)
        for vid, (number, spec) in sorted(specs.items(), key=lambda kv: live[kv[0]].key)
        for q in spec.questions
    ]
    return matrix, asked


def _fraction(answer: CaseAnswer | None) -> float | None:
    if answer is None:
        return 0.0  # presented and left unanswered
    if answer.earned is None or answer.possible <= 0:
        return None
    return min(1.0, max(0.0, answer.earned / answer.possible))
