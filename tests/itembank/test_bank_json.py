from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from examsrv.itembank import bank_validation
from examsrv.itembank.bank_json import read_bank_json, write_bank_json
from examsrv.itembank.bank_validation import BankImport, RowError
from examsrv.itembank.specs import AnswerKind, ArticleSpec, TaskSpec

ARTICLES = [
    ArticleSpec(
        key="KB-0001",
        category="套餐资费",
        title="畅享套餐 128 元档",
        body="月费128元，含国内通用流量40GB。\n超出后按 3 元/GB 计费。",
        key_facts=("月费128元", "国内通用流量40GB"),
    ),
    ArticleSpec("KB-0002", "国际漫游", "开通国际漫游", "拨打10086开通。"),
]
TASKS = [
    TaskSpec("T-1", "含多少流量？", "KB-0001", answers=("40GB",), synonyms=("四十GB",)),
    TaskSpec(
        key="T-2",
        question="哪些方式可以开通？",
        article_key="KB-0002",
        kind=AnswerKind.CHOICE,
        answers=("A", "C"),
        options=("拨打10086", "到邮局办理", "登录APP"),
    ),
]


def article(**fields: object) -> dict[str, object]:
    return {"key": "KB-1", "category": "账单", "title": "标题", "body": "正文"} | fields


def task(**fields: object) -> dict[str, object]:
    return {"key": "T-1", "question": "问题", "answers": ["答案"], "article_key": "KB-1"} | fields


def read(document: object, known: tuple[str, ...] = ()) -> BankImport:
    return read_bank_json(json.dumps(document, ensure_ascii=False).encode(), known)


def where(result: BankImport) -> list[tuple[str, int, str | None]]:
    assert not result.ok
    assert result.articles == [] and result.tasks == []
    return [(error.sheet, error.row, error.column) for error in result.errors]


def test_round_trip() -> None:
    result = read_bank_json(write_bank_json(ARTICLES, TASKS))
    assert result.ok, result.errors
    assert result.articles == ARTICLES
    assert result.tasks == TASKS


def test_export_is_readable_utf8_in_a_fixed_order() -> None:
    data = write_bank_json(ARTICLES, TASKS)
    text = data.decode("utf-8")
    assert "畅享套餐" in text and "\\u" not in text
    assert text.endswith("}\n") and '\n  "articles": [\n' in text
    document = json.loads(text)
    assert list(document) == ["format", "version", "articles", "tasks"]
    assert list(document["articles"][0]) == ["key", "category", "title", "body", "key_facts"]
    assert list(document["tasks"][1]) == [
        "key",
        "question",
        "kind",
        "answers",
        "synonyms",
        "options",
        "article_key",
    ]
    assert document["tasks"][1]["kind"] == "choice"
    assert write_bank_json(ARTICLES, TASKS) == data
    assert read_bank_json(write_bank_json([], [])) == BankImport([], [], [])


def test_minimal_document_with_defaults_numbers_and_bom() -> None:
    document = {"articles": [article(key_facts=None)], "tasks": [task(answers=[10086, 40.0])]}
    result = read_bank_json(b"\xef\xbb\xbf" + json.dumps(document).encode())
    assert result.ok, result.errors
    assert result.articles == [ArticleSpec("KB-1", "账单", "标题", "正文")]
    assert result.tasks == [TaskSpec("T-1", "问题", "KB-1", answers=("10086", "40"))]


def test_tasks_alone_with_known_articles() -> None:
    assert where(read({"tasks": [task()]})) == [("tasks", 1, "article_key")]
    result = read({"tasks": [task(kind="选择", options=["是", "否"], answers=["b"])]}, ("KB-1",))
    assert result.ok, result.errors
    assert result.tasks[0].kind is AnswerKind.CHOICE and result.tasks[0].answers == ("B",)


