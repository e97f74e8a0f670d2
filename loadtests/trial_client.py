"""A client of the lookup-trial protocol (docs/protocol.md), independent of Locust.

It logs in over HTTP, starts (or finds) an attempt, and takes the trial over the
websocket: it answers pings at once, answers every task (after a think time, for a
paced candidate), waits for each acknowledgement, and after a dropped connection
reconnects and resumes as the protocol says. Every exchange is handed to a
``Report`` callback (the Locust user turns it into a request event) and, unrounded,
to a ``SampleWriter``.

The websocket is ``websockets.sync.client``: blocking socket I/O that gevent's
monkey-patching (which Locust applies on import) makes cooperative, so thousands of
these clients share one Locust process.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
import requests
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from loadtests.samples import SampleWriter

SESSION_COOKIE = "examsrv_session"
RECV_TIMEOUT_S = 30.0
OPEN_TIMEOUT_S = 20.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ATTEMPT = re.compile(r"/trial/(\d+)$")
_CASE_ATTEMPT = re.compile(r"/case-test/(\d+)$")
# What a dropped or refused connection raises: the server went away or is not back yet.
CONNECTION_ERRORS = (ConnectionClosed, InvalidHandshake, OSError, TimeoutError, EOFError)


class Report(Protocol):
    def __call__(
        self,
        request_type: str,
        name: str,
        elapsed_ns: int,
        length: int = 0,
        error: BaseException | None = None,
    ) -> None: ...


class Observer(Protocol):
    """Told of each acknowledged answer and of the end, with the time the frame was read.

    The room's proctor users match these against what their consoles show.
    """

    def acked(self, kind: str, attempt: int, progress: int, read_ns: int) -> None: ...

    def ended(self, kind: str, attempt: int, read_ns: int) -> None: ...


class ProtocolError(Exception):
    """The server answered with an ``error`` frame or an unexpected frame or status."""


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    cookie: str = ""  # a session cookie made in advance: no login needed
    csrf: str = ""  # the CSRF token inside that cookie's session
    attempt: int = 0  # an attempt opened for this candidate in advance (a sitting's seat)


class HttpSide:
    """Logging in and starting an attempt over HTTP, each request reported."""

    def __init__(self, base_url: str, account: Account, report: Report) -> None:
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.report = report
        self.http = requests.Session()
        self.csrf = account.csrf
        if account.cookie:
            self.http.cookies.set(SESSION_COOKIE, account.cookie)

    @property
    def logged_in(self) -> bool:
        return bool(self.http.cookies.get(SESSION_COOKIE)) and bool(self.csrf)

    def cookie(self) -> str:
        return self.http.cookies.get(SESSION_COOKIE) or ""

    def _request(self, method: str, path: str, name: str, **kw: Any) -> requests.Response:
        started = time.perf_counter_ns()
        error: BaseException | None = None
        response: requests.Response | None = None
        try:
            response = self.http.request(
                method, self.base_url + path, allow_redirects=False, timeout=60, **kw
            )
            if response.status_code >= 400:
                error = ProtocolError(f"HTTP {response.status_code}")
        except requests.RequestException as exc:
            error = exc
        elapsed = time.perf_counter_ns() - started
        length = len(response.content) if response is not None else 0
        self.report("HTTP", name, elapsed, length, error)
        if error is not None:
            raise error
        assert response is not None
        return response

    def login(self) -> int:
        """Log in through the form; return the nanoseconds the POST took."""
        page = self._request("GET", "/login", "GET /login")
        token = _csrf_of(page.text)
        started = time.perf_counter_ns()
        response = self._request(
            "POST",
            "/login",
            "POST /login",
            data={
                "username": self.account.username,
                "password": self.account.password,
                "csrf_token": token,
            },
        )
        elapsed = time.perf_counter_ns() - started
        if response.status_code != 303:
            raise ProtocolError(f"login answered {response.status_code}")
        home = self._request("GET", "/trial", "GET /trial")
        self.csrf = _csrf_of(home.text)
        return elapsed

    def start_attempt(self) -> int:
        response = self._request(
            "POST", "/trial/start", "POST /trial/start", data={"csrf_token": self.csrf}
        )
        match = _ATTEMPT.search(response.headers.get("location", ""))
        if response.status_code != 303 or match is None:
            raise ProtocolError(f"start answered {response.status_code}")
        return int(match.group(1))

    def start_case_test(self, level: int) -> int:
        """Start (or find) a case test of ``level`` outside a sitting; its attempt id."""
        response = self._request(
            "POST",
            "/case-test/start",
            "POST /case-test/start",
            data={"csrf_token": self.csrf, "level": str(level)},
        )
        match = _CASE_ATTEMPT.search(response.headers.get("location", ""))
        if response.status_code != 303 or match is None:
            raise ProtocolError(f"case-test start answered {response.status_code}")
        return int(match.group(1))

    def close(self) -> None:
        self.http.close()


def _csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise ProtocolError("no csrf_token on the page")
    return match.group(1)


@dataclass
class _Pending:
    """An answer sent and not yet acknowledged."""

    seq: int
    frame: str
    sent_ns: int
    interval_ns: int
    reconnected: bool


@dataclass
class TrialOutcome:
    status: str  # finished or expired, as the server's end frame says
    acked: int
    reconnects: int


class TrialConversation:
    """One attempt, taken over the websocket from where it stands to its end."""

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
        answer_text: str = "不清楚",
        observer: Observer | None = None,
    ) -> None:
        self.ws_url = ws_url
        self.attempt_id = attempt_id
        self.cookie = cookie
        self.think_s = think_s
        self.report = report
        self.samples = samples
        self.reconnect_for_s = reconnect_for_s
        self.answer_text = answer_text
        self.observer = observer
        self.pending: _Pending | None = None
        self.acked = 0
        self.reconnects = 0
        self._started_ns: int | None = None
        self._first_task_seen = False
        self._last_ack_ns = 0
        self._reconnected_seq: int | None = None  # a task that was on screen at a drop

    def run(self, started_ns: int | None = None) -> TrialOutcome:
        """Take the trial. ``started_ns`` is when the candidate pressed start."""
        self._started_ns = started_ns
        dropped_at: int | None = None
        while True:
            try:
                status = self._connect_and_converse(dropped_at)
                return TrialOutcome(status, self.acked, self.reconnects)
            except CONNECTION_ERRORS as exc:
                now = time.perf_counter_ns()
                if dropped_at is None:
                    self.report("WS", "connection lost", 0, 0, exc)
                    dropped_at = now
                if self.reconnect_for_s <= 0 or now - dropped_at > self.reconnect_for_s * 1e9:
                    self.samples.write(
                        "resume",
                        attempt=self.attempt_id,
                        ok=False,
                        down_ns=now - dropped_at,
                        answered=None,
                        pending=self.pending.seq if self.pending else None,
                    )
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
            ping_interval=None,  # the server's protocol pings are enough on loopback
            max_size=2**20,
        )

    def _connect_and_converse(self, dropped_at: int | None) -> str:
        opened = time.perf_counter_ns()
        with self._open() as ws:
            hello = self._recv(ws)
            connected = time.perf_counter_ns()
            if hello["type"] == "end":
                return str(hello.get("status", "finished"))
            if hello["type"] != "hello":
                raise ProtocolError(f"expected hello, got {hello}")
            self.report("WS", "connect", connected - opened, 0, None)
            if dropped_at is not None:
                self._resumed(hello, connected - dropped_at)
            return self._converse(ws, connected)

    def _resumed(self, hello: dict[str, Any], down_ns: int) -> None:
        self.reconnects += 1
        answered = int(hello.get("answered", 0))
        pending = self.pending.seq if self.pending else None
        self.samples.write(
            "resume",
            attempt=self.attempt_id,
            ok=True,
            down_ns=down_ns,
            answered=answered,
            pending=pending,
        )
        self.report("WS", "resume", down_ns, 0, None)
        if self.pending is not None and self.pending.seq <= answered:
            # Saved before the drop, but its ack was lost: it counts as saved, not acked.
            self.samples.write("saved_unacked", attempt=self.attempt_id, seq=self.pending.seq)
            self.pending = None
        self._reconnected_seq = answered + 1

    def _recv(self, ws: ClientConnection) -> dict[str, Any]:
        raw = ws.recv(timeout=RECV_TIMEOUT_S)
        msg: dict[str, Any] = orjson.loads(raw)
        return msg

    def _converse(self, ws: ClientConnection, connected_ns: int) -> str:
        while True:
            raw = ws.recv(timeout=RECV_TIMEOUT_S)
            read_ns = time.perf_counter_ns()  # before parsing, as the server does
            msg: dict[str, Any] = orjson.loads(raw)
            kind = msg.get("type")
            if kind == "ping":
                ws.send(orjson.dumps({"type": "pong", "id": msg.get("id")}).decode())
            elif kind == "task":
                self._on_task(ws, msg, read_ns, connected_ns)
            elif kind == "ack":
                self._on_ack(msg, read_ns, len(raw))
            elif kind == "error":
                self._on_error(ws, msg)
            elif kind == "end":
                if self.observer is not None:
                    self.observer.ended("lookup", self.attempt_id, read_ns)
                if self._last_ack_ns:
                    self.report("WS", "end", read_ns - self._last_ack_ns, len(raw), None)
                return str(msg.get("status", "finished"))
            else:
                raise ProtocolError(f"unexpected frame {msg}")

    def _on_task(
        self, ws: ClientConnection, msg: dict[str, Any], read_ns: int, connected_ns: int
    ) -> None:
        seq = int(msg["seq"])
        if not self._first_task_seen:
            self._first_task_seen = True
            self.report("WS", "first task", read_ns - connected_ns, 0, None)
            if self._started_ns is not None:
                self.samples.phase("start_to_first_task", read_ns - self._started_ns)
                self.report("WS", "start → first task", read_ns - self._started_ns, 0, None)
        if self.pending is not None and self.pending.seq == seq:
            # Not saved before the connection dropped: send the same answer again.
            self.pending.sent_ns = time.perf_counter_ns()
            self.pending.reconnected = True
            ws.send(self.pending.frame)
            return
        think = self.think_s()
        if think > 0:
            time.sleep(think)
        frame = orjson.dumps({"type": "answer", "seq": seq, "answer": self.answer_text}).decode()
        sent_ns = time.perf_counter_ns()
        reconnected = bool(msg.get("resumed")) or self._reconnected_seq == seq
        self.pending = _Pending(seq, frame, sent_ns, sent_ns - read_ns, reconnected)
        ws.send(frame)

    def _on_ack(self, msg: dict[str, Any], read_ns: int, length: int) -> None:
        pending = self.pending
        if pending is None or int(msg.get("seq", -1)) != pending.seq:
            self.report("WS", "answer", 0, length, ProtocolError(f"unexpected ack {msg}"))
            return
        ack_ns = read_ns - pending.sent_ns
        self.pending = None
        self.acked += 1
        self._last_ack_ns = read_ns
        raw_ms = msg.get("raw_ms")
        self.samples.answer(
            attempt=self.attempt_id,
            seq=pending.seq,
            ack_ns=ack_ns,
            interval_ns=pending.interval_ns,
            duplicate=bool(msg.get("duplicate")),
            reconnected=pending.reconnected,
            server_raw_ms=float(raw_ms) if isinstance(raw_ms, int | float) else None,
        )
        self.report("WS", "answer", ack_ns, length, None)
        if self.observer is not None and not msg.get("duplicate"):
            self.observer.acked("lookup", self.attempt_id, pending.seq, read_ns)

    def _on_error(self, ws: ClientConnection, msg: dict[str, Any]) -> None:
        code = str(msg.get("code"))
        self.report("WS", "answer", 0, 0, ProtocolError(code))
        if code == "not_saved" and self.pending is not None:
            self.pending.sent_ns = time.perf_counter_ns()
            ws.send(self.pending.frame)
        elif code in ("not_authenticated", "forbidden", "no_such_attempt", "already_connected"):
            raise ProtocolError(code)
