from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from examsrv.itembank import bank_validation
from examsrv.itembank.bank_validation import RowError
from examsrv.itembank.case_bank_rows import CaseImport
from examsrv.itembank.case_json import read_cases_json
from examsrv.itembank.case_specs import (
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)
from examsrv.itembank.case_spreadsheet import read_cases_xlsx, write_cases_xlsx

CUSTOMER, CSR = Speaker.CUSTOMER, Speaker.CSR
CASE_HEADER = ["编号", "标题", "级别", "分类", "库别", "类型", "背景", "录音文件", "仅播放一次"]
TURN_HEADER = ["案例编号", "编号", "上一句", "说话人", "内容", "情绪", "想法", "考虑因素", "结果"]
TURN_HEADER += ["感受", "开始秒"]
QUESTION_HEADER = ["案例编号", "编号", "对应对话", "题型", "题干", "选项", "答案", "评分要点"]
QUESTION_HEADER += ["分值"]

TEXT_CASE = CaseSpec(
    key="C-0001",
    title="话费突增",
    level=2,
    category="账单查询",
    pool=Pool.TRAINING,
    kind=CaseKind.TEXT,
    background="客户本月话费比上月多了50元，来电质问。",
    turns=(
        Turn("t1", CUSTOMER, "我这个月话费怎么多了50元？", emotion="生气", thought="怀疑被乱扣费"),
        Turn("t2", CSR, "您别着急，我马上帮您查。", "t1", reasons=("先安抚情绪", "查明原因")),
        Turn("t3", CUSTOMER, "那是什么业务？我没订过。", "t2", emotion="疑惑"),
        Turn("t4", CUSTOMER, "能不能先给我退了？", "t2", thought="只想要回钱"),
        Turn("t5", CSR, "是上月开通的视频会员。", "t3", reasons=("如实说明",)),
        Turn("t6", CSR, "可以，我为您申请退费。", "t4", reasons=("符合退费规定", "挽留客户")),
        Turn("t7", CUSTOMER, "哦，想起来了，谢谢。", "t5", outcome="解释清楚", feeling="满意"),
        Turn("t8", CUSTOMER, "好的，谢谢。", "t6", outcome="办理退费", feeling="比较满意"),
    ),
    questions=(
        Question(
            "q1",
            QuestionKind.SINGLE,
            "客户第一句话表现出什么情绪？",
            "t1",
            ("平静", "生气"),
            ("B",),
        ),
        Question("q2", QuestionKind.FREE_TEXT, "客服的处理好在哪里？", rubric="先安抚，再查明"),
    ),
)
VOICE_CASE = CaseSpec(
    key="1001",
    title="=国际漫游",
    level=5,
    category="国际业务",
    pool=Pool.TEST,
    kind=CaseKind.VOICE,
    background="客户在国外无法上网。",
    turns=(
        Turn("v1", CUSTOMER, "我在日本上不了网！", emotion="焦急", start_s=0.0),
        Turn("v2", CSR, "请您打开数据漫游。", "v1", reasons=("先解决问题",), start_s=5.5),
        Turn("v3", CUSTOMER, "好了，谢谢。", "v2", outcome="开启漫游", feeling="满意", start_s=20),
    ),
    questions=(
        Question("a", QuestionKind.SINGLE, "客户在哪？", "v1", ("日本", "韩国"), ("A",), points=2),
        Question(
            "b",
            QuestionKind.MULTIPLE,
            "客服做对了什么？",
            None,
            ("安抚", "指导", "推销"),
            ("A", "B"),
        ),
        Question("c", QuestionKind.TRUE_FALSE, "客服语气平和。", "v2", answer=("false",)),
        Question("d", QuestionKind.ORDERING, "排序", None, ("甲", "乙", "丙"), ("C", "A", "B")),
        Question("e", QuestionKind.FREE_TEXT, "怎样安抚？", rubric="语气", points=2.5),
    ),
    audio_file="call-0001.mp3",
    play_once=True,
)


