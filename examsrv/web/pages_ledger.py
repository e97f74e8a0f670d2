"""Points, mentoring and retention pages, and the route table of every page of the
ledger, appeals and reports (``ledger_routes``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from examsrv.certification.points import DEFAULT_AWARDS, ENTRY_ROLES, SOURCE_LABELS, PointsSource
from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.ledger import (
    LedgerError,
    add_points,
    balances,
    end_mentorship,
    entries_of,
    mentorships,
    register_mentorship,
    sync_apprentice_awards,
)
from examsrv.persistence.ledger_retention import STATE_LABELS, RetentionRow, demote, retention_rows
from examsrv.persistence.ledger_tables import PointsEntry
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.record import RecordError, certification_policy
from examsrv.persistence.reports import ReportTable
from examsrv.web import pages_appeals, pages_reports
from examsrv.web.context import ctx
from examsrv.web.security import SessionUser, csrf_protected, current_user, require

ENTERERS = (Role.HR, Role.AUTHOR, Role.APPROVER, Role.ADMIN)


def employee_by_no(s: Session, number: str) -> Employee | None:
    return s.exec(select(Employee).where(Employee.employee_no == number.strip())).first()


def _me(request: Request) -> SessionUser:
    user = current_user(request)
    assert user is not None  # every page here is behind require()
    return user


# -- the CSR's points ----------------------------------------------------------


@require(Role.CANDIDATE)
async def my_points(request: Request) -> Response:
    c = ctx(request)
    me = _me(request)
    if me.employee_id is None:
        return PlainTextResponse(_("Your account is not linked to an employee record."), 403)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            return {
                "entries": entries_of(s, me.employee_id or 0),
                "balances": balances(s, me.employee_id or 0),
                "labels": source_labels(),
            }

    return c.render(request, "ledger/my_points.html", await run_in_threadpool(load))


def source_labels() -> dict[str, str]:
    return {k.value: _(v) for k, v in SOURCE_LABELS.items()}


# -- entering points -----------------------------------------------------------


@require(*ENTERERS)
async def points_page(request: Request) -> Response:
    c = ctx(request)
    me = _me(request)
    allowed = [s for s in PointsSource if s in ENTRY_ROLES.get(me.role.value, frozenset())]
    form: dict[str, str] = {}
    error = None
    if request.method == "POST":
        raw = await request.form()
        form = {
            k: str(raw.get(k, "")).strip()
            for k in ("employee_no", "source", "amount", "reason", "source_ref", "corrects_id")
        }
        error = await run_in_threadpool(_enter_points, request, form)
        if error is None:
            return RedirectResponse("/hr/points?saved=1", status_code=303)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            sync_apprentice_awards(s)
            rows = s.exec(
                select(PointsEntry, Employee)
                .join(Employee, col(PointsEntry.employee_id) == col(Employee.id))
                .order_by(col(PointsEntry.id).desc())
                .limit(100)
            ).all()
            return {"recent": [(p, e) for p, e in rows]}

    data = await run_in_threadpool(load)
    data.update(
        sources=allowed,
        awards={s.value: DEFAULT_AWARDS[s] for s in allowed},
        labels=source_labels(),
        form=form,
        error=error,
        saved=request.query_params.get("saved") == "1",
    )
    return c.render(request, "ledger/points.html", data, status_code=400 if error else 200)


def _enter_points(request: Request, form: dict[str, str]) -> str | None:
    c = ctx(request)
    me = _me(request)
    try:
        amount = int(form["amount"]) if form["amount"] else None
        corrects = int(form["corrects_id"]) if form["corrects_id"] else None
    except ValueError:
        return _("Points and entry numbers are whole numbers.")
    try:
        with session_scope(c.engine) as s:
            employee = employee_by_no(s, form["employee_no"])
            if employee is None:
                return _("No employee has the number %(no)s.") % {"no": form["employee_no"]}
            add_points(
                s,
                employee_id=employee.id or 0,
                source=form["source"],
                amount=amount,
                reason=form["reason"],
                source_ref=form["source_ref"],
                entered_by=me.username,
                role=me.role.value,
                now=c.clock.now(),
                corrects_id=corrects,
            )
    except LedgerError as exc:
        return str(exc)
    return None


# -- mentoring -----------------------------------------------------------------


@require(Role.HR)
async def mentorship_page(request: Request) -> Response:
    c = ctx(request)
    me = _me(request)
    form: dict[str, str] = {}
    error = None
    if request.method == "POST":
        raw = await request.form()
        form = {k: str(raw.get(k, "")).strip() for k in ("mentor_no", "apprentice_no")}

        def save() -> str | None:
            try:
                with session_scope(c.engine) as s:
                    mentor = employee_by_no(s, form["mentor_no"])
                    apprentice = employee_by_no(s, form["apprentice_no"])
                    if mentor is None or apprentice is None:
                        return _("Enter the employee numbers of the mentor and the apprentice.")
                    register_mentorship(
                        s,
                        mentor_id=mentor.id or 0,
                        apprentice_id=apprentice.id or 0,
                        actor=me.username,
                        now=c.clock.now(),
                        policy=certification_policy(s),
                    )
            except LedgerError as exc:
                return str(exc)
            return None

        error = await run_in_threadpool(save)
        if error is None:
            return RedirectResponse("/hr/mentorships?saved=1", status_code=303)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            return {"rows": mentorships(s), "policy": certification_policy(s)}

    data = await run_in_threadpool(load)
    data.update(form=form, error=error, saved=request.query_params.get("saved") == "1")
    return c.render(request, "ledger/mentorships.html", data, status_code=400 if error else 200)


@require(Role.HR)
async def mentorship_end(request: Request) -> Response:
    c = ctx(request)
    me = _me(request)
    ship_id = int(request.path_params["mentorship_id"])

    def end() -> str | None:
        try:
            with session_scope(c.engine) as s:
                end_mentorship(s, ship_id, actor=me.username, now=c.clock.now())
        except LedgerError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(end)
    if error is not None:
        return PlainTextResponse(error, 409)
    return RedirectResponse("/hr/mentorships", status_code=303)


# -- retention -----------------------------------------------------------------

FILTERS = ("attention", "due", "overdue", "at_risk", "demote", "probation", "all")


def _wanted(row: RetentionRow, chosen: str) -> bool:
    if chosen == "all":
        return True
    if chosen == "attention":
        return row.state in ("due", "overdue", "at_risk", "demote", "within_window", "standby")
    if chosen == "probation":
        return row.state in ("within_window", "standby")
    return row.state == chosen


def retention_table(rows: list[RetentionRow]) -> ReportTable:
    return ReportTable(
        "retention",
        "Retention",
        (
            "Employee number",
            "Name",
            "Level",
            "State",
            "Window from",
            "Window to",
            "Points",
            "Apprentices",
            "Reasons",
        ),
        [
            (
                r.employee.employee_no,
                r.employee.name,
                r.employee.current_level,
                _(STATE_LABELS.get(r.state, r.state)),
                None if r.status is None else r.status.window_from.isoformat(),
                None if r.status is None else r.status.window_to.isoformat(),
                r.points,
                r.apprentices,
                "" if r.status is None else "; ".join(r.status.reasons),
            )
            for r in rows
        ],
    )


@require(Role.HR)
async def retention_page(request: Request) -> Response:
    c = ctx(request)
    chosen = request.query_params.get("show", "attention")
    chosen = chosen if chosen in FILTERS else "attention"

    def load() -> list[RetentionRow]:
        with session_scope(c.engine) as s:
            return retention_rows(s, today=c.clock.now().date())

    rows = [r for r in await run_in_threadpool(load) if _wanted(r, chosen)]
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        return pages_reports.table_response(retention_table(rows), fmt)
    return c.render(
        request,
        "ledger/retention.html",
        {
            "rows": rows,
            "show": chosen,
            "filters": FILTERS,
            "labels": {k: _(v) for k, v in STATE_LABELS.items()},
            "error": request.query_params.get("error", "")[:300],
            "demoted": request.query_params.get("demoted", ""),
        },
    )


@require(Role.HR)
async def retention_demote(request: Request) -> Response:
    c = ctx(request)
    me = _me(request)
    employee_id = int(request.path_params["employee_id"])

    def act() -> str | None:
        now = c.clock.now()
        try:
            with session_scope(c.engine) as s:
                demote(s, employee_id, actor=me.username, today=now.date(), now=now)
        except (LedgerError, RecordError) as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(act)
    if error is not None:
        c_ = ctx(request)
        return c_.render(
            request,
            "ledger/refused.html",
            {"message": error, "back": "/hr/retention"},
            status_code=409,
        )
    return RedirectResponse(f"/hr/retention?demoted={employee_id}", status_code=303)


# -- the route table -------------------------------------------------------------


def _post(path: str, endpoint: Any, methods: list[str] | None = None) -> Route:
    return Route(path, csrf_protected(endpoint), methods=methods or ["POST"])


def ledger_routes() -> list[BaseRoute]:
    """Every page of points, mentoring, retention, appeals and reports; POSTs CSRF-checked."""
    appeals, reports = pages_appeals, pages_reports
    return [
        Route("/me/points", my_points),
        _post("/hr/points", points_page, ["GET", "POST"]),
        _post("/hr/mentorships", mentorship_page, ["GET", "POST"]),
        _post("/hr/mentorships/{mentorship_id:int}/end", mentorship_end),
        Route("/hr/retention", retention_page),
        _post("/hr/retention/{employee_id:int}/demote", retention_demote),
        _post("/me/appeals", appeals.my_appeals, ["GET", "POST"]),
        _post("/me/appeals/grants/{grant_id:int}", appeals.use_new_attempt),
        Route("/hr/appeals", appeals.appeal_queue),
        Route("/hr/appeals/{appeal_id:int}", appeals.appeal_page),
        _post("/hr/appeals/{appeal_id:int}/investigate", appeals.appeal_investigate),
        _post("/hr/appeals/{appeal_id:int}/decide", appeals.appeal_decide),
        Route("/reports", reports.reports),
        Route("/reports/{key:str}.{fmt:str}", reports.report_download),
        Route("/admin/grading/calibrate", reports.calibrate),
        _post("/admin/grading/calibrate", reports.calibrate_accept),
    ]
