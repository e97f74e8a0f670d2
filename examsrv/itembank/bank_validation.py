"""Validation shared by the spreadsheet and JSON item-bank formats.

Readers turn rows or list entries into :class:`RawRecord` values; the validators
build specs from them and report every problem as a :class:`RowError` whose
message is in Chinese, because item-bank authors read it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from examsrv.itembank.specs import AnswerKind, ArticleSpec, TaskSpec

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # data rows (or list entries) per sheet
MAX_CELL_CHARS = 20_000
MAX_TITLE_CHARS = 200
MAX_CATEGORY_CHARS = 100
MAX_KEY_CHARS = 40
MIN_OPTIONS = 2
MAX_OPTIONS = 8
MAX_ERRORS = 200

FILE_SHEET = ""  # RowError.sheet for problems with the whole file (row 0)

KIND_NAMES: Mapping[str, AnswerKind] = {
    "文字": AnswerKind.TEXT,
    "text": AnswerKind.TEXT,
    "选择": AnswerKind.CHOICE,
    "choice": AnswerKind.CHOICE,
}

_KEY_RE = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_KEY_CHARS}}}")
_ITEM_SEPARATORS_RE = re.compile(r"[\n|｜]")
_LETTER_SEPARATORS_RE = re.compile(r"[\s,，、;；/]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class RowError:
    """One problem, located as the author sees it (header is row 1)."""

    sheet: str
    row: int
    column: str | None
    message: str


@dataclass(frozen=True)
class BankImport:
    """The outcome of reading a bank: specs when ``ok``, otherwise only errors."""

    articles: list[ArticleSpec]
    tasks: list[TaskSpec]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Field:
    """One column of a sheet (one field of a JSON entry)."""

    name: str  # attribute of the spec, also the JSON field and English header
    zh: str  # Chinese column header
    multi: bool = False  # one value per line
    required: bool = False  # the column must exist and its cells must not be empty


ARTICLE_FIELDS = (
    Field("key", "编号", required=True),
    Field("category", "分类", required=True),
    Field("title", "标题", required=True),
    Field("body", "正文", required=True),
    Field("key_facts", "要点", multi=True),
)
TASK_FIELDS = (
    Field("key", "编号", required=True),
    Field("question", "题目", required=True),
    Field("kind", "题型"),
    Field("answers", "答案", multi=True, required=True),
    Field("synonyms", "同义答案", multi=True),
    Field("options", "选项", multi=True),
    Field("article_key", "来源文章", required=True),
)
_MAX_CHARS = {"title": MAX_TITLE_CHARS, "category": MAX_CATEGORY_CHARS}


@dataclass(frozen=True)
class RawRecord:
    """One row or entry: field name -> normalised text or tuple of items."""

    number: int
    values: Mapping[str, str | tuple[str, ...]]
    reported: Collection[str] = ()  # fields whose problem the reader has already reported

    def text(self, name: str) -> str:
        value = self.values.get(name, "")
        return value if isinstance(value, str) else "\n".join(value)

    def items(self, name: str) -> tuple[str, ...]:
        value = self.values.get(name, ())
        return value if isinstance(value, tuple) else split_items(value)


@dataclass(frozen=True)
class SheetContext:
    """How errors of one sheet are located and worded."""

    sheet: str  # RowError.sheet
    unit: str  # "行" for spreadsheet rows, "条" for JSON entries
    columns: Mapping[str, str]  # field name -> RowError.column
    labels: Mapping[str, str]  # field name -> name used in messages

    def where(self, number: int) -> str:
        return f"第{number}{self.unit}"


class ErrorLog:
    """Collects errors up to a limit, then counts the ones left out."""

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self._errors: list[RowError] = []
        self._omitted = 0

    def __bool__(self) -> bool:
        return bool(self._errors)

    def add(self, sheet: str, row: int, column: str | None, message: str) -> None:
        if len(self._errors) < self.limit:
            self._errors.append(RowError(sheet, row, column, message))
        else:
            self._omitted += 1

    def at(self, ctx: SheetContext, record: RawRecord, field: str, message: str) -> None:
        where = f"{ctx.where(record.number)} {ctx.labels[field]}"
        self.add(ctx.sheet, record.number, ctx.columns[field], f"{where}{message}")

    def errors(self) -> list[RowError]:
        errors = list(self._errors)
        if self._omitted:
            note = f"错误过多：只列出前{self.limit}条，另有{self._omitted}条未列出"
            errors.append(RowError(FILE_SHEET, 0, None, note))
        return errors


def number_text(value: int | float) -> str:
    """A number as authors typed it: Excel stores 40 as ``40.0``, which reads back as "40"."""
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return format(value, ".15g")  # the precision Excel displays
    return str(int(value))


def normalise_text(text: str) -> str:
    """Line breaks made LF only, surrounding whitespace stripped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def split_items(text: str) -> tuple[str, ...]:
    """Values of a multi-value cell: one per line, or separated by | or ｜."""
    stripped = (item.strip() for item in _ITEM_SEPARATORS_RE.split(text))
    return tuple(item for item in stripped if item)


def short(value: str, limit: int = 40) -> str:
    """A value quoted in a message, cut so that messages stay readable."""
    return value if len(value) <= limit else value[:limit] + "…"