def xlsx(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with the given sheets, each a list of rows (header first)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def case_row(key: object = "C-1", **cells: object) -> list[object]:
    values = {"标题": "标题", "级别": 1, "分类": "账单", "库别": "培训", "背景": "背景"} | cells
    return [key, *(values.get(name) for name in CASE_HEADER[1:])]


def turn_row(key: object, parent: object, speaker: str, **cells: object) -> list[object]:
    values: dict[str, object] = {"案例编号": "C-1", "内容": f"第{key}句"} | cells
    if speaker == "客服":
        values.setdefault("考虑因素", "原因")
    return [values["案例编号"], key, parent, speaker, *(values.get(n) for n in TURN_HEADER[4:])]


def leaf(key: object, parent: object, **cells: object) -> list[object]:
    return turn_row(key, parent, "客户", **({"结果": "解决", "感受": "满意"} | cells))


def question_row(key: object = "q1", **cells: object) -> list[object]:
    values: dict[str, object] = {"案例编号": "C-1", "题型": "单选", "题干": "题干", "答案": "A"}
    values |= {"选项": "甲\n乙"} | cells
    return [values["案例编号"], key, *(values.get(name) for name in QUESTION_HEADER[2:])]


TURNS = [turn_row("t1", None, "客户"), turn_row("t2", "t1", "客服"), leaf("t3", "t2")]


def book(
    cases: list[list[object]] | None = None,
    turns: list[list[object]] | None = None,
    questions: list[list[object]] | None = None,
) -> bytes:
    return xlsx(
        {
            "案例": [CASE_HEADER, *(cases if cases is not None else [case_row()])],
            "对话": [TURN_HEADER, *(turns if turns is not None else TURNS)],
            "题目": [QUESTION_HEADER, *(questions or [])],
        }
    )


def where(result: CaseImport) -> list[tuple[str, int, str | None]]:
    assert not result.ok
    assert result.cases == []
    return [(error.sheet, error.row, error.column) for error in result.errors]


def test_round_trip_keeps_every_field() -> None:
    result = read_cases_xlsx(write_cases_xlsx([TEXT_CASE, VOICE_CASE]))
    assert result.ok, result.errors
    assert result.cases == [TEXT_CASE, VOICE_CASE]


def test_export_layout() -> None:
    workbook = load_workbook(io.BytesIO(write_cases_xlsx([TEXT_CASE, VOICE_CASE])))
    cases, turns, questions = workbook["案例"], workbook["对话"], workbook["题目"]
    assert [cell.value for cell in cases[3]] == [
        *("1001", "=国际漫游", 5, "国际业务", "测试", "语音"),
        *("客户在国外无法上网。", "call-0001.mp3", "是"),
    ]
    assert cases["A3"].data_type == "s" and cases["B3"].data_type == "s"  # text, not a formula
    assert [cell.value for cell in turns[3]][:8] == [
        *("C-0001", "t2", "t1", "客服", "您别着急，我马上帮您查。", None, None),
        "先安抚情绪\n查明原因",
    ]
    assert turns["K11"].value == 5.5 and turns["E3"].alignment.wrap_text
    kinds = [row[3].value for row in questions.iter_rows(min_row=2)]
    assert kinds == ["单选", "简答", "单选", "多选", "判断", "排序", "简答"]
    answers = [row[6].value for row in questions.iter_rows(min_row=2)]
    assert answers == ["B", None, "A", "A、B", "错", "C、A、B", None]
    lists = [v.formula1 for v in questions.data_validations.dataValidation]
    assert lists == ['"单选,多选,判断,排序,简答"']


def test_blank_template() -> None:
    data = write_cases_xlsx([])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["案例", "对话", "题目", "说明"]
    for title, header in (("案例", CASE_HEADER), ("对话", TURN_HEADER), ("题目", QUESTION_HEADER)):
        sheet = workbook[title]
        assert [cell.value for cell in sheet[1]] == header
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2" and sheet.max_row == 1
    help_text = "\n".join(str(row[0].value) for row in workbook["说明"].iter_rows())
    assert "上一句" in help_text and "考虑因素" in help_text
    assert read_cases_xlsx(data) == CaseImport([], [])


def test_english_sheet_names_and_headers_in_any_order() -> None:
    data = xlsx(
        {
            "Cases": [
                ["Key", "Title", "Level", "Category", "Pool", "Kind", "Background"],
                ["C-1", "标题", 3, "账单", "Training", "text", "背景"],
            ],
            "turns": [
                ["text", "speaker", "parent", "key", "case_key", "reasons", "outcome", "feeling"],
                ["你好", "customer", None, "t1", "C-1"],
                ["您好", "CSR", "t1", "t2", "C-1", "礼貌"],
                ["谢谢", "customer", "t2", "t3", "C-1", None, "解决", "满意"],
            ],
            "QUESTIONS": [
                ["case_key", "key", "turn_key", "kind", "prompt", "options", "answer", "points"],
                ["C-1", "q1", "t2", "True-False", "对吗？", None, "对", 3],
            ],
        }
    )
    result = read_cases_xlsx(data)
    assert result.ok, result.errors
    [case] = result.cases
    assert (case.level, case.pool, case.kind) == (3, Pool.TRAINING, CaseKind.TEXT)
    assert [(t.key, t.speaker, t.parent) for t in case.turns] == [
        ("t1", CUSTOMER, None),
        ("t2", CSR, "t1"),
        ("t3", CUSTOMER, "t2"),
    ]
    assert case.questions == (
        Question("q1", QuestionKind.TRUE_FALSE, "对吗？", "t2", answer=("true",), points=3.0),
    )


def test_rows_grouped_by_case_in_any_order_and_blank_rows_skipped() -> None:
    other = {"案例编号": "C-2"}
    turns: list[list[object]] = [
        turn_row("t1", None, "客户", **other),
        TURNS[0],
        [None] * len(TURN_HEADER),
        TURNS[1],
        turn_row("t2", "t1", "客服", **other),
        leaf("t3", "t2", **other),
        TURNS[2],
    ]
    questions = [question_row("q1", **other), question_row("q1")]
    result = read_cases_xlsx(book([case_row("C-1"), case_row("C-2")], turns, questions))
    assert result.ok, result.errors
    assert [[t.key for t in case.turns] for case in result.cases] == [["t1", "t2", "t3"]] * 2
    assert [len(case.questions) for case in result.cases] == [1, 1]


def test_numeric_cells_read_as_typed() -> None:
    turns = [turn_row(1, None, "客户", 案例编号=7), turn_row(2, 1, "客服", 内容=10086), leaf(3, 2)]
    turns = [[7, *row[1:]] for row in turns]
    questions = [question_row(1, 案例编号=7, 对应对话=1, 选项="甲\n乙", 答案="A", 分值=2.0)]
    result = read_cases_xlsx(book([case_row(7, 级别=2.0)], turns, questions))
    assert result.ok, result.errors
    [case] = result.cases
    assert (case.key, case.level) == ("7", 2)
    assert [(t.key, t.parent, t.text) for t in case.turns][1] == ("2", "1", "10086")
    assert (case.questions[0].turn_key, case.questions[0].points) == ("1", 2.0)


@pytest.mark.parametrize(
    ("kind", "answer", "expected"),
    [
        ("多选", "ac", ("A", "C")),
        ("多选", "Ａ，Ｃ", ("A", "C")),
        ("排序", "C\nA\nB", ("C", "A", "B")),
        ("排序", "CAB", ("C", "A", "B")),
        ("判断题", "错误", ("false",)),
    ],
)
def test_answer_spellings(kind: str, answer: str, expected: tuple[str, ...]) -> None:
    options = None if kind == "判断题" else "甲\n乙\n丙"
    row = question_row(题型=kind, 选项=options, 答案=answer)
    result = read_cases_xlsx(book(questions=[row]))
    assert result.ok, result.errors
    assert result.cases[0].questions[0].answer == expected


@pytest.mark.parametrize("column", ["编号", "标题", "级别", "分类", "库别", "背景"])
def test_empty_required_case_cell(column: str) -> None:
    row = case_row(**{column: " "}) if column != "编号" else case_row(None)
    result = read_cases_xlsx(book([row], TURNS if column != "编号" else []))
    assert where(result) == [("案例", 2, column)]
    assert result.errors[0].message == f"第2行 {column}不能为空"


@pytest.mark.parametrize(
    ("turn", "column"),
    [
        (turn_row("t4", "t3", "客服", 案例编号=None), "案例编号"),
        (turn_row(None, "t3", "客服"), "编号"),
        (turn_row("t4", "t3", ""), "说话人"),
        (turn_row("t4", "t3", "客服", 内容=None), "内容"),
    ],
)
def test_empty_required_turn_cell(turn: list[object], column: str) -> None:
    assert where(read_cases_xlsx(book(turns=[*TURNS, turn]))) == [("对话", 5, column)]


@pytest.mark.parametrize("column", ["案例编号", "编号", "题型", "题干"])
def test_empty_required_question_cell(column: str) -> None:
    row = question_row(**{column: None}) if column != "编号" else question_row(None)
    assert where(read_cases_xlsx(book(questions=[row]))) == [("题目", 2, column)]


@pytest.mark.parametrize(
    ("sheet", "cells", "column"),
    [
        ("案例", {"库别": "考试"}, "库别"),
        ("案例", {"类型": "视频"}, "类型"),
        ("案例", {"级别": 6}, "级别"),
        ("案例", {"级别": 0}, "级别"),
        ("案例", {"级别": 2.5}, "级别"),
        ("案例", {"级别": "二"}, "级别"),
        ("案例", {"仅播放一次": "也许"}, "仅播放一次"),
        ("案例", {"录音文件": "a.mp3"}, "录音文件"),
        ("案例", {"仅播放一次": "是"}, "仅播放一次"),
        ("对话", {"说话人": "经理"}, "说话人"),
        ("对话", {"开始秒": 3}, "开始秒"),
        ("题目", {"题型": "填空"}, "题型"),
        ("题目", {"答案": "A1"}, "答案"),
        ("题目", {"分值": 0}, "分值"),
        ("题目", {"分值": "两分"}, "分值"),
        ("题目", {"题型": "判断", "选项": None, "答案": "可能"}, "答案"),
    ],
)
def test_bad_cell_values(sheet: str, cells: dict[str, object], column: str) -> None:
    cases, turns, questions = [case_row()], list(TURNS), [question_row()]
    if sheet == "案例":
        cases = [case_row(**cells)]
    elif sheet == "对话":
        speaker = str(cells.pop("说话人", "客户"))
        turns.append(
            leaf("t4", "t2", **cells) if speaker == "客户" else turn_row("t4", "t2", speaker)
        )
    else:
        questions = [question_row(**cells)]
    row = 5 if sheet == "对话" else 2
    assert where(read_cases_xlsx(book(cases, turns, questions))) == [(sheet, row, column)]


def test_duplicate_keys() -> None:
    turns = [*TURNS, leaf("t3", "t2"), turn_row("t1", None, "客户", 案例编号="C-2")]
    turns.append(leaf("t9", "t1", 案例编号="C-2", 说话人="客服"))
    questions = [question_row("q1"), question_row("q1")]
    result = read_cases_xlsx(book([case_row("C-1"), case_row("C-1")], turns, questions))
    assert result.errors == [
        RowError("案例", 3, "编号", "第3行 编号重复：C-1 已在第2行出现"),
        RowError("对话", 5, "编号", "第5行 编号重复：t3 已在第4行出现"),
        RowError("对话", 6, "案例编号", "第6行 案例编号“C-2”不存在：工作表「案例」中没有这个案例"),
        RowError("对话", 7, "案例编号", "第7行 案例编号“C-2”不存在：工作表「案例」中没有这个案例"),
        RowError("题目", 3, "编号", "第3行 编号重复：q1 已在第2行出现"),
    ]


def test_question_naming_an_unknown_case_and_case_without_turns() -> None:
    cases = [case_row("C-1"), case_row("C-2")]
    result = read_cases_xlsx(book(cases, questions=[question_row(案例编号="C-9")]))
    assert where(result) == [("案例", 3, None), ("题目", 2, "案例编号")]
    assert result.errors[0].message == "第3行 案例“C-2”没有对话"


def test_tree_problems_are_reported_on_the_row_they_name() -> None:
    other = {"案例编号": "C-2"}
    turns = [
        *TURNS,
        turn_row("t4", "t9", "客服"),  # its parent does not exist
        turn_row("t5", "t1", "客服", 考虑因素=None),  # a CSR leaf without reasons
        turn_row("x1", None, "客户", **other),
        turn_row("x2", "x1", "客服", **other),
        leaf("x3", "x2", **other),
        turn_row("c1", "c2", "客户", **other),  # c1 and c2 answer each other
        turn_row("c2", "c1", "客服", **other),
    ]
    questions = [question_row(对应对话="t7"), question_row("q2", 答案="C")]
    cases = [case_row("C-1"), case_row("C-2", 级别=1, 背景=None)]
    result = read_cases_xlsx(book(cases, turns, questions))
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
        ("案例", 3, "背景", "第3行 背景不能为空"),
        ("对话", 5, None, "第5行 这部分对话与根 t1 不相连：t4"),
        ("对话", 5, None, "第5行 上一句 t9 不存在"),
        ("对话", 5, None, "第5行 客户代表的回复之后没有客户的话：案例应以客户的结束语（叶）收尾"),
        ("对话", 6, None, "第6行 客户代表的回复应注明考虑因素"),
        ("对话", 6, None, "第6行 客户代表的回复之后没有客户的话：案例应以客户的结束语（叶）收尾"),
        ("题目", 2, None, "第2行 所问的轮次 t7 不存在"),
        ("题目", 3, None, "第3行 答案“C”不是选项字母（A–B）"),
    ]
    cases[1] = case_row("C-2")  # with its cells fixed, C-2's tree is checked too
    result = read_cases_xlsx(book(cases, turns, questions))
    assert [(e.sheet, e.row) for e in result.errors if e.row > 6] == [("对话", 10), ("对话", 10)]
    assert [e.message for e in result.errors if e.row == 10] == [
        "第10行 对话树有环：c1 → c2 → c1",
        "第10行 这部分对话与根 x1 不相连：c1、c2",
    ]


