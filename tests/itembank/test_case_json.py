from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from examsrv.itembank import bank_validation
from examsrv.itembank.bank_validation import RowError
from examsrv.itembank.case_bank_rows import CaseImport
from examsrv.itembank.case_json import read_cases_json, write_cases_json
from examsrv.itembank.case_specs import CaseKind, Pool, QuestionKind, Speaker
from examsrv.itembank.case_tree import leaves, paths
from tests.itembank.test_case_spreadsheet import TEXT_CASE, VOICE_CASE


def turn(key: str, parent: str | None, speaker: str = "customer", **fields: object) -> object:
    entry: dict[str, object] = {"key": key, "parent": parent, "speaker": speaker, "text": "话"}
    if speaker == "csr":
        entry["reasons"] = ["原因"]
    elif fields.pop("leaf", False):
        entry |= {"outcome": "解决", "feeling": "满意"}
    return entry | fields


TURNS = [turn("t1", None), turn("t2", "t1", "csr"), turn("t3", "t2", leaf=True)]


def case(**fields: object) -> dict[str, object]:
    entry = {"key": "C-1", "title": "标题", "level": 1, "category": "账单", "pool": "training"}
    return entry | {"kind": "text", "background": "背景", "turns": TURNS} | fields


def read(*cases: object, **top: object) -> CaseImport:
    document = {"cases": list(cases)} | top
    return read_cases_json(json.dumps(document, ensure_ascii=False).encode())


def where(result: CaseImport) -> list[tuple[str, int, str | None]]:
    assert not result.ok
    assert result.cases == []
    return [(error.sheet, error.row, error.column) for error in result.errors]


def test_round_trip() -> None:
    result = read_cases_json(write_cases_json([TEXT_CASE, VOICE_CASE]))
    assert result.ok, result.errors
    assert result.cases == [TEXT_CASE, VOICE_CASE]


def test_export_is_readable_utf8_in_a_fixed_order() -> None:
    data = write_cases_json([VOICE_CASE])
    text = data.decode("utf-8")
    assert "国际漫游" in text and "\\u" not in text and text.endswith("}\n")
    document = json.loads(text)
    assert list(document) == ["format", "version", "cases"]
    [entry] = document["cases"]
    assert list(entry) == [
        *("key", "title", "level", "category", "pool", "kind", "background"),
        *("audio_file", "play_once", "turns", "questions"),
    ]
    assert (entry["level"], entry["pool"], entry["play_once"]) == (5, "test", True)
    assert entry["turns"][0] == {
        **{"key": "v1", "parent": None, "speaker": "customer", "text": "我在日本上不了网！"},
        **{"emotion": "焦急", "thought": "", "reasons": [], "outcome": "", "feeling": ""},
        "start_s": 0,
    }
    assert entry["turns"][1]["start_s"] == 5.5
    assert list(entry["questions"][2]) == [
        *("key", "turn_key", "kind", "prompt", "options", "answer", "rubric", "points"),
    ]
    assert [q["answer"] for q in entry["questions"]] == [
        ["A"],
        ["A", "B"],
        ["false"],
        ["C", "A", "B"],
        [],
    ]
    assert [q["points"] for q in entry["questions"]] == [2, 1, 1, 1, 2.5]
    assert write_cases_json([VOICE_CASE]) == data
    assert read_cases_json(write_cases_json([])) == CaseImport([], [])


def test_lenient_values() -> None:
    questions = [
        {"key": 1, "kind": "判断", "prompt": "对吗？", "answer": ["对"]},
        {
            "key": "q2",
            "kind": "排序",
            "prompt": "排序",
            "options": ["甲", "乙"],
            "answer": ["B、A"],
        },
    ]
    entry = case(key=7, level="2", pool="培训", kind=None, play_once=False, questions=questions)
    result = read_cases_json(b"\xef\xbb\xbf" + json.dumps({"cases": [entry]}).encode())
    assert result.ok, result.errors
    [spec] = result.cases
    assert (spec.key, spec.level, spec.pool, spec.kind) == ("7", 2, Pool.TRAINING, CaseKind.TEXT)
    assert [(q.key, q.answer, q.points) for q in spec.questions] == [
        ("1", ("true",), 1.0),
        ("q2", ("B", "A"), 1.0),
    ]


