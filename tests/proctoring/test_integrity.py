"""Integrity signals the server computes: answers faster than a human, suspicious agreement."""

from __future__ import annotations

from collections.abc import Mapping

from examsrv.proctoring.integrity import (
    CLIENT_SIGNALS,
    Signal,
    SimilarPair,
    similar_pairs,
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
