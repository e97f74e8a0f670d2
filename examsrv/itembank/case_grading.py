"""Grading a candidate's answer to one question about a case, and the case-test total.

Answers arrive as the strings the candidate typed or clicked; ``score_question`` never raises on
a string. Before comparison an answer goes through NFKC (full-width letters and digits become
half-width) and loses whitespace, control characters and punctuation:

- Single and multiple choice, ordering: the rest, upper-cased, must be option letters, each at
  most once; symbols (``→ > +``) and ``和 与 及`` count as separators, so ``a,c``, ``Ａ、Ｃ``,
  ``A和C`` and ``C → A → B`` all read as letters. Anything else (an unknown letter, a letter
  twice, nothing at all) is an invalid answer and scores 0.
- True or false: the rest, case-folded, must be one of ``TRUE_WORDS`` or ``FALSE_WORDS``
  (``true``/``false``, ``t``/``f``, ``1``/``0``, ``对``/``错``, ``是``/``否``, ``√``/``×``…).

Every kind the machine grades is all-or-nothing: a multiple choice with one letter missing, or
an ordering with two items swapped, earns 0. Free text is pending (``earned`` None) until a
reviewer awards points with ``score_free_text``. An answer longer than ``MAX_ANSWER_CHARS``
scores 0, except free text, of which the caller stores the first ``MAX_ANSWER_CHARS``
characters (``stored_free_text``).

``question_problems`` holds the per-kind rules that make a question gradable; case_tree reports
them with the rest of a case's problems.
"""

from __future__ import annotations

import math
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from examsrv.itembank.case_specs import Question, QuestionKind

MAX_ANSWER_CHARS = 2000
MIN_OPTIONS = 2
MAX_OPTIONS = 8
MAX_PROMPT_CHARS = 2000  # a question's prompt and rubric
MAX_OPTION_CHARS = 500
MAX_POINTS = 100
TRUE_WORDS = frozenset({"true", "t", "1", "对", "是", "√", "✓", "✔", "正确", "yes", "y"})
FALSE_WORDS = frozenset({"false", "f", "0", "错", "否", "×", "✗", "✘", "错误", "no", "n"})

_CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.ORDERING)
_LETTER_JOINERS = frozenset("和与及")


@dataclass(frozen=True)
class QuestionScore:
    """Points for one answer; ``earned`` and ``correct`` are None while a reviewer has to grade."""

    earned: float | None
    possible: float
    correct: bool | None


@dataclass(frozen=True)
class CaseTestScore:
    """The sum over a case test; ``possible`` includes the questions still pending."""

    earned: float
    possible: float
    pending: int  # free-text answers not yet graded

    @property
    def percent(self) -> float:
        """``earned`` as a percentage of ``possible`` (0 when nothing was possible)."""
        return self.earned / self.possible * 100 if self.possible > 0 else 0.0

    @property
    def complete(self) -> bool:
        return self.pending == 0


def option_letters(question: Question) -> str:
    """The letters of the question's options: ``"ABCD"`` for four options."""
    return string.ascii_uppercase[: len(question.options)]


def _squeezed(given: str, drop_symbols: bool) -> str:
    """NFKC, without whitespace, control characters, punctuation and (optionally) symbols."""
    dropped = "ZCPS" if drop_symbols else "ZCP"
    text = unicodedata.normalize("NFKC", given)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in dropped)


def _letters(given: str, allowed: str) -> str | None:
    """The option letters of an answer in the order given, or None when it is not valid."""
    letters = "".join(ch for ch in _squeezed(given, True).upper() if ch not in _LETTER_JOINERS)
    if not letters or len(set(letters)) != len(letters) or not set(letters) <= set(allowed):
        return None
    return letters


def _key(question: Question) -> tuple[str, ...]:
    return tuple(item.strip().upper() for item in question.answer)


def _truth(question: Question) -> bool | None:
    """The correct answer of a true-or-false question, None when its key is malformed."""
    key = tuple(item.strip().casefold() for item in question.answer)
    return True if key == ("true",) else False if key == ("false",) else None


def _is_correct(question: Question, given: str) -> bool:
    if question.kind is QuestionKind.TRUE_FALSE:
        word = _squeezed(given, False).casefold()
        truth = _truth(question)
        return truth is not None and word in (TRUE_WORDS if truth else FALSE_WORDS)
    letters = _letters(given, option_letters(question))
    if letters is None:
        return False
    key = _key(question)
    if question.kind is QuestionKind.SINGLE:
        return len(key) == 1 and letters == key[0]
    if question.kind is QuestionKind.MULTIPLE:
        return bool(key) and set(letters) == set(key)
    if question.kind is QuestionKind.ORDERING:
        return tuple(letters) == key
    return False


def score_question(question: Question, given: str) -> QuestionScore:
    """Grade one answer: all or nothing, pending for free text. Never raises on a string."""
    possible = float(question.points)
    if question.kind is QuestionKind.FREE_TEXT:
        return QuestionScore(None, possible, None)
    valid = isinstance(given, str) and len(given) <= MAX_ANSWER_CHARS
    correct = valid and _is_correct(question, given)
    return QuestionScore(possible if correct else 0.0, possible, correct)


