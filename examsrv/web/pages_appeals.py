"""Appeals: a CSR files one on their own result and reads the answer; HR investigates
and decides with a remedy."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.certification.appeals import AppealStatus, Remedy, allowed_actions
from examsrv.i18n import gettext as _
from examsrv.persistence.appeals import (
    AppealRefused,
    appealable,
    appeals_of,
    decide,
    file_appeal,
    investigate,
    queue,
    use_grant,
    view,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require

SUBJECT_LABELS = {
    "trial": "Lookup trial",
    "case_test": "Case test",
    "application": "Application",
    "level_change": "Level change",
}
STATUS_LABELS = {
    "submitted": "Submitted",
    "investigating": "Being investigated",
    "upheld": "Upheld",
    "rejected": "Rejected",
}
REMEDY_LABELS = {"none": "No remedy", "regrade": "Regrade", "new_attempt": "A new attempt"}


def labels() -> dict[str, dict[str, str]]:
    return {
        "subject": {k: _(v) for k, v in SUBJECT_LABELS.items()},
        "status": {k: _(v) for k, v in STATUS_LABELS.items()},
        "remedy": {k: _(v) for k, v in REMEDY_LABELS.items()},
    }


@require(Role.CANDIDATE)
async def my_appeals(request: Request) -> Response:
    c = ctx(request)
    me = current_user(request)
    assert me is not None
    if me.employee_id is None:
        return PlainTextResponse(_("Your account is not linked to an employee record."), 403)
    employee_id = me.employee_id
    error = None
    form: dict[str, str] = {}
    if request.method == "POST":
        raw = await request.form()
        form = {k: str(raw.get(k, "")) for k in ("subject", "reason")}

        def save() -> str | None:
            kind, _sep, number = form["subject"].partition(":")
            try:
                subject_id = int(number)
            except ValueError:
                return _("Choose the result you appeal.")
            try:
                with session_scope(c.engine) as s:
                    file_appeal(
                        s,
                        employee_id=employee_id,
                        subject_kind=kind,
                        subject_id=subject_id,
                        reason=form["reason"],
                        actor=me.username,
                        now=c.clock.now(),
                    )
            except AppealRefused as exc:
                return str(exc)
            return None

        error = await run_in_threadpool(save)
        if error is None:
            return RedirectResponse("/me/appeals?filed=1", status_code=303)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            return {"appeals": appeals_of(s, employee_id), "subjects": appealable(s, employee_id)}

    data = await run_in_threadpool(load)
    data.update(
        error=error,
        form=form,
        filed=request.query_params.get("filed") == "1",
        L=labels(),
        grant_error=request.query_params.get("grant_error", "")[:300],
    )
    return c.render(request, "appeals/mine.html", data, status_code=400 if error else 200)


@require(Role.CANDIDATE)
async def use_new_attempt(request: Request) -> Response:
    c = ctx(request)
    me = current_user(request)
    assert me is not None
    grant_id = int(request.path_params["grant_id"])

    def start() -> tuple[str, int] | str:
        try:
            with session_scope(c.engine) as s:
                grant = use_grant(
                    s,
                    grant_id,
                    employee_id=me.employee_id or 0,
                    now=c.clock.now(),
                    seed_source=c.seed_source,
                    task_count=c.settings.trial_task_count,
                    recent_attempts=c.settings.trial_recent_attempts,
                )
                return grant.kind, int(grant.used_attempt_id or 0)
        except AppealRefused as exc:
            return str(exc)

    result = await run_in_threadpool(start)
    if isinstance(result, str):
        return c.render(
            request,
            "ledger/refused.html",
            {"message": result, "back": "/me/appeals"},
            status_code=409,
        )
    kind, attempt_id = result
    target = f"/trial/{attempt_id}" if kind == "trial" else f"/case-test/{attempt_id}"
    return RedirectResponse(target, status_code=303)


@require(Role.HR)
async def appeal_queue(request: Request) -> Response:
    c = ctx(request)
    status = request.query_params.get("status", "")
    status = status if status in STATUS_LABELS else ""

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            return {"rows": queue(s, status=status)}

    data = await run_in_threadpool(load)
    data.update(status=status, L=labels())
    return c.render(request, "appeals/queue.html", data)


@require(Role.HR)
async def appeal_page(request: Request) -> Response:
    return await _render_appeal(request)


async def _render_appeal(
    request: Request, *, error: str | None = None, status_code: int = 200
) -> Response:
    c = ctx(request)
    appeal_id = int(request.path_params["appeal_id"])

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            shown = view(s, appeal_id)
        if shown is None:
            return None
        return {"v": shown, "actions": allowed_actions(AppealStatus(shown.appeal.status))}

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such appeal."), 404)
    data.update(L=labels(), error=error, remedies=[r.value for r in Remedy])
    return c.render(request, "appeals/detail.html", data, status_code=status_code)


async def _act(request: Request, action: str) -> Response:
    c = ctx(request)
    me = current_user(request)
    assert me is not None
    appeal_id = int(request.path_params["appeal_id"])
    raw = await request.form()
    note = str(raw.get("note", ""))

    def run() -> str | None:
        try:
            with session_scope(c.engine) as s:
                if action == "investigate":
                    investigate(s, appeal_id, note=note, actor=me.username, now=c.clock.now())
                else:
                    decide(
                        s,
                        appeal_id,
                        upheld=str(raw.get("outcome", "")) == "uphold",
                        remedy=str(raw.get("remedy", "none")),
                        decision=str(raw.get("decision", "")),
                        actor=me.username,
                        now=c.clock.now(),
                    )
        except AppealRefused as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(run)
    if error is not None:
        return await _render_appeal(request, error=error, status_code=409)
    return RedirectResponse(f"/hr/appeals/{appeal_id}", status_code=303)


@require(Role.HR)
async def appeal_investigate(request: Request) -> Response:
    return await _act(request, "investigate")


@require(Role.HR)
async def appeal_decide(request: Request) -> Response:
    return await _act(request, "decide")