def test_voice_case_rules_come_from_the_tree_checks() -> None:
    cases = [case_row(类型="语音", 仅播放一次="否")]
    turns = [[*row[:10], 0] for row in TURNS[:2]] + [TURNS[2]]  # the last turn has no start
    result = read_cases_xlsx(book(cases, turns))
    assert where(result) == [("案例", 2, None), ("对话", 4, None)]
    assert result.errors[0].message == "第2行 语音案例应指定录音文件"


def test_header_problems_stop_the_row_checks() -> None:
    data = xlsx(
        {
            "案例": [["编号", "标题", "级别", "分类", "库别", "背景", "备注"], case_row()],
            "对话": [TURN_HEADER[:3] + TURN_HEADER[4:], TURNS[0]],
        }
    )
    assert where(read_cases_xlsx(data)) == [("案例", 1, "备注"), ("对话", 1, "说话人")]


def test_data_in_a_column_without_header() -> None:
    rows = [[*case_row(), None, "多余"]]
    assert where(read_cases_xlsx(book(rows))) == [("案例", 2, "K")]


@pytest.mark.parametrize("sheets", [["案例"], ["对话", "题目"], ["Sheet1"]])
def test_missing_sheets(sheets: list[str]) -> None:
    result = read_cases_xlsx(xlsx({title: [["编号"]] for title in sheets}))
    assert where(result) == [("", 0, None)]
    assert "找不到工作表" in result.errors[0].message


