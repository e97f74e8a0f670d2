"""A candidate's side of the case bank: practice on the next level's training cases
with immediate feedback, rating a case, and taking the promotion case test.

Test cases are never served here outside a test: practice reads only the
training pool, and a recording of a test case is served only to the candidate
whose test in progress contains it.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.itembank.case_grading import describe_correct, score_question
from examsrv.itembank.case_specs import CaseSpec, QuestionKind
from examsrv.itembank.case_tree import depth_first
from examsrv.persistence.case_bank import CaseBankError, live_items, live_spec, media_by_name, rate
from examsrv.persistence.case_tables import (
    CaseAttempt,
    CaseAttemptStatus,
    CaseItem,
    CaseListening,
)
from examsrv.persistence.case_tests import (
    CaseTestError,
    answers_of,
    form_of,
    open_attempt,
    percent,
    start_case_test,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.sitting_tables import Seat, SittingTest
from examsrv.persistence.sittings import result_released, seat_for_attempt
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require

MAX_LEVEL = 5


def _employee(request: Request) -> int:
    user = current_user(request)
    assert user is not None and user.employee_id is not None
    return user.employee_id


def case_view(spec: CaseSpec, audio_url: str | None) -> dict[str, Any]:
    """What ``_case_view.html`` needs to draw a case."""
    return {"spec": spec, "outline": depth_first(spec), "audio_url": audio_url, "play_once": False}


@require(Role.CANDIDATE)
async def cases_home(request: Request) -> Response:
    c = ctx(request)
    emp = _employee(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            employee = s.get(Employee, emp)
            assert employee is not None
            from sqlmodel import col, select

            attempts = s.exec(
                select(CaseAttempt)
                .where(CaseAttempt.employee_id == emp)
                .order_by(col(CaseAttempt.id).desc())
            ).all()
            next_level = employee.current_level + 1
            return {
                "employee": employee,
                "next_level": next_level if next_level <= MAX_LEVEL else None,
                "open_attempt": open_attempt(s, emp),
                "attempts": [(a, percent(a)) for a in attempts],
                "training": live_items(s, level=next_level, pool="training")
                if next_level <= MAX_LEVEL
                else [],
            }

    return c.render(request, "case_home.html", await run_in_threadpool(load))


def _training_case(request: Request, study: bool = False) -> tuple[CaseItem, CaseSpec] | None:
    """A live training case of the candidate's next level, or None (never a test case)."""
    c = ctx(request)
    emp = _employee(request)
    with session_scope(c.engine) as s:
        employee = s.get(Employee, emp)
        item = s.get(CaseItem, int(request.path_params["case_id"]))
        if (
            employee is None
            or item is None
            or item.pool != "training"
            or item.retired
            or item.level != employee.current_level + 1
        ):
            return None
        live = live_spec(s, item)
        if live is None:
            return None
        if study:  # one more use in study, for the case's classic score
            item.studies += 1
            s.add(item)
        return item, live[1]


@require(Role.CANDIDATE)
async def practice_case(request: Request) -> Response:
    found = await run_in_threadpool(_training_case, request, True)
    if found is None:
        return PlainTextResponse(_("No such training case."), 404)
    item, spec = found
    audio = f"/practice/{item.id}/audio" if spec.audio_file else None
    data = {"item": item, **case_view(spec, audio), "annotated": True}
    return ctx(request).render(request, "case_practice.html", data)


@require(Role.CANDIDATE)
async def practice_answer(request: Request) -> Response:
    found = await run_in_threadpool(_training_case, request)
    if found is None:
        return PlainTextResponse(_("No such training case."), 404)
    _item, spec = found
    form = await request.form()
    key = str(form.get("question", ""))
    question = next((q for q in spec.questions if q.key == key), None)
    if question is None:
        return PlainTextResponse(_("No such question."), 404)
    values = form.getlist("answer")
    given = "".join(str(v) for v in values)[:2000]
    score = score_question(question, given)
    feedback = {
        "question": question,
        "correct": score.correct,
        "free_text": question.kind == QuestionKind.FREE_TEXT,
        "expected": "" if question.kind == QuestionKind.FREE_TEXT else describe_correct(question),
    }
    return ctx(request).render(
        request, "case_practice.html", {"feedback": feedback}, block_name="feedback"
    )


@require(Role.CANDIDATE)
async def rate_case(request: Request) -> Response:
    c = ctx(request)
    user = current_user(request)
    assert user is not None
    found = await run_in_threadpool(_training_case, request)
    if found is None:
        return PlainTextResponse(_("No such training case."), 404)
    item, _spec = found
    rating = str((await request.form()).get("rating", ""))

    def save() -> str | None:
        try:
            with session_scope(c.engine) as s:
                rate(s, item.id or 0, user.id, rating, now=c.clock.now())
        except CaseBankError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(save)
    return c.render(
        request,
        "case_practice.html",
        {"rating_error": error, "rated": error is None},
        status_code=409 if error else 200,
        block_name="rating",
    )


