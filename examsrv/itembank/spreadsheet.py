"""The item bank as an Excel workbook (.xlsx), the format authors edit.

Sheet 知识库 holds articles and sheet 查询任务 lookup tasks, one per row under
a header row; ``docs/itembank-format.md`` describes the columns. Reading is
streamed (openpyxl read-only mode) and bounded, so a hostile or accidental huge
file is refused instead of exhausting the server.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from examsrv.itembank import bank_validation as bv
from examsrv.itembank.bank_validation import (
    ARTICLE_FIELDS,
    FILE_SHEET,
    TASK_FIELDS,
    BankImport,
    ErrorLog,
    Field,
    RawRecord,
    SheetContext,
)
from examsrv.itembank.specs import AnswerKind, ArticleSpec, TaskSpec

ARTICLES_SHEET = "知识库"
TASKS_SHEET = "查询任务"
HELP_SHEET = "说明"
SHEET_NAMES = {"知识库": "articles", "articles": "articles", "查询任务": "tasks", "tasks": "tasks"}
FIELDS = {"articles": ARTICLE_FIELDS, "tasks": TASK_FIELDS}  # the columns of each sheet
MAX_COLUMNS = 64  # data to the right of this column is not read
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # total size of the XML inside the zip
EXCEL_MAX_ROW = 1_048_576
KIND_LABELS = {AnswerKind.TEXT: "文字", AnswerKind.CHOICE: "选择"}

_WIDTHS = {"key": 14, "category": 14, "title": 30, "body": 60, "key_facts": 40}
_WIDTHS |= {"question": 48, "kind": 8, "answers": 24, "synonyms": 24, "options": 32}
_WIDTHS |= {"article_key": 14}
_WRAPPED = {"title", "body", "key_facts", "question", "answers", "synonyms", "options"}
_EXCEL_ESCAPE_RE = re.compile(r"_x(00[01][0-9A-Fa-f])_")  # how Excel stores control characters
_BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
_HELP = """\
本工作簿用于导入知识库文章（工作表「知识库」）和查询任务（工作表「查询任务」）。
第1行是表头，请不要修改表头文字；列的顺序可以调整，不要添加其他列。每行一条记录，空白行会被忽略。
知识库：编号、分类、标题、正文必填；要点每行一条（单元格内换行：Alt+Enter）。
查询任务：编号、题目、答案、来源文章必填；题型填“文字”或“选择”，不填视为“文字”。
文字题：答案可填多个，每行一个，第一个是标准答案；同义答案填其他可接受的说法，每行一个。
选择题：选项每行一个，依次为 A、B、C……（2到8个）；答案填正确选项的字母，多选可写成 A、C 或分行填写。
编号只能包含字母、数字、- 和 _，最多40个字符，同一工作表内不能重复。
来源文章填知识库文章的编号：可以是本文件中的文章，也可以是题库中已有的文章。
多值单元格也可以用竖线 | 分隔，因此每一项内不能含有竖线。纯数字（如 10086）按文本导入。
限制：文件不超过20MB，每个工作表不超过50000行，单元格不超过20000字，标题不超过200字，分类不超过100字。
导入时会检查全部内容：只要有一处错误，整个文件都不会导入。请按错误提示（工作表、行、列）修改后重新导入。"""


class Refused(Exception):
    """The workbook cannot be read any further; the reason is already logged."""


@dataclass(frozen=True)
class SheetRows:
    """The records of one sheet, read against a list of fields."""

    ctx: SheetContext
    records: list[RawRecord]
    complete: bool  # False when required columns are missing: rows give keys only


def read_bank_xlsx(data: bytes, known_article_keys: Collection[str] = ()) -> BankImport:
    """Reads a workbook; tasks may cite articles of the file or ``known_article_keys``."""
    log = ErrorLog()
    try:
        workbook = open_workbook(data, log)
        try:
            found = _find_sheets(workbook, log)
            parts = {role: read_sheet(sheet, FIELDS[role], log) for role, sheet in found.items()}
        finally:
            workbook.close()
    except Refused:
        return bv.finish([], [], log)
    article_keys = set(known_article_keys)
    articles: list[ArticleSpec] = []
    tasks: list[TaskSpec] = []
    if part := parts.get("articles"):
        article_keys.update(record.text("key") for record in part.records)
        if part.complete:
            articles = bv.validate_articles(part.records, part.ctx, log)
    if (part := parts.get("tasks")) and part.complete:
        tasks = bv.validate_tasks(part.records, part.ctx, log, article_keys)
    return bv.finish(articles, tasks, log)


def refuse(log: ErrorLog, message: str, sheet: str = FILE_SHEET, row: int = 0) -> Refused:
    log.add(sheet, row, None, message)
    return Refused()


def open_workbook(data: bytes, log: ErrorLog) -> Any:
    if len(data) > bv.MAX_FILE_BYTES:
        size = len(data) / 1024 / 1024
        raise refuse(log, f"文件太大：{size:.1f}MB，最大{bv.MAX_FILE_BYTES // 1024 // 1024}MB")
    not_xlsx = "无法读取：这不是有效的Excel工作簿（.xlsx）。.xls、.csv 或 WPS 文件请先另存为 .xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # zipfile raises several kinds for arbitrary bytes
        raise refuse(log, not_xlsx) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(log, f"文件解压后超过{MAX_UNPACKED_BYTES // 1024 // 1024}MB，请拆分后再导入")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged or foreign files
        raise refuse(log, not_xlsx) from exc


def _find_sheets(workbook: Any, log: ErrorLog) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for sheet in workbook.worksheets:
        role = SHEET_NAMES.get(sheet.title.strip().casefold())
        if role in found:
            twins = f"「{found[role].title}」和「{sheet.title}」"
            raise refuse(log, f"工作簿中有两个同类工作表：{twins}，请删除其中一个")
        if role:
            found[role] = sheet
    if not found:
        names = "、".join(f"「{sheet.title}」" for sheet in workbook.worksheets)
        wanted = "找不到工作表「知识库」或「查询任务」（英文 articles / tasks）"
        raise refuse(log, f"{wanted}，工作簿中只有{names}")
    return found


def read_sheet(sheet: Any, fields: Sequence[Field], log: ErrorLog) -> SheetRows:
    """Every non-blank row of ``sheet`` as a record of ``fields``; a damaged sheet is refused."""
    try:
        return _read_rows(sheet, fields, log)
    except Refused:
        raise
    except Exception as exc:  # malformed XML inside the sheet
        raise refuse(log, f"工作表「{sheet.title}」已损坏，无法读取", sheet.title) from exc


def _read_rows(sheet: Any, fields: Sequence[Field], log: ErrorLog) -> SheetRows:
    title: str = sheet.title
    sheet.reset_dimensions()  # the declared size may be wrong, or absurdly large
    header = next(sheet.iter_rows(max_row=1, values_only=True), ())
    columns, labels, complete = read_header(title, header, fields, log)
    named = [bool(cell_text(value)) for value in header[:MAX_COLUMNS]]
    ctx = SheetContext(title, "行", labels, labels)
    records: list[RawRecord] = []
    headless: set[int] = set()
    rows = sheet.iter_rows(min_row=2, max_col=MAX_COLUMNS, values_only=True)
    for number, row in enumerate(rows, start=2):
        texts = [cell_text(value) if value is not None else "" for value in row]
        if not any(texts):
            if number > EXCEL_MAX_ROW:
                raise refuse(log, f"工作表「{title}」已损坏：行号超出Excel的范围", title, number)
            continue
        if len(records) == bv.MAX_ROWS:
            message = f"工作表「{title}」超过{bv.MAX_ROWS}行，请拆分成多个文件导入"
            raise refuse(log, message, title, number)
        values: dict[str, str | tuple[str, ...]] = {}
        for index, field in columns.items():
            text = texts[index] if index < len(texts) else ""
            values[field.name] = bv.split_items(text) if field.multi else text
        for index, text in enumerate(texts):
            if text and index not in headless and not (index < len(named) and named[index]):
                headless.add(index)  # reported once per column
                letter = get_column_letter(index + 1)
                log.add(title, number, letter, f"第{number}行 {letter}列有内容，但这一列没有表头")
        records.append(RawRecord(number, values))
    return SheetRows(ctx, records, complete)


def read_header(
    sheet: str, header: Sequence[object], fields: Sequence[Field], log: ErrorLog
) -> tuple[dict[int, Field], dict[str, str], bool]:
    """Column index -> field, field name -> header as written, and whether none is missing."""
    by_name = {_header_key(name): f for f in fields for name in (f.zh, f.name)}
    columns: dict[int, Field] = {}
    labels = {field.name: field.zh for field in fields}
    seen: dict[str, str] = {}
    for index, value in enumerate(header):
        text = cell_text(value)
        letter = get_column_letter(index + 1)
        field = by_name.get(_header_key(text))
        if not text:
            continue
        if index >= MAX_COLUMNS:
            message = f"第1行 {letter}列「{bv.short(text)}」超出了可读取的前{MAX_COLUMNS}列，请删除"
            log.add(sheet, 1, text, message)
        elif field is None:
            known = "、".join(f.zh for f in fields)
            message = f"第1行 {letter}列的表头「{bv.short(text)}」无法识别：应为 {known} 之一"
            log.add(sheet, 1, text, message)
        elif field.name in seen:
            message = f"第1行 表头「{text}」重复：{seen[field.name]}列和{letter}列"
            log.add(sheet, 1, text, message)
        else:
            columns[index] = field
            labels[field.name] = text
            seen[field.name] = letter
    missing = [field for field in fields if field.required and field.name not in seen]
    for field in missing:
        log.add(sheet, 1, field.zh, f"第1行 缺少必填列「{field.zh}」（英文表头 {field.name}）")
    return columns, labels, not missing


def _header_key(text: str) -> str:
    return text.strip().casefold().replace(" ", "_").replace("-", "_")


def cell_text(value: object) -> str:
    """A cell as the author sees it: numbers without ``.0``, dates in ISO form.

    Excel writes a carriage return as ``_x000D_``; such escapes are decoded, so line
    breaks from Windows text become plain line breaks (and other control characters
    are caught by validation instead of slipping through as odd text).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        text = bv.number_text(value)
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        text = value.date().isoformat()
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = _EXCEL_ESCAPE_RE.sub(lambda match: chr(int(match[1], 16)), str(value))
    return bv.normalise_text(text)


