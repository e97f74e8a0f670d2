"""Reports for HR and administrators, their CSV and Excel downloads, and re-calibrating
the lookup bands (a preview an administrator may accept)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.persistence.reports import (
    ReportError,
    ReportTable,
    accept_calibration,
    calibration_preview,
    current_bands,
    graded_times,
    histogram,
    histogram_table,
    level_distribution,
    pass_rates_by_month,
    pass_rates_by_sitting,
    retention_due_by_month,
)
from examsrv.web.charts import bar_chart, histogram_chart
from examsrv.web.context import ctx
from examsrv.web.security import current_user, require

VIEWERS = (Role.HR, Role.ADMIN)
RISKY = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(RISKY):
        return "'" + cell
    return cell


def table_response(table: ReportTable, fmt: str) -> Response:
    """The table as a CSV (UTF-8 with BOM, for Excel) or .xlsx download."""
    header = [_(c) for c in table.columns]
    filename = f"{table.key}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([_safe(c) for c in row] for row in table.rows)
        return Response(
            ("\ufeff" + out.getvalue()).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers=disposition,
        )
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=table.key[:31])
        sheet.append(header)
        for row in table.rows:
            sheet.append([_safe(c) for c in row])
        out_bytes = io.BytesIO()
        book.save(out_bytes)
        return Response(out_bytes.getvalue(), media_type=XLSX, headers=disposition)
    return PlainTextResponse(_("Choose CSV or Excel."), 404)


def _tables(request: Request) -> dict[str, Any]:
    c = ctx(request)
    now = c.clock.now()
    with session_scope(c.engine) as s:
        bands = current_bands(s, now=now)
        times = graded_times(s)
        return {
            "levels": level_distribution(s),
            "bins": histogram(times, bands),
            "bands": bands,
            "times": len(times),
            "month": pass_rates_by_month(s),
            "sitting": pass_rates_by_sitting(s),
            "retention": retention_due_by_month(s, today=now.date()),
        }


@require(*VIEWERS)
async def reports(request: Request) -> Response:
    c = ctx(request)
    data = await run_in_threadpool(_tables, request)
    levels = data["levels"]
    month = data["month"]
    kinds = sorted({str(r[0]) for r in month.rows})
    rate_charts = [
        bar_chart(
            _("Pass rate (%%) per month: %(test)s") % {"test": _(KIND_LABELS.get(kind, kind))},
            [str(r[1]) for r in month.rows if r[0] == kind],
            [float(r[4] or 0) for r in month.rows if r[0] == kind],
        )
        for kind in kinds
    ]
    sitting = data["sitting"]
    context = {
        "tables": {
            "levels": levels,
            "times": histogram_table(data["bins"]),
            "month": month,
            "sitting": sitting,
            "retention": data["retention"],
        },
        "level_chart": bar_chart(
            _("Employees per level"),
            [str(r[0]) for r in levels.rows],
            [float(r[1] or 0) for r in levels.rows],
        ),
        "time_chart": histogram_chart(
            _("Lookup graded times (s) with the current bands"), data["bins"], data["bands"]
        ),
        "trial_count": data["times"],
        "bands_text": data["bands"].to_text(),
        "rate_charts": rate_charts,
        "sitting_chart": bar_chart(
            _("Pass rate (%%) per sitting"),
            [str(r[0]) for r in sitting.rows],
            [float(r[5] or 0) for r in sitting.rows],
        )
        if sitting.rows
        else None,
        "retention_chart": bar_chart(
            _("Retention windows opening per month"),
            [str(r[0])[2:] for r in data["retention"].rows],
            [float(r[1] or 0) for r in data["retention"].rows],
        ),
    }
    return c.render(request, "reports/reports.html", context)


KIND_LABELS = {"lookup_trial": "Lookup trial", "case_test": "Case test"}
REPORT_KEYS = ("levels", "lookup_times", "pass_rates_month", "pass_rates_sitting", "retention_due")


@require(*VIEWERS)
async def report_download(request: Request) -> Response:
    key = str(request.path_params["key"])
    fmt = str(request.path_params["fmt"])
    if key not in REPORT_KEYS:
        return PlainTextResponse(_("No such report."), 404)
    data = await run_in_threadpool(_tables, request)
    table = {
        "levels": data["levels"],
        "lookup_times": histogram_table(data["bins"]),
        "pass_rates_month": data["month"],
        "pass_rates_sitting": data["sitting"],
        "retention_due": data["retention"],
    }[key]
    return table_response(table, fmt)


# -- re-calibration ----------------------------------------------------------


def _period(values: Any, today: date) -> tuple[date, date] | str:
    try:
        since = date.fromisoformat(str(values.get("since") or (today - timedelta(days=90))))
        until = date.fromisoformat(str(values.get("until") or today))
    except ValueError:
        return _("Write the dates as YYYY-MM-DD.")
    if until < since:
        return _("The period ends before it starts.")
    return since, until


def _preview(request: Request, since: date, until: date) -> dict[str, Any]:
    c = ctx(request)
    with session_scope(c.engine) as s:
        proposal, times = calibration_preview(s, since=since, until=until, now=c.clock.now())
    bins = histogram(times, proposal.current)
    chart = histogram_chart(
        _("Graded times (s): current bands shaded, proposed edges dashed"),
        bins,
        proposal.current,
        proposal.proposed,
    )
    return {
        "proposal": proposal,
        "chart": chart,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "proposed_text": "" if proposal.proposed is None else proposal.proposed.to_text(),
        "current_text": proposal.current.to_text(),
    }


@require(Role.ADMIN)
async def calibrate(request: Request) -> Response:
    c = ctx(request)
    period = _period(request.query_params, c.clock.now().date())
    if isinstance(period, str):
        period = _period({}, c.clock.now().date())
        assert not isinstance(period, str)
        error: str | None = _("Write the dates as YYYY-MM-DD.")
    else:
        error = None
    data = await run_in_threadpool(_preview, request, *period)
    data["error"] = error
    data["accepted"] = request.query_params.get("accepted") == "1"
    return c.render(request, "reports/calibrate.html", data, status_code=400 if error else 200)


@require(Role.ADMIN)
async def calibrate_accept(request: Request) -> Response:
    c = ctx(request)
    form = await request.form()
    today = c.clock.now().date()
    period = _period(form, today)
    user = current_user(request)
    actor = user.username if user else ""
    if isinstance(period, str):
        return PlainTextResponse(period, 400)
    since, until = period
    expected = str(form.get("proposed", ""))

    def accept() -> str | None:
        try:
            with session_scope(c.engine) as s:
                accept_calibration(
                    s, since=since, until=until, expected=expected, actor=actor, now=c.clock.now()
                )
        except ReportError as exc:
            return str(exc)
        return None

    error = await run_in_threadpool(accept)
    if error is not None:
        data = await run_in_threadpool(_preview, request, since, until)
        data["error"] = error
        data["accepted"] = False
        return c.render(request, "reports/calibrate.html", data, status_code=409)
    return RedirectResponse(
        f"/admin/grading/calibrate?since={since}&until={until}&accepted=1", status_code=303
    )
