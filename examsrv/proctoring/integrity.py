"""Integrity signals shown to the proctor as they happen.

Signals from the candidate's page (focus lost, full screen left, a paste into an
answer) are only reported, never judged: the proctor decides. The server itself
adds two signals it can compute: an answer given faster than a human could look
it up, and two candidates of the same sitting whose answers agree suspiciously.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Signal(StrEnum):
    FOCUS_LOST = "focus_lost"  # the page was hidden or lost focus
    FULLSCREEN_EXIT = "fullscreen_exit"
    PASTE = "paste"  # something was pasted into an answer
    TOO_FAST = "too_fast"  # an answer faster than the human floor
    IDENTICAL_ANSWERS = "identical_answers"  # answers agree with another candidate's


CLIENT_SIGNALS = frozenset({Signal.FOCUS_LOST, Signal.FULLSCREEN_EXIT, Signal.PASTE})
MIN_IDENTICAL_WRONG = 3  # the same wrong answers two candidates must share to be flagged
MAX_PAIRS_SIGNALLED = 5  # per finishing candidate: a wrong answer key flags a whole room


def too_fast(raw_ms: float, floor_ms: float) -> bool:
    """An answer read sooner than ``floor_ms`` after its task was shown."""
    return raw_ms < floor_ms


@dataclass(frozen=True)
class SimilarPair:
    seat_a: int
    seat_b: int
    shared: int  # questions both answered
    identical: int  # ... with the same answer
    identical_wrong: int  # ... with the same wrong answer


def similar_pairs(
    answers: Mapping[int, Mapping[int, tuple[str, bool]]],
    *,
    of_seat: int | None = None,
    min_shared: int = 8,
    min_identical_wrong: int = MIN_IDENTICAL_WRONG,
    min_agreement: float = 0.9,
) -> list[SimilarPair]:
    """Pairs of seats whose answers to the questions they share agree suspiciously.

    ``answers`` maps a seat to {question id: (normalised answer, correct)}. Forms are
    drawn at random, so two candidates share only some questions; agreeing on right
    answers is expected, so a pair is flagged only when they share ``min_shared``
    questions, agree on ``min_agreement`` of them, and agree on at least
    ``min_identical_wrong`` wrong answers (the same mistake made independently is
    rare). With ``of_seat`` only pairs including that seat are checked.
    """
    seats = sorted(answers)
    if of_seat is None:
        pairs = [(a, b) for i, a in enumerate(seats) for b in seats[i + 1 :]]
    elif of_seat in answers:  # only the seat's own pairs: checked at each finish
        pairs = [(min(of_seat, b), max(of_seat, b)) for b in seats if b != of_seat]
    else:
        pairs = []
    found: list[SimilarPair] = []
    for a, b in pairs:
        shared = answers[a].keys() & answers[b].keys()
        if len(shared) < min_shared:
            continue
        identical = [q for q in shared if answers[a][q][0] == answers[b][q][0]]
        wrong = [q for q in identical if not answers[a][q][1]]
        if len(wrong) >= min_identical_wrong and len(identical) >= min_agreement * len(shared):
            found.append(SimilarPair(a, b, len(shared), len(identical), len(wrong)))
    return found


@lru_cache(maxsize=65536)  # answers repeat: the same right (or copied) text, over and over
def normalise_answer(given: str) -> str:
    """How answers are compared between candidates: spacing and case do not count."""
    return " ".join(given.split()).casefold()


def shared_mistakes(
    mine: Mapping[int, tuple[str, bool]], theirs: Iterable[tuple[int, int, str]]
) -> Counter[int]:
    """For each other seat, how many of ``mine``'s wrong answers it gave too.

    ``mine`` maps question → (normalised answer, correct); ``theirs`` holds (seat,
    question, normalised answer) for the questions ``mine`` got wrong. A pair that
    ``similar_pairs`` flags has at least ``MIN_IDENTICAL_WRONG`` of these (the same
    answer to the same question is graded alike), so only seats reaching it need
    their whole answers compared.
    """
    counts: Counter[int] = Counter()
    for seat, question, answer in theirs:
        own = mine.get(question)
        if own is not None and not own[1] and own[0] == answer:
            counts[seat] += 1
    return counts


def strongest(pairs: list[SimilarPair], limit: int = MAX_PAIRS_SIGNALLED) -> list[SimilarPair]:
    """The ``limit`` pairs most alike (most identical wrong answers, then most identical).

    When a whole room agrees on wrong answers, the likelier cause is a task whose answer
    key is wrong, not a room of cheats: the proctor is told of the strongest pairs and
    how many there were, instead of one signal per candidate already finished.
    """
    ranked = sorted(pairs, key=lambda p: (-p.identical_wrong, -p.identical, p.seat_a, p.seat_b))
    return ranked[:limit]
