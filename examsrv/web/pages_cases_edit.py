"""The case editor and the case preview.

The editor is one form of indexed fields (``cases_form``). Its row buttons (add a reply
under a turn, delete a turn, add a question…) post the form back with an ``action`` and
get the rows redrawn; with htmx only the rows are swapped, without it the whole page is.
Saving validates the whole case (``validate_case``) and either shows every problem beside
the turn or question it names, saving nothing, or saves a new draft version and shows
its preview.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.itembank.case_codec import spec_from_data
from examsrv.itembank.case_specs import CaseKind, CaseSpec, Pool
from examsrv.itembank.case_tree import CaseProblem, depth_first, validate_case
from examsrv.itembank.recordings import is_wav, wav_duration_s
from examsrv.persistence.case_bank import (
    case_by_key,
    latest_version,
    media_by_name,
    save_version,
    store_media,
)
from examsrv.persistence.case_catalog import version_of
from examsrv.persistence.case_tables import CaseItem, CaseVersion, MediaFile
from examsrv.persistence.engine import session_scope
from examsrv.persistence.trials import record_event
from examsrv.web.cases_common import AUTHORS, actor, labels
from examsrv.web.cases_form import CaseForm
from examsrv.web.context import ctx
from examsrv.web.security import require

WAV = "audio/wav"


@require(*AUTHORS)
async def case_new(request: Request) -> Response:
    return await _editor(request, None)


@require(*AUTHORS)
async def case_edit(request: Request) -> Response:
    return await _editor(request, int(request.path_params["case_id"]))


async def _editor(request: Request, case_id: int | None) -> Response:
    c = ctx(request)

    def load() -> tuple[CaseItem | None, CaseVersion | None, MediaFile | None] | None:
        if case_id is None:
            return None, None, None
        with session_scope(c.engine) as s:
            item = s.get(CaseItem, case_id)
            if item is None:
                return None
            version = latest_version(s, case_id)
            spec = spec_from_data(version.spec) if version else None
            media = media_by_name(s, spec.audio_file) if spec and spec.audio_file else None
            return item, version, media

    found = await run_in_threadpool(load)
    if found is None:
        return PlainTextResponse(_("No such case."), 404)
    item, version, media = found
    page: dict[str, Any] = {
        "item": item,
        "version": version,
        "media": media,
        "action_url": f"/author/cases/{case_id}/edit" if case_id else "/author/cases/new",
        "problems": {},
        "case_problems": [],
        "file_dropped": False,
        "media_max_mb": f"{c.settings.media_max_bytes / 1_048_576:.1f}",
        "L": labels(),
    }
    if request.method != "POST":
        form = CaseForm.from_spec(spec_from_data(version.spec)) if version else CaseForm.blank()
        return c.render(request, "cases_edit.html", {**page, "form": form})
    async with request.form() as posted:  # closing it removes the uploaded file's copy
        form = CaseForm.from_form(posted)
        upload = await _read_upload(request, posted)
        action = str(posted.get("action", "save"))
    if item is not None:
        form.key = item.key  # a case keeps its key
    if action != "save":
        page["form"] = form.apply(action)
        if request.headers.get("hx-request"):
            return c.render(request, "cases_edit.html", page, block_name="rows")
        return c.render(request, "cases_edit.html", page)
    return await _save(request, form, upload, item, page)


async def _read_upload(request: Request, posted: FormData) -> bytes | None:
    """The chosen recording, read up to one byte past the limit; None if none was chosen."""
    upload = posted.get("recording")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(ctx(request).settings.media_max_bytes + 1)


async def _save(
    request: Request,
    form: CaseForm,
    upload: bytes | None,
    item: CaseItem | None,
    page: dict[str, Any],
) -> Response:
    c = ctx(request)
    spec, problems = form.to_spec()
    recording, audio_problems = _recording(upload, spec, c.settings.media_max_bytes)
    problems += audio_problems
    if recording is not None:
        spec = replace(spec, audio_file=recording_name(spec.key, recording))
    problems += validate_case(spec)

    def save() -> tuple[CaseVersion, bool] | CaseProblem:
        with session_scope(c.engine) as s:
            if item is None and case_by_key(s, spec.key) is not None:
                message = _("A case with this key already exists: open it and edit it there.")
                return CaseProblem("case", message)
            if recording is not None:
                store_media(
                    s,
                    recording_name(spec.key, recording),
                    recording,
                    content_type=WAV,
                    duration_s=wav_duration_s(recording),
                    actor=actor(request),
                    now=c.clock.now(),
                )
            saved = save_version(s, spec, actor=actor(request), now=c.clock.now())
            if saved is not None:
                record_event(
                    s,
                    kind="case_saved",
                    now=c.clock.now(),
                    attempt_id=None,
                    actor=actor(request),
                    detail={"key": spec.key, "version": saved.number},
                )
                return saved, True
            unchanged = latest_version(s, item.id or 0) if item else None
            assert unchanged is not None  # nothing changed: the case has a latest version
            return unchanged, False

    if not problems:
        outcome = await run_in_threadpool(save)
        if isinstance(outcome, CaseProblem):
            problems.append(outcome)
        else:
            version, changed = outcome
            flag = "saved" if changed else "unchanged"
            target = f"/author/cases/{version.case_id}/preview?version={version.number}&{flag}=1"
            return RedirectResponse(target, status_code=303)
    page["form"] = form
    page["file_dropped"] = upload is not None
    page.update(place_problems(form, problems))
    return c.render(request, "cases_edit.html", page, status_code=400)


def recording_name(case_key: str, data: bytes) -> str:
    """The stored name of a voice case's recording: the case key and a digest of the sound.

    A new recording is thus a new file and a change to the case, reviewed like any other:
    the live version keeps playing its own recording until the new version goes live.
    """
    return f"{case_key}-{hashlib.sha256(data).hexdigest()[:10]}.wav"


def _recording(
    data: bytes | None, spec: CaseSpec, limit: int
) -> tuple[bytes | None, list[CaseProblem]]:
    """The uploaded recording if it is a WAV file within ``limit`` bytes, else the problem."""
    if data is None:
        return None, []
    if spec.kind is not CaseKind.VOICE:
        message = _("Only a voice case has a recording: choose the kind 'voice case' or no file.")
        return None, [CaseProblem("case", message)]
    if len(data) > limit:
        message = _("The recording is too large: at most %(mb)s MB.") % {
            "mb": f"{limit / 1_048_576:.1f}"
        }
        return None, [CaseProblem("case", message)]
    if not is_wav(data):
        message = _("The recording is not audio this site can play: upload a WAV file (.wav).")
        return None, [CaseProblem("case", message)]
    return data, []


def place_problems(form: CaseForm, problems: list[CaseProblem]) -> dict[str, Any]:
    """Problems by the row they name (``turn t3``, ``question q2``); the rest for the top."""
    rows = {f"turn {t.key}" for t in form.turns} | {f"question {q.key}" for q in form.questions}
    by_row: dict[str, list[str]] = {}
    top: list[str] = []
    for problem in problems:
        if problem.where in rows:
            by_row.setdefault(problem.where, []).append(problem.message)
        else:
            top.append(problem.message)
    return {"problems": by_row, "case_problems": top, "problem_count": len(problems)}


@require(*AUTHORS)
async def preview(request: Request) -> Response:
    """A version as a candidate will see it: annotated (practice) or not (a test)."""
    c = ctx(request)
    case_id = int(request.path_params["case_id"])
    try:
        number = int(request.query_params.get("version", "0"))
    except ValueError:
        number = 0

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            item = s.get(CaseItem, case_id)
            if item is None:
                return None
            version = version_of(s, case_id, number) if number else latest_version(s, case_id)
            if version is None:
                return None
            return {"item": item, "version": version}

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such case or version."), 404)
    spec = spec_from_data(data["version"].spec)
    notes = request.query_params.get("notes")
    annotated = spec.pool is Pool.TRAINING if notes is None else notes == "1"
    return c.render(
        request,
        "cases_preview.html",
        {
            **data,
            **case_view(spec),
            "annotated": annotated,
            "audio_url": f"/author/media/{spec.audio_file}" if spec.audio_file else None,
            "play_once": spec.play_once,
            "show_questions": True,
            "saved": request.query_params.get("saved") == "1",
            "unchanged": request.query_params.get("unchanged") == "1",
            "L": labels(),
        },
    )


def case_view(spec: CaseSpec) -> dict[str, Any]:
    """What ``_case_view.html`` needs: the spec and its turns in outline order."""
    return {"spec": spec, "outline": depth_first(spec)}