def test_errors_are_located_by_case_and_position() -> None:
    second = case(
        key="C-2",
        level=6,
        turns=[*TURNS, turn("t3", "t2"), turn("t4", "t2", "boss")],
        questions=[{"key": "q1", "kind": "essay", "prompt": "？"}],
    )
    result = read(case(), second, case(key="C-1"), case(key="C-3", turns=[]))
    assert result.errors == [
        RowError("cases", 2, "level", "第2条 级别（level）应为1到5之间的整数，而不是6"),
        RowError(
            "cases[2].turns",
            4,
            "key",
            "案例“C-2” 对话第4条 编号（key）重复：t3 已在案例“C-2” 对话第3条出现",
        ),
        RowError(
            "cases[2].turns",
            5,
            "speaker",
            "案例“C-2” 对话第5条 说话人（speaker）“boss”无效：应为“客户”或“客服”",
        ),
        RowError(
            "cases[2].questions",
            1,
            "kind",
            "案例“C-2” 题目第1条 题型（kind）“essay”无效："
            "应为“单选”、“多选”、“判断”、“排序”、“简答”",
        ),
        RowError("cases", 3, "key", "第3条 编号（key）重复：C-1 已在第1条出现"),
        RowError("cases", 4, None, "第4条 案例“C-3”没有对话"),
    ]


def test_tree_problems_name_the_entry() -> None:
    turns = [turn("t1", None), turn("t2", "t1", "csr", reasons=[]), turn("t3", "t2", leaf=True)]
    result = read(case(turns=turns, questions=[{"key": "q1", "kind": "single", "prompt": "？"}]))
    assert result.errors == [
        RowError("cases[1].turns", 2, None, "案例“C-1” 对话第2条 客户代表的回复应注明考虑因素"),
        RowError("cases[1].questions", 1, None, "案例“C-1” 题目第1条 应有2到8个选项，现有0个"),
        RowError(
            "cases[1].questions",
            1,
            None,
            "案例“C-1” 题目第1条 单选题的答案应恰好是一个字母，现有0个",
        ),
    ]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": True}, ("cases", 1, "title")),
        ({"level": [1]}, ("cases", 1, "level")),
        ({"play_once": "maybe"}, ("cases", 1, "play_once")),
        ({"note": "多余"}, ("cases", 1, "note")),
        ({"turns": "t1"}, ("cases", 1, "turns")),
        ({"questions": {}}, ("cases", 1, "questions")),
        ({"turns": [*TURNS, "t4"]}, ("cases[1].turns", 4, None)),
        (
            {"turns": [*TURNS[:2], turn("t3", "t2", leaf=True, reasons="一")]},
            ("cases[1].turns", 3, "reasons"),
        ),
        (
            {"turns": [*TURNS[:2], turn("t3", "t2", leaf=True, mood="好")]},
            ("cases[1].turns", 3, "mood"),
        ),
        (
            {"turns": [*TURNS[:2], turn("t3", "t2", leaf=True, text="a\x07")]},
            ("cases[1].turns", 3, "text"),
        ),
        (
            {"kind": "voice", "audio_file": "a.mp3", "turns": [turn("t1", None, start_s=-1)]},
            ("cases[1].turns", 1, "start_s"),
        ),
    ],
)
def test_wrong_entry_shape(fields: dict[str, object], error: tuple[str, int, str | None]) -> None:
    assert where(read(case(**fields))) == [error]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", ("", 0, None)),
        (b'{"cases": [', ("", 0, None)),
        (b"\xff\xfe{}", ("", 0, None)),
        (b'{"cases": [{"level": NaN}]}', ("", 0, None)),
        (b"[" * 100_000 + b"]" * 100_000, ("", 0, None)),
        (b"[]", ("", 0, None)),
        (b"{}", ("", 0, None)),
        (b'{"cases": {}}', ("cases", 0, None)),
        (b'{"cases": ["C-1"]}', ("cases", 1, None)),
        (b'{"cases": [], "extra": 1}', ("", 0, "extra")),
        (b'{"format": "examsrv-itembank", "cases": []}', ("", 0, "format")),
        (b'{"version": 2, "cases": []}', ("", 0, "version")),
    ],
)
def test_bad_json(data: bytes, error: tuple[str, int, str | None]) -> None:
    assert where(read_cases_json(data)) == [error]


def test_syntax_error_says_where() -> None:
    result = read_cases_json(b'{\n  "cases": [,]\n}')
    assert "第2行第13列" in result.errors[0].message


def test_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    too_big = b" " * (bank_validation.MAX_FILE_BYTES + 1)
    assert "文件太大" in read_cases_json(too_big).errors[0].message
    monkeypatch.setattr(bank_validation, "MAX_ROWS", 2)
    assert where(read(case(), case(), case())) == [("cases", 0, None)]
    assert where(read(case(turns=[*TURNS, turn("t4", "t3")]))) == [("cases", 1, "turns")]


def test_documented_example_is_valid() -> None:
    page = Path(__file__).parents[2] / "docs" / "casebank-format.md"
    example = re.search(r"```json\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    result = read_cases_json(example.group(1).encode())
    assert result.ok, result.errors
    [spec] = result.cases
    assert spec.kind is CaseKind.TEXT and len(leaves(spec)) == 2 and len(paths(spec)) == 2
    assert [turn.speaker for turn in spec.turns].count(Speaker.CSR) == 3
    assert {q.kind for q in spec.questions} >= {QuestionKind.SINGLE, QuestionKind.FREE_TEXT}
