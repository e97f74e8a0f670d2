"""The case bank as a JSON document, for tools and for authors who prefer text.

The document holds a list ``cases``; each case entry carries its own lists
``turns`` and ``questions``, with the field names of :class:`CaseSpec`,
:class:`Turn` and :class:`Question`. It is checked by the same rules as the
workbook (``case_bank_rows``). Errors are located by list and 1-based position:
sheet ``cases`` for a case, ``cases[2].turns`` for the turns of the second case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from examsrv.itembank import bank_json as kb_json
from examsrv.itembank import bank_validation as bv
from examsrv.itembank import case_bank_rows as rows
from examsrv.itembank.bank_validation import (
    ErrorLog,
    Field,
    RawRecord,
    RowError,
    SheetContext,
)
from examsrv.itembank.case_bank_rows import CaseImport, CaseRecords
from examsrv.itembank.case_specs import CaseSpec

FORMAT_NAME = "examsrv-casebank"
FORMAT_VERSION = 1
_PARTS = {"turns": (rows.TURN_FIELDS, "对话"), "questions": (rows.QUESTION_FIELDS, "题目")}
_BOOLEANS = {"play_once"}  # fields written as JSON true / false
_PART_RE = re.compile(r"cases\[(\d+)\]\.(turns|questions)")


@dataclass(frozen=True)
class _PartContext(SheetContext):
    """Locates an entry of a case's turns or questions: 案例“C-1” 对话第3条."""

    owner: str = ""

    def where(self, number: int) -> str:
        return f"{self.owner}{super().where(number)}"


def write_cases_json(cases: Sequence[CaseSpec]) -> bytes:
    """UTF-8 JSON, indented, with keys in a fixed order so that exports diff cleanly."""
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "cases": [_case_entry(case) for case in cases],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _case_entry(case: CaseSpec) -> dict[str, Any]:
    entry = _entry(case, rows.CASE_FIELDS)
    entry["turns"] = [_entry(turn, rows.TURN_FIELDS) for turn in case.turns]
    entry["questions"] = [_entry(question, rows.QUESTION_FIELDS) for question in case.questions]
    return entry


def _entry(spec: object, fields: Sequence[Field]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for field in fields:
        value = getattr(spec, field.name)
        if isinstance(value, StrEnum):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)  # 1 rather than 1.0
        entry[field.name] = value
    return entry


def read_cases_json(data: bytes) -> CaseImport:
    """Reads a JSON case bank."""
    log = rows.collector()
    document = kb_json.load_document(
        data, log, format_name=FORMAT_NAME, version=FORMAT_VERSION, lists=("cases",)
    )
    entries = document.get("cases") if document is not None else None
    if entries is None:
        return rows.finish([], log.errors(), _order)
    if not isinstance(entries, list):
        log.add("cases", 0, None, "cases 应为列表 [...]")
        return rows.finish([], log.errors(), _order)
    if len(entries) > bv.MAX_ROWS:
        log.add("cases", 0, None, f"cases 有{len(entries)}条，超过{bv.MAX_ROWS}条，请拆分后再导入")
        return rows.finish([], log.errors(), _order)
    ctx = _context("cases", rows.CASE_FIELDS)
    cases: list[CaseRecords] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            log.add("cases", number, None, f"第{number}条应为对象 {{...}}")
            continue
        local = rows.collector()
        record = _record(ctx, number, entry, rows.CASE_FIELDS, local, extra=tuple(_PARTS))
        key = record.text("key")
        owner = f"案例“{bv.short(key)}” " if key else f"第{number}个案例 "
        (turn_ctx, turns), (question_ctx, questions) = (
            _part(ctx, record, entry, name, owner, local) for name in _PARTS
        )
        damaged = bool(local)
        cases.append(CaseRecords(record, ctx, turns, turn_ctx, questions, question_ctx, damaged))
        for error in local.errors():
            log.add(error.sheet, error.row, error.column, error.message)
    return rows.finish(rows.validate_cases(cases, log), log.errors(), _order)


def _order(error: RowError) -> tuple[int, ...]:
    """Errors sorted case by case: the case's own fields, then its turns, then its questions."""
    if error.sheet == "cases":
        return (error.row, 0, 0)
    if match := _PART_RE.fullmatch(error.sheet):
        return (int(match[1]), 1 if match[2] == "turns" else 2, error.row)
    return (0, 0, 0)


def _context(sheet: str, fields: Sequence[Field], owner: str = "") -> SheetContext:
    labels = {field.name: f"{field.zh}（{field.name}）" for field in fields}
    return _PartContext(sheet, "条", {field.name: field.name for field in fields}, labels, owner)


def _part(
    case_ctx: SheetContext,
    case: RawRecord,
    entry: dict[str, Any],
    name: str,
    owner: str,
    log: ErrorLog,
) -> tuple[SheetContext, list[RawRecord]]:
    """The turns or questions of one case entry, as records with their context."""
    fields, noun = _PARTS[name]
    ctx = _context(f"cases[{case.number}].{name}", fields, f"{owner}{noun}")
    items = entry.get(name)
    if items is None:
        return ctx, []
    where = case_ctx.where(case.number)
    if not isinstance(items, list):
        log.add(case_ctx.sheet, case.number, name, f"{where} {name} 应为列表 [...]")
        return ctx, []
    if len(items) > bv.MAX_ROWS:
        message = f"{where} {name} 有{len(items)}条，超过{bv.MAX_ROWS}条，请拆分后再导入"
        log.add(case_ctx.sheet, case.number, name, message)
        return ctx, []
    records: list[RawRecord] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append(_record(ctx, number, item, fields, log))
        else:
            log.add(ctx.sheet, number, None, f"{ctx.where(number)}应为对象 {{...}}")
    return ctx, records


def _record(
    ctx: SheetContext,
    number: int,
    entry: dict[str, Any],
    fields: Sequence[Field],
    log: ErrorLog,
    extra: tuple[str, ...] = (),
) -> RawRecord:
    """One entry as a raw record; unknown fields and values of the wrong type are logged."""
    known = [field.name for field in fields] + list(extra)
    for key in entry:
        if key not in known:
            message = f"{ctx.where(number)} 未知字段“{bv.short(key)}”：只能有 {'、'.join(known)}"
            log.add(ctx.sheet, number, key, message)
    values: dict[str, str | tuple[str, ...]] = {}
    reported: list[str] = []
    for field in fields:
        raw = entry.get(field.name)
        if isinstance(raw, bool) and field.name in _BOOLEANS:
            value: str | tuple[str, ...] | None = "true" if raw else "false"
        else:
            value = kb_json.json_value(raw, field.multi)
        if value is None:
            wanted = '文本列表，例如 ["…"]' if field.multi else "文本或数字"
            message = f"{ctx.where(number)} {ctx.labels[field.name]}应为{wanted}"
            log.add(ctx.sheet, number, field.name, message)
            value = () if field.multi else ""
            reported.append(field.name)
        values[field.name] = value
    return RawRecord(number, values, reported)
