"""Storing the case bank: drafts, review, going live, retiring, ratings and recordings.

Every save of a case is a new ``CaseVersion``. A version is submitted for review
and goes live when ``required`` distinct reviewers, none of them its author,
approve it; one rejection sends it back to the author. Going live supersedes
the previous live version, and copies the version's level, category and pool to
the case, where sampling, listing and upkeep read them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from examsrv.i18n import gettext as _
from examsrv.itembank.case_codec import spec_from_data, spec_to_data
from examsrv.itembank.case_specs import CaseSpec
from examsrv.persistence.case_tables import (
    CaseItem,
    CaseRating,
    CaseReview,
    CaseVersion,
    MediaFile,
    VersionStatus,
)

RATINGS = ("excellent", "average", "poor")


class CaseBankError(ValueError):
    """An action on the bank that the rules do not allow; the message is for people,
    translated into the language of the request being served."""


def latest_version(session: Session, case_id: int) -> CaseVersion | None:
    return session.exec(
        select(CaseVersion)
        .where(CaseVersion.case_id == case_id)
        .order_by(col(CaseVersion.number).desc())
    ).first()


def case_by_key(session: Session, key: str) -> CaseItem | None:
    return session.exec(select(CaseItem).where(CaseItem.key == key)).first()


def save_version(
    session: Session,
    spec: CaseSpec,
    *,
    actor: str,
    now: datetime,
    submit: bool = False,
    note: str = "",
) -> CaseVersion | None:
    """Save ``spec`` as a new version of its case (creating the case if new).

    Returns None when the spec equals the latest version (nothing changed). The
    spec must already be valid (``itembank.case_tree.validate_case``).
    """
    item = case_by_key(session, spec.key)
    data = spec_to_data(spec)
    if item is None:
        item = CaseItem(
            key=spec.key,
            level=spec.level,
            category=spec.category,
            pool=spec.pool.value,
            kind=spec.kind.value,
            title=spec.title,
            constant_time=now,
            created_at=now,
        )
        session.add(item)
        session.flush()
        number = 1
    else:
        previous = latest_version(session, item.id or 0)
        if previous is not None and previous.spec == data:
            return None
        number = (previous.number if previous else 0) + 1
        if item.live_version_id is None:  # never live: list the case as its latest draft
            _copy_listing_fields(item, spec)
            session.add(item)
    assert item.id is not None
    version = CaseVersion(
        case_id=item.id,
        number=number,
        status=VersionStatus.IN_REVIEW if submit else VersionStatus.DRAFT,
        spec=data,
        created_at=now,
        created_by=actor,
        note=note[:500],
    )
    session.add(version)
    session.flush()
    return version


def submit(session: Session, version_id: int) -> CaseVersion:
    version = session.get(CaseVersion, version_id)
    if version is None:
        raise CaseBankError(_("No such version."))
    if version.status not in (VersionStatus.DRAFT, VersionStatus.REJECTED):
        raise CaseBankError(_("Only a draft or a rejected version can be submitted for review."))
    version.status = VersionStatus.IN_REVIEW
    session.add(version)
    return version


@dataclass(frozen=True)
class ReviewOutcome:
    status: str
    approvals: int
    required: int


def review(
    session: Session,
    version_id: int,
    *,
    reviewer: str,
    approve: bool,
    comment: str,
    required: int,
    now: datetime,
) -> ReviewOutcome:
    """Record one reviewer's decision; make the version live at ``required`` approvals."""
    version = session.get(CaseVersion, version_id)
    if version is None:
        raise CaseBankError(_("No such version."))
    if version.status != VersionStatus.IN_REVIEW:
        raise CaseBankError(_("This version is not in review."))
    if version.created_by == reviewer:
        raise CaseBankError(_("An author may not review a version they wrote."))
    if not approve and not comment.strip():
        raise CaseBankError(_("Give a reason when sending a version back."))
    try:
        with session.begin_nested():
            session.add(
                CaseReview(
                    version_id=version_id,
                    reviewer=reviewer,
                    approve=approve,
                    comment=comment[:1000],
                    at=now,
                )
            )
    except IntegrityError as exc:
        raise CaseBankError(_("You have already reviewed this version.")) from exc
    approvals = session.exec(
        select(func.count())
        .select_from(CaseReview)
        .where(CaseReview.version_id == version_id)
        .where(CaseReview.approve == True)  # noqa: E712  (SQL comparison)
    ).one()
    if not approve:
        version.status = VersionStatus.REJECTED
        version.decided_at = now
    elif approvals >= required:
        _go_live(session, version, now)
    session.add(version)
    return ReviewOutcome(version.status, int(approvals), required)