@require(Role.CANDIDATE)
async def case_test_start(request: Request) -> Response:
    c = ctx(request)
    emp = _employee(request)
    if not c.settings.self_start_tests:
        return PlainTextResponse(
            _("Tests are taken in proctored sittings here: check in with your code."), 403
        )
    try:
        level = int(str((await request.form()).get("level", "")))
    except ValueError:
        level = 0

    def start() -> int | str:
        try:
            with session_scope(c.engine) as s:
                attempt = start_case_test(
                    s, emp, level, now=c.clock.now(), seed_source=c.seed_source
                )
                return attempt.id or 0
        except CaseTestError as exc:
            return str(exc)

    result = await run_in_threadpool(start)
    if isinstance(result, str):
        return PlainTextResponse(result, 409)
    return RedirectResponse(f"/case-test/{result}", status_code=303)


def _own_attempt(request: Request) -> CaseAttempt | None:
    with session_scope(ctx(request).engine) as s:
        attempt = s.get(CaseAttempt, int(request.path_params["attempt_id"]))
    if attempt is None or attempt.employee_id != _employee(request):
        return None
    return attempt


@require(Role.CANDIDATE)
async def case_test_page(request: Request) -> Response:
    attempt = await run_in_threadpool(_own_attempt, request)
    if attempt is None:
        return PlainTextResponse(_("No such test."), 404)
    if attempt.status != CaseAttemptStatus.IN_PROGRESS:
        return RedirectResponse(f"/case-test/{attempt.id}/result", status_code=303)
    seat = await run_in_threadpool(_seat_of, request, attempt.id or 0)
    if seat is not None and seat.started_at is None:
        return RedirectResponse(f"/wait/{seat.id}", status_code=303)
    return ctx(request).render(request, "case_test.html", {"attempt": attempt})


def _seat_of(request: Request, attempt_id: int) -> Seat | None:
    with session_scope(ctx(request).engine) as s:
        return seat_for_attempt(s, SittingTest.CASE, attempt_id)


def _released(request: Request, attempt_id: int) -> bool:
    with session_scope(ctx(request).engine) as s:
        return result_released(s, SittingTest.CASE, attempt_id)


@require(Role.CANDIDATE)
async def case_test_result(request: Request) -> Response:
    c = ctx(request)
    attempt = await run_in_threadpool(_own_attempt, request)
    if attempt is None:
        return PlainTextResponse(_("No such test."), 404)
    if attempt.status == CaseAttemptStatus.IN_PROGRESS:
        return RedirectResponse(f"/case-test/{attempt.id}", status_code=303)
    if not await run_in_threadpool(_released, request, attempt.id or 0):
        return c.render(request, "result_pending.html", {"attempt": attempt})

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            from sqlmodel import select

            from examsrv.persistence.models import LevelEvidence

            evidence = s.exec(
                select(LevelEvidence)
                .where(LevelEvidence.kind == "case_test")
                .where(LevelEvidence.attempt_id == attempt.id)
            ).first()
            return {
                "attempt": attempt,
                "percent": percent(attempt),
                "evidence": evidence,
                "cases": len(attempt.versions),
                "answered": len(answers_of(s, attempt.id or 0)),
            }

    return c.render(request, "case_test_result.html", await run_in_threadpool(load))


@require(Role.CANDIDATE)
async def case_test_audio(request: Request) -> Response:
    """A recording of a case in the candidate's test in progress; a play-once recording
    is served once only."""
    c = ctx(request)
    attempt = await run_in_threadpool(_own_attempt, request)
    version_id = int(request.path_params["version_id"])
    if (
        attempt is None
        or attempt.status != CaseAttemptStatus.IN_PROGRESS
        or version_id not in attempt.versions
    ):
        return PlainTextResponse(_("No such recording."), 404)

    def load() -> tuple[bytes, str] | str:
        with session_scope(c.engine) as s:
            case = next(f for f in form_of(s, attempt) if f.version_id == version_id)
            if not case.spec.audio_file:
                return "missing"
            media = media_by_name(s, case.spec.audio_file)
            if media is None:
                return "missing"
            if case.spec.play_once:
                from sqlmodel import select

                heard = s.exec(
                    select(CaseListening)
                    .where(CaseListening.attempt_id == attempt.id)
                    .where(CaseListening.version_id == version_id)
                ).first()
                if heard is not None and heard.plays > 0:
                    return "played"
                heard = heard or CaseListening(attempt_id=attempt.id or 0, version_id=version_id)
                heard.plays += 1
                s.add(heard)
            return media.data, media.content_type

    found = await run_in_threadpool(load)
    if found == "played":
        return PlainTextResponse(_("This recording may be played once only."), 410)
    if isinstance(found, str):
        return PlainTextResponse(_("No such recording."), 404)
    data, content_type = found
    return Response(
        data,
        media_type=content_type,
        headers={"Accept-Ranges": "none", "Cache-Control": "no-store"},
    )


@require(Role.CANDIDATE)
async def practice_audio(request: Request) -> Response:
    """The recording of a voice training case of the candidate's next level."""
    c = ctx(request)
    found = await run_in_threadpool(_training_case, request)
    if found is None or not found[1].audio_file:
        return PlainTextResponse(_("No such recording."), 404)

    def load() -> tuple[bytes, str] | None:
        with session_scope(c.engine) as s:
            media = media_by_name(s, found[1].audio_file or "")
            return None if media is None else (media.data, media.content_type)

    media = await run_in_threadpool(load)
    if media is None:
        return PlainTextResponse(_("No such recording."), 404)
    return Response(media[0], media_type=media[1], headers={"Accept-Ranges": "none"})
