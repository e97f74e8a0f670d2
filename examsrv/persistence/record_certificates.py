"""Certificates (资格证书): issuing one per passed application, superseding, revoking,
and what the public verification page may show.

A certificate number reads ``ZS-<year>-<serial>``, the serial being the
certificate's row id padded to six digits (``ZS-2026-000123``), so numbers never
repeat. The database refuses a second certificate for the same application
(``application_id`` is unique); ``issue`` says so in words before it gets there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from examsrv.certification.titles import title_for
from examsrv.hr_push.signing import iso_utc
from examsrv.i18n import gettext as _
from examsrv.persistence.models import Employee
from examsrv.persistence.outbox import enqueue
from examsrv.persistence.record import RecordError, certification_policy
from examsrv.persistence.record_tables import Application, Certificate, CertificateStatus

PREFIX = "ZS"


def number_for(year: int, serial: int) -> str:
    return f"{PREFIX}-{year}-{serial:06d}"


def certificate_of_application(session: Session, application_id: int) -> Certificate | None:
    return session.exec(
        select(Certificate).where(Certificate.application_id == application_id)
    ).first()


def issue(session: Session, application: Application, *, actor: str, now: datetime) -> Certificate:
    """Issue the certificate of a passed application; earlier valid ones are superseded."""
    if application.id is None:
        raise RecordError(_("No such application."))
    existing = certificate_of_application(session, application.id)
    if existing is not None:
        raise RecordError(
            _("Certificate %(number)s was already issued for this application.")
            % {"number": existing.number}
        )
    employee = session.get(Employee, application.employee_id)
    if employee is None:
        raise RecordError(_("No such employee."))
    policy = certification_policy(session)
    certificate = Certificate(
        number=f"new-{uuid.uuid4().hex}",
        employee_id=application.employee_id,
        level=application.target_level,
        title=title_for(application.target_level, policy.titles),
        track=application.track,
        application_id=application.id,
        issued_at=now,
        issued_by=actor,
    )
    try:
        with session.begin_nested():
            session.add(certificate)
            session.flush()
    except IntegrityError:
        raise RecordError(_("A certificate was already issued for this application.")) from None
    assert certificate.id is not None
    certificate.number = number_for(now.year, certificate.id)
    session.add(certificate)
    for earlier in valid_certificates(session, application.employee_id):
        if earlier.id != certificate.id:
            earlier.status = CertificateStatus.SUPERSEDED
            earlier.superseded_by_id = certificate.id
            session.add(earlier)
    session.flush()
    enqueue(
        session,
        kind="certificate.issued",
        subject=employee.employee_no,
        payload=_payload(certificate, employee) | {"application_id": application.id},
        now=now,
    )
    return certificate


def valid_certificates(session: Session, employee_id: int) -> list[Certificate]:
    return list(
        session.exec(
            select(Certificate)
            .where(Certificate.employee_id == employee_id)
            .where(Certificate.status == CertificateStatus.VALID)
        ).all()
    )


def certificates_of(session: Session, employee_id: int) -> list[Certificate]:
    return list(
        session.exec(
            select(Certificate)
            .where(Certificate.employee_id == employee_id)
            .order_by(col(Certificate.id).desc())
        ).all()
    )


def by_number(session: Session, number: str) -> Certificate | None:
    return session.exec(select(Certificate).where(Certificate.number == number.strip())).first()


def revoke(session: Session, number: str, *, reason: str, actor: str, now: datetime) -> Certificate:
    """Revoke a certificate with a reason. A revoked certificate stays revoked."""
    certificate = by_number(session, number)
    if certificate is None:
        raise RecordError(_("No such certificate."))
    reason = reason.strip()
    if not reason:
        raise RecordError(_("Revoking a certificate needs a reason."))
    if certificate.status == CertificateStatus.REVOKED:
        raise RecordError(_("This certificate is already revoked."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_reason = reason[:500]
    certificate.revoked_at = now
    certificate.revoked_by = actor
    session.add(certificate)
    session.flush()
    employee = session.get(Employee, certificate.employee_id)
    assert employee is not None
    enqueue(
        session,
        kind="certificate.revoked",
        subject=employee.employee_no,
        payload=_payload(certificate, employee),
        now=now,
    )
    return certificate


def _payload(certificate: Certificate, employee: Employee) -> dict[str, object]:
    revoked = certificate.revoked_at
    return {
        "number": certificate.number,
        "employee_no": employee.employee_no,
        "name": employee.name,
        "level": certificate.level,
        "title": certificate.title,
        "track": certificate.track,
        "status": certificate.status,
        "issued_at": iso_utc(certificate.issued_at),
        "issued_by": certificate.issued_by,
        "revoked_reason": certificate.revoked_reason,
        "revoked_at": None if revoked is None else iso_utc(revoked),
    }


def mask_name(name: str) -> str:
    """A name partly hidden for the public page: 张三丰 -> 张*丰, 张三 -> 张*."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows about a certificate, and no more."""

    number: str
    status: str
    masked_name: str
    level: int
    title: str
    track: str
    issued_at: datetime
    superseded_by: str | None
    revoked_reason: str
    revoked_at: datetime | None


def verify(session: Session, number: str) -> Verification | None:
    certificate = by_number(session, number)
    if certificate is None:
        return None
    employee = session.get(Employee, certificate.employee_id)
    newer = (
        None
        if certificate.superseded_by_id is None
        else session.get(Certificate, certificate.superseded_by_id)
    )
    return Verification(
        number=certificate.number,
        status=certificate.status,
        masked_name=mask_name(employee.name if employee else ""),
        level=certificate.level,
        title=certificate.title,
        track=certificate.track,
        issued_at=certificate.issued_at,
        superseded_by=newer.number if newer else None,
        revoked_reason=certificate.revoked_reason,
        revoked_at=certificate.revoked_at,
    )
