"""Reading and writing the record's spreadsheets: .xlsx (Excel) and .csv.

Reading finds the columns by their header text (Chinese or English, any order,
case and spaces ignored), skips blank rows, and reports problems per row with
the row number people see in Excel (the header is row 1). A file that cannot be
read at all is one error at row 0. Sizes are bounded so a huge or hostile file
is refused rather than read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook

from examsrv.i18n import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 32


@dataclass(frozen=True)
class TableColumn:
    key: str
    headers: tuple[str, ...]  # accepted header texts; the first is the one written on export
    required: bool = True


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the file as a whole
    message: str


@dataclass(frozen=True)
class TableRow:
    row: int
    values: dict[str, str]


@dataclass
class Table:
    rows: list[TableRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _norm(text: str) -> str:
    return "".join(text.split()).lower().replace("_", "")


def _raw_rows(data: bytes, filename: str) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_BYTES:
                raise ValueError("too large")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, ValueError, KeyError, OSError):
            raise _Unreadable(_("The file is not an Excel workbook (.xlsx).")) from None
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
        return rows
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise _Unreadable(_("The CSV file is neither UTF-8 nor GB18030 text."))
        rows = []
        for values in csv.reader(io.StringIO(text)):
            rows.append([v.strip() for v in values[:MAX_COLUMNS]])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    raise _Unreadable(_("Upload an .xlsx or a .csv file."))


class _Unreadable(Exception):
    """The upload is not a spreadsheet we can read; the message says why."""


def read_table(data: bytes, filename: str, columns: Sequence[TableColumn]) -> Table:
    """The rows of the first sheet (or the CSV) under a header row naming ``columns``."""
    table = Table()
    if not data:
        table.errors.append(RowError(0, _("The file is empty.")))
        return table
    if len(data) > MAX_BYTES:
        table.errors.append(RowError(0, _("The file is larger than 5 MB.")))
        return table
    try:
        raw = _raw_rows(data, filename)
    except _Unreadable as exc:
        table.errors.append(RowError(0, str(exc)))
        return table
    if len(raw) > MAX_ROWS + 1:
        table.errors.append(
            RowError(0, _("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
        )
        return table
    if not raw:
        table.errors.append(RowError(0, _("The file is empty.")))
        return table
    header = [_norm(h) for h in raw[0]]
    where: dict[str, int] = {}
    for column in columns:
        for i, text in enumerate(header):
            if text in {_norm(h) for h in column.headers}:
                where[column.key] = i
                break
        else:
            if column.required:
                table.errors.append(
                    RowError(
                        1,
                        _("The header row has no column %(name)s.") % {"name": column.headers[0]},
                    )
                )
    if table.errors:
        return table
    for number, values in enumerate(raw[1:], start=2):
        if not any(v for v in values):
            continue
        row = {key: (values[i] if i < len(values) else "").strip() for key, i in where.items()}
        table.rows.append(TableRow(number, row))
    return table


def write_xlsx(sheet_name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the Chinese


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
