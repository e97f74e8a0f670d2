"""Grading a finished (or time-expired) lookup-speed trial.

The server times each task: ``raw_ms`` runs from writing the task frame to
reading the answer frame. The caller subtracts an estimate of the network's
share of that time (``network_ms``, already capped by the caller); what is left,
never below zero, is the candidate's lookup time for the task.

The graded time is the sum of the lookup times plus a penalty for every wrong or
unanswered task. It is counted in whole milliseconds: each task is first taken
to the microsecond, the sum is then cut to the millisecond (a fraction of a
millisecond is dropped, in the candidate's favour), so that a graded time of
exactly 120 000 ms meets the band edges exactly.

Outcomes, checked in this order (the first that applies is the ``reason``):

1. ``incomplete``: fewer answers than tasks (the trial ran out of time or was
   abandoned). Not passed.
2. ``low_accuracy``: fewer correct answers than the minimum accuracy requires,
   whatever the time. Not passed.
3. ``too_slow``: the graded time is above every band. Not passed.
4. ``passed``: the graded time falls in a band.

``band`` and ``level_reached`` are set only when the trial passed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

from examsrv.timing.level_bands import Band, BandTable, label, level_reached, seconds_to_ms

Reason = Literal["passed", "too_slow", "low_accuracy", "incomplete"]

PASSED: Final = "passed"
TOO_SLOW: Final = "too_slow"
LOW_ACCURACY: Final = "low_accuracy"
INCOMPLETE: Final = "incomplete"


@dataclass(frozen=True)
class TaskTiming:
    """One answered task: its position, server-measured time and correctness."""

    seq: int
    raw_ms: float
    network_ms: float
    correct: bool


@dataclass(frozen=True)
class GradingPolicy:
    """The rules a trial is graded by; every value is an editable default."""

    bands: BandTable
    task_count: int = 100
    wrong_penalty_s: float = 5.0
    min_accuracy: float = 0.9

    def __post_init__(self) -> None:
        if isinstance(self.task_count, bool) or self.task_count < 1:
            raise ValueError(f"task count must be at least 1, got {self.task_count!r}")
        if not self.wrong_penalty_s >= 0:  # also rejects NaN
            raise ValueError(
                f"wrong-answer penalty must be 0 s or more, got {self.wrong_penalty_s}"
            )
        seconds_to_ms(self.wrong_penalty_s, "wrong-answer penalty")
        if not 0 <= self.min_accuracy <= 1:
            raise ValueError(f"minimum accuracy must be within 0 and 1, got {self.min_accuracy}")

    @property
    def wrong_penalty_ms(self) -> int:
        """The penalty for one wrong or unanswered task, in whole milliseconds."""
        return seconds_to_ms(self.wrong_penalty_s, "wrong-answer penalty")

    @property
    def min_correct(self) -> int:
        """The fewest correct answers that meet ``min_accuracy`` (90 of 100 by default).

        The fraction is read as the decimal it is written as (0.9 is nine
        tenths, not the nearest binary float), so the minimum itself passes.
        """
        return math.ceil(Fraction(repr(self.min_accuracy)) * self.task_count)


@dataclass(frozen=True)
class TrialGrade:
    """The result of grading one trial. Times are whole milliseconds."""

    answered: int
    correct: int
    accuracy: float  # correct / task_count: unanswered tasks count as wrong
    raw_ms: int
    network_ms: int
    lookup_ms: int  # sum over tasks of max(raw - network, 0)
    penalty_ms: int
    graded_ms: int  # lookup_ms + penalty_ms: the time that meets the bands
    band: Band | None
    level_reached: int | None
    passed: bool
    reason: Reason

    @property
    def graded_s(self) -> float:
        """The graded time in seconds."""
        return self.graded_ms / 1000

    @property
    def band_label(self) -> str | None:
        """The band for people ("5", or "3-4" with an en dash), or None if not passed."""
        return None if self.band is None else label(self.band)


def _us(ms: float, what: str, seq: int) -> int:
    """A non-negative time in ms as whole microseconds; ValueError otherwise."""
    if not math.isfinite(ms) or ms < 0:
        raise ValueError(f"task {seq}: {what} must be a finite time of 0 ms or more, got {ms!r}")
    return round(ms * 1000)


def grade_trial(timings: Sequence[TaskTiming], policy: GradingPolicy) -> TrialGrade:
    """Grade the answered tasks of one trial against ``policy``.

    ``timings`` holds one entry per answered task (any order, distinct ``seq``);
    tasks never answered are simply absent. ValueError if there are more
    entries than tasks, a repeated ``seq``, or a negative or non-finite time.
    """
    if len(timings) > policy.task_count:
        raise ValueError(f"{len(timings)} answers for a trial of {policy.task_count} tasks")
    seqs = [t.seq for t in timings]
    if len(set(seqs)) != len(seqs):
        raise ValueError("a task is answered more than once (repeated seq)")

    raw_us = network_us = lookup_us = 0
    correct = 0
    for t in timings:
        raw = _us(t.raw_ms, "raw time", t.seq)
        network = _us(t.network_ms, "network share", t.seq)
        raw_us += raw
        network_us += network
        lookup_us += max(raw - network, 0)
        correct += bool(t.correct)

    answered = len(timings)
    wrong_or_missing = policy.task_count - correct
    lookup_ms = lookup_us // 1000
    penalty_ms = wrong_or_missing * policy.wrong_penalty_ms
    graded_ms = lookup_ms + penalty_ms
    time_band = policy.bands.band_for_ms(graded_ms)

    reason: Reason
    if answered < policy.task_count:
        reason = INCOMPLETE
    elif correct < policy.min_correct:
        reason = LOW_ACCURACY
    elif time_band is None:
        reason = TOO_SLOW
    else:
        reason = PASSED
    passed = reason == PASSED
    band = time_band if passed else None

    return TrialGrade(
        answered=answered,
        correct=correct,
        accuracy=correct / policy.task_count,
        raw_ms=raw_us // 1000,
        network_ms=network_us // 1000,
        lookup_ms=lookup_ms,
        penalty_ms=penalty_ms,
        graded_ms=graded_ms,
        band=band,
        level_reached=None if band is None else level_reached(band),
        passed=passed,
        reason=reason,
    )
