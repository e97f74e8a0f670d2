"""The certification record on the web: a CSR's own level page and applications, one
application's page with its steps, and the route table of every record page.

HR's pages are in ``pages_record_hr``; certificates, verification, the approvers'
queue and the policy editor in ``pages_record_certs``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from examsrv.certification.promotion import checklist, missing
from examsrv.certification.titles import MAX_LEVEL, title_for
from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.record import RecordError, certification_policy, facts_for
from examsrv.persistence.record_applications import (
    MOVES,
    WITHDRAWABLE,
    act,
    application_checklist,
    applications_of,
    apply,
    certificate_for,
    open_application,
    steps_of,
)
from examsrv.persistence.record_certificates import certificates_of
from examsrv.persistence.record_roster import tracks
from examsrv.persistence.record_tables import Application
from examsrv.web import pages_record_certs as certs
from examsrv.web import pages_record_hr as hr
from examsrv.web.context import ctx
from examsrv.web.pages_record_common import labels
from examsrv.web.security import SessionUser, csrf_protected, current_user, require

STAFF_VIEWERS = (Role.HR, Role.ADMIN, Role.APPROVER)


def _me(request: Request) -> SessionUser:
    user = current_user(request)
    assert user is not None
    return user


@require(Role.CANDIDATE)
async def my_level(request: Request) -> Response:
    return await _my_level(request, error=None, form={})


async def _my_level(request: Request, *, error: str | None, form: dict[str, str]) -> Response:
    c = ctx(request)
    employee_id = _me(request).employee_id
    today = c.clock.now().date()

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            employee = s.get(Employee, employee_id) if employee_id is not None else None
            if employee is None or employee.id is None:
                return None
            policy = certification_policy(s)
            target = employee.current_level + 1
            items = []
            if target <= MAX_LEVEL:
                items = checklist(facts_for(s, employee.id, today=today), target, policy, today)
            apps = applications_of(s, employee.id)
            return {
                "employee": employee,
                "title": title_for(employee.current_level, policy.titles),
                "target": target if target <= MAX_LEVEL else None,
                "target_title": title_for(target, policy.titles) if target <= MAX_LEVEL else "",
                "items": items,
                "missing": len(missing(items)),
                "open_app": open_application(s, employee.id),
                "applications": [(a, steps_of(s, a.id or 0)) for a in apps],
                "certificates": certificates_of(s, employee.id),
                "tracks": tracks(s, policy),
                "levels": list(range(1, MAX_LEVEL + 1)),
                "error": error,
                "form": form,
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("Your account has no employee record."), 404)
    return c.render(request, "record/me_level.html", data, status_code=409 if error else 200)


@require(Role.CANDIDATE)
async def apply_submit(request: Request) -> Response:
    c = ctx(request)
    user = _me(request)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("target_level", "track")}
    try:
        target = int(values["target_level"])
    except ValueError:
        return await _my_level(request, error=_("Choose the level you apply for."), form=values)

    def save() -> str | None:
        if user.employee_id is None:
            return _("Your account has no employee record.")
        try:
            with session_scope(c.engine) as s:
                apply(
                    s,
                    employee_id=user.employee_id,
                    target_level=target,
                    track=values["track"],
                    actor=user.username,
                    now=c.clock.now(),
                )
        except RecordError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error:
        return await _my_level(request, error=error, form=values)
    return RedirectResponse("/me/level?applied=1", status_code=303)


def _may_see(user: SessionUser, application: Application) -> bool:
    if user.role == Role.CANDIDATE:
        return user.employee_id == application.employee_id
    return user.has(*STAFF_VIEWERS)


@require(Role.CANDIDATE, *STAFF_VIEWERS)
async def application_page(request: Request) -> Response:
    return await _application_page(request, error=None)


async def _application_page(request: Request, *, error: str | None) -> Response:
    c = ctx(request)
    user = _me(request)
    app_id = int(request.path_params["application_id"])
    today = c.clock.now().date()

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            application = s.get(Application, app_id)
            if application is None or not _may_see(user, application):
                return None
            items = application_checklist(s, application, today=today)
            policy = certification_policy(s)
            return {
                "app": application,
                "employee": s.get(Employee, application.employee_id),
                "target_title": title_for(application.target_level, policy.titles),
                "steps": steps_of(s, app_id),
                "items": items,
                "missing": len(missing(items)),
                "certificate": certificate_for(s, app_id),
                "actions": actions_for(user, application),
                "error": error,
                "back": _safe_next(request.query_params.get("next", "")),
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such application."), 404)
    return c.render(request, "record/application.html", data, status_code=409 if error else 200)


def actions_for(user: SessionUser, application: Application) -> list[str]:
    """The steps this user may take on the application now."""
    if user.role == Role.CANDIDATE:
        return ["withdraw"] if application.status in WITHDRAWABLE else []
    return [
        action
        for (status, action), (_to, roles, _note) in MOVES.items()
        if status == application.status and user.role in roles
    ]


def _safe_next(target: str) -> str:
    allowed = ("/hr/applications", "/approvals", "/me/level")
    return target if target in allowed else ""


@require(Role.CANDIDATE, Role.HR, Role.ADMIN, Role.APPROVER)
async def application_act(request: Request) -> Response:
    c = ctx(request)
    user = _me(request)
    app_id = int(request.path_params["application_id"])
    form = await request.form()
    action = str(form.get("action", ""))
    note = str(form.get("note", ""))[:1000]
    back = _safe_next(str(form.get("next", "")))

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                application = s.get(Application, app_id)
                if application is None or not _may_see(user, application):
                    return "404"
                act(
                    s,
                    app_id,
                    action=action,
                    note=note,
                    actor=user.username,
                    role=user.role,
                    now=c.clock.now(),
                )
        except RecordError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error == "404":
        return PlainTextResponse(_("No such application."), 404)
    if error:
        return await _application_page(request, error=error)
    return RedirectResponse(back or f"/applications/{app_id}", status_code=303)


def _post(path: str, endpoint: Any) -> Route:
    return Route(path, csrf_protected(endpoint), methods=["POST"])


def record_routes() -> list[BaseRoute]:
    """Every page of the certification record; each POST route is CSRF-checked."""
    return [
        Route("/me/level", my_level),
        _post("/me/applications", apply_submit),
        Route("/applications/{application_id:int}", application_page),
        _post("/applications/{application_id:int}/act", application_act),
        Route("/hr/employees", hr.employee_list),
        Route("/hr/employees/export.{fmt:str}", hr.employee_export),
        Route("/hr/employees/{employee_id:int}", hr.employee_page),
        _post("/hr/employees/{employee_id:int}/facts", hr.facts_submit),
        _post("/hr/employees/{employee_id:int}/corrections", hr.correction_submit),
        Route("/hr/applications", hr.application_queue),
        Route("/hr/courses", hr.courses_page),
        _post("/hr/courses", hr.course_submit),
        _post("/hr/courses/import", hr.courses_import),
        Route("/hr/record-import", hr.facts_import_page),
        _post("/hr/record-import", hr.facts_import_submit),
        Route("/approvals", certs.approvals),
        Route("/certificates/{number:str}", certs.certificate_page),
        _post("/certificates/{number:str}/revoke", certs.revoke_submit),
        Route("/verify", certs.verify_lookup),
        Route("/verify/{number:str}", certs.verify_page),
        Route("/admin/certification-policy", certs.policy_page),
        _post("/admin/certification-policy", certs.policy_submit),
    ]
