"""HR's pages of the certification record: the employee list with its exports, one
employee's record (facts, level history, corrections), the application queue,
course scores (by hand and by import) and the import of record facts."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.certification.promotion import missing
from examsrv.certification.titles import LEVELS, title_for
from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.record import (
    RecordError,
    certification_policy,
    change_level,
    current_round,
    history,
)
from examsrv.persistence.record_applications import application_checklist, applications_of, queue
from examsrv.persistence.record_certificates import certificates_of
from examsrv.persistence.record_courses import (
    COURSE_COLUMNS,
    all_courses,
    import_scores,
    parse_score,
    record_score,
    results_of,
)
from examsrv.persistence.record_io import write_csv, write_xlsx
from examsrv.persistence.record_roster import (
    EXPORT_HEADERS,
    FACT_COLUMNS,
    EmployeeFilter,
    employees,
    export_rows,
    fact_changes,
    import_facts,
    set_record_facts,
    tracks,
)
from examsrv.persistence.record_tables import OPEN_STATUSES
from examsrv.web.context import ctx
from examsrv.web.pages_record_common import evidence_link, labels
from examsrv.web.security import current_user, require

HR = (Role.HR, Role.ADMIN)
MAX_UPLOAD = 5 * 1024 * 1024


def _actor(request: Request) -> str:
    user = current_user(request)
    return user.username if user else ""


def _filter(request: Request) -> tuple[EmployeeFilter, dict[str, str]]:
    q = request.query_params
    raw = {k: str(q.get(k, "")).strip()[:60] for k in ("q", "level", "track", "probation")}
    level = int(raw["level"]) if raw["level"].isdigit() else None
    probation = {"yes": True, "no": False}.get(raw["probation"])
    return EmployeeFilter(raw["q"], level, raw["track"], probation), raw


@require(*HR)
async def employee_list(request: Request) -> Response:
    c = ctx(request)
    chosen, raw = _filter(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            policy = certification_policy(s)
            rows = employees(s, chosen)
            return {
                "rows": [(e, title_for(e.current_level, policy.titles)) for e in rows],
                "filters": raw,
                "query": urlencode({k: v for k, v in raw.items() if v}),
                "levels": LEVELS,
                "tracks": tracks(s, policy),
            }

    return c.render(request, "record/hr_employees.html", await run_in_threadpool(load))


@require(*HR)
async def employee_export(request: Request) -> Response:
    c = ctx(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("xlsx", "csv"):
        return PlainTextResponse(_("Export as .xlsx or .csv."), 404)
    chosen, _raw = _filter(request)

    def load() -> list[list[object]]:
        with session_scope(c.engine) as s:
            return export_rows(employees(s, chosen), certification_policy(s))

    rows = await run_in_threadpool(load)
    stamp = c.clock.now().strftime("%Y%m%d")
    if fmt == "xlsx":
        body = write_xlsx("认证档案", EXPORT_HEADERS, rows)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = write_csv(EXPORT_HEADERS, rows)
        media = "text/csv; charset=utf-8"
    disposition = f'attachment; filename="records-{stamp}.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@require(*HR)
async def employee_page(request: Request) -> Response:
    return await _employee_page(request, error=None)


async def _employee_page(request: Request, *, error: str | None) -> Response:
    c = ctx(request)
    employee_id = int(request.path_params["employee_id"])

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            employee = s.get(Employee, employee_id)
            if employee is None:
                return None
            policy = certification_policy(s)
            changes = history(s, employee_id)
            corrected = {ch.corrects_id: ch for ch in changes if ch.corrects_id is not None}
            return {
                "employee": employee,
                "title": title_for(employee.current_level, policy.titles),
                "changes": list(reversed(changes)),
                "corrected_by": corrected,
                "titles": {lvl: title_for(lvl, policy.titles) for lvl in LEVELS},
                "facts": fact_changes(s, employee_id),
                "applications": applications_of(s, employee_id),
                "certificates": certificates_of(s, employee_id),
                "courses": results_of(s, employee_id),
                "round": current_round(s, employee_id),
                "tracks": tracks(s, policy),
                "levels": LEVELS,
                "link": evidence_link,
                "error": error,
                "saved": request.query_params.get("saved", ""),
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such employee."), 404)
    return c.render(request, "record/hr_employee.html", data, status_code=409 if error else 200)


def _date_or_none(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@require(*HR)
async def facts_submit(request: Request) -> Response:
    c = ctx(request)
    employee_id = int(request.path_params["employee_id"])
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("hire_date", "track", "permanent_since")}
    try:
        changes: dict[str, Any] = {
            "hire_date": _date_or_none(values["hire_date"]),
            "permanent_since": _date_or_none(values["permanent_since"]),
            "on_probation": form.get("on_probation") == "yes",
        }
    except ValueError:
        return await _employee_page(request, error=_("Dates are written YYYY-MM-DD."))
    if not values["track"] or len(values["track"]) > 40:
        return await _employee_page(request, error=_("The track must be 1 to 40 characters."))
    changes["track"] = values["track"]

    def save() -> bool:
        with session_scope(c.engine) as s:
            employee = s.get(Employee, employee_id)
            if employee is None:
                return False
            set_record_facts(
                s,
                employee,
                changes=changes,
                actor=_actor(request),
                source="form",
                now=c.clock.now(),
            )
            return True

    if not await run_in_threadpool(save):
        return PlainTextResponse(_("No such employee."), 404)
    return RedirectResponse(f"/hr/employees/{employee_id}?saved=facts", status_code=303)


@require(*HR)
async def correction_submit(request: Request) -> Response:
    c = ctx(request)
    employee_id = int(request.path_params["employee_id"])
    form = await request.form()
    try:
        corrects = int(str(form.get("corrects_id", "")))
        to_level = int(str(form.get("to_level", "")))
    except ValueError:
        return await _employee_page(
            request, error=_("Choose the entry to correct and the right level.")
        )
    reason = str(form.get("reason", ""))[:500]

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                change_level(
                    s,
                    employee_id=employee_id,
                    to_level=to_level,
                    kind="correction",
                    reason=reason,
                    evidence=[],
                    actor=_actor(request),
                    now=c.clock.now(),
                    corrects_id=corrects,
                )
        except RecordError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error:
        return await _employee_page(request, error=error)
    return RedirectResponse(f"/hr/employees/{employee_id}?saved=correction", status_code=303)


@require(*HR)
async def application_queue(request: Request) -> Response:
    c = ctx(request)
    today = c.clock.now().date()

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows = queue(s, tuple(OPEN_STATUSES))
            return {
                "rows": [
                    (a, e, len(missing(application_checklist(s, a, today=today)))) for a, e in rows
                ],
                "L": labels(),
            }

    return c.render(request, "record/hr_applications.html", await run_in_threadpool(load))


async def _upload(request: Request) -> tuple[bytes, str] | str:
    async with request.form() as form:  # closes the uploaded file's temporary copy
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _("Choose a file to import.")
        filename = upload.filename
        data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _("The file is larger than 5 MB.")
    return data, filename


@require(*HR)
async def courses_page(request: Request) -> Response:
    return await _courses_page(request, {})


async def _courses_page(request: Request, extra: dict[str, Any], status: int = 200) -> Response:
    c = ctx(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            return {
                "courses": all_courses(certification_policy(s)),
                "columns": COURSE_COLUMNS,
                "error": None,
                "errors": [],
                "imported": request.query_params.get("imported", ""),
                "saved": request.query_params.get("saved", ""),
                "form": {},
            } | extra

    return c.render(
        request, "record/hr_courses.html", await run_in_threadpool(load), status_code=status
    )


@require(*HR)
async def course_submit(request: Request) -> Response:
    c = ctx(request)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("employee_no", "course", "score")}
    score = parse_score(values["score"])
    if score is None:
        return await _courses_page(
            request, {"error": _("A score is a number from 0 to 100."), "form": values}, 400
        )

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                employee = s.exec(
                    select(Employee).where(Employee.employee_no == values["employee_no"])
                ).first()
                if employee is None or employee.id is None:
                    return _("Unknown employee number %(no)s.") % {"no": values["employee_no"]}
                record_score(
                    s,
                    employee_id=employee.id,
                    course=values["course"],
                    score=score,
                    actor=_actor(request),
                    now=c.clock.now(),
                )
        except RecordError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error:
        return await _courses_page(request, {"error": error, "form": values}, 400)
    return RedirectResponse("/hr/courses?saved=1", status_code=303)


@require(*HR)
async def courses_import(request: Request) -> Response:
    c = ctx(request)
    got = await _upload(request)
    if isinstance(got, str):
        return await _courses_page(request, {"error": got}, 400)
    data, name = got

    def save() -> Any:
        with session_scope(c.engine) as s:
            return import_scores(s, data, name, actor=_actor(request), now=c.clock.now())

    outcome = await run_in_threadpool(save)
    if outcome.errors:
        return await _courses_page(
            request,
            {"error": _("Nothing was imported."), "errors": outcome.errors},
            400,
        )
    return RedirectResponse(f"/hr/courses?imported={outcome.imported}", status_code=303)


@require(*HR)
async def facts_import_page(request: Request) -> Response:
    return await _facts_page(request, {})


async def _facts_page(request: Request, extra: dict[str, Any], status: int = 200) -> Response:
    data = {
        "columns": FACT_COLUMNS,
        "error": None,
        "errors": [],
        "imported": request.query_params.get("imported", ""),
        "changed": request.query_params.get("changed", ""),
    } | extra
    return ctx(request).render(request, "record/hr_import.html", data, status_code=status)


@require(*HR)
async def facts_import_submit(request: Request) -> Response:
    c = ctx(request)
    got = await _upload(request)
    if isinstance(got, str):
        return await _facts_page(request, {"error": got}, 400)
    data, name = got

    def save() -> Any:
        with session_scope(c.engine) as s:
            return import_facts(s, data, name, actor=_actor(request), now=c.clock.now())

    outcome = await run_in_threadpool(save)
    if outcome.errors:
        return await _facts_page(
            request, {"error": _("Nothing was imported."), "errors": outcome.errors}, 400
        )
    query = urlencode({"imported": outcome.employees, "changed": outcome.changes})
    return RedirectResponse(f"/hr/record-import?{query}", status_code=303)
