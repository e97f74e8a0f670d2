"""The case bank as an Excel workbook (.xlsx), the format item-bank authors edit.

One sheet per entity, one row per entity under a header row: 案例 (cases), 对话
(turns) and 题目 (questions); turns and questions name their case in 案例编号
and may come in any order, a case's turns keeping their row order.
``docs/casebank-format.md`` describes the columns. Opening, header matching and
cell conversion are those of the knowledge-base workbook (``spreadsheet``), so
both imports read cells, and refuse oversize files, the same way.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from examsrv.itembank import bank_validation as bv
from examsrv.itembank import case_bank_rows as rows
from examsrv.itembank import spreadsheet as kb
from examsrv.itembank.bank_validation import ErrorLog, Field, RawRecord, RowError
from examsrv.itembank.case_bank_rows import CASE_KEY, CaseImport, CaseRecords
from examsrv.itembank.case_specs import CaseKind, CaseSpec, Question, QuestionKind, Turn

CASES_SHEET = "案例"
TURNS_SHEET = "对话"
QUESTIONS_SHEET = "题目"
HELP_SHEET = "说明"
SHEET_NAMES = {"案例": "cases", "对话": "turns", "题目": "questions"}
SHEET_NAMES |= {role: role for role in SHEET_NAMES.values()}
COLUMNS: Mapping[str, Sequence[Field]] = {
    "cases": rows.CASE_FIELDS,
    "turns": (CASE_KEY, *rows.TURN_FIELDS),
    "questions": (CASE_KEY, *rows.QUESTION_FIELDS),
}
_TITLES = {"cases": CASES_SHEET, "turns": TURNS_SHEET, "questions": QUESTIONS_SHEET}
_WIDTHS = {"key": 12, "case_key": 12, "title": 30, "level": 6, "category": 14, "pool": 8}
_WIDTHS |= {"kind": 8, "background": 50, "audio_file": 24, "play_once": 12, "parent": 10}
_WIDTHS |= {"speaker": 8, "text": 50, "emotion": 16, "thought": 30, "reasons": 40}
_WIDTHS |= {"outcome": 30, "feeling": 20, "start_s": 8, "turn_key": 10, "prompt": 40}
_WIDTHS |= {"options": 32, "answer": 10, "rubric": 40, "points": 6}
_WRAPPED = {"title", "background", "text", "emotion", "thought", "reasons", "outcome"}
_WRAPPED |= {"feeling", "prompt", "options", "rubric"}
_LISTS = {  # drop-down lists offered by the template, by sheet and field
    ("cases", "pool"): rows.POOL_LABELS.values(),
    ("cases", "kind"): rows.CASE_KIND_LABELS.values(),
    ("cases", "play_once"): rows.YES_NO_LABELS.values(),
    ("turns", "speaker"): rows.SPEAKER_LABELS.values(),
    ("questions", "kind"): rows.QUESTION_KIND_LABELS.values(),
}
_HELP = """\
本工作簿用于导入案例库：工作表「案例」每行一个案例，「对话」每行一句对话，「题目」每行一道题。
第1行是表头，请不要修改表头文字；列的顺序可以调整，不要添加其他列。空白行会被忽略。
案例：编号、标题、级别（1到5）、分类、库别（培训/测试）、背景必填；类型填“文字”或“语音”，不填视为“文字”。
语音案例：录音文件填录音的文件名；仅播放一次填“是”或“否”（不填视为“否”）。文字案例这两列留空。
对话：案例编号填所属案例的编号；同一案例的对话按行的先后排列，编号在案例内不能重复。
对话是一棵树：客户的第一句话是根，上一句留空；其他每句的上一句填它所回应的那句话的编号。
客户说完，下一句是客服的回复；客户朝不同方向的追问是分支；客户的最后一句（问题解决）是叶子。
客户的话可填情绪和想法；客服的回复填考虑因素，每行一条，最重要的在前；叶子填结果（问题如何解决）和感受。
语音案例的对话可填开始秒：这句话在录音中开始的位置（秒）。
题目：题型为单选、多选、判断、排序或简答；对应对话填题目所问的那句话的编号，针对整个案例时留空。
选项每行一个，依次为 A、B、C……；答案填正确选项的字母，多选如 A、C，排序按正确顺序填写如 C、A、B；
判断题的答案填“对”或“错”；简答题不填答案，在评分要点中写明评分标准。分值不填视为1。
编号只能包含字母、数字、- 和 _，最多40个字符；案例编号在文件内不能重复。
纯数字（如 10086）按文本导入。
多值单元格（考虑因素、选项）中的各项用换行（Alt+Enter）或竖线 | 分隔，因此每一项内不能含有竖线。
限制：文件不超过20MB，每个工作表不超过50000行，单元格不超过20000字，标题不超过200字，分类不超过100字。
导入时会检查全部内容：只要有一处错误，整个文件都不会导入。请按错误提示（工作表、行、列）修改后重新导入。"""


def read_cases_xlsx(data: bytes) -> CaseImport:
    """Reads a workbook of cases, with their turns and questions."""
    log = rows.collector()
    try:
        workbook = kb.open_workbook(data, log)
        try:
            found = _find_sheets(workbook, log)
            parts = {
                role: kb.read_sheet(sheet, COLUMNS[role], log) for role, sheet in found.items()
            }
        finally:
            workbook.close()
    except kb.Refused:
        return rows.finish([], log.errors(), _order({}))
    cases: list[CaseSpec] = []
    if all(part.complete for part in parts.values()):
        cases = rows.validate_cases(_group(parts, log), log)
    ranks = {part.ctx.sheet: rank for rank, part in enumerate(parts.values(), start=1)}
    return rows.finish(cases, log.errors(), _order(ranks))


def _order(ranks: Mapping[str, int]) -> Callable[[RowError], tuple[int, ...]]:
    """Errors sorted by sheet (file problems first, then 案例, 对话, 题目) and row."""
    return lambda error: (ranks.get(error.sheet, 0), error.row)


def _find_sheets(workbook: Any, log: ErrorLog) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for sheet in workbook.worksheets:
        role = SHEET_NAMES.get(sheet.title.strip().casefold())
        if role in found:
            twins = f"「{found[role].title}」和「{sheet.title}」"
            raise kb.refuse(log, f"工作簿中有两个同类工作表：{twins}，请删除其中一个")
        if role:
            found[role] = sheet
    missing = [_TITLES[role] for role in ("cases", "turns") if role not in found]
    if missing:
        wanted = "」和「".join(missing)
        names = "、".join(f"「{sheet.title}」" for sheet in workbook.worksheets)
        english = "cases / turns / questions"
        raise kb.refuse(log, f"找不到工作表「{wanted}」（英文 {english}），工作簿中只有{names}")
    return {role: found[role] for role in COLUMNS if role in found}


def _group(parts: Mapping[str, kb.SheetRows], log: ErrorLog) -> list[CaseRecords]:
    """Each case row with the turn and question rows naming it, in row order."""
    cases = parts["cases"]
    owned: dict[str, tuple[list[RawRecord], list[RawRecord]]] = {}
    for record in cases.records:
        owned.setdefault(record.text("key"), ([], []))  # a duplicate key's rows go to the first
    for index, role in enumerate(("turns", "questions")):
        if role not in parts:
            continue
        ctx = parts[role].ctx
        for record in parts[role].records:
            key = record.text("case_key")
            if not key:
                log.at(ctx, record, "case_key", "不能为空")
            elif key not in owned:
                message = f"“{bv.short(key)}”不存在：工作表「{cases.ctx.sheet}」中没有这个案例"
                log.at(ctx, record, "case_key", message)
            else:
                owned[key][index].append(record)
    turn_ctx = parts["turns"].ctx
    question_ctx = parts["questions"].ctx if "questions" in parts else turn_ctx
    grouped: list[CaseRecords] = []
    for record in cases.records:
        turns, questions = owned.pop(record.text("key"), ([], []))
        case = CaseRecords(record, cases.ctx, turns, turn_ctx, questions, question_ctx)
        grouped.append(case)
    return grouped


def write_cases_xlsx(cases: Sequence[CaseSpec]) -> bytes:
    """The workbook authors edit; with no cases, the blank template."""
    workbook = Workbook(write_only=True)
    values: dict[str, list[list[object]]] = {role: [] for role in COLUMNS}
    for case in cases:
        values["cases"].append(_case_row(case))
        values["turns"].extend([case.key, *_turn_row(turn)] for turn in case.turns)
        values["questions"].extend([case.key, *_question_row(q)] for q in case.questions)
    for role, fields in COLUMNS.items():
        _write_sheet(workbook, role, fields, values[role])
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 110
    for line in _HELP.splitlines():
        help_sheet.append([kb.write_cell(help_sheet, line, kb.WRAP)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _case_row(case: CaseSpec) -> list[object]:
    voice = case.kind is CaseKind.VOICE
    play_once = rows.YES_NO_LABELS[case.play_once] if voice or case.play_once else ""
    return [
        *(case.key, case.title, case.level, case.category),
        *(rows.POOL_LABELS[case.pool], rows.CASE_KIND_LABELS[case.kind], case.background),
        *(case.audio_file or "", play_once),
    ]


def _turn_row(turn: Turn) -> list[object]:
    return [
        *(turn.key, turn.parent or "", rows.SPEAKER_LABELS[turn.speaker], turn.text),
        *(turn.emotion, turn.thought, "\n".join(turn.reasons), turn.outcome, turn.feeling),
        turn.start_s,
    ]


def _question_row(question: Question) -> list[object]:
    answer = "、".join(question.answer)
    if question.kind is QuestionKind.TRUE_FALSE:
        answer = "、".join(rows.TRUE_FALSE_LABELS.get(item, item) for item in question.answer)
    return [
        *(question.key, question.turn_key or "", rows.QUESTION_KIND_LABELS[question.kind]),
        *(question.prompt, "\n".join(question.options), answer, question.rubric),
        question.points,
    ]


def _write_sheet(
    workbook: Any, role: str, fields: Sequence[Field], values: list[list[object]]
) -> None:
    sheet = workbook.create_sheet(_TITLES[role])
    sheet.freeze_panes = "A2"
    for index, field in enumerate(fields, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS[field.name]
        cells = f"{letter}2:{letter}{bv.MAX_ROWS + 1}"
        if labels := _LISTS.get((role, field.name)):
            listed = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
            listed.add(cells)
            sheet.data_validations.append(listed)
        elif field.name == "level":
            levels = DataValidation(type="whole", operator="between", formula1="1", formula2="5")
            levels.add(cells)
            sheet.data_validations.append(levels)
    header = [kb.write_cell(sheet, field.zh, kb.TOP) for field in fields]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    aligns = [kb.WRAP if field.name in _WRAPPED else kb.TOP for field in fields]
    for row in values:
        sheet.append([_cell(sheet, v, a) for v, a in zip(row, aligns, strict=True)])


def _cell(sheet: Any, value: object, alignment: Any) -> Any:
    """Numbers (level, start, points) as number cells, anything else as text."""
    if isinstance(value, int | float):
        cell = WriteOnlyCell(sheet, value=value)
        cell.alignment = alignment
        return cell
    return kb.write_cell(sheet, "" if value is None else str(value), alignment)
