"""Course scores: the best score per course in the current round counts, and an import
with any bad row (an unknown employee above all) imports nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import select

from examsrv.i18n import use_locale
from examsrv.persistence.engine import session_scope
from examsrv.persistence.record import RecordError, best_course_results, change_level
from examsrv.persistence.record_courses import best_scores, import_scores, record_score
from examsrv.persistence.record_tables import CourseResult
from tests.record_fixtures import NOW, add_candidate


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are English message ids; compare them untranslated."""
    with use_locale("en"):
        yield


COURSE = "服务技巧"


def _score(engine: Engine, eid: int, score: float, course: str = COURSE) -> None:
    with session_scope(engine) as s:
        record_score(s, employee_id=eid, course=course, score=score, actor="hr", now=NOW)


def test_the_best_score_of_the_round_counts_until_a_promotion(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    for score in (55, 72, 64):
        _score(engine, eid, score)
    with session_scope(engine) as s:
        assert best_scores(s, eid) == {COURSE: 72}
        change_level(
            s,
            employee_id=eid,
            to_level=1,
            kind="promotion",
            reason="",
            evidence=[],
            actor="x",
            now=NOW,
        )
    with session_scope(engine) as s:
        assert best_scores(s, eid) == {}  # a promotion starts the next round
        assert [r.round for r in s.exec(select(CourseResult)).all()] == [1, 1, 1]
    _score(engine, eid, 40)
    with session_scope(engine) as s:
        assert best_scores(s, eid) == {COURSE: 40}
        assert best_course_results(s, eid)[COURSE].round == 2


def test_scores_outside_0_to_100_and_unknown_courses_are_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    for course, score in ((COURSE, 101.0), (COURSE, float("nan")), ("烹饪", 80.0)):
        with pytest.raises(RecordError):
            _score(engine, eid, score, course)
    with session_scope(engine) as s:
        assert s.exec(select(CourseResult)).all() == []


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_with_an_unknown_employee_imports_nothing(engine: Engine) -> None:
    with session_scope(engine) as s:
        add_candidate(s, "10001")
        add_candidate(s, "10002", name="李四")
    data = _xlsx(
        [
            ["工号", "课程", "成绩"],
            ["10001", COURSE, 80],
            [None, None, None],
            ["99999", COURSE, 70],
            ["10002", "烹饪", "abc"],
        ]
    )
    with session_scope(engine) as s:
        outcome = import_scores(s, data, "scores.xlsx", actor="hr", now=NOW)
    assert outcome.imported == 0
    assert [(e.row, e.message) for e in outcome.errors] == [
        (4, "unknown employee number 99999"),
        (5, "unknown course 烹饪; the score abc is not a number from 0 to 100"),
    ]
    with session_scope(engine) as s:
        assert s.exec(select(CourseResult)).all() == []


def test_a_clean_csv_import_records_every_row_once(engine: Engine) -> None:
    with session_scope(engine) as s:
        eid = add_candidate(s, "10001")
    text = "Employee No,Course,Score\n10001,服务技巧,81\n10001,沟通技巧,66.5\n"
    with session_scope(engine) as s:
        outcome = import_scores(s, text.encode("gb18030"), "s.csv", actor="hr", now=NOW)
    assert (outcome.imported, outcome.errors) == (2, ())
    with session_scope(engine) as s:
        assert best_scores(s, eid) == {COURSE: 81, "沟通技巧": 66.5}
        assert {r.source for r in s.exec(select(CourseResult)).all()} == {"import"}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        (b"x", "a.txt", "Upload an .xlsx or a .csv file."),
        (b"not a zip", "a.xlsx", "The file is not an Excel workbook (.xlsx)."),
        ("工号,成绩\n10001,80\n".encode(), "a.csv", "The header row has no column 课程."),
        ("工号,课程,成绩\n".encode(), "a.csv", "The file has no rows to import."),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    engine: Engine, data: bytes, name: str, message: str
) -> None:
    with session_scope(engine) as s:
        outcome = import_scores(s, data, name, actor="hr", now=NOW)
    assert outcome.imported == 0
    assert [e.message for e in outcome.errors] == [message]
