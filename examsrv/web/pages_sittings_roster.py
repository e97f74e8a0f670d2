"""One sitting for its administrators: details, the roster (picking, removing),
its proctors, printable check-in slips, and each seat's audit log."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role, User
from examsrv.persistence.sitting_tables import Seat, Sitting, SittingStatus
from examsrv.persistence.sittings import (
    SittingError,
    add_seats,
    is_proctor_of,
    proctors_of,
    remove_seat,
    roster,
    seat_audit,
    set_proctors,
    state_of,
)
from examsrv.web.context import ctx
from examsrv.web.pages_sittings_form import ids, labels
from examsrv.web.security import current_user, require

# Check-in codes must not be predictable from the application's seeded random source.
CODE_RANDOM = random.SystemRandom()
NOTICES = ("created", "added", "removed", "proctors", "imported")


def staff_users(s: Session) -> list[User]:
    """Everyone who may proctor a sitting."""
    return list(
        s.exec(
            select(User)
            .where(col(User.role).in_([Role.PROCTOR, Role.ADMIN]))
            .order_by(col(User.role).desc(), col(User.username))
        ).all()
    )


def all_employees(s: Session) -> list[Employee]:
    return list(s.exec(select(Employee).order_by(col(Employee.employee_no))).all())


def unknown_employees(s: Session, wanted: Iterable[int]) -> set[int]:
    wanted = set(wanted)
    if not wanted:
        return set()
    found = s.exec(select(Employee.id).where(col(Employee.id).in_(wanted))).all()
    return wanted - {int(i) for i in found if i is not None}


def roster_closed(sitting: Sitting) -> bool:
    return sitting.status in (SittingStatus.CLOSED, SittingStatus.CANCELLED)


def _sitting_id(request: Request) -> int:
    return int(request.path_params["sitting_id"])


def roster_rows(s: Session, sitting_id: int) -> list[dict[str, Any]]:
    return [
        {"seat": seat, "employee": e, "state": state_of(seat)} for seat, e in roster(s, sitting_id)
    ]


async def render_detail(
    request: Request,
    *,
    errors: list[str] | None = None,
    import_errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    """The sitting's page; with ``errors`` or ``import_errors``, what was refused and why."""
    c = ctx(request)
    sitting_id = _sitting_id(request)

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            if sitting is None:
                return None
            rows = roster_rows(s, sitting_id)
            on_roster = {r["employee"].id for r in rows}
            return {
                "sitting": sitting,
                "rows": rows,
                "proctors": proctors_of(s, sitting_id),
                "staff": staff_users(s),
                "pickable": [e for e in all_employees(s) if e.id not in on_roster],
                "closed": roster_closed(sitting),
                "errors": errors or [],
                "import_errors": import_errors or [],
                "notice": next((n for n in NOTICES if request.query_params.get(n)), None),
                "notice_n": request.query_params.get("n", ""),
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such sitting."), 404)
    data["proctor_ids"] = {u.id for u in data["proctors"]}
    return c.render(request, "sittings/detail.html", data, status_code=status_code)


@require(Role.ADMIN)
async def sitting_detail(request: Request) -> Response:
    return await render_detail(request)


@require(Role.ADMIN)
async def add_to_roster(request: Request) -> Response:
    c = ctx(request)
    sitting_id = _sitting_id(request)
    wanted = ids((await request.form()).getlist("employees"))

    def save() -> int | str | None:
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            if sitting is None:
                return None
            if roster_closed(sitting):
                return _("The sitting is closed: its roster cannot change.")
            if not wanted:
                return _("Tick the employees to add to the roster.")
            if unknown_employees(s, wanted):
                return _("Some of the chosen employees no longer exist. Choose again.")
            return len(add_seats(s, sitting, sorted(wanted), CODE_RANDOM))

    outcome = await run_in_threadpool(save)
    if outcome is None:
        return PlainTextResponse(_("No such sitting."), 404)
    if isinstance(outcome, str):
        return await render_detail(request, errors=[outcome], status_code=400)
    return RedirectResponse(f"/admin/sittings/{sitting_id}?added=1&n={outcome}", 303)


@require(Role.ADMIN)
async def remove_from_roster(request: Request) -> Response:
    c = ctx(request)
    sitting_id = _sitting_id(request)
    seat_id = int(request.path_params["seat_id"])

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                seat = s.get(Seat, seat_id)
                sitting = s.get(Sitting, sitting_id)
                if seat is None or sitting is None or seat.sitting_id != sitting_id:
                    return "missing"
                if roster_closed(sitting):
                    return _("The sitting is closed: its roster cannot change.")
                remove_seat(s, seat)
        except SittingError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error == "missing":
        return PlainTextResponse(_("No such seat."), 404)
    if error:
        return await render_detail(request, errors=[error], status_code=409)
    return RedirectResponse(f"/admin/sittings/{sitting_id}?removed=1", 303)


@require(Role.ADMIN)
async def change_proctors(request: Request) -> Response:
    c = ctx(request)
    sitting_id = _sitting_id(request)
    wanted = ids((await request.form()).getlist("proctors"))

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                if s.get(Sitting, sitting_id) is None:
                    return "missing"
                set_proctors(s, sitting_id, wanted)
        except SittingError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error == "missing":
        return PlainTextResponse(_("No such sitting."), 404)
    if error:
        return await render_detail(request, errors=[error], status_code=400)
    return RedirectResponse(f"/admin/sittings/{sitting_id}?proctors=1", 303)


@require(Role.ADMIN)
async def slips(request: Request) -> Response:
    c = ctx(request)
    sitting_id = _sitting_id(request)

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            if sitting is None:
                return None
            return {"sitting": sitting, "rows": roster(s, sitting_id), "L": labels()}

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such sitting."), 404)
    return c.render(request, "sittings/slips.html", data)


@require(Role.ADMIN, Role.PROCTOR)
async def seat_log(request: Request) -> Response:
    """Everything that happened to one seat, with server time (its sitting's proctors too)."""
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    sitting_id = _sitting_id(request)
    seat_id = int(request.path_params["seat_id"])

    def load() -> dict[str, Any] | bool | None:
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            seat = s.get(Seat, seat_id)
            if sitting is None or seat is None or seat.sitting_id != sitting_id:
                return None
            if not is_proctor_of(s, sitting_id, user.id, user.role):
                return False
            return {
                "sitting": sitting,
                "seat": seat,
                "employee": s.get(Employee, seat.employee_id),
                "state": state_of(seat),
                "events": seat_audit(s, seat_id),
                "L": labels(),
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such seat."), 404)
    if data is False:
        return PlainTextResponse(_("You are not allowed to open this page."), 403)
    assert isinstance(data, dict)
    return c.render(request, "sittings/seat_log.html", data)
