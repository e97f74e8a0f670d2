"""The trial session's rules, with plain numbers for clock readings."""

from __future__ import annotations

import pytest

from examsrv.timing.trial_session import LiveTask, TrialSession, Verdict

MS = 1_000_000  # nanoseconds


def session(tasks: int = 3, cap_ms: float = 50.0) -> TrialSession:
    return TrialSession(
        tasks=[LiveTask(100 + i, lambda given: given == "ok") for i in range(tasks)],
        network_cap_ms=cap_ms,
    )


def test_an_answer_is_timed_from_showing_to_reading_and_moves_on_only_when_committed() -> None:
    s = session()
    s.task_shown(1, 1_000 * MS)
    outcome = s.answer(1, "ok", 2_250 * MS)
    assert outcome.verdict == Verdict.ACCEPTED and outcome.record is not None
    assert outcome.record.raw_ms == 1_250 and outcome.record.correct
    assert s.current_seq == 1  # not yet saved
    s.commit(outcome.record)
    assert s.current_seq == 2 and not s.finished


def test_answers_out_of_turn_are_refused() -> None:
    s = session()
    assert s.answer(1, "ok", 0).verdict == Verdict.NOT_SHOWN
    s.task_shown(1, 0)
    assert s.answer(2, "ok", MS).verdict == Verdict.NOT_CURRENT
    record = s.answer(1, "wrong", 5 * MS).record
    assert record is not None and not record.correct
    s.commit(record)
    again = s.answer(1, "ok", 9 * MS)
    assert again.verdict == Verdict.DUPLICATE and again.record == record


def test_the_clock_stops_while_disconnected_and_the_task_is_marked_resumed() -> None:
    s = session()
    s.task_shown(1, 0)
    s.connection_lost(3_000 * MS)
    s.connection_opened()
    assert s.connected_ms(50_000 * MS) == 3_000  # nothing counts while offline
    s.task_shown(1, 60_000 * MS)
    record = s.answer(1, "ok", 61_500 * MS).record
    assert record is not None
    assert record.raw_ms == 4_500 and record.resumed


def test_the_network_share_is_the_smallest_round_trip_capped() -> None:
    s = session(cap_ms=5.0)
    assert s.network_ms == 0.0  # no pongs: no allowance
    for rtt in (3.5, 1.25, 2.0):
        s.rtt_sample(rtt)
    assert s.network_ms == 1.25
    s.connection_opened()  # a new connection measures afresh
    s.rtt_sample(40.0)
    assert s.network_ms == 5.0


def test_a_finished_session_takes_nothing_more() -> None:
    s = session(tasks=1)
    s.task_shown(1, 0)
    record = s.answer(1, "ok", MS).record
    assert record is not None
    s.commit(record)
    assert s.finished and s.current_seq is None
    assert s.answer(2, "ok", 2 * MS).verdict == Verdict.FINISHED


@pytest.mark.parametrize("late", [0, 1])
def test_connected_time_counts_answered_tasks_and_the_one_on_screen(late: int) -> None:
    s = session()
    s.task_shown(1, 0)
    record = s.answer(1, "ok", 2_000 * MS).record
    assert record is not None
    s.commit(record)
    s.task_shown(2, 2_100 * MS)
    assert s.connected_ms((2_600 + late) * MS) == 2_000 + 500 + late


def test_a_paused_attempt_keeps_its_time_and_refuses_answers_until_resumed() -> None:
    s = session()
    s.task_shown(1, 1_000 * MS)
    s.pause(1_400 * MS)  # 400 ms on task 1 so far
    assert s.connected_ms(1_400 * MS) == 400
    assert s.connected_ms(99_000 * MS) == 400  # the remaining time does not move while paused
    assert s.answer(1, "ok", 2_000 * MS).verdict == Verdict.PAUSED
    s.task_shown(1, 5_000 * MS)  # a frame written while paused starts no clock
    assert s.connected_ms(6_000 * MS) == 400
    s.resume()
    s.task_shown(1, 10_000 * MS)
    outcome = s.answer(1, "ok", 10_100 * MS)
    assert outcome.verdict == Verdict.ACCEPTED and outcome.record is not None
    assert outcome.record.raw_ms == 500 and outcome.record.resumed


def test_time_carried_from_another_process_counts_for_the_task_shown_again() -> None:
    s = session()
    s.restore_accrued(1, 700.0)
    assert s.accrued_ms(1) == 700 and s.was_resent(1)
    s.task_shown(1, 0)
    record = s.answer(1, "ok", 300 * MS).record
    assert record is not None and record.raw_ms == 1_000
    s.commit(record)
    s.restore_accrued(1, 50.0)  # an answered task takes no carried time
    assert s.accrued_ms(1) == 0
