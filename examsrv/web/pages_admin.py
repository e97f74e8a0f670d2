"""Administrators' pages: every attempt with its per-task timings, the grading
policy, and an employee's certification record."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role, TrialAttempt
from examsrv.persistence.trials import (
    current_policy_row,
    evidence_of,
    list_attempts,
    record_event,
)
from examsrv.timing.level_bands import BandTable
from examsrv.timing.trial_grading import GradingPolicy
from examsrv.web.context import ctx
from examsrv.web.pages_candidate import attempt_detail
from examsrv.web.paging import Page
from examsrv.web.security import current_user, require

VIEWERS = (Role.ADMIN, Role.PROCTOR, Role.HR)


@require(*VIEWERS)
async def attempts(request: Request) -> Response:
    c = ctx(request)
    page = Page.from_request(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows, total = list_attempts(s, offset=page.offset, limit=page.size)
            return {"rows": rows, "page": page.with_total(total)}

    return c.render(request, "admin_attempts.html", await run_in_threadpool(load))


@require(*VIEWERS)
async def attempt(request: Request) -> Response:
    c = ctx(request)
    attempt_id = int(request.path_params["attempt_id"])

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            row = s.get(TrialAttempt, attempt_id)
        if row is None:
            return None
        return attempt_detail(request, row)

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such trial."), 404)
    data["show_answers"] = True
    return c.render(request, "trial_result.html", data)


@require(Role.ADMIN)
async def grading(request: Request) -> Response:
    c = ctx(request)
    error = None
    form_values: dict[str, str] = {}
    if request.method == "POST":
        form = await request.form()
        form_values = {
            k: str(form.get(k, "")) for k in ("bands", "wrong_penalty_s", "min_accuracy")
        }
        try:
            bands = BandTable.parse_text(form_values["bands"])
            penalty = float(form_values["wrong_penalty_s"])
            accuracy = float(form_values["min_accuracy"]) / 100
            GradingPolicy(bands=bands, wrong_penalty_s=penalty, min_accuracy=accuracy)
        except ValueError as exc:
            error = _("The grading policy was not saved: %(reason)s") % {"reason": exc}
        else:
            user = current_user(request)
            actor = user.username if user else ""

            def save() -> None:
                with session_scope(c.engine) as s:
                    row = current_policy_row(s, now=c.clock.now())
                    before = {
                        "bands": row.bands,
                        "penalty": row.wrong_penalty_s,
                        "accuracy": row.min_accuracy,
                    }
                    row.bands = bands.to_rows()
                    row.wrong_penalty_s = penalty
                    row.min_accuracy = accuracy
                    row.updated_at = c.clock.now()
                    row.updated_by = actor
                    s.add(row)
                    record_event(
                        s,
                        kind="grading_changed",
                        now=c.clock.now(),
                        attempt_id=None,
                        actor=actor,
                        detail={"before": before},
                    )

            await run_in_threadpool(save)
            return RedirectResponse("/admin/grading?saved=1", status_code=303)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            row = current_policy_row(s, now=c.clock.now())
            table = BandTable.from_rows(row.bands)
            return {
                "policy": row,
                "bands_text": form_values.get("bands") or table.to_text(),
                "penalty": form_values.get("wrong_penalty_s") or f"{row.wrong_penalty_s:g}",
                "accuracy": form_values.get("min_accuracy") or f"{row.min_accuracy * 100:g}",
                "table": table,
            }

    data = await run_in_threadpool(load)
    data["error"] = error
    data["saved"] = request.query_params.get("saved") == "1"
    return c.render(request, "admin_grading.html", data, status_code=400 if error else 200)


@require(*VIEWERS)
async def employee_record(request: Request) -> Response:
    c = ctx(request)
    employee_id = int(request.path_params["employee_id"])

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            employee = s.get(Employee, employee_id)
            if employee is None:
                return None
            rows, _total = list_attempts(s, offset=0, limit=200, employee_id=employee_id)
            return {
                "employee": employee,
                "evidence": evidence_of(s, employee_id),
                "attempts": [a for a, _e in rows],
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such employee."), 404)
    return c.render(request, "record.html", data)