def test_shared_validation_rules_apply() -> None:
    document = {
        "articles": [article(), article(title=" "), article(key="bad key")],
        "tasks": [
            task(),
            task(),
            task(key="T-3", kind="判断"),
            task(key="T-4", kind="choice", options=["甲"], answers=["A"]),
            task(key="T-5", kind="choice", options=["甲", "乙"], answers=["C"]),
            task(key="T-6", article_key="KB-9"),
        ],
    }
    assert where(read(document)) == [
        ("articles", 2, "title"),
        ("articles", 2, "key"),
        ("articles", 3, "key"),
        ("tasks", 2, "key"),
        ("tasks", 3, "kind"),
        ("tasks", 4, "options"),
        ("tasks", 5, "answers"),
        ("tasks", 6, "article_key"),
    ]
    result = read(document)
    assert result.errors[1].message == "第2条 编号（key）重复：KB-1 已在第1条出现"
    assert result.errors[0].message == "第2条 标题（title）不能为空"


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"key_facts": ["甲|乙"]}, "key_facts"),
        ({"key_facts": ["甲\n乙"]}, "key_facts"),
        ({"body": "正文\x07"}, "body"),
        ({"title": "标" * 201}, "title"),
        ({"body": "字" * 20_001}, "body"),
    ],
)
def test_text_that_a_spreadsheet_could_not_hold(fields: dict[str, object], column: str) -> None:
    assert where(read({"articles": [article(**fields)]})) == [("articles", 1, column)]


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"title": True}, "title"),
        ({"title": ["标题"]}, "title"),
        ({"key_facts": "甲"}, "key_facts"),
        ({"key_facts": [{"x": 1}]}, "key_facts"),
        ({"note": "多余"}, "note"),
    ],
)
def test_wrong_entry_shape(fields: dict[str, object], column: str) -> None:
    assert where(read({"articles": [article(**fields)]})) == [("articles", 1, column)]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", ("", 0, None)),
        (b'{"articles": [', ("", 0, None)),
        (b"\xff\xfe{}", ("", 0, None)),
        (b'{"articles": [{"key": NaN}]}', ("", 0, None)),
        (b"[" * 100_000 + b"]" * 100_000, ("", 0, None)),
        (b"[]", ("", 0, None)),
        (b"{}", ("", 0, None)),
        (b'{"articles": {}}', ("articles", 0, None)),
        (b'{"tasks": ["T-1"]}', ("tasks", 1, None)),
        (b'{"articles": [], "extra": 1}', ("", 0, "extra")),
        (b'{"format": "other", "articles": []}', ("", 0, "format")),
        (b'{"version": 2, "articles": []}', ("", 0, "version")),
    ],
)
def test_bad_json(data: bytes, error: tuple[str, int, str | None]) -> None:
    assert where(read_bank_json(data)) == [error]


def test_syntax_error_says_where() -> None:
    result = read_bank_json(b'{\n  "articles": [,]\n}')
    assert "第2行第16列" in result.errors[0].message


def test_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    too_big = b" " * (bank_validation.MAX_FILE_BYTES + 1)
    assert "文件太大" in read_bank_json(too_big).errors[0].message
    monkeypatch.setattr(bank_validation, "MAX_ROWS", 2)
    articles = [article(key=f"KB-{i}") for i in range(3)]
    assert where(read({"articles": articles})) == [("articles", 0, None)]


def test_errors_are_capped() -> None:
    result = read({"articles": [article(key=f"KB-{i}", title="") for i in range(201)]})
    assert len(result.errors) == 201
    assert result.errors[-1] == RowError("", 0, None, "错误过多：只列出前200条，另有1条未列出")


def test_documented_example_is_valid() -> None:
    page = Path(__file__).parents[2] / "docs" / "itembank-format.md"
    example = re.search(r"```json\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    result = read_bank_json(example.group(1).encode())
    assert result.ok, result.errors
    assert [task.kind for task in result.tasks] == [AnswerKind.TEXT, AnswerKind.CHOICE]
