"""The HR webhook outbox for administrators and HR: every event with its status,
each delivery try with the exact body sent, and replay of one event or of every
parked one."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.outbox import (
    EVENT_KINDS,
    REPLAYABLE,
    OutboxError,
    body_of,
    deliveries_of,
    list_events,
    pretty_body,
    replay,
    replay_parked,
    status_counts,
)
from examsrv.persistence.outbox_tables import OutboxEvent, OutboxStatus
from examsrv.web.context import ctx
from examsrv.web.paging import Page
from examsrv.web.security import csrf_protected, current_user, require

VIEWERS = (Role.ADMIN, Role.HR)


def labels() -> dict[str, str]:
    """Statuses and event kinds for people."""
    return {
        OutboxStatus.PENDING: _("Pending"),
        OutboxStatus.DELIVERED: _("Delivered"),
        OutboxStatus.PARKED: _("Parked"),
        "trial.finished": _("Lookup trial finished"),
        "case_test.released": _("Case test result released"),
        "level.changed": _("Level changed"),
        "certificate.issued": _("Certificate issued"),
        "certificate.revoked": _("Certificate revoked"),
        "appeal.decided": _("Appeal decided"),
    }


@require(*VIEWERS)
async def outbox_list(request: Request) -> Response:
    c = ctx(request)
    page = Page.from_request(request)
    status = request.query_params.get("status", "")
    kind = request.query_params.get("kind", "")
    errors = []
    if status and status not in set(OutboxStatus):
        errors.append(_("There is no status %(s)s; all statuses are shown.") % {"s": status})
        status = ""
    if kind and kind not in EVENT_KINDS:
        errors.append(_("There is no event kind %(k)s; all kinds are shown.") % {"k": kind})
        kind = ""

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows, total = list_events(
                s, status=status or None, kind=kind or None, offset=page.offset, limit=page.size
            )
            return {"rows": rows, "page": page.with_total(total), "counts": status_counts(s)}

    data = await run_in_threadpool(load)
    query = "".join(f"{k}={v}&" for k, v in (("status", status), ("kind", kind)) if v)
    data |= {
        "status": status,
        "kind": kind,
        "kinds": EVENT_KINDS,
        "statuses": list(OutboxStatus),
        "L": labels(),
        "errors": errors,
        "extra_query": query,
        "sending": bool(c.settings.hr_webhook_url),
        "replayed": request.query_params.get("replayed"),
    }
    return c.render(request, "outbox/list.html", data)


@require(*VIEWERS)
async def outbox_event(request: Request) -> Response:
    return await _detail(request, int(request.path_params["event_pk"]), error=None)


async def _detail(request: Request, event_pk: int, *, error: str | None) -> Response:
    c = ctx(request)

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            event = s.get(OutboxEvent, event_pk)
            if event is None:
                return None
            tries = deliveries_of(s, event_pk)
            return {
                "event": event,
                "tries": tries,
                "next_body": pretty_body(body_of(event).decode("utf-8")),
                "bodies": {t.id: pretty_body(t.body) for t in tries},
            }

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such event."), 404)
    data |= {
        "L": labels(),
        "error": error,
        "replayable": data["event"].status in REPLAYABLE,
        "replayed": request.query_params.get("replayed"),
    }
    return c.render(request, "outbox/detail.html", data, status_code=409 if error else 200)


@require(*VIEWERS)
async def outbox_replay(request: Request) -> Response:
    c = ctx(request)
    event_pk = int(request.path_params["event_pk"])
    user = current_user(request)
    actor = user.username if user else ""

    def run() -> str:
        with session_scope(c.engine) as s:
            if s.get(OutboxEvent, event_pk) is None:
                return "missing"
            try:
                replay(s, event_pk, now=c.clock.now(), actor=actor)
            except OutboxError:
                return "refused"  # a pending event: its round is still under way
        return "replayed"

    outcome = await run_in_threadpool(run)
    if outcome == "missing":
        return PlainTextResponse(_("No such event."), 404)
    if outcome == "refused":
        error = _("Only a parked or delivered event can be replayed.")
        return await _detail(request, event_pk, error=error)
    return RedirectResponse(f"/admin/outbox/{event_pk}?replayed=1", status_code=303)


@require(*VIEWERS)
async def outbox_replay_parked(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    actor = user.username if user else ""

    def run() -> int:
        with session_scope(c.engine) as s:
            return replay_parked(s, now=c.clock.now(), actor=actor)

    count = await run_in_threadpool(run)
    return RedirectResponse(f"/admin/outbox?replayed={count}", status_code=303)


def outbox_routes() -> list[BaseRoute]:
    """The outbox pages; each POST route is CSRF-checked."""
    return [
        Route("/admin/outbox", outbox_list),
        Route("/admin/outbox/{event_pk:int}", outbox_event),
        Route(
            "/admin/outbox/{event_pk:int}/replay", csrf_protected(outbox_replay), methods=["POST"]
        ),
        Route(
            "/admin/outbox/replay-parked", csrf_protected(outbox_replay_parked), methods=["POST"]
        ),
    ]
