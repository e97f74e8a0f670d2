"""Knowledge-base search: the panel beside a trial task and the authors' search box.

During a trial the clock of the attempt stands still while its connection is
down (see ``timing.trial_session``), so a candidate with an open attempt may
search only while that attempt's websocket is live: the gap cannot be used to
look answers up.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.knowledge import SEARCH_CAP, search_articles
from examsrv.persistence.models import Role
from examsrv.persistence.trials import in_progress_attempt
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require

MAX_QUERY = 64
PAGE = 10


@require(Role.CANDIDATE, Role.AUTHOR, Role.ADMIN)
async def search(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    q = request.query_params.get("q", "")[:MAX_QUERY]

    def run() -> dict[str, object]:
        with session_scope(c.engine) as s:
            if user.role == Role.CANDIDATE and user.employee_id is not None:
                attempt = in_progress_attempt(s, user.employee_id)
                if attempt is not None:
                    live = c.live.get(attempt.id or 0)
                    if live is None or live.connection_id is None:
                        return {"q": q, "hits": [], "capped": False, "blocked": True}
            found = search_articles(s, q, limit=PAGE)
            return {"q": q, "hits": found.hits, "capped": found.capped, "blocked": False}

    data = await run_in_threadpool(run)
    data["cap"] = SEARCH_CAP
    status = 409 if data["blocked"] else 200
    if data["blocked"]:
        data["message"] = _("Search is paused while the trial is disconnected.")
    return c.render(request, "kb_search.html", data, status_code=status, block_name="results")
