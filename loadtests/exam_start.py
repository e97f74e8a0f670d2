"""The start of an exam: every candidate connects and starts within a few seconds.

``ExamStartShape`` spawns ``--users`` paced candidates evenly over
``--start-window-s`` seconds (default 10), then holds them until ``--run-time``.
Each one logs in (unless its account carries a session made in advance), presses
start, and takes the trial at about ``--pace-s`` seconds a task. The figure that
matters is Locust's ``start → first task`` (and the raw samples of
``loadtests.run``): from pressing start to the first task on screen.

    .venv/bin/locust -f loadtests/exam_start.py -H http://127.0.0.1:8000 --headless \
        -u 1000 -t 60s --start-window-s 10
"""

from __future__ import annotations

from typing import Any

from locust import LoadTestShape, events

from loadtests.trial_user import PacedTrialUser

__all__ = ["ExamStartShape", "PacedTrialUser"]


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--start-window-s",
        type=float,
        default=10.0,
        help="Seconds over which every candidate connects and starts.",
    )


class ExamStartShape(LoadTestShape):
    """All ``--users`` within ``--start-window-s`` seconds, held until ``--run-time``."""

    use_common_options = True

    def tick(self) -> tuple[int, float] | None:
        assert self.runner is not None
        options = self.runner.environment.parsed_options
        users = int(getattr(options, "num_users", None) or 100)
        window = float(getattr(options, "start_window_s", 10.0) or 10.0)
        run_time = float(getattr(options, "run_time", None) or 60)
        if self.get_run_time() >= run_time:
            return None
        return users, max(users / window, 1.0)
