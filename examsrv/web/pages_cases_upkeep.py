"""Keeping the case bank in shape: capacity per level and category, the retirement
proposal (``itembank.case_upkeep``), the history bank, and item statistics of the
questions used in case tests (``itembank.item_stats``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.itembank.case_upkeep import age_days, over_capacity, retirement_order
from examsrv.itembank.item_stats import ItemStats, item_statistics
from examsrv.persistence.case_bank import CaseBankError, set_retired
from examsrv.persistence.case_catalog import AskedQuestion, CaseRow, answer_matrix, case_rows
from examsrv.persistence.engine import session_scope
from examsrv.persistence.trials import record_event
from examsrv.web.cases_common import AUTHORS, actor, capacity_of, labels, safe_next
from examsrv.web.context import ctx
from examsrv.web.security import require


@dataclass(frozen=True)
class Candidate:
    """A live case of an over-full group, in retirement order."""

    row: CaseRow
    age_days: float
    suggested: bool  # among the first (count − limit): proposed for the history bank


@dataclass(frozen=True)
class OverFull:
    level: int
    category: str
    live: int
    limit: int
    order: list[Candidate]


@require(*AUTHORS)
async def upkeep(request: Request) -> Response:
    c = ctx(request)
    limit = c.settings.case_capacity
    now = c.clock.now()

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows = case_rows(s)
        live = [r for r in rows if r.live and not r.item.retired]
        by_id = {r.item.id or 0: r for r in live}
        usages = [r.usage for r in live]
        groups = []
        for (level, category), retire in over_capacity(usages, now, limit).items():
            members = [u for u in usages if (u.level, u.category) == (level, category)]
            order = [
                Candidate(by_id[cid], age_days(by_id[cid].usage, now), cid in retire)
                for cid in retirement_order(members, now)
            ]
            groups.append(OverFull(level, category, len(members), limit, order))
        return {
            "capacity": capacity_of(rows, limit),
            "groups": groups,
            "retired": [r for r in rows if r.item.retired],
            "limit": limit,
            "L": labels(),
        }

    return c.render(request, "cases_upkeep.html", await run_in_threadpool(load))


async def _set_retired(request: Request, retired: bool) -> Response:
    c = ctx(request)
    case_id = int(request.path_params["case_id"])
    target = safe_next((await request.form()).get("next"), "/author/cases/upkeep")

    def run() -> str | None:
        try:
            with session_scope(c.engine) as s:
                item = set_retired(s, case_id, retired, now=c.clock.now())
                record_event(
                    s,
                    kind="case_retired" if retired else "case_restored",
                    now=c.clock.now(),
                    attempt_id=None,
                    actor=actor(request),
                    detail={"key": item.key},
                )
        except CaseBankError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(run)
    if error:
        return PlainTextResponse(error, 404)
    return RedirectResponse(target, status_code=303)


@require(*AUTHORS)
async def retire(request: Request) -> Response:
    return await _set_retired(request, True)


@require(*AUTHORS)
async def restore(request: Request) -> Response:
    return await _set_retired(request, False)


@dataclass(frozen=True)
class QuestionStats:
    asked: AskedQuestion
    stats: ItemStats


@require(*AUTHORS)
async def stats(request: Request) -> Response:
    """Per question of the live cases used in submitted case tests: how many candidates
    saw it, the facility, the corrected item-rest correlation and any flag."""
    c = ctx(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            matrix, asked = answer_matrix(s)
        computed = item_statistics(matrix) if matrix else {}
        rows = [QuestionStats(a, computed[a.column]) for a in asked if a.column in computed]
        return {
            "rows": rows,
            "attempts": len(matrix),
            "L": labels(),
        }

    return c.render(request, "cases_stats.html", await run_in_threadpool(load))