def check_text(ctx: SheetContext, record: RawRecord, field: Field, log: ErrorLog) -> None:
    """Checks common to every field: required, length, characters, separators."""
    text = record.text(field.name)
    if field.name in record.reported:
        return
    if not text and field.required:
        log.at(ctx, record, field.name, "不能为空")
    limit = _MAX_CHARS.get(field.name, MAX_CELL_CHARS)
    if len(text) > limit:
        log.at(ctx, record, field.name, f"过长：{len(text)}个字符，最多{limit}个字符")
    if _CONTROL_RE.search(text):
        log.at(ctx, record, field.name, "含有不可见的控制字符，请删除")
    if field.multi and any(_ITEM_SEPARATORS_RE.search(i) for i in record.items(field.name)):
        log.at(ctx, record, field.name, "的每一项不能包含换行或竖线（| ｜）")


def check_key(ctx: SheetContext, record: RawRecord, seen: dict[str, int], log: ErrorLog) -> None:
    key = record.text("key")
    if not key:
        return
    if not _KEY_RE.fullmatch(key):
        rule = f"只能包含字母、数字、- 和 _，最多{MAX_KEY_CHARS}个字符"
        log.at(ctx, record, "key", f"格式不正确：“{short(key)}”{rule}")
    elif key in seen:
        log.at(ctx, record, "key", f"重复：{key} 已在{ctx.where(seen[key])}出现")
    else:
        seen[key] = record.number


def validate_articles(
    records: Iterable[RawRecord], ctx: SheetContext, log: ErrorLog
) -> list[ArticleSpec]:
    """Articles of ``records``; every problem goes to ``log``."""
    articles: list[ArticleSpec] = []
    seen: dict[str, int] = {}
    for record in records:
        for field in ARTICLE_FIELDS:
            check_text(ctx, record, field, log)
        check_key(ctx, record, seen, log)
        articles.append(
            ArticleSpec(
                key=record.text("key"),
                category=record.text("category"),
                title=record.text("title"),
                body=record.text("body"),
                key_facts=record.items("key_facts"),
            )
        )
    return articles


def validate_tasks(
    records: Iterable[RawRecord],
    ctx: SheetContext,
    log: ErrorLog,
    article_keys: Collection[str],
) -> list[TaskSpec]:
    """Tasks of ``records``, each citing one of ``article_keys``; problems go to ``log``."""
    tasks: list[TaskSpec] = []
    seen: dict[str, int] = {}
    for record in records:
        for field in TASK_FIELDS:
            check_text(ctx, record, field, log)
        check_key(ctx, record, seen, log)
        source = record.text("article_key")
        if source and source not in article_keys:
            message = f"“{short(source)}”不存在：文件和题库中都没有这篇文章"
            log.at(ctx, record, "article_key", message)
        kind_text = record.text("kind")
        kind = KIND_NAMES.get(kind_text.casefold()) if kind_text else AnswerKind.TEXT
        if kind is None:
            log.at(ctx, record, "kind", f"“{short(kind_text)}”无效：应为“文字”或“选择”")
            continue
        answers = record.items("answers")
        if kind is AnswerKind.CHOICE:
            answers = _check_choice(ctx, record, log)
        elif record.items("options"):
            log.at(ctx, record, "options", "不应填写：文字题没有选项（选择题请把题型设为“选择”）")
        tasks.append(
            TaskSpec(
                key=record.text("key"),
                question=record.text("question"),
                article_key=source,
                kind=kind,
                answers=answers,
                synonyms=record.items("synonyms"),
                options=record.items("options"),
            )
        )
    return tasks


def _check_choice(ctx: SheetContext, record: RawRecord, log: ErrorLog) -> tuple[str, ...]:
    """Checks a choice task's options and answer letters; returns the letters."""
    count = len(record.items("options"))
    if count == 0:
        log.at(ctx, record, "options", "不能为空：选择题要填写选项，每行一个")
    elif not MIN_OPTIONS <= count <= MAX_OPTIONS:
        message = f"数量不对：选择题应有{MIN_OPTIONS}到{MAX_OPTIONS}个选项，现有{count}个"
        log.at(ctx, record, "options", message)
    if record.items("synonyms"):
        log.at(ctx, record, "synonyms", "不应填写：选择题只按选项字母判分")
    letters: list[str] = []
    last = chr(ord("A") + count - 1) if MIN_OPTIONS <= count <= MAX_OPTIONS else "Z"
    for item in record.items("answers"):
        for token in _LETTER_SEPARATORS_RE.split(unicodedata.normalize("NFKC", item).upper()):
            if token and not (token.isascii() and token.isalpha()):
                message = f"应为选项字母（如 A 或 A、C），而不是“{short(token)}”"
                log.at(ctx, record, "answers", message)
                continue
            for letter in token:  # "AC" means A and C
                if letter in letters:
                    log.at(ctx, record, "answers", f"中的字母“{letter}”重复")
                    continue
                if letter > last:
                    message = f"“{letter}”超出选项范围：只有 A–{last} 共{count}个选项"
                    log.at(ctx, record, "answers", message)
                letters.append(letter)
    return tuple(letters)


def finish(articles: list[ArticleSpec], tasks: list[TaskSpec], log: ErrorLog) -> BankImport:
    """The import: all specs when there is no error, otherwise only the errors."""
    return BankImport([], [], log.errors()) if log else BankImport(articles, tasks, [])
