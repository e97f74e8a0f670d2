"""Plain data describing knowledge-base articles and lookup tasks.

These are the shapes that importers produce, exporters consume and the demo
generator emits. They carry no database identity: ``key`` is the author's own
stable identifier (for example ``KB-0001``), unique within its kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class ArticleSpec:
    """One knowledge-base article."""

    key: str
    category: str
    title: str
    body: str
    key_facts: tuple[str, ...] = ()


class AnswerKind(StrEnum):
    """How a lookup task is answered."""

    TEXT = "text"  # the candidate types the fact they found
    CHOICE = "choice"  # the candidate picks one or more lettered options


@dataclass(frozen=True)
class TaskSpec:
    """One lookup task: a question whose answer is found in ``article_key``.

    For ``TEXT`` tasks, ``answers`` are the accepted answers (the first is the
    one shown to staff as *the* answer) and ``synonyms`` further accepted
    wordings. For ``CHOICE`` tasks, ``options`` are the option texts, lettered
    A, B, C… in order, and ``answers`` the letters of every correct option
    (all of them must be picked, and no other).
    """

    key: str
    question: str
    article_key: str
    kind: AnswerKind = AnswerKind.TEXT
    answers: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    options: tuple[str, ...] = field(default=())
