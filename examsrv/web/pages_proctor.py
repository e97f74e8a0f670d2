"""Proctors' pages: the sittings they run, and the live console of one sitting.

The console page is a shell; its rows arrive over ``/ws/proctor/{sitting_id}``
(``examsrv/web/proctor_socket.py``) and ``static/proctor.js`` keeps them current.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.sitting_tables import Seat, Sitting, SittingProctor
from examsrv.persistence.sittings import is_proctor_of
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require


@require(Role.PROCTOR, Role.ADMIN)
async def my_sittings(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    assert user is not None

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            query = select(Sitting).order_by(col(Sitting.opens_at).desc())
            if user.role != Role.ADMIN:
                query = query.join(
                    SittingProctor, col(SittingProctor.sitting_id) == Sitting.id
                ).where(SittingProctor.user_id == user.id)
            sittings = list(s.exec(query.limit(200)).all())
            sizes: dict[int, int] = {}
            for sid, _seat in s.exec(
                select(Seat.sitting_id, Seat.id).where(
                    col(Seat.sitting_id).in_([x.id for x in sittings])
                )
            ).all():
                sizes[sid] = sizes.get(sid, 0) + 1
            return {"sittings": sittings, "sizes": sizes}

    return c.render(request, "proctor/sittings.html", await run_in_threadpool(load))


@require(Role.PROCTOR, Role.ADMIN)
async def console(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    sitting_id = int(request.path_params["sitting_id"])

    def load() -> Sitting | None:
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            if sitting is None or not is_proctor_of(s, sitting_id, user.id, user.role):
                return None
            return sitting

    sitting = await run_in_threadpool(load)
    if sitting is None:
        return PlainTextResponse(_("No such sitting, or you are not its proctor."), 404)
    return c.render(
        request,
        "proctor/console.html",
        {"sitting": sitting, "floor_ms": c.settings.answer_floor_ms},
    )
