"""The case bank's authoring side: the case list with its capacity panel, one case's
versions and reviews, and the route table of every author page of the case bank.

The pages themselves are split by task: ``pages_cases_edit`` (the editor and the
preview), ``pages_cases_review`` (submitting and reviewing), ``pages_cases_transfer``
(import and export), ``pages_cases_upkeep`` (capacity, retiring, item statistics) and
``pages_cases_media`` (recordings).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from examsrv.i18n import gettext as _
from examsrv.persistence.case_bank import CaseBankError, rate
from examsrv.persistence.case_catalog import CaseRow, case_rows, history, rating_by
from examsrv.persistence.case_tables import CaseItem
from examsrv.persistence.engine import session_scope
from examsrv.web import (
    pages_cases_edit,
    pages_cases_media,
    pages_cases_review,
    pages_cases_transfer,
    pages_cases_upkeep,
)
from examsrv.web.cases_common import AUTHORS, LIST_STATUSES, capacity_of, labels
from examsrv.web.context import ctx
from examsrv.web.paging import Page
from examsrv.web.security import csrf_protected, current_user, require


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {
        name: str(q.get(name, "")).strip()[:100] for name in ("level", "category", "pool", "status")
    }


def _matches(row: CaseRow, f: dict[str, str]) -> bool:
    item = row.item
    return (
        (not f["level"] or str(item.level) == f["level"])
        and (not f["category"] or item.category == f["category"])
        and (not f["pool"] or item.pool == f["pool"])
        and (not f["status"] or f["status"] in row.statuses)
    )


@require(*AUTHORS)
async def case_list(request: Request) -> Response:
    c = ctx(request)
    page = Page.from_request(request)
    chosen = _filters(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows = case_rows(s)
        shown = [r for r in rows if _matches(r, chosen)]
        query = urlencode({k: v for k, v in chosen.items() if v})
        return {
            "rows": shown[page.offset : page.offset + page.size],
            "page": page.with_total(len(shown)),
            "extra_query": f"{query}&" if query else "",
            "filters": chosen,
            "categories": sorted({r.item.category for r in rows}),
            "statuses": LIST_STATUSES,
            "capacity": capacity_of(rows, c.settings.case_capacity),
            "total": len(rows),
            "L": labels(),
        }

    return c.render(request, "cases_list.html", await run_in_threadpool(load))


@require(*AUTHORS)
async def case_detail(request: Request) -> Response:
    return await _detail(request, error=None)


async def _detail(request: Request, error: str | None) -> Response:
    c = ctx(request)
    case_id = int(request.path_params["case_id"])
    user = current_user(request)

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            found = case_rows(s, case_id)
            if not found:
                return None
            row = found[0]
            return {
                "row": row,
                "versions": history(s, case_id),
                "required": c.settings.case_reviewers_required,
                "my_rating": rating_by(s, case_id, user.id if user else 0),
                "error": error,
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such case."), 404)
    return c.render(request, "cases_detail.html", data, status_code=409 if error else 200)


@require(*AUTHORS)
async def case_rate(request: Request) -> Response:
    """An author's own rating of a case (优秀 / 一般 / 差), once per user."""
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    case_id = int(request.path_params["case_id"])
    rating = str((await request.form()).get("rating", ""))

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                if s.get(CaseItem, case_id) is None:
                    return _("No such case.")
                rate(s, case_id, user.id, rating, now=c.clock.now())
        except CaseBankError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error:
        return await _detail(request, error)
    return RedirectResponse(f"/author/cases/{case_id}?rated=1", status_code=303)


def _post(path: str, endpoint: Any) -> Route:
    return Route(path, csrf_protected(endpoint), methods=["POST"])


def case_author_routes() -> list[BaseRoute]:
    """Every author page of the case bank; each POST route is CSRF-checked."""
    edit, review = pages_cases_edit, pages_cases_review
    transfer, upkeep = pages_cases_transfer, pages_cases_upkeep
    case = "/author/cases/{case_id:int}"
    return [
        Route("/author/cases", case_list),
        Route("/author/cases/new", csrf_protected(edit.case_new), methods=["GET", "POST"]),
        Route("/author/cases/import", transfer.import_page),
        _post("/author/cases/import", transfer.import_submit),
        Route("/author/cases/export.{fmt:str}", transfer.export),
        Route("/author/cases/upkeep", upkeep.upkeep),
        Route("/author/cases/stats", upkeep.stats),
        Route(case, case_detail),
        Route(f"{case}/edit", csrf_protected(edit.case_edit), methods=["GET", "POST"]),
        Route(f"{case}/preview", edit.preview),
        _post(f"{case}/versions/{{number:int}}/submit", review.submit_version),
        _post(f"{case}/retire", upkeep.retire),
        _post(f"{case}/restore", upkeep.restore),
        _post(f"{case}/rate", case_rate),
        Route("/author/reviews", review.queue),
        _post("/author/reviews/{version_id:int}", review.decide),
        Route("/author/media/{name:str}", pages_cases_media.media),
    ]
