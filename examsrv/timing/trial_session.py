"""The live state of one lookup trial, as pure rules over server clock readings.

The websocket adapter feeds this object the monotonic times at which it wrote a
task frame and read an answer frame; it decides what each answer means. It does
no I/O and reads no clock of its own, so every timing rule is testable with
plain numbers.

Timing rules (``docs/rules.md`` explains them to administrators):

* A task's raw time is the sum of the intervals during which it was on the
  candidate's screen over a live connection: from the moment its frame was
  written to the moment the answer frame was read. While no connection is live
  the clock of the attempt stands still; a reconnect shows the same task again
  and its clock goes on from where it stopped.
* The network share of a task is the smallest round-trip time measured on the
  connection over which it was answered, capped by ``network_cap_ms``. The
  minimum is used because a client can delay a reply to a ping but cannot make
  the network faster, so it cannot inflate its allowance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

NS_PER_MS = 1_000_000


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # a new answer to the current task
    DUPLICATE = "duplicate"  # an answer to a task already answered (a re-send): not recorded again
    NOT_CURRENT = "not_current_task"  # an answer to a task not yet shown
    FINISHED = "attempt_finished"  # every task is answered already
    NOT_SHOWN = "task_not_shown"  # the current task was not (re)sent on this connection yet
    PAUSED = "paused"  # the proctor has paused the attempt: no answers until it resumes


@dataclass(frozen=True)
class LiveTask:
    """What the session needs to know of a task: its id and how to check an answer."""

    task_id: int
    accepts: Callable[[str], bool]


class AnswerRecord(NamedTuple):
    """One saved answer. A tuple of plain values, which the garbage collector stops
    tracking: a process holds up to a hundred of these for every live trial."""

    seq: int
    task_id: int
    given: str
    correct: bool
    raw_ms: float
    network_ms: float
    resumed: bool


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    record: AnswerRecord | None = None


@dataclass
class TrialSession:
    """One attempt's form and progress. ``answered`` holds the answers already saved."""

    tasks: Sequence[LiveTask]
    network_cap_ms: float
    answered: dict[int, AnswerRecord] = field(default_factory=dict)
    # seq -> monotonic ns of time already spent on it on earlier connections
    _accrued_ns: dict[int, int] = field(default_factory=dict)
    _shown_at_ns: int | None = None
    _shown_seq: int | None = None
    _resumed: set[int] = field(default_factory=set)
    _rtt_ms: list[float] = field(default_factory=list)
    _answered_ms: float = 0.0  # sum of raw_ms over ``answered``, kept as answers arrive
    paused: bool = False

    def __post_init__(self) -> None:
        self._answered_ms = sum(r.raw_ms for r in self.answered.values())

    @property
    def task_count(self) -> int:
        return len(self.tasks)

    @property
    def current_seq(self) -> int | None:
        """The 1-based number of the task to answer next, or None when all are answered."""
        # Answers are accepted strictly in order, so the answered seqs are always 1..k.
        nxt = len(self.answered) + 1
        return nxt if nxt <= self.task_count else None

    @property
    def finished(self) -> bool:
        return len(self.answered) >= self.task_count

    def task_for(self, seq: int) -> LiveTask:
        return self.tasks[seq - 1]

    def connected_ms(self, now_ns: int) -> float:
        """Time the candidate has spent on tasks so far, counting the one on screen."""
        total = self._answered_ms + sum(self._accrued_ns.values()) / NS_PER_MS
        if self._shown_at_ns is not None:
            total += (now_ns - self._shown_at_ns) / NS_PER_MS
        return total

    # --- connection events -------------------------------------------------

    def connection_opened(self) -> None:
        """A new connection replaces any earlier one: its RTT samples start afresh."""
        self._rtt_ms.clear()

    def connection_lost(self, now_ns: int) -> None:
        """Stop the clock of the task on screen, keeping the time it has accrued."""
        if self._shown_at_ns is not None and self._shown_seq is not None:
            spent = max(now_ns - self._shown_at_ns, 0)
            self._accrued_ns[self._shown_seq] = self._accrued_ns.get(self._shown_seq, 0) + spent
        self._shown_at_ns = None
        self._shown_seq = None

    def pause(self, now_ns: int) -> None:
        """The proctor paused the attempt: the clock stops as if the connection were lost."""
        self.connection_lost(now_ns)
        self.paused = True

    def resume(self) -> None:
        """The pause is over; the clock runs again once the task is shown again."""
        self.paused = False

    def accrued_ms(self, seq: int) -> float:
        """Time already spent on ``seq`` on earlier connections (or before a pause)."""
        return self._accrued_ns.get(seq, 0) / NS_PER_MS

    def restore_accrued(self, seq: int, ms: float) -> None:
        """Carry over the time ``seq`` had accrued when its connection closed elsewhere."""
        if seq not in self.answered and ms > 0:
            self._accrued_ns[seq] = round(ms * NS_PER_MS)

    def mark_resumed(self, seq: int) -> None:
        """Record that part of ``seq``'s time was lost (the server restarted meanwhile)."""
        self._resumed.add(seq)

    def rtt_sample(self, ms: float) -> None:
        if ms >= 0:
            self._rtt_ms.append(ms)

    @property
    def rtt_min_ms(self) -> float | None:
        return min(self._rtt_ms) if self._rtt_ms else None

    @property
    def network_ms(self) -> float:
        rtt = self.rtt_min_ms
        return 0.0 if rtt is None else min(rtt, self.network_cap_ms)

    def task_shown(self, seq: int, now_ns: int) -> None:
        """The frame of task ``seq`` has just been written to the connection."""
        if self.paused:
            return  # nothing is on screen while paused; the clock stays stopped
        if self._shown_seq is not None and self._shown_seq != seq:
            self.connection_lost(now_ns)  # defensive: never run two clocks at once
        if self._shown_seq != seq:
            self._shown_seq = seq
            self._shown_at_ns = now_ns

    def was_resent(self, seq: int) -> bool:
        return seq in self._accrued_ns or seq in self._resumed

    # --- answers ------------------------------------------------------------

    def answer(self, seq: int, given: str, read_at_ns: int) -> Outcome:
        """Judge an answer frame read at ``read_at_ns`` (read before any parsing)."""
        if seq in self.answered:
            return Outcome(Verdict.DUPLICATE, self.answered[seq])
        if self.paused:
            return Outcome(Verdict.PAUSED)
        current = self.current_seq
        if current is None:
            return Outcome(Verdict.FINISHED)
        if seq != current:
            return Outcome(Verdict.NOT_CURRENT)
        if self._shown_seq != seq or self._shown_at_ns is None:
            return Outcome(Verdict.NOT_SHOWN)
        raw_ns = self._accrued_ns.get(seq, 0) + max(read_at_ns - self._shown_at_ns, 0)
        task = self.task_for(seq)
        record = AnswerRecord(
            seq=seq,
            task_id=task.task_id,
            given=given,
            correct=task.accepts(given),
            raw_ms=raw_ns / NS_PER_MS,
            network_ms=self.network_ms,
            resumed=self.was_resent(seq),
        )
        return Outcome(Verdict.ACCEPTED, record)

    def commit(self, record: AnswerRecord) -> None:
        """The record is durably saved: move on to the next task."""
        self.answered[record.seq] = record
        self._answered_ms += record.raw_ms
        self._accrued_ns.pop(record.seq, None)
        if self._shown_seq == record.seq:
            self._shown_seq = None
            self._shown_at_ns = None