def test_questions_sheet_is_optional() -> None:
    data = xlsx({"案例": [CASE_HEADER, case_row()], "对话": [TURN_HEADER, *TURNS]})
    result = read_cases_xlsx(data)
    assert result.ok, result.errors
    assert result.cases[0].questions == ()


def test_two_sheets_of_the_same_kind() -> None:
    data = xlsx({"案例": [CASE_HEADER], "Cases": [CASE_HEADER], "对话": [TURN_HEADER]})
    assert where(read_cases_xlsx(data)) == [("", 0, None)]


@pytest.mark.parametrize("data", [b"", b"not a workbook", "编号,标题\n".encode()])
def test_not_an_xlsx(data: bytes) -> None:
    result = read_cases_xlsx(data)
    assert where(result) == [("", 0, None)]
    assert ".xlsx" in result.errors[0].message


def test_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    too_big = read_cases_xlsx(b"\0" * (bank_validation.MAX_FILE_BYTES + 1))
    assert where(too_big) == [("", 0, None)] and "文件太大" in too_big.errors[0].message
    long_cells = book([case_row(标题="标" * 201, 背景="字" * 20_001)])
    assert where(read_cases_xlsx(long_cells)) == [("案例", 2, "标题"), ("案例", 2, "背景")]
    monkeypatch.setattr(bank_validation, "MAX_ROWS", 3)
    assert read_cases_xlsx(book()).ok
    result = read_cases_xlsx(book(turns=[*TURNS, [None] * 11, leaf("t4", "t2")]))
    assert result.errors[0] == RowError(
        "对话", 6, None, "工作表「对话」超过3行，请拆分成多个文件导入"
    )


