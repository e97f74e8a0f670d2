"""Locust users that take lookup trials over the websocket.

``TrialUser`` is an abstract, non-HTTP Locust user: it drives ``TrialConversation``
and reports every exchange through ``environment.events.request`` (request type
``HTTP`` for the login and start requests, ``WS`` for the websocket: ``connect``,
``first task``, ``answer`` (answer sent → ack read), ``end``, ``resume``,
``connection lost``), so Locust's web UI, CSV and HTML reports show them. Raw,
unrounded samples also go to ``--samples-dir`` for ``loadtests.run``'s report.

- ``PacedTrialUser``: thinks about ``--pace-s`` seconds (±30 %) per task, like a person.
- ``UnpacedTrialUser``: answers as fast as it can.
- ``PacedEchoUser`` / ``UnpacedEchoUser``: the same against ``loadtests.echo_app``.

Each examsrv user takes one candidate account from ``--accounts-file`` (JSON lines
written by ``loadtests.run``); without it, the demo candidates 10001… are used. An
account that names an ``attempt`` (a proctored sitting's seat, opened at check-in) takes
that attempt instead of ``POST /trial/start``, once; then the user has nothing more to do.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
from typing import Any

import orjson
from locust import User, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

from examsrv.demo.loader import CANDIDATES, DEMO_PASSWORD
from loadtests.samples import SampleWriter
from loadtests.trial_client import Account, HttpSide, Observer, TrialConversation

_account_lock = threading.Lock()
_account_counter = itertools.count()
_accounts: list[Account] | None = None
_echo_attempts = itertools.count(1)


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--pace-s", type=float, default=1.5, help="Mean think time per task of paced users (s)."
    )
    parser.add_argument(
        "--accounts-file",
        default="",
        help="JSON lines of candidate accounts (from loadtests.run); empty: demo candidates.",
    )
    parser.add_argument(
        "--samples-dir", default="", help="Directory for raw per-answer samples (JSON lines)."
    )
    parser.add_argument(
        "--reconnect-s",
        type=float,
        default=30.0,
        help="After a dropped connection, keep trying to resume for this long (s).",
    )
    parser.add_argument(
        "--account-stride",
        type=int,
        default=1,
        include_in_web_ui=False,
        help="Number of Locust worker processes sharing the accounts file.",
    )


def _load_accounts(path: str) -> list[Account]:
    if not path:
        return [Account(str(10001 + i), DEMO_PASSWORD) for i in range(CANDIDATES)]
    with open(path, "rb") as f:
        rows = [orjson.loads(line) for line in f if line.strip()]
    return [
        Account(
            r["username"],
            r["password"],
            r.get("cookie", ""),
            r.get("csrf", ""),
            int(r.get("attempt") or 0),
        )
        for r in rows
    ]


def take_account(environment: Environment) -> Account:
    """A distinct account for each user of this process (and of its sibling processes)."""
    global _accounts
    options = environment.parsed_options
    with _account_lock:
        if _accounts is None:
            _accounts = _load_accounts(getattr(options, "accounts_file", "") if options else "")
        stride = max(1, getattr(options, "account_stride", 1) if options else 1)
        worker = getattr(environment.runner, "worker_index", 0) or 0
        index = next(_account_counter) * stride + worker % stride
    if index >= len(_accounts):
        raise StopUser(f"only {len(_accounts)} accounts: user {index + 1} has none")
    return _accounts[index]


class TrialUser(User):
    """Takes one lookup trial after another over the websocket (abstract)."""

    abstract = True
    paced = False
    target = "examsrv"
    wait_time = constant(0)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        options = environment.parsed_options
        self.pace_s = float(getattr(options, "pace_s", 1.5)) if options else 1.5
        self.reconnect_s = float(getattr(options, "reconnect_s", 30.0)) if options else 30.0
        samples_dir = getattr(options, "samples_dir", "") if options else ""
        self.samples = SampleWriter(samples_dir or None, self.target)
        self.http: HttpSide | None = None
        self.assigned_done = False  # the account's own attempt has been taken to its end

    def answer_text(self) -> str:
        """What this candidate answers to every task (the room gives each its own)."""
        return "不清楚"

    def observer(self) -> Observer | None:
        """Who hears of each acknowledged answer (the room's console matching); none here."""
        return None

    def assigned_finished(self, attempt_id: int) -> None:
        """The account's own attempt has ended (a hook for the room); nothing here."""

    def report(
        self,
        request_type: str,
        name: str,
        elapsed_ns: int,
        length: int = 0,
        error: BaseException | None = None,
    ) -> None:
        self.environment.events.request.fire(
            request_type=request_type,
            name=name,
            response_time=elapsed_ns / 1e6,
            response_length=length,
            exception=error,
            context={},
        )

    def think_s(self) -> float:
        return self.pace_s * random.uniform(0.7, 1.3) if self.paced else 0.0

    def base_url(self) -> str:
        return (self.host or "http://127.0.0.1:8000").rstrip("/")

    def ws_url(self, attempt_id: int) -> str:
        return "ws" + self.base_url()[len("http") :] + f"/ws/trial/{attempt_id}"

    def on_start(self) -> None:
        self.http = HttpSide(self.base_url(), take_account(self.environment), self.report)

    def on_stop(self) -> None:
        if self.http is not None:
            self.http.close()

    def begin_attempt(self) -> tuple[int, str, int]:
        """Log in if needed and start an attempt: (attempt id, cookie, start time ns)."""
        assert self.http is not None
        if not self.http.logged_in:
            self.samples.phase("login", self.http.login())
        started = time.perf_counter_ns()
        assigned = self.http.account.attempt
        attempt_id = assigned or self.http.start_attempt()
        cookie = self.http.cookie()
        self.http.close()  # no idle keep-alive socket per user while the trial runs
        return attempt_id, cookie, started

    @task
    def take_trial(self) -> None:
        if self.assigned_done:  # a seat's attempt is taken once; nothing else to start
            time.sleep(1.0)
            return
        try:
            attempt_id, cookie, started = self.begin_attempt()
        except Exception:  # already reported as a failed request
            time.sleep(1.0)
            return
        conversation = TrialConversation(
            self.ws_url(attempt_id),
            attempt_id,
            cookie=cookie,
            think_s=self.think_s,
            report=self.report,
            samples=self.samples,
            reconnect_for_s=self.reconnect_s,
            observer=self.observer(),
            answer_text=self.answer_text(),
        )
        started_trial = time.perf_counter_ns()
        try:
            outcome = conversation.run(started)
        except Exception as exc:
            self.report("WS", "trial", time.perf_counter_ns() - started_trial, 0, exc)
            time.sleep(1.0)
            return
        self.report("WS", f"trial {outcome.status}", time.perf_counter_ns() - started_trial)
        if self.http is not None and self.http.account.attempt:
            self.assigned_done = True
            self.assigned_finished(self.http.account.attempt)


class PacedTrialUser(TrialUser):
    """A candidate who takes about ``--pace-s`` seconds per task."""

    paced = True
    wait_time = constant(1)


class UnpacedTrialUser(TrialUser):
    """A client that answers every task the moment it arrives."""


class EchoUser(TrialUser):
    """The same client against ``loadtests.echo_app``: no login, no database (abstract)."""

    abstract = True
    target = "echo"

    def ws_url(self, attempt_id: int) -> str:
        return "ws" + self.base_url()[len("http") :] + f"/ws/echo/{attempt_id}"

    def on_start(self) -> None:
        self.http = None

    def begin_attempt(self) -> tuple[int, str, int]:
        return os.getpid() * 1_000_000 + next(_echo_attempts), "", time.perf_counter_ns()


class PacedEchoUser(EchoUser):
    paced = True
    wait_time = constant(1)


class UnpacedEchoUser(EchoUser):
    """Answers the echo endpoint as fast as it can (EchoUser is unpaced)."""
