"""A sitting's roster as an Excel workbook: import (all or nothing) and export with codes.

The first sheet is read. Its header row must name a column ``工号`` (or
``employee_no``); ``姓名``/``name``, ``签到码``/``code`` and ``状态``/``state`` may be
there too and are ignored, so an exported roster imports back unchanged. If any
row is wrong (an empty or unknown employee no., one listed twice) every wrong row
is reported by its number and nobody is added.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.itembank.bank_validation import ErrorLog, Field
from examsrv.itembank.spreadsheet import TOP, Refused, open_workbook, read_sheet, write_cell
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.sitting_tables import Sitting
from examsrv.persistence.sittings import add_seats, roster, state_of
from examsrv.web.context import ctx
from examsrv.web.pages_sittings_form import state_label
from examsrv.web.pages_sittings_roster import CODE_RANDOM, render_detail, roster_closed
from examsrv.web.security import require

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROSTER_FIELDS = (
    Field("employee_no", "工号", required=True),
    Field("name", "姓名"),
    Field("code", "签到码"),
    Field("state", "状态"),
)
_LOOKUP_CHUNK = 500


def read_roster(data: bytes) -> tuple[list[tuple[int, str]], list[str]]:
    """(row number, employee no.) of every non-blank row of the first sheet, and problems."""
    log = ErrorLog()
    try:
        workbook = open_workbook(data, log)
        try:
            if not workbook.worksheets:
                return [], [_("The workbook has no sheet.")]
            rows = read_sheet(workbook.worksheets[0], ROSTER_FIELDS, log)
        finally:
            workbook.close()
    except Refused:
        return [], [e.message for e in log.errors()]
    entries = [(r.number, r.text("employee_no")) for r in rows.records] if rows.complete else []
    return entries, [e.message for e in log.errors()]


def check_roster(s: Session, entries: Sequence[tuple[int, str]]) -> tuple[list[int], list[str]]:
    """The employees listed, in order, or every wrong row (then nobody is to be added)."""
    if not entries:
        return [], [_("The first sheet lists nobody: put employee numbers under a 工号 header.")]
    numbers = sorted({no for _row, no in entries if no})
    known: dict[str, int] = {}
    for i in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[i : i + _LOOKUP_CHUNK]
        for emp in s.exec(select(Employee).where(col(Employee.employee_no).in_(chunk))):
            known[emp.employee_no] = emp.id or 0
    errors: list[str] = []
    first_row: dict[str, int] = {}
    chosen: list[int] = []
    for row, no in entries:
        if not no:
            errors.append(_("Row %(row)s: the employee no. is empty.") % {"row": row})
        elif no in first_row:
            errors.append(
                _("Row %(row)s: employee no. %(no)s is listed already on row %(first)s.")
                % {"row": row, "no": no, "first": first_row[no]}
            )
        elif no not in known:
            errors.append(
                _("Row %(row)s: no employee has the employee no. %(no)s.") % {"row": row, "no": no}
            )
        else:
            first_row[no] = row
            chosen.append(known[no])
    return ([], errors) if errors else (chosen, [])


@require(Role.ADMIN)
async def import_roster(request: Request) -> Response:
    c = ctx(request)
    sitting_id = int(request.path_params["sitting_id"])
    limit = c.settings.upload_max_bytes
    async with request.form(max_part_size=limit) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            problem = [_("Choose a file to import.")]
            return await render_detail(request, import_errors=problem, status_code=400)
        data = await upload.read(limit + 1)
    if len(data) > limit:
        problem = [_("The file is too large: at most %(mb)s MB.") % {"mb": limit // 1024 // 1024}]
        return await render_detail(request, import_errors=problem, status_code=413)

    def run() -> tuple[int, list[str]] | None:
        entries, problems = read_roster(data)
        with session_scope(c.engine) as s:
            sitting = s.get(Sitting, sitting_id)
            if sitting is None:
                return None
            if roster_closed(sitting):
                return 0, [_("The sitting is closed: its roster cannot change.")]
            if problems:
                return 0, problems
            chosen, errors = check_roster(s, entries)
            if errors:
                return 0, errors  # all or nothing: a wrong row imports nobody
            return len(add_seats(s, sitting, chosen, CODE_RANDOM)), []

    outcome = await run_in_threadpool(run)
    if outcome is None:
        return PlainTextResponse(_("No such sitting."), 404)
    added, errors = outcome
    if errors:
        return await render_detail(request, import_errors=errors, status_code=400)
    return RedirectResponse(f"/admin/sittings/{sitting_id}?imported=1&n={added}", 303)


def write_roster(rows: Sequence[tuple[str, str, str, str]]) -> bytes:
    """工号, 姓名, 签到码, 状态: one row per rostered candidate."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    for letter, width in zip("ABCD", (12, 16, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    header = [write_cell(sheet, f.zh, TOP) for f in ROSTER_FIELDS]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for values in rows:
        sheet.append([write_cell(sheet, v, TOP) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@require(Role.ADMIN)
async def export_roster(request: Request) -> Response:
    c = ctx(request)
    sitting_id = int(request.path_params["sitting_id"])

    def load() -> bytes | None:
        with session_scope(c.engine) as s:
            if s.get(Sitting, sitting_id) is None:
                return None
            rows: list[Any] = [
                (e.employee_no, e.name, seat.code, state_label(state_of(seat)))
                for seat, e in roster(s, sitting_id)
            ]
        return write_roster(rows)

    body = await run_in_threadpool(load)
    if body is None:
        return PlainTextResponse(_("No such sitting."), 404)
    name = f"sitting-{sitting_id}-roster.xlsx"
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
