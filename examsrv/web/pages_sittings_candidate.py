"""A candidate's side of a sitting: check-in with the code on their slip, and the
waiting room, which goes to the test when the proctor starts it (``static/wait.js``
listens on ``/ws/seat/{seat_id}``)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.sitting_tables import Seat, Sitting, SittingTest
from examsrv.persistence.sittings import (
    SittingError,
    check_in,
    result_released,
    seats_of_employee,
    state_of,
)
from examsrv.proctoring.seat_rules import SeatState
from examsrv.web.context import ctx
from examsrv.web.pages_sittings_form import labels
from examsrv.web.security import current_user, require

STARTED = (SeatState.IN_PROGRESS, SeatState.PAUSED)


def attempt_url(seat: Seat) -> str | None:
    if seat.attempt_id is None:
        return None
    if seat.attempt_kind == SittingTest.CASE:
        return f"/case-test/{seat.attempt_id}"
    return f"/trial/{seat.attempt_id}"


def _employee_id(request: Request) -> int:
    user = current_user(request)
    assert user is not None and user.employee_id is not None
    return user.employee_id


async def _checkin_page(
    request: Request, *, error: str | None = None, code: str = "", status_code: int = 200
) -> Response:
    c = ctx(request)
    emp = _employee_id(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            seats = seats_of_employee(s, emp)
        rows = [
            {"seat": seat, "sitting": sitting, "state": state_of(seat)} for seat, sitting in seats
        ]
        return {"rows": rows, "error": error, "code": code, "L": labels()}

    data = await run_in_threadpool(load)
    return c.render(request, "sittings/checkin.html", data, status_code=status_code)


@require(Role.CANDIDATE)
async def checkin_page(request: Request) -> Response:
    return await _checkin_page(request)


@require(Role.CANDIDATE)
async def checkin_submit(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    emp = _employee_id(request)
    typed = str((await request.form()).get("code", ""))[:40]

    def run() -> int | str:
        try:
            with session_scope(c.engine) as s:
                seat = check_in(
                    s,
                    employee_id=emp,
                    typed_code=typed,
                    username=user.username,
                    now=c.clock.now(),
                    task_count=c.settings.trial_task_count,
                    recent_attempts=c.settings.trial_recent_attempts,
                    seed_source=c.seed_source,
                )
                return seat.id or 0
        except SittingError as exc:
            return str(exc)  # a refusal is already in the audit log
        except ValueError:  # the task bank holds fewer tasks than a trial needs
            return _("The task bank does not hold enough tasks for a trial. Tell the proctor.")

    outcome = await run_in_threadpool(run)
    if isinstance(outcome, str):
        return await _checkin_page(request, error=outcome, code=typed.strip(), status_code=400)
    return RedirectResponse(f"/wait/{outcome}", status_code=303)


@require(Role.CANDIDATE)
async def wait_page(request: Request) -> Response:
    c = ctx(request)
    emp = _employee_id(request)
    seat_id = int(request.path_params["seat_id"])

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            seat = s.get(Seat, seat_id)
            if seat is None or seat.employee_id != emp:
                return None
            sitting = s.get(Sitting, seat.sitting_id)
            released = (
                seat.attempt_kind is not None
                and seat.attempt_id is not None
                and result_released(s, seat.attempt_kind, seat.attempt_id)
            )
        return {
            "seat": seat,
            "sitting": sitting,
            "state": state_of(seat),
            "attempt_url": attempt_url(seat),
            "released": released,
            "L": labels(),
        }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such seat."), 404)
    state = data["state"]
    if state == SeatState.NOT_ARRIVED:
        return RedirectResponse("/checkin", status_code=303)
    if state in STARTED and data["seat"].started_at is not None and data["attempt_url"]:
        return RedirectResponse(data["attempt_url"], status_code=303)
    return c.render(request, "sittings/wait.html", data)
