from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence

import pytest
from openpyxl import Workbook, load_workbook

from examsrv.itembank import bank_validation, spreadsheet
from examsrv.itembank.bank_validation import BankImport, RowError
from examsrv.itembank.specs import AnswerKind, ArticleSpec, TaskSpec
from examsrv.itembank.spreadsheet import read_bank_xlsx, write_bank_xlsx

ARTICLE_HEADER = ["编号", "分类", "标题", "正文", "要点"]
TASK_HEADER = ["编号", "题目", "题型", "答案", "同义答案", "选项", "来源文章"]

ARTICLES = [
    ArticleSpec(
        key="KB-0001",
        category="套餐资费",
        title="畅享套餐 128 元档",
        body="月费128元，含国内通用流量40GB。\n超出后按 3 元/GB 计费。",
        key_facts=("月费128元", "国内通用流量40GB", "超出 3 元/GB"),
    ),
    ArticleSpec("KB_0002", "国际漫游", "开通国际漫游", "拨打10086或登录APP开通。"),
]
TASKS = [
    TaskSpec(
        key="T-1",
        question="畅享套餐128元档含多少国内流量？",
        article_key="KB-0001",
        answers=("40GB", "40G"),
        synonyms=("四十GB",),
    ),
    TaskSpec("T-2", "客服热线号码？", "KB_0002", answers=("10086",)),
    TaskSpec(
        key="T-3",
        question="哪些方式可以开通国际漫游？",
        article_key="KB_0002",
        kind=AnswerKind.CHOICE,
        answers=("A", "C"),
        options=("拨打10086", "到邮局办理", "登录APP", "=不是公式", "#N/A"),
    ),
]


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


def article_row(key: object = "KB-1", **cells: object) -> list[object]:
    values = {"分类": "账单", "标题": "标题", "正文": "正文", "要点": None} | cells
    return [key, values["分类"], values["标题"], values["正文"], values["要点"]]


def task_row(key: object = "T-1", **cells: object) -> list[object]:
    values: dict[str, object] = {"题目": "问题", "答案": "答案", "来源文章": "KB-1"} | cells
    return [key, *(values.get(name) for name in TASK_HEADER[1:])]


def bank(articles: list[list[object]], tasks: list[list[object]] | None = None) -> bytes:
    sheets: dict[str, list[list[object]]] = {"知识库": [[*ARTICLE_HEADER], *articles]}
    if tasks is not None:
        sheets["查询任务"] = [[*TASK_HEADER], *tasks]
    return xlsx(sheets)


def where(result: BankImport) -> list[tuple[str, int, str | None]]:
    assert not result.ok
    assert result.articles == [] and result.tasks == []
    return [(error.sheet, error.row, error.column) for error in result.errors]


def test_round_trip_keeps_every_field() -> None:
    result = read_bank_xlsx(write_bank_xlsx(ARTICLES, TASKS))
    assert result.ok, result.errors
    assert result.articles == ARTICLES
    assert result.tasks == TASKS


def test_blank_template_has_headers_frozen_and_bold() -> None:
    data = write_bank_xlsx([], [])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["知识库", "查询任务", "说明"]
    for title, header in (("知识库", ARTICLE_HEADER), ("查询任务", TASK_HEADER)):
        sheet = workbook[title]
        assert [cell.value for cell in sheet[1]] == header
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1
    assert workbook["知识库"].column_dimensions["D"].width >= 40
    assert "选择题" in "\n".join(str(row[0].value) for row in workbook["说明"].iter_rows())
    assert read_bank_xlsx(data) == BankImport([], [], [])


def test_export_wraps_long_text_and_offers_kinds() -> None:
    workbook = load_workbook(io.BytesIO(write_bank_xlsx(ARTICLES, TASKS)))
    assert workbook["知识库"]["D2"].alignment.wrap_text
    assert workbook["知识库"]["E2"].value == "月费128元\n国内通用流量40GB\n超出 3 元/GB"
    tasks = workbook["查询任务"]
    assert [tasks["C2"].value, tasks["C4"].value] == ["文字", "选择"]
    assert tasks["F4"].data_type == "s"  # "=不是公式" stays text
    assert tasks.data_validations.dataValidation[0].formula1 == '"文字,选择"'


def test_english_sheet_names_and_headers_in_any_order() -> None:
    data = xlsx(
        {
            "Articles": [
                ["Title", "KEY", "key facts", "Body", "category"],
                ["标题", "KB-1", "甲\n乙", "正文", "分类"],
            ],
            "TASKS": [
                ["article_key", "Answers", "Options", "Kind", "Question", "key", "synonyms"],
                ["KB-1", "B", "是\n否", "Choice", "对吗？", "T-1", None],
            ],
        }
    )
    result = read_bank_xlsx(data)
    assert result.ok, result.errors
    assert result.articles == [ArticleSpec("KB-1", "分类", "标题", "正文", ("甲", "乙"))]
    assert result.tasks == [
        TaskSpec("T-1", "对吗？", "KB-1", AnswerKind.CHOICE, ("B",), (), ("是", "否"))
    ]


