"""Certificates and what surrounds them: the printable certificate with its QR code, the
public verification page, revoking; the approvers' queue; the policy editor."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import segno
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.certification.policy import DEFAULT_POLICY, PolicyError
from examsrv.certification.promotion import missing
from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.record import (
    RecordError,
    certification_policy,
    policy_row,
    save_policy,
)
from examsrv.persistence.record_applications import application_checklist, queue
from examsrv.persistence.record_certificates import by_number, revoke, verify
from examsrv.persistence.record_tables import ApplicationStatus
from examsrv.web.context import ctx
from examsrv.web.pages_record_common import labels
from examsrv.web.security import current_user, require


def verify_url(request: Request, number: str) -> str:
    """The absolute address of a certificate's verification page, as the QR code holds it."""
    return str(request.base_url).rstrip("/") + "/verify/" + quote(number, safe="")


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code of ``text`` (segno escapes nothing the caller gave it)."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=4, omitsize=True, title=_("Scan to verify this certificate"))
    return Markup(svg)


@require(Role.CANDIDATE, Role.HR, Role.ADMIN, Role.APPROVER)
async def certificate_page(request: Request) -> Response:
    return await _certificate_page(request, error=None)


async def _certificate_page(request: Request, *, error: str | None) -> Response:
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    number = request.path_params["number"]

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            certificate = by_number(s, number)
            if certificate is None:
                return None
            if user.role == Role.CANDIDATE and user.employee_id != certificate.employee_id:
                return None
            seen = verify(s, number)
            return {
                "cert": certificate,
                "seen": seen,
                "employee": s.get(Employee, certificate.employee_id),
                "url": verify_url(request, certificate.number),
                "may_revoke": user.has(Role.HR) and certificate.status != "revoked",
                "error": error,
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such certificate."), 404)
    data["qr"] = qr_svg(data["url"])
    return c.render(request, "record/certificate.html", data, status_code=409 if error else 200)


@require(Role.HR, Role.ADMIN)
async def revoke_submit(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    number = request.path_params["number"]
    reason = str((await request.form()).get("reason", ""))[:500]

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                revoke(
                    s,
                    number,
                    reason=reason,
                    actor=user.username if user else "",
                    now=c.clock.now(),
                )
        except RecordError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error:
        return await _certificate_page(request, error=error)
    return RedirectResponse(f"/certificates/{quote(number, safe='')}", status_code=303)


async def verify_page(request: Request) -> Response:
    """Public: whether a certificate is valid, superseded or revoked, and nothing private."""
    c = ctx(request)
    number = request.path_params["number"]

    def load() -> Any:
        with session_scope(c.engine) as s:
            return verify(s, number)

    seen = await run_in_threadpool(load)
    return c.render(
        request,
        "record/verify.html",
        {"seen": seen, "number": number, "L": labels()},
        status_code=200 if seen else 404,
    )


async def verify_lookup(request: Request) -> Response:
    """Public: a form to type a certificate number in."""
    number = str(request.query_params.get("number", "")).strip()
    if number:
        return RedirectResponse("/verify/" + quote(number, safe=""), status_code=303)
    return ctx(request).render(
        request, "record/verify.html", {"seen": None, "number": "", "L": labels()}
    )


@require(Role.APPROVER)
async def approvals(request: Request) -> Response:
    c = ctx(request)
    today = c.clock.now().date()

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows = []
            for app, employee in queue(s, (ApplicationStatus.REVIEW,)):
                items = application_checklist(s, app, today=today)
                rows.append((app, employee, items, len(missing(items))))
            return {"rows": rows, "L": labels()}

    return c.render(request, "record/approvals.html", await run_in_threadpool(load))


@require(Role.ADMIN)
async def policy_page(request: Request) -> Response:
    return await _policy_page(request, text=None, errors=[])


async def _policy_page(request: Request, *, text: str | None, errors: list[str]) -> Response:
    c = ctx(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            row = policy_row(s)
            current = certification_policy(s)
            return {
                "text": text
                if text is not None
                else json.dumps(current.to_json(), ensure_ascii=False, indent=2),
                "default": json.dumps(DEFAULT_POLICY.to_json(), ensure_ascii=False, indent=2),
                "row": row,
                "errors": errors,
                "saved": request.query_params.get("saved") == "1",
            }

    return c.render(
        request,
        "record/policy.html",
        await run_in_threadpool(load),
        status_code=400 if errors else 200,
    )


@require(Role.ADMIN)
async def policy_submit(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    text = str((await request.form()).get("policy", ""))
    try:
        data = json.loads(text)
    except ValueError as exc:
        return await _policy_page(
            request, text=text, errors=[_("The policy is not JSON: %(reason)s") % {"reason": exc}]
        )

    def save() -> list[str]:
        try:
            with session_scope(c.engine) as s:
                save_policy(s, data, actor=user.username if user else "", now=c.clock.now())
        except PolicyError as exc:
            return exc.messages
        return []

    errors = await run_in_threadpool(save)
    if errors:
        return await _policy_page(request, text=text, errors=errors)
    return RedirectResponse("/admin/certification-policy?saved=1", status_code=303)
