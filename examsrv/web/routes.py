"""The one route table of examsrv. Internal endpoints live under ``/-/``.

Every route that accepts POST is wrapped with the CSRF check here, so no form
can be added without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from examsrv import __version__
from examsrv.persistence.models import Role
from examsrv.web import (
    kb_search,
    pages_admin,
    pages_author,
    pages_candidate,
    pages_cases_candidate,
    pages_cases_staff,
    pages_proctor,
    pages_public,
)
from examsrv.web.case_test_socket import case_test_socket
from examsrv.web.context import ctx
from examsrv.web.pages_cases import case_author_routes
from examsrv.web.pages_ledger import ledger_routes
from examsrv.web.pages_outbox import outbox_routes
from examsrv.web.pages_record import record_routes
from examsrv.web.pages_sittings import sitting_routes
from examsrv.web.proctor_socket import proctor_socket, seat_socket
from examsrv.web.security import csrf_protected, require
from examsrv.web.templating import STATIC
from examsrv.web.trial_socket import trial_socket


async def health(request: Request) -> Response:
    c = ctx(request)
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "writer_batches": c.writer.batches,
            "live_trials": len(c.live),
        }
    )


@require(Role.ADMIN)
async def settings_page(request: Request) -> Response:
    return ctx(request).render(
        request, "admin_settings.html", {"rows": ctx(request).settings.describe()}
    )


def _route(path: str, endpoint: Callable[..., Any], methods: list[str] | None = None) -> Route:
    methods = methods or ["GET"]
    if any(m not in ("GET", "HEAD") for m in methods):
        endpoint = csrf_protected(endpoint)
    return Route(path, endpoint, methods=methods)


def routes() -> list[BaseRoute]:
    return [
        _route("/", pages_public.home),
        _route("/login", pages_public.login_page),
        _route("/login", pages_public.login_submit, ["POST"]),
        _route("/logout", pages_public.logout, ["POST"]),
        _route("/lang/{code}", pages_public.set_language),
        # candidates
        _route("/trial", pages_candidate.trial_home),
        _route("/trial/start", pages_candidate.trial_start, ["POST"]),
        _route("/trial/{attempt_id:int}", pages_candidate.trial_page),
        _route("/trial/{attempt_id:int}/result", pages_candidate.trial_result),
        _route("/record", pages_candidate.my_record),
        _route("/kb/search", kb_search.search),
        WebSocketRoute("/ws/trial/{attempt_id}", trial_socket),
        # candidates: the case bank and case tests
        _route("/cases", pages_cases_candidate.cases_home),
        _route("/practice/{case_id:int}", pages_cases_candidate.practice_case),
        _route("/practice/{case_id:int}/audio", pages_cases_candidate.practice_audio),
        _route("/practice/{case_id:int}/answer", pages_cases_candidate.practice_answer, ["POST"]),
        _route("/practice/{case_id:int}/rate", pages_cases_candidate.rate_case, ["POST"]),
        _route("/case-test/start", pages_cases_candidate.case_test_start, ["POST"]),
        _route("/case-test/{attempt_id:int}", pages_cases_candidate.case_test_page),
        _route("/case-test/{attempt_id:int}/result", pages_cases_candidate.case_test_result),
        _route(
            "/case-test/{attempt_id:int}/audio/{version_id:int}",
            pages_cases_candidate.case_test_audio,
        ),
        WebSocketRoute("/ws/case-test/{attempt_id}", case_test_socket),
        # proctored sittings: the proctor console and the candidates' waiting room
        _route("/proctor/sittings", pages_proctor.my_sittings),
        _route("/proctor/sittings/{sitting_id:int}", pages_proctor.console),
        WebSocketRoute("/ws/proctor/{sitting_id}", proctor_socket),
        WebSocketRoute("/ws/seat/{seat_id}", seat_socket),
        # reviewers and administrators: free-text grading, case-test policies
        _route("/grading", pages_cases_staff.grading_queue),
        _route("/grading/{answer_id:int}", pages_cases_staff.grade_answer, ["POST"]),
        _route("/admin/case-tests", pages_cases_staff.case_test_policies, ["GET", "POST"]),
        # item-bank authors
        _route("/author/articles", pages_author.articles),
        _route("/author/articles/{article_id:int}", pages_author.article_edit, ["GET", "POST"]),
        _route("/author/tasks", pages_author.tasks),
        _route("/author/tasks/{task_id:int}", pages_author.task_edit, ["GET", "POST"]),
        _route("/author/import", pages_author.import_page),
        _route("/author/import", pages_author.import_submit, ["POST"]),
        _route("/author/export.{fmt:str}", pages_author.export),
        # item-bank authors: the case bank (every POST is wrapped with csrf_protected there)
        *case_author_routes(),
        # administrators, proctors, HR
        _route("/admin/attempts", pages_admin.attempts),
        _route("/admin/attempts/{attempt_id:int}", pages_admin.attempt),
        _route("/admin/grading", pages_admin.grading, ["GET", "POST"]),
        _route("/admin/employees/{employee_id:int}", pages_admin.employee_record),
        *sitting_routes(),
        *outbox_routes(),
        *ledger_routes(),
        *record_routes(),
        # internal
        _route("/-/health", health),
        _route("/-/settings", settings_page),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