def write_bank_xlsx(articles: Sequence[ArticleSpec], tasks: Sequence[TaskSpec]) -> bytes:
    """The workbook authors edit; with no articles and no tasks, the blank template."""
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, ARTICLES_SHEET, ARTICLE_FIELDS, articles)
    tasks_sheet = _write_sheet(workbook, TASKS_SHEET, TASK_FIELDS, tasks)
    kinds = DataValidation(type="list", formula1='"文字,选择"', allow_blank=True)
    kind_column = get_column_letter(1 + [field.name for field in TASK_FIELDS].index("kind"))
    kinds.add(f"{kind_column}2:{kind_column}{bv.MAX_ROWS + 1}")
    tasks_sheet.data_validations.append(kinds)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 110
    for line in _HELP.splitlines():
        help_sheet.append([write_cell(help_sheet, line, WRAP)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(
    workbook: Any, title: str, fields: Sequence[Field], specs: Iterable[ArticleSpec | TaskSpec]
) -> Any:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, field in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[field.name]
    header = [write_cell(sheet, field.zh, TOP) for field in fields]
    for cell in header:
        cell.font = _BOLD
    sheet.append(header)
    aligns = [WRAP if field.name in _WRAPPED else TOP for field in fields]
    for spec in specs:
        values = [_cell_value(spec, field) for field in fields]
        sheet.append([write_cell(sheet, v, a) for v, a in zip(values, aligns, strict=True)])
    return sheet


def _cell_value(spec: ArticleSpec | TaskSpec, field: Field) -> str:
    value = getattr(spec, field.name)
    if isinstance(value, AnswerKind):
        return KIND_LABELS[value]
    return "\n".join(value) if field.multi else str(value)


def write_cell(sheet: Any, text: str, alignment: Any) -> Any:
    """A text cell, kept as text even when it looks like a formula (=…) or an error (#N/A)."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text) or None)
    if cell.value is not None:
        cell.data_type = "s"
    cell.alignment = alignment
    return cell
