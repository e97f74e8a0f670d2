"""The item bank as a JSON document, for tools and for authors who prefer text.

The document is an object with the lists ``articles`` and ``tasks``, whose
entries use the field names of :class:`ArticleSpec` and :class:`TaskSpec`;
``docs/itembank-format.md`` shows an example. It is checked by the same rules
as the spreadsheet, errors being located by list name and 1-based index.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

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
from examsrv.itembank.specs import ArticleSpec, TaskSpec

FORMAT_NAME = "examsrv-itembank"
FORMAT_VERSION = 1
_LISTS = {"articles": ARTICLE_FIELDS, "tasks": TASK_FIELDS}


def write_bank_json(articles: Sequence[ArticleSpec], tasks: Sequence[TaskSpec]) -> bytes:
    """UTF-8 JSON, indented, with keys in a fixed order so that exports diff cleanly."""
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "articles": [_entry(article, ARTICLE_FIELDS) for article in articles],
        "tasks": [_entry(task, TASK_FIELDS) for task in tasks],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _entry(spec: ArticleSpec | TaskSpec, fields: Sequence[Field]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for field in fields:
        value = getattr(spec, field.name)
        entry[field.name] = list(value) if field.multi else str(value)
    return entry


def read_bank_json(data: bytes, known_article_keys: Collection[str] = ()) -> BankImport:
    """Reads a JSON bank; tasks may cite articles of the file or ``known_article_keys``."""
    log = ErrorLog()
    document = load_document(
        data, log, format_name=FORMAT_NAME, version=FORMAT_VERSION, lists=("articles", "tasks")
    )
    if document is None:
        return bv.finish([], [], log)
    parts: dict[str, tuple[SheetContext, list[RawRecord]]] = {}
    for name, fields in _LISTS.items():
        if name in document and (part := _records(name, document[name], fields, log)):
            parts[name] = part
    article_keys = set(known_article_keys)
    articles: list[ArticleSpec] = []
    tasks: list[TaskSpec] = []
    if "articles" in parts:
        ctx, records = parts["articles"]
        article_keys.update(record.text("key") for record in records)
        articles = bv.validate_articles(records, ctx, log)
    if "tasks" in parts:
        ctx, records = parts["tasks"]
        tasks = bv.validate_tasks(records, ctx, log, article_keys)
    return bv.finish(articles, tasks, log)


def load_document(
    data: bytes, log: ErrorLog, *, format_name: str, version: int, lists: Sequence[str]
) -> dict[str, Any] | None:
    """The top-level object of an import file whose entries are under ``lists``, or None
    when the file cannot be used at all (too large, not UTF-8 JSON, not an object, or
    none of ``lists`` present). Unknown top-level fields and a wrong format name or
    version are logged."""
    if len(data) > bv.MAX_FILE_BYTES:
        size = len(data) / 1024 / 1024
        limit = bv.MAX_FILE_BYTES // 1024 // 1024
        log.add(FILE_SHEET, 0, None, f"文件太大：{size:.1f}MB，最大{limit}MB")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.add(FILE_SHEET, 0, None, "无法读取：文件不是UTF-8编码的文本")
        return None
    try:
        document = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        where = f"第{exc.lineno}行第{exc.colno}列"
        log.add(FILE_SHEET, 0, None, f"不是有效的JSON：{where}有语法错误（{exc.msg}）")
        return None
    except (ValueError, RecursionError):  # absurdly long numbers or deep nesting
        log.add(FILE_SHEET, 0, None, "不是有效的JSON：内容无法解析")
        return None
    if not isinstance(document, dict):
        shape = "{" + ", ".join(f'"{name}": [...]' for name in lists) + "}"
        log.add(FILE_SHEET, 0, None, f"JSON的最外层应为对象，形如 {shape}")
        return None
    top_level = ("format", "version", *lists)
    for key in document:
        if key not in top_level:
            message = f"未知的顶层字段“{bv.short(key)}”：只能有 {'、'.join(top_level)}"
            log.add(FILE_SHEET, 0, key, message)
    if document.get("format", format_name) != format_name:
        log.add(FILE_SHEET, 0, "format", f"format 应为“{format_name}”")
    given = document.get("version", version)
    if type(given) is not int or given != version:
        log.add(FILE_SHEET, 0, "version", f"不支持的版本：version 应为 {version}")
    if not any(name in document for name in lists):
        log.add(FILE_SHEET, 0, None, f"JSON中没有 {' 或 '.join(lists)}")
        return None
    return document


def reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number authors can write")


def _records(
    name: str, entries: object, fields: Sequence[Field], log: ErrorLog
) -> tuple[SheetContext, list[RawRecord]] | None:
    """The entries of one list as raw records, or None when the list is unusable."""
    if not isinstance(entries, list):
        log.add(name, 0, None, f"{name} 应为列表 [...]")
        return None
    if len(entries) > bv.MAX_ROWS:
        log.add(name, 0, None, f"{name} 有{len(entries)}条，超过{bv.MAX_ROWS}条，请拆分后再导入")
        return None
    labels = {field.name: f"{field.zh}（{field.name}）" for field in fields}
    ctx = SheetContext(name, "条", {field.name: field.name for field in fields}, labels)
    known = {field.name for field in fields}
    allowed = "、".join(field.name for field in fields)
    records: list[RawRecord] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            log.add(name, number, None, f"第{number}条应为对象 {{...}}")
            continue
        for key in entry:
            if key not in known:
                message = f"第{number}条 未知字段“{bv.short(key)}”：只能有 {allowed}"
                log.add(name, number, key, message)
        values: dict[str, str | tuple[str, ...]] = {}
        reported: list[str] = []
        for field in fields:
            value = json_value(entry.get(field.name), field.multi)
            if value is None:
                wanted = '文本列表，例如 ["…"]' if field.multi else "文本"
                log.add(name, number, field.name, f"第{number}条 {labels[field.name]}应为{wanted}")
                value = () if field.multi else ""
                reported.append(field.name)
            values[field.name] = value
        records.append(RawRecord(number, values, reported))
    return ctx, records


def json_value(raw: object, multi: bool) -> str | tuple[str, ...] | None:
    """Text (or tuple of texts) of a JSON value, or None when its type is wrong."""
    if raw is None:
        return () if multi else ""
    if not multi:
        return _scalar(raw)
    if not isinstance(raw, list):
        return None
    items = [_scalar(item) for item in raw]
    if any(item is None for item in items):
        return None
    return tuple(item for item in items if item)


def _scalar(raw: object) -> str | None:
    if isinstance(raw, str):
        return bv.normalise_text(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return bv.number_text(raw)
    return None
