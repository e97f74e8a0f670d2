"""Locust users that take a promotion case test over its websocket (docs/protocol.md).

``CaseConversation`` is the client, independent of Locust: it connects to
``/ws/case-test/{attempt}``, answers every question of the case on screen (an option
letter, letters, true/false, an order of the options, or a sentence of free text, as
each question's kind asks), moves to the next case with ``goto``, and hands the test in
with ``submit``. It waits for each ``ack`` before the next answer and, after a dropped
connection, reconnects and resumes: ``hello`` says which answers are saved and which case
the candidate was on, and an answer sent but not acknowledged is sent again unless it is
among them.

``CaseTestUser`` (paced: thinks ``--case-think-s`` seconds ±30 % before each answer) and
``UnpacedCaseTestUser`` (answers at once) report every exchange through
``environment.events.request`` with request type ``WS``: ``case connect`` (handshake →
``hello``), ``case answer`` (answer sent → its ``ack``), ``case goto`` (``goto`` sent →
the next ``case``), ``case hand-in`` (``submit`` sent → ``end``), ``case resume`` and
``case connection lost``; and, unrounded, to ``--samples-dir`` (kinds ``case_answer`` and
``case_end``, see ``loadtests/samples.py``).

A user takes the attempt named in its account (``--accounts-file``, as ``loadtests.room``
writes it for a sitting's seat); without one it starts a case test of ``--case-level`` on
its own (``POST /case-test/start``, which needs ``EXAMSRV_SELF_START_TESTS`` and a
candidate one level below). It takes one test; then it has nothing more to do.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from locust import User, constant, events, task
from locust.env import Environment
from websockets.sync.client import ClientConnection, connect

from loadtests.room_ledger import LEDGER
from loadtests.samples import SampleWriter
from loadtests.trial_client import (
    CONNECTION_ERRORS,
    OPEN_TIMEOUT_S,
    RECV_TIMEOUT_S,
    SESSION_COOKIE,
    HttpSide,
    Observer,
    ProtocolError,
    Report,
)
from loadtests.trial_user import take_account

FREE_TEXT = "先安抚客户情绪，再核实账单明细，说明原因并给出处理方案，最后确认客户满意。"
LETTERS = "ABCDEFGHIJ"


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--case-think-s",
        type=float,
        default=2.0,
        help="Mean think time before each case-test answer of paced users (s).",
    )
    parser.add_argument(
        "--case-level",
        type=int,
        default=1,
        help="Level of the case test a candidate without an attempt starts on its own.",
    )


def answer_for(question: dict[str, Any], rng: random.Random) -> str:
    """A well-formed answer to one question of a ``case`` frame (right or wrong)."""
    kind = question.get("kind")
    letters = list(LETTERS[: max(len(question.get("options") or []), 1)])
    if kind == "true_false":
        return rng.choice(("true", "false"))
    if kind == "multiple":
        return "".join(sorted(rng.sample(letters, min(len(letters), rng.randint(1, 2)))))
    if kind == "ordering":
        rng.shuffle(letters)
        return "".join(letters)
    if kind == "free_text":
        return FREE_TEXT
    return rng.choice(letters)  # single


@dataclass
class _Pending:
    key: tuple[int, str]  # (version, question)
    frame: str
    sent_ns: int


@dataclass
class CaseOutcome:
    status: str  # submitted (or voided), as the end frame says
    acked: int
    reconnects: int


class CaseConversation:
    """One case-test attempt, taken from where it stands to the hand-in."""

    def __init__(
        self,
        ws_url: str,
        attempt_id: int,
        *,
        cookie: str,
        think_s: Callable[[], float],
        report: Report,
        samples: SampleWriter,
        reconnect_for_s: float = 0.0,
        observer: Observer | None = None,
    ) -> None:
        self.ws_url, self.attempt_id, self.cookie = ws_url, attempt_id, cookie
        self.think_s, self.report, self.samples = think_s, report, samples
        self.reconnect_for_s, self.observer = reconnect_for_s, observer
        self.rng = random.Random(attempt_id)
        self.saved: set[tuple[int, str]] = set()
        self.case: dict[str, Any] | None = None
        self.case_count = 0
        self.pending: _Pending | None = None
        self.goto_sent: tuple[int, int] | None = None  # (position, sent ns)
        self.submit_sent = 0
        self.paused = False
        self.resend = False  # the pending answer went unanswered in a drop: send it again
        self.acked = 0
        self.reconnects = 0

    def run(self) -> CaseOutcome:
        dropped_at: int | None = None
        while True:
            try:
                status = self._connect_and_converse(dropped_at)
                return CaseOutcome(status, self.acked, self.reconnects)
            except CONNECTION_ERRORS as exc:
                now = time.perf_counter_ns()
                if dropped_at is None:
                    self.report("WS", "case connection lost", 0, 0, exc)
                    dropped_at = now
                if self.reconnect_for_s <= 0 or now - dropped_at > self.reconnect_for_s * 1e9:
                    raise
                time.sleep(0.25)

    def _open(self) -> ClientConnection:
        headers = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"} if self.cookie else None
        return connect(
            self.ws_url,
            additional_headers=headers,
            compression=None,
            open_timeout=OPEN_TIMEOUT_S,
            close_timeout=2,
            ping_interval=None,
            max_size=2**22,
        )

    def _connect_and_converse(self, dropped_at: int | None) -> str:
        opened = time.perf_counter_ns()
        with self._open() as ws:
            raw = ws.recv(timeout=RECV_TIMEOUT_S)
            read_ns = time.perf_counter_ns()
            hello: dict[str, Any] = orjson.loads(raw)
            if hello.get("type") == "end":
                return self._end(hello, read_ns)
            if hello.get("type") != "hello":
                raise ProtocolError(f"expected hello, got {hello.get('type')}: {hello}")
            self.report("WS", "case connect", read_ns - opened, len(raw), None)
            self.saved |= {(int(v), str(q)) for v, q in hello.get("answered", [])}
            self.case_count = int(hello.get("case_count", 0))
            if dropped_at is not None:
                self._resumed(read_ns - dropped_at)
            return self._converse(ws)

    def _resumed(self, down_ns: int) -> None:
        self.reconnects += 1
        self.report("WS", "case resume", down_ns, 0, None)
        pending = self.pending
        if pending is not None and pending.key in self.saved:
            # Saved before the drop, its ack lost: saved, not acknowledged.
            self.samples.write("case_saved_unacked", attempt=self.attempt_id, key=pending.key)
            self.pending = None
        self.resend = self.pending is not None
        self.goto_sent = None
        self.submit_sent = 0

    def _converse(self, ws: ClientConnection) -> str:
        while True:
            raw = ws.recv(timeout=RECV_TIMEOUT_S)
            read_ns = time.perf_counter_ns()
            msg: dict[str, Any] = orjson.loads(raw)
            kind = msg.get("type")
            if kind == "case":
                self._on_case(msg, read_ns)
            elif kind == "ack":
                self._on_ack(msg, read_ns, len(raw))
            elif kind == "paused":
                self.paused = True
                continue  # the same case comes again when the proctor resumes
            elif kind == "error":
                self._on_error(msg)
                if self.pending is not None or self.paused:
                    continue
            elif kind == "end":
                return self._end(msg, read_ns)
            else:
                raise ProtocolError(f"unexpected frame {kind}")
            self._next(ws)

    def _on_case(self, msg: dict[str, Any], read_ns: int) -> None:
        self.paused = False
        self.case = msg
        self.case_count = int(msg.get("case_count", self.case_count))
        version = int(msg["version"])
        self.saved |= {(version, str(q)) for q in msg.get("answers", {})}
        position = int(msg.get("position", 0))
        if self.goto_sent is not None and self.goto_sent[0] == position:
            self.report("WS", "case goto", read_ns - self.goto_sent[1], 0, None)
            if self.observer is not None:
                self.observer.acked("case", self.attempt_id, position, read_ns)
        self.goto_sent = None

    def _on_ack(self, msg: dict[str, Any], read_ns: int, length: int) -> None:
        pending = self.pending
        key = (int(msg.get("version", -1)), str(msg.get("question")))
        if pending is None or key != pending.key:
            self.report("WS", "case answer", 0, length, ProtocolError(f"unexpected ack {msg}"))
            return
        ack_ns = read_ns - pending.sent_ns
        self.pending = None
        self.saved.add(key)
        self.acked += 1
        self.report("WS", "case answer", ack_ns, length, None)
        self.samples.write(
            "case_answer",
            attempt=self.attempt_id,
            version=key[0],
            question=key[1],
            ack_ns=ack_ns,
            at_s=time.time(),
        )

    def _on_error(self, msg: dict[str, Any]) -> None:
        code = str(msg.get("code"))
        self.report("WS", "case answer", 0, 0, ProtocolError(f"{code}: {msg.get('message')}"))
        if code == "paused":
            self.paused = True  # the pending answer is sent again after the resume
            self.resend = self.pending is not None
        elif code in ("not_authenticated", "forbidden", "no_such_attempt", "already_connected"):
            raise ProtocolError(code)
        elif code == "not_saved":
            self.pending = None  # refused for good (the test is over, or not this test's)

    def _next(self, ws: ClientConnection) -> None:
        """Send what comes next: an answer, a move to the next case, or the hand-in."""
        case = self.case
        if case is None or self.paused:
            return
        version = int(case["version"])
        if self.pending is not None and self.resend:
            self.resend = False
            if self.pending.key[0] == version:
                self.pending.sent_ns = time.perf_counter_ns()
                ws.send(self.pending.frame)
                return
            self.pending = None  # another case is on screen: answer afresh
        if self.pending or self.goto_sent or self.submit_sent:
            return
        for question in case.get("questions", []):
            key = (version, str(question["key"]))
            if key in self.saved:
                continue
            think = self.think_s()
            if think > 0:
                time.sleep(think)
            frame = orjson.dumps(
                {
                    "type": "answer",
                    "version": version,
                    "question": key[1],
                    "answer": answer_for(question, self.rng),
                }
            ).decode()
            self.pending = _Pending(key, frame, time.perf_counter_ns())
            ws.send(frame)
            return
        position = int(case.get("position", 0))
        if position + 1 < self.case_count:
            self.goto_sent = (position + 1, time.perf_counter_ns())
            ws.send(orjson.dumps({"type": "goto", "position": position + 1}).decode())
            return
        self.submit_sent = time.perf_counter_ns()
        ws.send('{"type": "submit"}')

    def _end(self, msg: dict[str, Any], read_ns: int) -> str:
        if self.submit_sent:
            self.report("WS", "case hand-in", read_ns - self.submit_sent, 0, None)
        if self.observer is not None:
            self.observer.ended("case", self.attempt_id, read_ns)
        self.samples.write(
            "case_end",
            attempt=self.attempt_id,
            status=str(msg.get("status")),
            submitted_by=str(msg.get("submitted_by")),
            acked=self.acked,
            at_s=time.time(),
        )
        return str(msg.get("status", "submitted"))


class CaseTestUser(User):
    """A candidate who thinks about ``--case-think-s`` seconds before each answer."""

    paced = True
    wait_time = constant(1)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        options = environment.parsed_options
        self.think_mean_s = float(getattr(options, "case_think_s", 2.0)) if options else 2.0
        self.level = int(getattr(options, "case_level", 1)) if options else 1
        self.reconnect_s = float(getattr(options, "reconnect_s", 30.0)) if options else 30.0
        samples_dir = getattr(options, "samples_dir", "") if options else ""
        self.samples = SampleWriter(samples_dir or None, "examsrv")
        self.http: HttpSide | None = None
        self.done = False

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
        return self.think_mean_s * random.uniform(0.7, 1.3) if self.paced else 0.0

    def base_url(self) -> str:
        return (self.host or "http://127.0.0.1:8000").rstrip("/")

    def on_start(self) -> None:
        self.http = HttpSide(self.base_url(), take_account(self.environment), self.report)

    def on_stop(self) -> None:
        if self.http is not None:
            self.http.close()

    def attempt(self) -> tuple[int, str]:
        """The attempt to take and the session cookie: the account's, or one started now."""
        assert self.http is not None
        if not self.http.logged_in:
            self.samples.phase("login", self.http.login())
        attempt_id = self.http.account.attempt or self.http.start_case_test(self.level)
        cookie = self.http.cookie()
        self.http.close()
        return attempt_id, cookie

    @task
    def take_case_test(self) -> None:
        if self.done:
            time.sleep(1.0)
            return
        try:
            attempt_id, cookie = self.attempt()
        except Exception:  # already reported as a failed request
            time.sleep(1.0)
            return
        url = "ws" + self.base_url()[len("http") :] + f"/ws/case-test/{attempt_id}"
        conversation = CaseConversation(
            url,
            attempt_id,
            cookie=cookie,
            think_s=self.think_s,
            report=self.report,
            samples=self.samples,
            reconnect_for_s=self.reconnect_s,
            observer=LEDGER,
        )
        started = time.perf_counter_ns()
        try:
            outcome = conversation.run()
        except Exception as exc:
            self.report("WS", "case test", time.perf_counter_ns() - started, 0, exc)
            time.sleep(1.0)
            return
        self.report("WS", f"case test {outcome.status}", time.perf_counter_ns() - started)
        self.done = True
        LEDGER.candidate_done(self.environment, "case", attempt_id)


class UnpacedCaseTestUser(CaseTestUser):
    """Answers every question the moment its case is on screen."""

    paced = False