def test_separators_whitespace_and_blank_rows() -> None:
    data = bank(
        [
            [None, None, "  ", None, None],
            article_row(" KB-1 ", 标题="  标题  ", 要点="甲|乙｜丙\r\n 丁 _x000D_\n\n"),
        ],
        [task_row(答案="40GB | 40G", 同义答案="四十GB\r\n")],
    )
    result = read_bank_xlsx(data)
    assert result.ok, result.errors
    assert result.articles == [
        ArticleSpec("KB-1", "账单", "标题", "正文", ("甲", "乙", "丙", "丁"))
    ]
    assert result.tasks[0].answers == ("40GB", "40G")
    assert result.tasks[0].synonyms == ("四十GB",)


def test_numeric_and_date_cells_read_as_typed() -> None:
    data = bank(
        [article_row(1001, 标题=2024, 正文=3.5, 要点=dt.datetime(2024, 5, 1))],
        [
            task_row(答案=40, 同义答案=10086.0, 来源文章=1001),
            task_row("T-2", 答案=13800138000, 来源文章=1001),
        ],
    )
    result = read_bank_xlsx(data)
    assert result.ok, result.errors
    assert result.articles == [ArticleSpec("1001", "账单", "2024", "3.5", ("2024-05-01",))]
    assert [(t.answers, t.synonyms) for t in result.tasks] == [
        (("40",), ("10086",)),
        (("13800138000",), ()),
    ]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [("AC", ("A", "C")), ("a、c", ("A", "C")), ("Ｃ，Ａ", ("C", "A")), ("B\nD", ("B", "D"))],
)
def test_choice_answer_letters(answers: str, expected: tuple[str, ...]) -> None:
    row = task_row(题型="选择", 答案=answers, 选项="甲\n乙\n丙\n丁")
    result = read_bank_xlsx(bank([article_row()], [row]))
    assert result.ok, result.errors
    assert result.tasks[0].answers == expected


@pytest.mark.parametrize("column", ["编号", "分类", "标题", "正文"])
def test_empty_required_article_cell(column: str) -> None:
    row = article_row(**{column: "  "}) if column != "编号" else article_row(None)
    result = read_bank_xlsx(bank([article_row("KB-0"), row]))
    assert where(result) == [("知识库", 3, column)]
    assert result.errors[0].message == f"第3行 {column}不能为空"


@pytest.mark.parametrize("column", ["编号", "题目", "答案", "来源文章"])
def test_empty_required_task_cell(column: str) -> None:
    row = task_row(**{column: None}) if column != "编号" else task_row(None)
    result = read_bank_xlsx(bank([article_row()], [row]))
    assert where(result) == [("查询任务", 2, column)]


def test_duplicate_keys_name_the_first_row() -> None:
    result = read_bank_xlsx(bank([article_row("KB-3"), article_row("KB-4"), article_row("KB-3")]))
    assert result.errors == [RowError("知识库", 4, "编号", "第4行 编号重复：KB-3 已在第2行出现")]


@pytest.mark.parametrize("key", ["KB 1", "KB-１", "知识-1", "K" * 41, "KB/1"])
def test_key_format(key: str) -> None:
    result = read_bank_xlsx(bank([article_row(key)]))
    assert where(result) == [("知识库", 2, "编号")]
    assert "格式不正确" in result.errors[0].message


def test_task_citing_an_unknown_article() -> None:
    data = bank([article_row("KB-1")], [task_row(来源文章="KB-9")])
    assert where(read_bank_xlsx(data)) == [("查询任务", 2, "来源文章")]
    assert read_bank_xlsx(data, known_article_keys={"KB-9"}).ok


def test_tasks_alone_need_known_articles() -> None:
    data = xlsx({"查询任务": [TASK_HEADER, task_row()]})
    assert where(read_bank_xlsx(data)) == [("查询任务", 2, "来源文章")]
    result = read_bank_xlsx(data, known_article_keys=["KB-1"])
    assert result.ok and result.articles == [] and len(result.tasks) == 1


def test_unknown_kind() -> None:
    result = read_bank_xlsx(bank([article_row()], [task_row(题型="判断")]))
    assert where(result) == [("查询任务", 2, "题型")]


@pytest.mark.parametrize(
    ("options", "answers", "column"),
    [
        (None, "A", "选项"),
        ("只有一个", "A", "选项"),
        ("\n".join("ABCDEFGHI"), "A", "选项"),
        ("甲\n乙\n丙", "D", "答案"),
        ("甲\n乙\n丙", "A1", "答案"),
        ("甲\n乙\n丙", "A\nA", "答案"),
    ],
)
def test_choice_options_and_letters(options: str | None, answers: str, column: str) -> None:
    row = task_row(题型="选择", 答案=answers, 选项=options)
    assert where(read_bank_xlsx(bank([article_row()], [row]))) == [("查询任务", 2, column)]