def test_errors_are_capped_after_sorting() -> None:
    cases = [case_row(f"C-{i}", 标题=None) for i in range(250)]
    result = read_cases_xlsx(book(cases, turns=[]))
    assert len(result.errors) == bank_validation.MAX_ERRORS + 1
    assert [error.row for error in result.errors[:3]] == [2, 2, 3]
    assert result.errors[-1].message == "错误过多：只列出前200条，另有300条未列出"


def test_a_case_fixed_from_its_errors_imports() -> None:
    broken = dataclasses.replace(TEXT_CASE, turns=TEXT_CASE.turns[:-1])  # t6 becomes a leaf
    assert not read_cases_xlsx(write_cases_xlsx([broken])).ok
    assert read_cases_xlsx(write_cases_xlsx([TEXT_CASE])).ok


def test_documented_tables_hold_the_documented_json_example() -> None:
    page = (Path(__file__).parents[2] / "docs" / "casebank-format.md").read_text(encoding="utf-8")
    example = page.split("## A complete example")[1].split("```json")
    sheets = {
        tuple(CASE_HEADER): "案例",
        tuple(TURN_HEADER): "对话",
        tuple(QUESTION_HEADER): "题目",
    }
    tables: dict[str, list[list[object]]] = {}
    rows: list[list[object]] = []
    for line in example[0].splitlines():
        if line.startswith("| "):
            cells = [cell.strip().replace("<br>", "\n") for cell in line.split("|")[1:-1]]
            if tuple(cells) in sheets:
                rows = tables.setdefault(sheets[tuple(cells)], [])
            rows.append([cell or None for cell in cells])
    assert [len(rows) for rows in tables.values()] == [2, 9, 6]
    from_tables = read_cases_xlsx(xlsx(tables))
    from_json = read_cases_json(example[1].split("```")[0].encode())
    assert from_tables.ok, from_tables.errors
    assert from_tables == from_json
