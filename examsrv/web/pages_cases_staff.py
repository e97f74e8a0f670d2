"""Staff pages for case tests: grading free-text answers against their rubric, and
the administrator's per-level policy (cases, minutes, pass score) with the cohort's
results and the release of pass-rate results."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.case_tests import (
    CaseTestError,
    cohort,
    current_cut,
    form_of,
    grade_free_text,
    pending_free_text,
    percent,
    policy_for,
    release_level,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.trials import record_event
from examsrv.timing.case_sampling import check_case_count
from examsrv.timing.cut_score import CutRule
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require

GRADERS = (Role.AUTHOR, Role.ADMIN)
LEVELS = range(1, 6)


def _actor(request: Request) -> str:
    user = current_user(request)
    return user.username if user else ""


@require(*GRADERS)
async def grading_queue(request: Request) -> Response:
    c = ctx(request)

    def load() -> dict[str, Any]:
        items = []
        with session_scope(c.engine) as s:
            for answer, attempt in pending_free_text(s)[:50]:
                case = next(f for f in form_of(s, attempt) if f.version_id == answer.version_id)
                question = next(q for q in case.spec.questions if q.key == answer.question_key)
                items.append({"answer": answer, "case": case.spec, "question": question})
        return {"items": items, "error": request.query_params.get("error")}

    return c.render(request, "case_grading.html", await run_in_threadpool(load))


@require(*GRADERS)
async def grade_answer(request: Request) -> Response:
    c = ctx(request)
    answer_id = int(request.path_params["answer_id"])
    try:
        awarded = float(str((await request.form()).get("points", "")))
    except ValueError:
        awarded = -1.0

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                grade_free_text(s, answer_id, awarded, grader=_actor(request), now=c.clock.now())
        except CaseTestError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error:
        return c.render(
            request, "case_grading.html", {"items": [], "error": error}, status_code=400
        )
    return RedirectResponse("/grading", status_code=303)


@require(Role.ADMIN)
async def case_test_policies(request: Request) -> Response:
    c = ctx(request)
    error = None
    if request.method == "POST":
        form = await request.form()
        action = str(form.get("action", "save"))
        try:
            level = int(str(form.get("level", "")))
            if level not in LEVELS:
                raise ValueError
        except ValueError:
            level = 0
        if not level:
            error = _("Choose a level from 1 to 5.")
        elif action == "release":

            def release() -> None:
                with session_scope(c.engine) as s:
                    release_level(s, level, now=c.clock.now())
                    record_event(
                        s,
                        kind="case_results_released",
                        now=c.clock.now(),
                        attempt_id=None,
                        actor=_actor(request),
                        detail={"level": level},
                    )

            await run_in_threadpool(release)
            return RedirectResponse("/admin/case-tests?saved=1", status_code=303)
        else:
            try:
                count = check_case_count(int(str(form.get("case_count", ""))))
                minutes = int(str(form.get("minutes", "")))
                if not 5 <= minutes <= 600:
                    raise ValueError("minutes")
                value = float(str(form.get("cut_value", "")))
                if form.get("cut_mode") == "pass_rate":
                    mode = "pass_rate"
                    value = value / 100  # entered as a percentage of the cohort
                    CutRule(mode="pass_rate", value=value)
                else:
                    mode = "fixed"
                    CutRule(mode="fixed", value=value)
            except ValueError:
                error = _(
                    "Not saved: 10–20 cases, 5–600 minutes, a pass score of 0–100 or a pass "
                    "rate above 0 and at most 100 %%."
                )
            else:

                def save() -> None:
                    with session_scope(c.engine) as s:
                        row = policy_for(s, level, now=c.clock.now())
                        row.case_count, row.minutes = count, minutes
                        row.cut_mode, row.cut_value = mode, value
                        row.updated_at, row.updated_by = c.clock.now(), _actor(request)
                        s.add(row)

                await run_in_threadpool(save)
                return RedirectResponse("/admin/case-tests?saved=1", status_code=303)

    def load() -> dict[str, Any]:
        rows = []
        with session_scope(c.engine) as s:
            for level in LEVELS:
                policy = policy_for(s, level, now=c.clock.now())
                graded = cohort(s, level)
                rows.append(
                    {
                        "level": level,
                        "policy": policy,
                        "cut": current_cut(s, level, now=c.clock.now()),
                        "cohort": [(a, percent(a)) for a in graded],
                        "unreleased": sum(1 for a in graded if not a.released),
                    }
                )
        return {"rows": rows}

    data = await run_in_threadpool(load)
    data["error"] = error
    data["saved"] = request.query_params.get("saved") == "1"
    return c.render(request, "admin_case_tests.html", data, status_code=400 if error else 200)