def test_kind_specific_columns() -> None:
    rows = [
        task_row("T-1", 选项="甲\n乙"),
        task_row("T-2", 题型="选择", 答案="A", 选项="甲\n乙", 同义答案="甲"),
    ]
    result = read_bank_xlsx(bank([article_row()], rows))
    assert where(result) == [("查询任务", 2, "选项"), ("查询任务", 3, "同义答案")]


def test_oversize_cells() -> None:
    rows = [article_row("KB-1", 标题="标" * 201), article_row("KB-2", 正文="字" * 20_001)]
    result = read_bank_xlsx(bank(rows))
    assert where(result) == [("知识库", 2, "标题"), ("知识库", 3, "正文")]
    assert "最多200个字符" in result.errors[0].message


def test_header_problems_are_reported_once_per_sheet() -> None:
    data = xlsx(
        {
            "知识库": [
                ["编号", "标题", "正文", "备注", "标题"],
                ["KB-1", "标题", "正文", "x", "y"],
            ],
            "查询任务": [TASK_HEADER, task_row(), task_row("T-2")],
        }
    )
    assert where(read_bank_xlsx(data)) == [
        ("知识库", 1, "备注"),
        ("知识库", 1, "标题"),
        ("知识库", 1, "分类"),
    ]


def test_data_in_a_column_without_header() -> None:
    rows = [[*article_row("KB-1"), None, "多余"], [*article_row("KB-2"), None, "多余"]]
    assert where(read_bank_xlsx(bank(rows))) == [("知识库", 2, "G")]


def test_every_error_is_reported_with_real_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "知识库"
    sheet.append(ARTICLE_HEADER)
    sheet.append(article_row("KB-1", 标题=None))
    sheet.cell(row=100_000, column=1, value="KB-2")  # far below, after blank rows
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_bank_xlsx(buffer.getvalue())
    assert where(result) == [("知识库", 2, "标题")] + [
        ("知识库", 100_000, c) for c in ["分类", "标题", "正文"]
    ]


def test_errors_are_capped() -> None:
    result = read_bank_xlsx(bank([article_row(f"KB-{i}", 标题=None) for i in range(250)]))
    assert len(result.errors) == bank_validation.MAX_ERRORS + 1
    assert result.errors[-1] == RowError("", 0, None, "错误过多：只列出前200条，另有50条未列出")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a workbook",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # a legacy .xls
        "编号,标题\nKB-1,标题\n".encode(),
    ],
)
def test_not_an_xlsx(data: bytes) -> None:
    assert where(read_bank_xlsx(data)) == [("", 0, None)]
    assert ".xlsx" in read_bank_xlsx(data).errors[0].message


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert where(read_bank_xlsx(buffer.getvalue())) == [("", 0, None)]


def test_workbook_without_bank_sheets() -> None:
    result = read_bank_xlsx(xlsx({"Sheet1": [["编号"], ["KB-1"]]}))
    assert where(result) == [("", 0, None)]
    assert "「Sheet1」" in result.errors[0].message


def test_two_sheets_of_the_same_kind() -> None:
    data = xlsx({"知识库": [ARTICLE_HEADER], "Articles": [ARTICLE_HEADER]})
    assert where(read_bank_xlsx(data)) == [("", 0, None)]


def test_file_too_large() -> None:
    result = read_bank_xlsx(b"\0" * (bank_validation.MAX_FILE_BYTES + 1))
    assert where(result) == [("", 0, None)]
    assert "文件太大" in result.errors[0].message


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bank_validation, "MAX_ROWS", 3)
    rows = [article_row(f"KB-{i}") for i in range(3)]
    assert read_bank_xlsx(bank(rows)).ok
    result = read_bank_xlsx(bank([*rows, [None] * 5, article_row("KB-9")]))
    assert where(result) == [("知识库", 6, None)]
    assert "超过3行" in result.errors[0].message


def test_too_much_unpacked_xml(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bank([article_row(正文="字" * 5_000)])
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 10_000)
    assert where(read_bank_xlsx(data)) == [("", 0, None)]


def test_declared_sheet_size_is_not_trusted() -> None:
    data = bank([article_row()])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content.replace(
                    b'<dimension ref="A1:E2" />', b'<dimension ref="A1:XFD1048576" />'
                )
                assert b"XFD1048576" in content
            target.writestr(info, content)
    result = read_bank_xlsx(buffer.getvalue())
    assert result.ok, result.errors
    assert [article.key for article in result.articles] == ["KB-1"]


def test_control_characters_escaped_by_excel_are_refused() -> None:
    result = read_bank_xlsx(bank([article_row(正文="正文_x0007_")]))
    assert where(result) == [("知识库", 2, "正文")]
    assert "控制字符" in result.errors[0].message
