"""Importing cases from an Excel workbook or JSON, and exporting the case bank.

An import is all or nothing: every problem of every row is listed and nothing is
stored, or every case is stored. Imported cases are not live at once: each becomes a
new version submitted for review, like a case saved in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from examsrv.i18n import gettext as _
from examsrv.itembank.bank_validation import RowError
from examsrv.itembank.case_bank_rows import CaseImport
from examsrv.itembank.case_json import read_cases_json, write_cases_json
from examsrv.itembank.case_spreadsheet import read_cases_xlsx, write_cases_xlsx
from examsrv.persistence.case_bank import case_by_key, save_version
from examsrv.persistence.case_catalog import export_specs
from examsrv.persistence.engine import session_scope
from examsrv.persistence.trials import record_event
from examsrv.web.cases_common import AUTHORS, XLSX, actor
from examsrv.web.context import ctx
from examsrv.web.security import require


@dataclass(frozen=True)
class ImportSummary:
    added: int  # new cases
    revised: int  # new versions of cases already in the bank
    unchanged: int  # the same as their latest version: nothing stored


def _page(request: Request, status_code: int = 200, **data: Any) -> Response:
    context: dict[str, Any] = {
        "errors": [],
        "summary": None,
        "filename": "",
        "required": ctx(request).settings.case_reviewers_required,
    }
    return ctx(request).render(
        request, "cases_import.html", {**context, **data}, status_code=status_code
    )


@require(*AUTHORS)
async def import_page(request: Request) -> Response:
    return _page(request)


@require(*AUTHORS)
async def import_submit(request: Request) -> Response:
    c = ctx(request)
    limit = c.settings.upload_max_bytes
    async with request.form() as form:  # closing it removes the uploaded file's copy
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = RowError("", 0, None, _("Choose a file to import."))
            return _page(request, 400, errors=[error])
        filename = upload.filename
        data = await upload.read(limit + 1)
    if len(data) > limit:
        return _page(request, 413, errors=[RowError("", 0, None, _("The file is too large."))])
    is_json = filename.lower().endswith(".json")

    def run() -> tuple[CaseImport, ImportSummary | None]:
        parsed = read_cases_json(data) if is_json else read_cases_xlsx(data)
        if not parsed.ok:
            return parsed, None  # all or nothing: one bad row imports nothing
        added = revised = unchanged = 0
        with session_scope(c.engine) as s:
            for spec in parsed.cases:
                is_new = case_by_key(s, spec.key) is None
                saved = save_version(
                    s,
                    spec,
                    actor=actor(request),
                    now=c.clock.now(),
                    submit=True,
                    note=_("Imported from %(file)s") % {"file": filename[:200]},
                )
                if saved is None:
                    unchanged += 1
                elif is_new:
                    added += 1
                else:
                    revised += 1
            summary = ImportSummary(added, revised, unchanged)
            record_event(
                s,
                kind="cases_imported",
                now=c.clock.now(),
                attempt_id=None,
                actor=actor(request),
                detail={"file": filename, **summary.__dict__},
            )
        return parsed, summary

    parsed, summary = await run_in_threadpool(run)
    return _page(
        request,
        200 if parsed.ok else 400,
        errors=parsed.errors,
        summary=summary,
        filename=filename,
    )


@require(*AUTHORS)
async def export(request: Request) -> Response:
    """The live version of every case in the bank; with ``?all=1`` the latest version of
    every case, drafts and the history bank included."""
    c = ctx(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("xlsx", "json"):
        return PlainTextResponse(_("Export as .xlsx or .json."), 404)
    every_case = request.query_params.get("all") == "1"

    def load() -> bytes:
        with session_scope(c.engine) as s:
            specs = export_specs(s, every_case=every_case)
        return write_cases_json(specs) if fmt == "json" else write_cases_xlsx(specs)

    body = await run_in_threadpool(load)
    stamp = c.clock.now().strftime("%Y%m%d")
    which = "all" if every_case else "live"
    return Response(
        body,
        media_type="application/json" if fmt == "json" else XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="examsrv-cases-{which}-{stamp}.{fmt}"'
        },
    )
