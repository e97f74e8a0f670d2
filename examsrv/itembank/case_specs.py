"""Plain data describing the graded case bank: cases, their dialogue turns and questions.

A **text case** (文字案例) is a dialogue tree: the customer's first question is the
root; a CSR reply follows each customer turn; the customer's follow-ups in
different directions are branches; each customer closing line is a leaf, which
says how the problem was solved and how the customer felt. A **voice case**
(语音案例) is a call recording with its transcript laid out as turns and
annotated the same way (usually a single path).

These shapes carry no database identity: ``key`` is the author's stable
identifier, unique within its kind (a case key is unique in the bank; turn and
question keys are unique within their case).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MIN_LEVEL = 1
MAX_LEVEL = 5


class CaseKind(StrEnum):
    TEXT = "text"
    VOICE = "voice"


class Pool(StrEnum):
    TRAINING = "training"  # studied in practice mode, with feedback
    TEST = "test"  # shown only inside a case test


class Speaker(StrEnum):
    CUSTOMER = "customer"
    CSR = "csr"


@dataclass(frozen=True)
class Turn:
    """One line of the dialogue.

    ``parent`` is the key of the turn this one answers (None for the root).
    Customer turns may carry ``emotion`` and ``thought`` notes; a CSR reply carries
    its ``reasons`` (考虑因素), most important first; a leaf (a customer turn with no
    reply) carries ``outcome`` (how the problem was solved) and ``feeling`` (how the
    customer felt). For voice cases ``start_s`` is where the line starts in the
    recording.
    """

    key: str
    speaker: Speaker
    text: str
    parent: str | None = None
    emotion: str = ""
    thought: str = ""
    reasons: tuple[str, ...] = ()
    outcome: str = ""
    feeling: str = ""
    start_s: float | None = None


class QuestionKind(StrEnum):
    SINGLE = "single"  # one correct option letter
    MULTIPLE = "multiple"  # every correct letter, no other
    TRUE_FALSE = "true_false"  # answer ("true",) or ("false",)
    ORDERING = "ordering"  # the option letters in the right order (e.g. reasons by importance)
    FREE_TEXT = "free_text"  # graded by reviewers against ``rubric``


@dataclass(frozen=True)
class Question:
    """A question about the whole case (``turn_key`` None) or about one of its turns.

    ``options`` are lettered A, B, C… in order. ``answer`` holds the correct letters
    (single, multiple), the letters in the correct order (ordering), or
    ``("true",)`` / ``("false",)``; it is empty for free text, which has a
    ``rubric`` instead. ``points`` is the question's weight in the case score.
    """

    key: str
    kind: QuestionKind
    prompt: str
    turn_key: str | None = None
    options: tuple[str, ...] = ()
    answer: tuple[str, ...] = ()
    rubric: str = ""
    points: float = 1.0


@dataclass(frozen=True)
class CaseSpec:
    """One case of the bank, as authors write, import and export it."""

    key: str
    title: str
    level: int
    category: str
    pool: Pool
    kind: CaseKind
    background: str
    turns: tuple[Turn, ...]
    questions: tuple[Question, ...] = ()
    audio_file: str | None = None  # voice cases: the recording's file name in the media store
    play_once: bool = False  # voice cases: in a test, the recording plays once, without seeking