def _go_live(session: Session, version: CaseVersion, now: datetime) -> None:
    item = session.get(CaseItem, version.case_id)
    assert item is not None
    if item.live_version_id is not None:
        old = session.get(CaseVersion, item.live_version_id)
        if old is not None:
            old.status = VersionStatus.SUPERSEDED
            session.add(old)
    version.status = VersionStatus.LIVE
    version.decided_at = now
    item.live_version_id = version.id
    _copy_listing_fields(item, spec_from_data(version.spec))
    item.constant_time = now  # 恒定时间: entry, or last revision
    session.add(item)


def _copy_listing_fields(item: CaseItem, spec: CaseSpec) -> None:
    item.level, item.category, item.pool = spec.level, spec.category, spec.pool.value
    item.kind, item.title = spec.kind.value, spec.title


def reviews_of(session: Session, version_id: int) -> list[CaseReview]:
    return list(
        session.exec(
            select(CaseReview)
            .where(CaseReview.version_id == version_id)
            .order_by(col(CaseReview.id))
        ).all()
    )


def review_queue(session: Session, reviewer: str) -> list[tuple[CaseVersion, CaseItem]]:
    """Versions in review that ``reviewer`` did not write and has not reviewed yet."""
    reviewed = select(CaseReview.version_id).where(CaseReview.reviewer == reviewer)
    rows = session.exec(
        select(CaseVersion, CaseItem)
        .join(CaseItem, col(CaseVersion.case_id) == col(CaseItem.id))
        .where(CaseVersion.status == VersionStatus.IN_REVIEW)
        .where(CaseVersion.created_by != reviewer)
        .where(col(CaseVersion.id).not_in(reviewed))
        .order_by(col(CaseVersion.created_at))
    ).all()
    return [(v, c) for v, c in rows]


def set_retired(
    session: Session, case_id: int, retired: bool, *, now: datetime | None = None
) -> CaseItem:
    """Move a case to the history bank (历史库) or restore it from there.

    A restore given ``now`` is a re-entry: the constant time starts again at ``now``
    (``itembank.case_upkeep.restored``).
    """
    item = session.get(CaseItem, case_id)
    if item is None:
        raise CaseBankError(_("No such case."))
    if item.retired and not retired and now is not None:
        item.constant_time = now
    item.retired = retired
    session.add(item)
    return item


def live_items(
    session: Session,
    *,
    level: int | None = None,
    pool: str | None = None,
    include_retired: bool = False,
) -> list[CaseItem]:
    query = select(CaseItem).where(col(CaseItem.live_version_id).is_not(None))
    if level is not None:
        query = query.where(CaseItem.level == level)
    if pool is not None:
        query = query.where(CaseItem.pool == pool)
    if not include_retired:
        query = query.where(CaseItem.retired == False)  # noqa: E712
    return list(session.exec(query.order_by(col(CaseItem.key))).all())


def live_spec(session: Session, item: CaseItem) -> tuple[CaseVersion, CaseSpec] | None:
    if item.live_version_id is None:
        return None
    version = session.get(CaseVersion, item.live_version_id)
    if version is None:
        return None
    return version, spec_from_data(version.spec)


def rate(session: Session, case_id: int, user_id: int, rating: str, *, now: datetime) -> None:
    if rating not in RATINGS:
        raise CaseBankError(_("A rating is excellent, average or poor."))
    if session.get(CaseItem, case_id) is None:
        raise CaseBankError(_("No such case."))
    try:
        with session.begin_nested():
            session.add(CaseRating(case_id=case_id, user_id=user_id, rating=rating, at=now))
    except IntegrityError as exc:
        raise CaseBankError(_("Each user may rate a case once only.")) from exc


def rating_counts(session: Session, case_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {cid: dict.fromkeys(RATINGS, 0) for cid in case_ids}
    if not case_ids:
        return counts
    rows = session.exec(
        select(CaseRating.case_id, CaseRating.rating, func.count())
        .where(col(CaseRating.case_id).in_(list(case_ids)))
        .group_by(col(CaseRating.case_id), col(CaseRating.rating))
    ).all()
    for case_id, rating, n in rows:
        counts[case_id][rating] = int(n)
    return counts


def store_media(
    session: Session,
    name: str,
    data: bytes,
    *,
    content_type: str,
    duration_s: float,
    actor: str,
    now: datetime,
) -> MediaFile:
    """Store a recording under ``name`` (validated by the caller), replacing one of that name."""
    existing = session.exec(select(MediaFile).where(MediaFile.name == name)).first()
    row = existing or MediaFile(
        name=name,
        content_type=content_type,
        size=0,
        duration_s=0.0,
        sha256="",
        data=b"",
        created_at=now,
    )
    row.content_type, row.size, row.duration_s = content_type, len(data), duration_s
    row.sha256, row.data = hashlib.sha256(data).hexdigest(), data
    row.created_at, row.created_by = now, actor
    session.add(row)
    session.flush()
    return row


def media_by_name(session: Session, name: str) -> MediaFile | None:
    return session.exec(select(MediaFile).where(MediaFile.name == name)).first()
