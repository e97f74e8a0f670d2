"""Rules shared by the case-bank workbook and JSON: fields, labels and validation.

Readers turn rows (or JSON entries) into :class:`RawRecord` values grouped by
case (:class:`CaseRecords`); :func:`validate_cases` checks their cells, builds
the :class:`CaseSpec` values and hands each well-formed case to
``case_tree.validate_case`` for the dialogue-tree and question rules, whose
problems are reported on the row of the turn or question they name.
``docs/casebank-format.md`` describes the format.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from examsrv.itembank import bank_validation as bv
from examsrv.itembank.bank_validation import ErrorLog, Field, RawRecord, RowError, SheetContext
from examsrv.itembank.case_grading import FALSE_WORDS, TRUE_WORDS
from examsrv.itembank.case_specs import (
    MAX_LEVEL,
    MIN_LEVEL,
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)
from examsrv.itembank.case_tree import validate_case

_T = TypeVar("_T")

CASE_KEY = Field("case_key", "案例编号", required=True)  # turns and questions in the workbook
CASE_FIELDS = (
    Field("key", "编号", required=True),
    Field("title", "标题", required=True),
    Field("level", "级别", required=True),
    Field("category", "分类", required=True),
    Field("pool", "库别", required=True),
    Field("kind", "类型"),
    Field("background", "背景", required=True),
    Field("audio_file", "录音文件"),
    Field("play_once", "仅播放一次"),
)
TURN_FIELDS = (
    Field("key", "编号", required=True),
    Field("parent", "上一句"),
    Field("speaker", "说话人", required=True),
    Field("text", "内容", required=True),
    Field("emotion", "情绪"),
    Field("thought", "想法"),
    Field("reasons", "考虑因素", multi=True),
    Field("outcome", "结果"),
    Field("feeling", "感受"),
    Field("start_s", "开始秒"),
)
QUESTION_FIELDS = (
    Field("key", "编号", required=True),
    Field("turn_key", "对应对话"),
    Field("kind", "题型", required=True),
    Field("prompt", "题干", required=True),
    Field("options", "选项", multi=True),
    Field("answer", "答案", multi=True),
    Field("rubric", "评分要点"),
    Field("points", "分值"),
)

# Chinese labels, as exports write them; imports also accept the English values.
POOL_LABELS = {Pool.TRAINING: "培训", Pool.TEST: "测试"}
CASE_KIND_LABELS = {CaseKind.TEXT: "文字", CaseKind.VOICE: "语音"}
SPEAKER_LABELS = {Speaker.CUSTOMER: "客户", Speaker.CSR: "客服"}
QUESTION_KIND_LABELS = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.TRUE_FALSE: "判断",
    QuestionKind.ORDERING: "排序",
    QuestionKind.FREE_TEXT: "简答",
}
TRUE_FALSE_LABELS = {"true": "对", "false": "错"}
YES_NO_LABELS = {True: "是", False: "否"}

_VOICE_ONLY = "只有语音案例才有录音（语音案例请把类型设为“语音”）"
_DECIMAL_RE = re.compile(r"[0-9]{1,9}(\.[0-9]{1,15})?")
_LETTERS_RE = re.compile(r"[\s,，、;；/]+")


@dataclass(frozen=True)
class _Choices(Generic[_T]):
    """The values a label cell may name: spellings (casefolded) -> value."""

    names: Mapping[str, _T]
    shown: str  # the labels listed in messages
    default: _T | None  # the value of an empty cell


def _choices(labels: Mapping[_T, str], default: _T | None = None, **more: _T) -> _Choices[_T]:
    """Accepted spellings: each Chinese label, each English value, and ``more``."""
    names = {n.casefold(): value for value, label in labels.items() for n in (label, str(value))}
    shown = "或".join(f"“{label}”" for label in labels.values())
    shown = shown if len(labels) < 3 else shown.replace("或", "、")
    return _Choices(names | more, shown, default)


_POOLS = _choices(POOL_LABELS)
_CASE_KINDS = _choices(CASE_KIND_LABELS, CaseKind.TEXT)
_SPEAKERS = _choices(SPEAKER_LABELS, 客户代表=Speaker.CSR)
_QUESTION_KINDS = _choices(QUESTION_KIND_LABELS)
_YES_NO = _choices(YES_NO_LABELS, False, yes=True, no=False, **{"1": True, "0": False})


@dataclass(frozen=True)
class CaseImport:
    """The outcome of reading a case bank: all cases when ``ok``, otherwise only errors."""

    cases: list[CaseSpec]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class CaseRecords:
    """One case as read: its record, its turns' and its questions' (in order), with contexts."""

    record: RawRecord
    case_ctx: SheetContext
    turns: Sequence[RawRecord]
    turn_ctx: SheetContext
    questions: Sequence[RawRecord]
    question_ctx: SheetContext
    damaged: bool = False  # the reader already reported a problem with this case's entries


def collector() -> ErrorLog:
    """An error log without a limit: readers sort its errors before capping them."""
    return ErrorLog(limit=sys.maxsize)


def finish(
    cases: list[CaseSpec], errors: list[RowError], order: Callable[[RowError], tuple[int, ...]]
) -> CaseImport:
    """All cases when there is no error; otherwise the errors, sorted by ``order`` and capped."""
    if not errors:
        return CaseImport(cases, [])
    log = ErrorLog()
    for error in sorted(errors, key=order):
        log.add(error.sheet, error.row, error.column, error.message)
    return CaseImport([], log.errors())


def validate_cases(cases: Iterable[CaseRecords], log: ErrorLog) -> list[CaseSpec]:
    """Cases built from ``cases``; every problem goes to ``log``."""
    specs: list[CaseSpec] = []
    seen: dict[str, int] = {}
    for case in cases:
        local = collector()
        bv.check_key(case.case_ctx, case.record, seen, local)
        whole = bool(case.record.text("key")) and not local  # else its turns are not its own
        spec = _build_case(case, whole, local)
        if spec is not None and not local and not case.damaged:
            _report_tree_problems(spec, case, local)
            specs.append(spec)
        for error in local.errors():
            log.add(error.sheet, error.row, error.column, error.message)
    return specs


def _build_case(case: CaseRecords, whole: bool, log: ErrorLog) -> CaseSpec | None:
    ctx, record = case.case_ctx, case.record
    for field in CASE_FIELDS:
        bv.check_text(ctx, record, field, log)
    level = _number(ctx, record, "level", log, whole=True)
    if level is not None and not MIN_LEVEL <= level <= MAX_LEVEL:
        log.at(ctx, record, "level", f"应为{MIN_LEVEL}到{MAX_LEVEL}之间的整数，而不是{level:g}")
    pool = _choose(ctx, record, "pool", _POOLS, log)
    kind = _choose(ctx, record, "kind", _CASE_KINDS, log)
    play_once = _choose(ctx, record, "play_once", _YES_NO, log)
    if kind is CaseKind.TEXT:
        for name, used in (("audio_file", record.text("audio_file")), ("play_once", play_once)):
            if used:
                log.at(ctx, record, name, f"不应填写：{_VOICE_ONLY}")
    if not whole:
        return None
    if not case.turns and not case.damaged:
        where = ctx.where(record.number)
        log.add(ctx.sheet, record.number, None, f"{where} 案例“{record.text('key')}”没有对话")
    turns = _each(
        case.turns, case.turn_ctx, log, lambda r: _build_turn(case.turn_ctx, r, kind, log)
    )
    questions = _each(
        case.questions, case.question_ctx, log, lambda r: _build_question(case.question_ctx, r, log)
    )
    if level is None or pool is None or kind is None or play_once is None:
        return None
    if turns is None or questions is None:
        return None
    return CaseSpec(
        key=record.text("key"),
        title=record.text("title"),
        level=int(level),
        category=record.text("category"),
        pool=pool,
        kind=kind,
        background=record.text("background"),
        turns=turns,
        questions=questions,
        audio_file=record.text("audio_file") or None,
        play_once=play_once,
    )


def _each(
    records: Sequence[RawRecord],
    ctx: SheetContext,
    log: ErrorLog,
    build: Callable[[RawRecord], _T | None],
) -> tuple[_T, ...] | None:
    """Items built from ``records`` (keys unique within the case), or None if one failed."""
    seen: dict[str, int] = {}
    items: list[_T] = []
    for record in records:
        bv.check_key(ctx, record, seen, log)
        item = build(record)
        if item is not None:
            items.append(item)
    return tuple(items) if len(items) == len(records) else None


def _build_turn(
    ctx: SheetContext, record: RawRecord, case_kind: CaseKind | None, log: ErrorLog
) -> Turn | None:
    for field in TURN_FIELDS:
        bv.check_text(ctx, record, field, log)
    speaker = _choose(ctx, record, "speaker", _SPEAKERS, log)
    start_s = _number(ctx, record, "start_s", log) if record.text("start_s") else None
    if case_kind is CaseKind.TEXT and record.text("start_s"):
        log.at(ctx, record, "start_s", "不应填写：只有语音案例的对话才有开始时间")
    if speaker is None or (record.text("start_s") and start_s is None):
        return None
    return Turn(
        key=record.text("key"),
        speaker=speaker,
        text=record.text("text"),
        parent=record.text("parent") or None,
        emotion=record.text("emotion"),
        thought=record.text("thought"),
        reasons=record.items("reasons"),
        outcome=record.text("outcome"),
        feeling=record.text("feeling"),
        start_s=start_s,
    )


def _build_question(ctx: SheetContext, record: RawRecord, log: ErrorLog) -> Question | None:
    for field in QUESTION_FIELDS:
        bv.check_text(ctx, record, field, log)
    kind = _choose(ctx, record, "kind", _QUESTION_KINDS, log)
    points = _number(ctx, record, "points", log) if record.text("points") else 1.0
    if points is not None and points <= 0:
        log.at(ctx, record, "points", "应大于0")
    answer = _answer(ctx, record, kind, log) if kind is not None else None
    if kind is None or answer is None or points is None:
        return None
    return Question(
        key=record.text("key"),
        kind=kind,
        prompt=record.text("prompt"),
        turn_key=record.text("turn_key") or None,
        options=record.items("options"),
        answer=answer,
        rubric=record.text("rubric"),
        points=points,
    )


def _answer(
    ctx: SheetContext, record: RawRecord, kind: QuestionKind, log: ErrorLog
) -> tuple[str, ...] | None:
    """The answer as the spec holds it: option letters, or ("true",) / ("false",)."""
    text = unicodedata.normalize("NFKC", record.text("answer")).strip()
    if kind is QuestionKind.FREE_TEXT or not text:
        return record.items("answer")  # the tree rules say what free text and empty answers need
    if kind is QuestionKind.TRUE_FALSE:
        word = text.casefold()
        if word not in TRUE_WORDS | FALSE_WORDS:
            log.at(ctx, record, "answer", f"“{bv.short(text)}”无效：判断题的答案应为“对”或“错”")
            return None
        return ("true",) if word in TRUE_WORDS else ("false",)
    letters: list[str] = []
    for token in _LETTERS_RE.split(text.upper()):
        if token and not (token.isascii() and token.isalpha()):
            wanted = f"应为选项字母（如 A 或 A、C），而不是“{bv.short(token)}”"
            log.at(ctx, record, "answer", wanted)
            return None
        letters.extend(token)  # "ACB" means A, C, B (in this order for ordering questions)
    return tuple(letters)


def _choose(
    ctx: SheetContext, record: RawRecord, name: str, choices: _Choices[_T], log: ErrorLog
) -> _T | None:
    """The value a label cell names (the default when empty), or None after logging."""
    text = record.text(name)
    if not text:
        return choices.default  # an empty required cell is reported by the text checks
    key = text.casefold().replace(" ", "_").replace("-", "_")
    value = choices.names.get(key.removesuffix("题") if name == "kind" else key)
    if value is None:
        log.at(ctx, record, name, f"“{bv.short(text)}”无效：应为{choices.shown}")
    return value


def _number(
    ctx: SheetContext, record: RawRecord, name: str, log: ErrorLog, *, whole: bool = False
) -> float | None:
    """A non-negative decimal number written as digits, or None after logging."""
    text = unicodedata.normalize("NFKC", record.text(name))
    if not text:
        return None  # an empty required cell is reported by the text checks
    if not _DECIMAL_RE.fullmatch(text) or (whole and "." in text):
        wanted = "整数，如 3" if whole else "数字，如 12 或 12.5"
        log.at(ctx, record, name, f"应为{wanted}，而不是“{bv.short(text)}”")
        return None
    return float(text)


def _report_tree_problems(spec: CaseSpec, case: CaseRecords, log: ErrorLog) -> None:
    """Problems of the case's tree and questions, on the row of the turn or question named."""
    turns = {record.text("key"): record for record in case.turns}
    questions = {record.text("key"): record for record in case.questions}
    for problem in validate_case(spec):
        part, _, key = problem.where.partition(" ")
        ctx, record = case.case_ctx, case.record
        if part == "turn" and key in turns:
            ctx, record = case.turn_ctx, turns[key]
        elif part == "question" and key in questions:
            ctx, record = case.question_ctx, questions[key]
        where = ctx.where(record.number)
        log.add(ctx.sheet, record.number, None, f"{where} {problem.message}")
