"""Proctored sittings (场次): the administrators' list and new-sitting form, and the
route table of every sitting page.

The other pages are split by who uses them: ``pages_sittings_roster`` (one sitting:
its roster, slips, export and each seat's audit log), ``pages_sittings_import``
(the roster workbook) and ``pages_sittings_candidate`` (check-in and the waiting
room). The live console is ``/proctor/sittings/{id}``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.sitting_tables import Seat, Sitting, SittingStatus
from examsrv.persistence.sittings import SittingError, add_seats, create_sitting, set_proctors
from examsrv.web import pages_sittings_candidate, pages_sittings_import, pages_sittings_roster
from examsrv.web.context import ctx
from examsrv.web.pages_sittings_form import SittingForm, labels
from examsrv.web.pages_sittings_roster import (
    CODE_RANDOM,
    all_employees,
    staff_users,
    unknown_employees,
)
from examsrv.web.security import csrf_protected, current_user, require


def seat_counts(s: Session) -> dict[int, tuple[int, int, int]]:
    """Per sitting: (rostered, checked in, finished)."""
    rows = s.exec(
        select(
            Seat.sitting_id,
            func.count(),
            func.count(col(Seat.checked_in_at)),
            func.count(col(Seat.finished_at)),
        ).group_by(col(Seat.sitting_id))
    ).all()
    return {int(sid): (int(n), int(checked), int(done)) for sid, n, checked, done in rows}


GROUPS = (
    ("running", (SittingStatus.RUNNING,)),
    ("upcoming", (SittingStatus.SCHEDULED,)),
    ("closed", (SittingStatus.CLOSED, SittingStatus.CANCELLED)),
)


@require(Role.ADMIN)
async def sitting_list(request: Request) -> Response:
    c = ctx(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            sittings = s.exec(select(Sitting).order_by(col(Sitting.opens_at))).all()
            counts = seat_counts(s)
        groups = {name: [x for x in sittings if x.status in statuses] for name, statuses in GROUPS}
        groups["closed"].reverse()  # the latest first
        return {"groups": groups, "counts": counts, "L": labels()}

    return c.render(request, "sittings/list.html", await run_in_threadpool(load))


async def _new_page(
    request: Request, form: SittingForm, errors: list[str], status_code: int = 200
) -> Response:
    c = ctx(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            return {
                "form": form,
                "errors": errors,
                "staff": staff_users(s),
                "employees": all_employees(s),
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    return c.render(request, "sittings/new.html", data, status_code=status_code)


@require(Role.ADMIN)
async def sitting_new(request: Request) -> Response:
    c = ctx(request)
    if request.method != "POST":
        return await _new_page(request, SittingForm(), [])
    form = SittingForm.read(await request.form())
    new, errors = form.parse()
    if new is None:
        return await _new_page(request, form, errors, 400)
    user = current_user(request)
    actor = user.username if user else ""

    def save() -> int | str:
        try:
            with session_scope(c.engine) as s:
                if unknown_employees(s, form.employees):
                    return _("Some of the chosen employees no longer exist. Choose again.")
                sitting = create_sitting(s, new, created_by=actor, now=c.clock.now())
                assert sitting.id is not None
                set_proctors(s, sitting.id, form.proctors)
                add_seats(s, sitting, sorted(form.employees), CODE_RANDOM)
                return sitting.id
        except SittingError as exc:
            return str(exc)

    outcome = await run_in_threadpool(save)
    if isinstance(outcome, str):
        return await _new_page(request, form, [outcome], 400)
    return RedirectResponse(f"/admin/sittings/{outcome}?created=1", status_code=303)


def _post(path: str, endpoint: Any) -> Route:
    return Route(path, csrf_protected(endpoint), methods=["POST"])


def sitting_routes() -> list[BaseRoute]:
    """Every sitting page but the live console; each POST route is CSRF-checked."""
    roster, sheet = pages_sittings_roster, pages_sittings_import
    candidate = pages_sittings_candidate
    one = "/admin/sittings/{sitting_id:int}"
    return [
        Route("/admin/sittings", sitting_list),
        Route("/admin/sittings/new", csrf_protected(sitting_new), methods=["GET", "POST"]),
        Route(one, roster.sitting_detail),
        _post(f"{one}/seats", roster.add_to_roster),
        _post(f"{one}/seats/{{seat_id:int}}/remove", roster.remove_from_roster),
        _post(f"{one}/proctors", roster.change_proctors),
        _post(f"{one}/import", sheet.import_roster),
        Route(f"{one}/roster.xlsx", sheet.export_roster),
        Route(f"{one}/slips", roster.slips),
        Route(f"{one}/seats/{{seat_id:int}}", roster.seat_log),
        Route("/checkin", candidate.checkin_page),
        _post("/checkin", candidate.checkin_submit),
        Route("/wait/{seat_id:int}", candidate.wait_page),
    ]
