from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.itembank.case_grading import (
    FALSE_WORDS,
    MAX_ANSWER_CHARS,
    TRUE_WORDS,
    CaseTestScore,
    QuestionScore,
    describe_correct,
    option_letters,
    score_free_text,
    score_question,
    stored_free_text,
    total,
)
from examsrv.itembank.case_specs import Question, QuestionKind

FOUR = ("安抚情绪", "核对账单", "转交投诉", "推荐套餐")
SINGLE = Question("q1", QuestionKind.SINGLE, "她首先应做什么？", options=FOUR, answer=("B",))
MULTIPLE = Question(
    "q2", QuestionKind.MULTIPLE, "她考虑了什么？", options=FOUR, answer=("C", "A"), points=2
)
TRUE = Question("q3", QuestionKind.TRUE_FALSE, "她的回答正确吗？", answer=("true",))
FALSE = Question("q4", QuestionKind.TRUE_FALSE, "客户满意了吗？", answer=("false",))
ORDERING = Question(
    "q5", QuestionKind.ORDERING, "按重要性排序", options=FOUR[:3], answer=("C", "A", "B"), points=3
)
FREE = Question("q6", QuestionKind.FREE_TEXT, "你会怎么回答？", rubric="先致歉，再查明细", points=5)
ALL = (SINGLE, MULTIPLE, TRUE, FALSE, ORDERING, FREE)


def earned(question: Question, typed: str) -> float | None:
    return score_question(question, typed).earned


@pytest.mark.parametrize("typed", ["B", "b", "Ｂ", "ｂ", " B ", "B。", "(B)", "【B】", "Ⓑ"])
def test_single_accepts_the_letter_in_any_form(typed: str) -> None:
    assert score_question(SINGLE, typed) == QuestionScore(1.0, 1.0, True)


@pytest.mark.parametrize("typed", ["A", "AB", "BB", "E", "Z", "", "  ", "选B", "B1", "β"])
def test_single_rejects_other_and_invalid_answers(typed: str) -> None:
    assert score_question(SINGLE, typed) == QuestionScore(0.0, 1.0, False)


@pytest.mark.parametrize(
    "typed",
    ["AC", "CA", "ac", "A,C", "A，C", "A、C", "Ａ，Ｃ", "a c", "A和C", "A与C", "A;C", "[A][C]"],
)
def test_multiple_accepts_the_letters_in_any_order_and_format(typed: str) -> None:
    assert score_question(MULTIPLE, typed) == QuestionScore(2.0, 2.0, True)


@pytest.mark.parametrize("typed", ["A", "C", "ABC", "ACD", "AAC", "ACE", "AC1", "", "、"])
def test_multiple_is_all_or_nothing(typed: str) -> None:
    assert score_question(MULTIPLE, typed) == QuestionScore(0.0, 2.0, False)


@pytest.mark.parametrize(
    "typed",
    [
        *TRUE_WORDS,
        "TRUE",
        "True",
        "ｔｒｕｅ",
        "Ｔ",
        "１",
        "对。",
        " 是 ",
        "√",
        "✓",
        "YES",
        "正确！",
    ],
)
def test_true_false_accepts_every_word_for_true(typed: str) -> None:
    assert score_question(TRUE, typed).correct is True
    assert score_question(FALSE, typed).correct is False


@pytest.mark.parametrize(
    "typed",
    [*FALSE_WORDS, "FALSE", "False", "ｆａｌｓｅ", "Ｆ", "０", "错！", "否", "×", "✗", "NO"],
)
def test_true_false_accepts_every_word_for_false(typed: str) -> None:
    assert score_question(FALSE, typed) == QuestionScore(1.0, 1.0, True)
    assert score_question(TRUE, typed) == QuestionScore(0.0, 1.0, False)


@pytest.mark.parametrize("typed", ["", "maybe", "对错", "truefalse", "2", "不对", "x", "A"])
def test_true_false_rejects_anything_else(typed: str) -> None:
    assert earned(TRUE, typed) == 0.0
    assert earned(FALSE, typed) == 0.0


@pytest.mark.parametrize(
    "typed", ["CAB", "cab", "C,A,B", "C、A、B", "C → A → B", "C>A>B", "C-A-B", "ＣＡＢ", "c a b"]
)
def test_ordering_accepts_the_sequence_in_any_format(typed: str) -> None:
    assert score_question(ORDERING, typed) == QuestionScore(3.0, 3.0, True)


@pytest.mark.parametrize("typed", ["ABC", "CBA", "CA", "C", "CABD", "CAAB", "CABB", "", "C A B 1"])
def test_ordering_is_all_or_nothing_and_rejects_invalid_sequences(typed: str) -> None:
    assert score_question(ORDERING, typed) == QuestionScore(0.0, 3.0, False)


