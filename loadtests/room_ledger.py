"""What the candidates of one Locust process did, and when, for its proctors to match.

Candidate users and proctor users of a room run as greenlets of the same Locust
process, so they share one monotonic clock (``time.perf_counter_ns``). A candidate
writes here the moment it read each acknowledgement (and the end of its test); a
proctor user that later reads the console row showing that progress takes the
difference: the console lag. Nothing here blocks: gevent runs one greenlet at a time.

With ``--room-candidates N`` the run ends by itself ``--room-linger-s`` seconds after
the N-th candidate has finished, so a room does not wait out ``--run-time``.
"""

from __future__ import annotations

from typing import Any

import gevent
from locust import events
from locust.env import Environment


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--room-candidates",
        type=int,
        default=0,
        help="End the run once this many candidates have finished (0: run for --run-time).",
    )
    parser.add_argument(
        "--room-linger-s",
        type=float,
        default=3.0,
        help="After the last candidate finished, keep the consoles watching this long (s).",
    )


class RoomLedger:
    """Progress and ends of the candidates of this process, by (kind, attempt)."""

    def __init__(self) -> None:
        # (kind, attempt, progress) -> when the candidate read the frame saying it was saved
        self.progress: dict[tuple[str, int, int], int] = {}
        self.finish: dict[tuple[str, int], int] = {}  # (kind, attempt) -> end frame read
        self.done: set[tuple[str, int]] = set()
        self.quitting = False

    def acked(self, kind: str, attempt: int, progress: int, read_ns: int) -> None:
        self.progress.setdefault((kind, attempt, progress), read_ns)

    def ended(self, kind: str, attempt: int, read_ns: int) -> None:
        self.finish.setdefault((kind, attempt), read_ns)

    def progress_at(self, kind: str, attempt: int, progress: int) -> int | None:
        return self.progress.get((kind, attempt, progress))

    def finished_at(self, kind: str, attempt: int) -> int | None:
        return self.finish.get((kind, attempt))

    def candidate_done(self, environment: Environment, kind: str, attempt: int) -> None:
        """A candidate has finished; end the run once every expected one has."""
        self.done.add((kind, attempt))
        options = environment.parsed_options
        expected = int(getattr(options, "room_candidates", 0) or 0) if options else 0
        if self.quitting or not expected or len(self.done) < expected:
            return
        self.quitting = True
        linger = float(getattr(options, "room_linger_s", 3.0)) if options else 3.0
        runner = environment.runner
        if runner is not None:
            gevent.spawn_later(linger, runner.quit)


LEDGER = RoomLedger()  # one per Locust process, shared by its candidate and proctor users