def stored_free_text(given: str) -> str:
    """The part of a free-text answer that is kept for reviewers."""
    return given[:MAX_ANSWER_CHARS] if isinstance(given, str) else ""


def score_free_text(question: Question, awarded: float) -> QuestionScore:
    """A reviewer's grade (``correct``: full marks); ValueError unless 0 <= awarded <= points."""
    if question.kind is not QuestionKind.FREE_TEXT:
        raise ValueError(f"question {question.key} is not free text: it is graded automatically")
    if not 0 <= awarded <= question.points:
        raise ValueError(f"question {question.key}: {awarded} is outside 0 to {question.points}")
    return QuestionScore(float(awarded), float(question.points), awarded == question.points)


def total(scores: Iterable[QuestionScore]) -> CaseTestScore:
    """Sum the scores of a case test; pending answers count in ``possible`` only."""
    earned: list[float] = []
    possible: list[float] = []
    pending = 0
    for score in scores:
        possible.append(score.possible)
        if score.earned is None:
            pending += 1
        else:
            earned.append(score.earned)
    return CaseTestScore(math.fsum(earned), math.fsum(possible), pending)


def describe_correct(question: Question) -> str:
    """The correct answer as a candidate reads it: ``B``, ``A、C``, ``对``, ``C → A → B``.

    Free text gives its rubric; a malformed key gives an empty string.
    """
    if question.kind is QuestionKind.TRUE_FALSE:
        truth = _truth(question)
        return "" if truth is None else "对" if truth else "错"
    if question.kind is QuestionKind.ORDERING:
        return " → ".join(_key(question))
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "、".join(sorted(_key(question)))
    return question.rubric.strip()


def question_problems(question: Question) -> list[str]:
    """What keeps one question from being graded (kind, options, answer, points), in Chinese.

    Keys, duplicates and ``turn_key`` need the whole case: case_tree checks those.
    """
    messages: list[str] = []
    if not question.prompt.strip():
        messages.append("题目没有内容")
    elif len(question.prompt) > MAX_PROMPT_CHARS:
        messages.append(f"题目过长：{len(question.prompt)}个字符，最多{MAX_PROMPT_CHARS}个字符")
    if not 0 < question.points <= MAX_POINTS:
        messages.append(f"分值应大于0且不超过{MAX_POINTS}，而不是{question.points}")
    kind, options, answer = question.kind, question.options, question.answer
    if kind is QuestionKind.FREE_TEXT:
        if not question.rubric.strip():
            messages.append("问答题应有评分要点（rubric）")
        elif len(question.rubric) > MAX_PROMPT_CHARS:
            messages.append(f"评分要点过长：最多{MAX_PROMPT_CHARS}个字符")
        if options or answer:
            messages.append("问答题由评审评分，不能有选项或标准答案")
    elif kind is QuestionKind.TRUE_FALSE:
        if options:
            messages.append("判断题不能有选项")
        if answer not in (("true",), ("false",)):
            messages.append("判断题的答案应为 true 或 false")
    elif kind in _CHOICE_KINDS:
        messages += _choice_problems(kind, options, answer)
    else:
        messages.append(f"题型“{kind}”未知")
    return messages


def _choice_problems(
    kind: QuestionKind, options: tuple[str, ...], answer: tuple[str, ...]
) -> list[str]:
    messages: list[str] = []
    count = len(options)
    if not MIN_OPTIONS <= count <= MAX_OPTIONS:
        messages.append(f"应有{MIN_OPTIONS}到{MAX_OPTIONS}个选项，现有{count}个")
    letters = string.ascii_uppercase[:count]
    for letter, option in zip(letters, options, strict=False):
        if not option.strip():
            messages.append(f"选项{letter}没有内容")
        elif len(option) > MAX_OPTION_CHARS:
            messages.append(f"选项{letter}过长：最多{MAX_OPTION_CHARS}个字符")
    unknown = [item for item in answer if item not in letters or len(item) != 1]
    if unknown:
        shown = "、".join(f"“{item}”" for item in unknown)
        span = f"（{letters[0]}–{letters[-1]}）" if letters else ""
        messages.append(f"答案{shown}不是选项字母{span}")
    repeated = sorted({item for item in answer if answer.count(item) > 1})
    if repeated:
        messages.append(f"答案中的字母重复：{'、'.join(repeated)}")
    if kind is QuestionKind.SINGLE and len(answer) != 1:
        messages.append(f"单选题的答案应恰好是一个字母，现有{len(answer)}个")
    elif kind is QuestionKind.MULTIPLE and not answer:
        messages.append("多选题至少要有一个正确答案")
    elif kind is QuestionKind.ORDERING and sorted(answer) != list(letters):
        messages.append(f"排序题的答案应把每个选项字母（{'、'.join(letters)}）恰好排一次")
    return messages
