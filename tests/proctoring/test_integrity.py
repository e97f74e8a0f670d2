"""Integrity signals the server computes: answers faster than a human, suspicious agreement."""

from __future__ import annotations

import random
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from examsrv.proctoring.integrity import (
    CLIENT_SIGNALS,
    MAX_PAIRS_SIGNALLED,
    MIN_IDENTICAL_WRONG,
    Signal,
    SimilarPair,
    normalise_answer,
    shared_mistakes,
    similar_pairs,
    strongest,
    too_fast,
)


def test_too_fast_is_strictly_below_the_floor() -> None:
    assert too_fast(1499.9, 1500)
    assert not too_fast(1500, 1500)
    assert not too_fast(4000, 1500)
    assert too_fast(0, 1)


def test_the_client_reports_only_what_a_page_can_see() -> None:
    assert {Signal.FOCUS_LOST, Signal.FULLSCREEN_EXIT, Signal.PASTE} == CLIENT_SIGNALS
    assert Signal.TOO_FAST not in CLIENT_SIGNALS and Signal.IDENTICAL_ANSWERS not in CLIENT_SIGNALS


Answers = dict[int, tuple[str, bool]]


def sheet(shared: int, wrong: int) -> Answers:
    """Answers to questions 0..shared-1: the first ``wrong`` of them the same wrong answer."""
    return {q: ("WRONG", False) if q < wrong else (f"right{q}", True) for q in range(shared)}


def differ_on(answers: Answers, count: int) -> Answers:
    """The same sheet with the last ``count`` answers changed (still right)."""
    changed = dict(answers)
    for q in sorted(changed)[len(changed) - count :]:
        changed[q] = (f"other{q}", True)
    return changed


def pairs(answers: Mapping[int, Mapping[int, tuple[str, bool]]], **kw: int) -> list[SimilarPair]:
    return similar_pairs(answers, **kw)


def test_a_pair_sharing_enough_identical_wrong_answers_is_flagged() -> None:
    a = sheet(8, 3)
    assert pairs({1: a, 2: dict(a)}) == [SimilarPair(1, 2, 8, 8, 3)]


def test_too_few_shared_questions_flag_nothing() -> None:
    a = sheet(7, 5)
    assert pairs({1: a, 2: dict(a)}) == []  # min_shared is 8
    assert pairs({1: a, 2: dict(a)}, min_shared=7) == [SimilarPair(1, 2, 7, 7, 5)]


def test_agreeing_on_right_answers_is_expected() -> None:
    a = sheet(20, 2)  # one identical wrong answer short of the threshold
    assert pairs({1: a, 2: dict(a)}) == []
    b = sheet(20, 3)
    assert pairs({1: b, 2: dict(b)}) == [SimilarPair(1, 2, 20, 20, 3)]


def test_the_agreement_threshold_is_inclusive() -> None:
    a = sheet(10, 3)
    assert pairs({1: a, 2: differ_on(a, 1)}) == [SimilarPair(1, 2, 10, 9, 3)]  # 90 % agree
    assert pairs({1: a, 2: differ_on(a, 2)}) == []  # 80 %


def test_only_questions_both_answered_count() -> None:
    a = sheet(10, 3)
    b = dict(a) | {100: ("x", True), 101: ("y", False)}  # extra questions of another form
    assert pairs({1: a, 2: b}) == [SimilarPair(1, 2, 10, 10, 3)]


def test_different_wrong_answers_are_not_identical() -> None:
    a = sheet(10, 3)
    b = dict(a)
    for q in range(3):
        b[q] = ("ANOTHER", False)
    assert pairs({1: a, 2: b}) == []


def test_of_seat_limits_the_pairs_checked_and_order_is_by_seat() -> None:
    a = sheet(8, 3)
    room = {3: a, 1: dict(a), 2: dict(a), 4: sheet(8, 0)}
    assert [(p.seat_a, p.seat_b) for p in pairs(room)] == [(1, 2), (1, 3), (2, 3)]
    assert [(p.seat_a, p.seat_b) for p in pairs(room, of_seat=3)] == [(1, 3), (2, 3)]
    assert pairs(room, of_seat=4) == []
    assert pairs({}) == [] and pairs({1: a}) == []


def _random_sitting(rng: random.Random, seats: int) -> dict[int, Answers]:
    """Seats answering random subsets of 30 questions from a few answers, right or wrong."""
    sitting: dict[int, Answers] = {}
    for seat in range(1, seats + 1):
        questions = rng.sample(range(30), rng.randint(5, 20))
        sheet: Answers = {}
        for q in questions:
            given = rng.choice(["A", "B", "C"])
            sheet[q] = (given, given == "A")  # the same answer to a question is graded alike
        sitting[seat] = sheet
    cheat = dict(sitting[1])  # seat 2 copies seat 1: flagged whenever seat 1 erred enough
    sitting[2] = cheat
    return sitting


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), seats=st.integers(2, 12))
def test_one_seat_s_pairs_are_those_of_the_whole_sitting_that_include_it(
    seed: int, seats: int
) -> None:
    sitting = _random_sitting(random.Random(seed), seats)
    everyone = similar_pairs(sitting, min_shared=3, min_agreement=0.6)
    for seat in sitting:
        own = similar_pairs(sitting, of_seat=seat, min_shared=3, min_agreement=0.6)
        assert own == [p for p in everyone if seat in (p.seat_a, p.seat_b)]
    assert similar_pairs(sitting, of_seat=99) == []


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), seats=st.integers(2, 12))
def test_every_flagged_pair_shares_enough_mistakes_to_be_a_suspect(seed: int, seats: int) -> None:
    sitting = _random_sitting(random.Random(seed), seats)
    for seat, mine in sitting.items():
        wrong = {q for q, (_a, ok) in mine.items() if not ok}
        theirs = [
            (other, q, answers[q][0])
            for other, answers in sitting.items()
            if other != seat
            for q in wrong & answers.keys()
        ]
        counts = shared_mistakes(mine, theirs)
        for pair in similar_pairs(sitting, of_seat=seat, min_shared=3, min_agreement=0.6):
            other = pair.seat_b if pair.seat_a == seat else pair.seat_a
            assert counts[other] >= MIN_IDENTICAL_WRONG


def test_shared_mistakes_counts_only_the_same_wrong_answer() -> None:
    mine: Answers = {1: ("b", False), 2: ("c", False), 3: ("a", True)}
    theirs = [(7, 1, "b"), (7, 2, "c"), (8, 1, "x"), (8, 3, "a"), (9, 4, "b")]
    assert shared_mistakes(mine, theirs) == {7: 2}


def test_answers_compare_without_spacing_or_case() -> None:
    assert normalise_answer("  10086 \t 套餐A ") == normalise_answer("10086 套餐a")
    assert normalise_answer("10086") != normalise_answer("10087")


def test_only_the_strongest_pairs_are_signalled() -> None:
    pairs = [
        SimilarPair(1, 2, 10, 9, 3),
        SimilarPair(1, 3, 10, 10, 3),
        SimilarPair(1, 4, 10, 10, 7),
        SimilarPair(1, 5, 12, 11, 4),
    ]
    assert strongest(pairs, limit=3) == [pairs[2], pairs[3], pairs[1]]
    assert strongest(pairs) == [pairs[2], pairs[3], pairs[1], pairs[0]]  # fewer than the limit
    room = [SimilarPair(1, b, 10, 10, 10) for b in range(2, 40)]
    assert len(strongest(room)) == MAX_PAIRS_SIGNALLED