@pytest.mark.parametrize("typed", ["", "先道歉，然后查询账单明细。", "x" * (MAX_ANSWER_CHARS + 50)])
def test_free_text_is_pending_for_reviewers(typed: str) -> None:
    assert score_question(FREE, typed) == QuestionScore(None, 5.0, None)


def test_answers_longer_than_the_limit_score_zero() -> None:
    padded = "B" + " " * (MAX_ANSWER_CHARS - 1)
    assert score_question(SINGLE, padded).correct is True
    assert score_question(SINGLE, padded + " ").earned == 0.0
    assert score_question(TRUE, "true" + " " * MAX_ANSWER_CHARS).earned == 0.0


def test_stored_free_text_keeps_the_first_characters() -> None:
    assert stored_free_text("先道歉") == "先道歉"
    assert stored_free_text("字" * (MAX_ANSWER_CHARS + 1)) == "字" * MAX_ANSWER_CHARS


def test_malformed_questions_score_zero_without_raising() -> None:
    broken = [
        Question("b1", QuestionKind.SINGLE, "?", options=FOUR, answer=()),
        Question("b2", QuestionKind.MULTIPLE, "?", options=FOUR, answer=()),
        Question("b3", QuestionKind.SINGLE, "?", answer=("A",)),  # no options
        Question("b4", QuestionKind.TRUE_FALSE, "?", answer=("maybe",)),
        Question("b5", QuestionKind.ORDERING, "?", options=FOUR, answer=()),
    ]
    for question in broken:
        for typed in ("", "A", "true", "ABCD"):
            assert score_question(question, typed).earned == 0.0, (question.key, typed)


def test_reviewers_award_free_text_points() -> None:
    assert score_free_text(FREE, 5) == QuestionScore(5.0, 5.0, True)
    assert score_free_text(FREE, 2.5) == QuestionScore(2.5, 5.0, False)
    assert score_free_text(FREE, 0) == QuestionScore(0.0, 5.0, False)


@pytest.mark.parametrize("awarded", [-0.5, 5.5, math.nan, math.inf])
def test_free_text_points_outside_the_range_are_refused(awarded: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        score_free_text(FREE, awarded)


def test_only_free_text_is_graded_by_reviewers() -> None:
    with pytest.raises(ValueError, match="not free text"):
        score_free_text(SINGLE, 1)


def test_total_counts_pending_answers_in_possible_only() -> None:
    scores = [
        score_question(SINGLE, "B"),
        score_question(MULTIPLE, "A"),
        score_question(ORDERING, "CAB"),
        score_question(FREE, "先道歉"),
    ]
    result = total(scores)
    assert result == CaseTestScore(earned=4.0, possible=11.0, pending=1)
    assert result.percent == pytest.approx(400 / 11)
    assert not result.complete
    graded = total([*scores[:3], score_free_text(FREE, 4)])
    assert graded == CaseTestScore(8.0, 11.0, 0)
    assert graded.complete


def test_total_of_nothing_is_zero_percent() -> None:
    assert total([]) == CaseTestScore(0.0, 0.0, 0)
    assert total([]).percent == 0.0
    assert total(iter([QuestionScore(0.1, 0.1, True)] * 10)).percent == 100.0  # fsum


def test_describe_correct_in_human_form() -> None:
    assert [describe_correct(q) for q in ALL] == [
        "B",
        "A、C",
        "对",
        "错",
        "C → A → B",
        "先致歉，再查明细",
    ]
    assert describe_correct(Question("b", QuestionKind.TRUE_FALSE, "?", answer=())) == ""


def test_described_answers_are_accepted_back() -> None:
    for question in ALL[:-1]:
        assert score_question(question, describe_correct(question)).correct is True


def test_option_letters() -> None:
    assert option_letters(SINGLE) == "ABCD"
    assert option_letters(TRUE) == ""


@pytest.mark.parametrize("question", ALL, ids=[q.kind.value + q.key for q in ALL])
@given(typed=st.text())
def test_score_question_never_raises_on_any_text(question: Question, typed: str) -> None:
    score = score_question(question, typed)
    assert score.possible == question.points
    assert score.earned in ((None,) if question is FREE else (0.0, question.points))


@pytest.mark.parametrize("question", ALL[:-1], ids=[q.key for q in ALL[:-1]])
@given(typed=st.text(alphabet="ABCDEabcde ,、和→对错√×tf01\u3000Ａ\u0301\ud800", max_size=12))
def test_score_question_never_raises_on_answer_like_text(question: Question, typed: str) -> None:
    assert score_question(question, typed).correct in (True, False)
