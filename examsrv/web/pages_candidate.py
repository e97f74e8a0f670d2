"""What a candidate sees: the trial start page, the trial itself, results and their record."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role, TrialAttempt
from examsrv.persistence.sitting_tables import Seat, SittingTest
from examsrv.persistence.sittings import result_released, seat_for_attempt
from examsrv.persistence.trials import (
    answers_of,
    evidence_of,
    in_progress_attempt,
    list_attempts,
    start_attempt,
    tasks_by_id,
)
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require


def _employee_id(request: Request) -> int:
    user = current_user(request)
    assert user is not None and user.employee_id is not None
    return user.employee_id


@require(Role.CANDIDATE)
async def trial_home(request: Request) -> Response:
    c = ctx(request)
    emp = _employee_id(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            attempts, _total = list_attempts(s, offset=0, limit=10, employee_id=emp)
            return {
                "open_attempt": in_progress_attempt(s, emp),
                "attempts": [a for a, _e in attempts],
                "employee": s.get(Employee, emp),
                "task_count": c.settings.trial_task_count,
            }

    return c.render(request, "trial_home.html", await run_in_threadpool(load))


@require(Role.CANDIDATE)
async def trial_start(request: Request) -> Response:
    c = ctx(request)
    emp = _employee_id(request)
    if not c.settings.self_start_tests:
        return PlainTextResponse(
            _("Tests are taken in proctored sittings here: check in with your code."), 403
        )

    def start() -> int | None:
        with session_scope(c.engine) as s:
            try:
                attempt = start_attempt(
                    s,
                    emp,
                    task_count=c.settings.trial_task_count,
                    recent_attempts=c.settings.trial_recent_attempts,
                    now=c.clock.now(),
                    seed_source=c.seed_source,
                )
            except ValueError:
                return None  # the bank holds fewer tasks than a trial needs
            return attempt.id

    attempt_id = await run_in_threadpool(start)
    if attempt_id is None:
        return PlainTextResponse(
            _("The task bank does not hold enough tasks for a trial. Tell the administrator."),
            409,
        )
    return RedirectResponse(f"/trial/{attempt_id}", status_code=303)


def _own_attempt(request: Request) -> TrialAttempt | None:
    c = ctx(request)
    try:
        attempt_id = int(request.path_params["attempt_id"])
    except ValueError:
        return None
    with session_scope(c.engine) as s:
        attempt = s.get(TrialAttempt, attempt_id)
    if attempt is None or attempt.employee_id != _employee_id(request):
        return None
    return attempt


def _seat_of(request: Request, attempt_id: int) -> Seat | None:
    with session_scope(ctx(request).engine) as s:
        return seat_for_attempt(s, SittingTest.LOOKUP, attempt_id)


def _released(request: Request, attempt_id: int) -> bool:
    with session_scope(ctx(request).engine) as s:
        return result_released(s, SittingTest.LOOKUP, attempt_id)


@require(Role.CANDIDATE)
async def trial_page(request: Request) -> Response:
    attempt = await run_in_threadpool(_own_attempt, request)
    if attempt is None:
        return PlainTextResponse(_("No such trial."), 404)
    if attempt.status != "in_progress":
        return RedirectResponse(f"/trial/{attempt.id}/result", status_code=303)
    seat = await run_in_threadpool(_seat_of, request, attempt.id or 0)
    if seat is not None and seat.started_at is None:
        return RedirectResponse(f"/wait/{seat.id}", status_code=303)
    return ctx(request).render(
        request, "trial.html", {"attempt": attempt, "task_count": len(attempt.form)}
    )


def attempt_detail(request: Request, attempt: TrialAttempt) -> dict[str, Any]:
    """The attempt with each answer beside its task (for the result and admin pages)."""
    c = ctx(request)
    with session_scope(c.engine) as s:
        answers = answers_of(s, attempt.id or 0)
        tasks = tasks_by_id(s, attempt.form)
        employee = s.get(Employee, attempt.employee_id)
    rows = [{"answer": a, "task": tasks.get(a.task_id)} for a in answers]
    return {"attempt": attempt, "rows": rows, "result": attempt.result, "employee": employee}


@require(Role.CANDIDATE)
async def trial_result(request: Request) -> Response:
    attempt = await run_in_threadpool(_own_attempt, request)
    if attempt is None:
        return PlainTextResponse(_("No such trial."), 404)
    if attempt.status == "in_progress":
        return RedirectResponse(f"/trial/{attempt.id}", status_code=303)
    if not await run_in_threadpool(_released, request, attempt.id or 0):
        return ctx(request).render(request, "result_pending.html", {"attempt": attempt})
    data = await run_in_threadpool(attempt_detail, request, attempt)
    data["show_answers"] = False  # candidates see timings and correctness, not the key
    return ctx(request).render(request, "trial_result.html", data)


@require(Role.CANDIDATE)
async def my_record(request: Request) -> Response:
    c = ctx(request)
    emp = _employee_id(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            attempts, _total = list_attempts(s, offset=0, limit=200, employee_id=emp)
            return {
                "employee": s.get(Employee, emp),
                "evidence": evidence_of(s, emp),
                "attempts": [a for a, _e in attempts],
            }

    return c.render(request, "record.html", await run_in_threadpool(load))
