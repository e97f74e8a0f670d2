"""Sending a case version for review, and the review queue.

A version goes live when ``EXAMSRV_CASE_REVIEWERS_REQUIRED`` reviewers other than its
author approve it; one rejection, with its reason, sends it back (``case_bank.review``).
For now every author and administrator reviews.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.itembank.case_codec import spec_from_data
from examsrv.persistence.case_bank import CaseBankError, review, review_queue, reviews_of, submit
from examsrv.persistence.case_catalog import version_of
from examsrv.persistence.case_tables import CaseVersion
from examsrv.persistence.engine import session_scope
from examsrv.persistence.trials import record_event
from examsrv.web.cases_common import AUTHORS, actor, labels
from examsrv.web.context import ctx
from examsrv.web.pages_cases_edit import case_view
from examsrv.web.security import require


@require(*AUTHORS)
async def submit_version(request: Request) -> Response:
    c = ctx(request)
    case_id = int(request.path_params["case_id"])
    number = int(request.path_params["number"])

    def run() -> str | None:
        try:
            with session_scope(c.engine) as s:
                version = version_of(s, case_id, number)
                if version is None:
                    return _("No such case or version.")
                submit(s, version.id or 0)
        except CaseBankError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(run)
    if error:
        return PlainTextResponse(error, 409)
    return RedirectResponse(f"/author/cases/{case_id}?submitted={number}", status_code=303)


@require(*AUTHORS)
async def queue(request: Request) -> Response:
    return await _queue(request, error=None, status_code=200)


async def _queue(request: Request, *, error: str | None, status_code: int) -> Response:
    c = ctx(request)
    me = actor(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            waiting = []
            for version, item in review_queue(s, me):
                reviews = reviews_of(s, version.id or 0)
                waiting.append(
                    {
                        "version": version,
                        "item": item,
                        "reviews": reviews,
                        "approvals": sum(1 for r in reviews if r.approve),
                        **case_view(spec_from_data(version.spec)),
                    }
                )
        return {
            "waiting": waiting,
            "required": c.settings.case_reviewers_required,
            "error": error,
            "done": request.query_params.get("done", ""),
            "L": labels(),
        }

    return c.render(
        request, "cases_reviews.html", await run_in_threadpool(load), status_code=status_code
    )


@require(*AUTHORS)
async def decide(request: Request) -> Response:
    """One reviewer's approval, or rejection with a reason, of one version."""
    c = ctx(request)
    version_id = int(request.path_params["version_id"])
    form = await request.form()
    decision = str(form.get("decision", ""))
    comment = str(form.get("comment", "")).strip()
    if decision not in ("approve", "reject"):
        return await _queue(request, error=_("Approve or reject the version."), status_code=400)
    if decision == "reject" and not comment:
        message = _("Give a reason when sending a version back.")
        return await _queue(request, error=message, status_code=400)

    def run() -> str:
        with session_scope(c.engine) as s:
            if s.get(CaseVersion, version_id) is None:
                raise CaseBankError(_("No such version."))
            outcome = review(
                s,
                version_id,
                reviewer=actor(request),
                approve=decision == "approve",
                comment=comment,
                required=c.settings.case_reviewers_required,
                now=c.clock.now(),
            )
            record_event(
                s,
                kind="case_reviewed",
                now=c.clock.now(),
                attempt_id=None,
                actor=actor(request),
                detail={"version_id": version_id, "decision": decision, "status": outcome.status},
            )
            return outcome.status

    try:
        status = await run_in_threadpool(run)
    except CaseBankError as exc:
        return await _queue(request, error=str(exc), status_code=409)
    return RedirectResponse(f"/author/reviews?done={status}", status_code=303)
