"""A Locust user that watches a proctored sitting's console (docs/protocol.md).

``ProctorUser`` takes one proctor account from ``--proctors-file`` (JSON lines of
``username``, ``cookie``, ``csrf`` and ``sitting``, the session signed in advance with the
server's key, as ``loadtests.room`` writes them), opens ``/ws/proctor/{sitting}`` with an
``Origin`` naming the server, as the console page does, and keeps watching until the run
ends. It reports, with request type ``WS``:

- ``console connect``: handshake → the ``hello`` frame with every row;
- ``console update``: the **console lag**. A candidate user of the same Locust process
  writes into ``loadtests.room_ledger.LEDGER`` when it read the acknowledgement of an
  answer (its own monotonic clock: the process's greenlets share it); when this console
  then reads the frame showing that progress (a lookup ``progress`` frame with that many
  answers, or a case-test row whose position has reached that case), the difference is
  the lag. When the console's frame comes first, the lag is negative: it is kept signed in
  the raw samples and reported to Locust as 0;
- ``console finish``: the candidate read ``end`` → the console read the row ``finished``;
- ``console snapshot``: every ``--snapshot-every-s`` seconds (0: never) it asks for a
  ``snapshot``, the one harmless action of the console, and times the answer.

Nobody is paused, voided or moved. Frames are counted by type; at the end each user writes
a ``console_summary`` sample: frames, matched updates, and the candidates' acknowledged
progress this console never showed.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from typing import Any

import orjson
from locust import User, constant, events, task
from locust.env import Environment
from locust.exception import StopUser
from websockets.sync.client import ClientConnection, connect

from loadtests.room_ledger import LEDGER
from loadtests.samples import SampleWriter
from loadtests.trial_client import CONNECTION_ERRORS, OPEN_TIMEOUT_S, SESSION_COOKIE

END_MARGIN_S = 15.0  # progress acknowledged this close to the end may still be in flight
_lock = threading.Lock()
_counter = itertools.count()
_proctors: list[dict[str, Any]] | None = None


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--proctors-file",
        default="",
        help="JSON lines of proctor sessions (username, cookie, csrf, sitting).",
    )
    parser.add_argument(
        "--snapshot-every-s",
        type=float,
        default=30.0,
        help="Proctor users ask the console for a snapshot this often (s); 0: never.",
    )


class ConsoleRefused(Exception):
    """The console answered with an error frame instead of its rows."""


def take_proctor(environment: Environment) -> dict[str, Any]:
    global _proctors
    options = environment.parsed_options
    with _lock:
        if _proctors is None:
            path = getattr(options, "proctors_file", "") if options else ""
            if not path:
                raise StopUser("ProctorUser needs --proctors-file")
            with open(path, "rb") as f:
                _proctors = [orjson.loads(line) for line in f if line.strip()]
        index = next(_counter)
    if index >= len(_proctors):
        raise StopUser(f"only {len(_proctors)} proctor accounts: user {index + 1} has none")
    return _proctors[index]


class ProctorUser(User):
    """Watches one sitting's console and measures how soon it shows the candidates."""

    fixed_count = 1  # loadtests.room sets it to --proctors (--config-users)
    wait_time = constant(1)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        options = environment.parsed_options
        self.snapshot_every_s = (
            float(getattr(options, "snapshot_every_s", 30.0)) if options else 30.0
        )
        samples_dir = getattr(options, "samples_dir", "") if options else ""
        self.samples = SampleWriter(samples_dir or None, "examsrv")
        self.account: dict[str, Any] = {}
        self.ws: ClientConnection | None = None
        self.seats: dict[int, tuple[str, int]] = {}  # seat -> (attempt kind, attempt)
        self.frames: dict[str, int] = {}
        self.matched: set[tuple[str, int, int]] = set()  # (kind, attempt, progress)
        self.finished: set[tuple[str, int]] = set()
        self.early: dict[tuple[str, int, int], tuple[int, int]] = {}  # key -> (read ns, seat)
        self.early_finish: dict[tuple[str, int], tuple[int, int]] = {}
        self.lags = {"update": 0, "finish": 0}

    def report(self, name: str, elapsed_ns: int, error: BaseException | None = None) -> None:
        self.environment.events.request.fire(
            request_type="WS",
            name=name,
            response_time=max(elapsed_ns, 0) / 1e6,
            response_length=0,
            exception=error,
            context={},
        )

    def base_url(self) -> str:
        return (self.host or "http://127.0.0.1:8000").rstrip("/")

    def on_start(self) -> None:
        self.account = take_proctor(self.environment)

    def on_stop(self) -> None:
        self._resolve_early()
        self._close()
        self._summary()

    @task
    def watch(self) -> None:
        sitting = int(self.account["sitting"])
        url = "ws" + self.base_url()[len("http") :] + f"/ws/proctor/{sitting}"
        headers = {
            "Cookie": f"{SESSION_COOKIE}={self.account['cookie']}",
            "Origin": self.base_url(),
        }
        opened = time.perf_counter_ns()
        try:
            self.ws = connect(
                url,
                additional_headers=headers,
                compression=None,
                open_timeout=OPEN_TIMEOUT_S,
                close_timeout=2,
                ping_interval=None,
                max_size=2**24,
                max_queue=None,  # no flow control: see _close
            )
            self._watch(self.ws, opened)
        except CONNECTION_ERRORS as exc:
            self.report("console connection lost", 0, exc)
        except ConsoleRefused as exc:
            self.report("console connect", time.perf_counter_ns() - opened, exc)
            time.sleep(1.0)
        finally:
            self._close()

    def _close(self) -> None:
        """Close the console's socket without pulling its fd from under a waiting greenlet.

        ``websockets.sync`` reads in a thread (a greenlet here) that loops on ``select``.
        If another greenlet closes the fd while that reader is between two ``select``
        calls (busy with a burst of frames, or held by the flow control of a full queue),
        its next ``select`` aborts the whole process in libev (``epoll_ctl``: bad fd). So
        the queue is unbounded (``max_queue=None``), and the socket is shut down first,
        which wakes the reader: it reads the end of the stream and closes the fd itself.
        """
        ws, self.ws = self.ws, None
        if ws is None:
            return
        with contextlib.suppress(OSError):
            ws.socket.shutdown(socket.SHUT_RDWR)
        ws.recv_events_thread.join(5)
        ws.close()

    def _watch(self, ws: ClientConnection, opened_ns: int) -> None:
        # The server forwards live events while it builds the first hello, so frames may
        # come before it: they are kept and applied after the hello's rows.
        before_hello: list[tuple[dict[str, Any], int]] | None = []
        next_snapshot = time.monotonic() + self.snapshot_every_s
        snapshot_sent = 0
        while True:
            due = self.snapshot_every_s > 0 and time.monotonic() >= next_snapshot
            if due and not snapshot_sent and before_hello is None:
                snapshot_sent = time.perf_counter_ns()
                ws.send('{"type": "snapshot"}')
            try:
                raw = ws.recv(timeout=1.0 if before_hello is None else 60.0)
            except TimeoutError:
                if before_hello is not None:
                    raise
                self._resolve_early()
                continue
            read_ns = time.perf_counter_ns()
            msg: dict[str, Any] = orjson.loads(raw)
            kind = str(msg.get("type"))
            self.frames[kind] = self.frames.get(kind, 0) + 1
            if kind == "error":
                self.report("console error", 0, ConsoleRefused(str(msg.get("code"))))
                if before_hello is not None:
                    raise ConsoleRefused(f"console refused: {msg}")
            elif kind == "hello":
                self._rows(msg.get("rows", []), live=False)
                if before_hello is not None:
                    self._connected(read_ns - opened_ns, len(msg.get("rows", [])))
                    for early_msg, early_ns in before_hello:
                        self._live(early_msg, early_ns)
                    before_hello = None
                elif snapshot_sent:
                    self.report("console snapshot", read_ns - snapshot_sent)
                    snapshot_sent = 0
                    next_snapshot = time.monotonic() + self.snapshot_every_s
            elif before_hello is not None:
                before_hello.append((msg, read_ns))
                self.frames["before hello"] = self.frames.get("before hello", 0) + 1
            else:
                self._live(msg, read_ns)
            if self.early or self.early_finish:
                self._resolve_early()

    def _connected(self, elapsed_ns: int, rows: int) -> None:
        self.report("console connect", elapsed_ns)
        self.samples.write(
            "console_connect",
            proctor=self.account["username"],
            ns=elapsed_ns,
            rows=rows,
            at_s=time.time(),
        )

    def _live(self, msg: dict[str, Any], read_ns: int) -> None:
        kind = msg.get("type")
        if kind == "progress":
            self._progress(msg, read_ns)
        elif kind == "seat":
            self._rows([msg.get("row") or {}], live=True, read_ns=read_ns)
        elif kind == "rows":
            self._rows(msg.get("rows", []), live=True, read_ns=read_ns)

    def _rows(self, rows: list[dict[str, Any]], *, live: bool, read_ns: int = 0) -> None:
        for row in rows:
            seat, attempt = row.get("seat"), row.get("attempt")
            if not isinstance(seat, int) or not isinstance(attempt, int):
                continue
            kind = str(row.get("attempt_kind"))
            self.seats[seat] = (kind, attempt)
            if not live:
                continue  # a snapshot shows what happened, not when
            if row.get("state") == "finished":
                self._finish(kind, attempt, seat, read_ns)
            elif kind == "case" and int(row.get("answered") or 0) > 0:
                self._update(kind, attempt, int(row["answered"]), seat, read_ns)

    def _progress(self, msg: dict[str, Any], read_ns: int) -> None:
        seat = msg.get("seat")
        known = self.seats.get(seat) if isinstance(seat, int) else None
        if known is None or not isinstance(seat, int):
            return
        self._update(known[0], known[1], int(msg.get("answered") or 0), seat, read_ns)

    def _update(self, kind: str, attempt: int, progress: int, seat: int, read_ns: int) -> None:
        key = (kind, attempt, progress)
        if key in self.matched or key in self.early:
            return
        at = LEDGER.progress_at(kind, attempt, progress)
        if at is None:
            self.early[key] = (read_ns, seat)
            return
        self._record("update", key, seat, read_ns - at)

    def _finish(self, kind: str, attempt: int, seat: int, read_ns: int) -> None:
        key = (kind, attempt)
        if key in self.finished or key in self.early_finish:
            return
        at = LEDGER.finished_at(kind, attempt)
        if at is None:
            self.early_finish[key] = (read_ns, seat)
            return
        self._record("finish", (kind, attempt, -1), seat, read_ns - at)

    def _resolve_early(self) -> None:
        """Frames read before the candidate read its own: their lag is negative."""
        for key, (read_ns, seat) in list(self.early.items()):
            at = LEDGER.progress_at(*key)
            if at is not None:
                del self.early[key]
                self._record("update", key, seat, read_ns - at)
        for fkey, (read_ns, seat) in list(self.early_finish.items()):
            at = LEDGER.finished_at(*fkey)
            if at is not None:
                del self.early_finish[fkey]
                self._record("finish", (*fkey, -1), seat, read_ns - at)

    def _record(self, what: str, key: tuple[str, int, int], seat: int, lag_ns: int) -> None:
        kind, attempt, progress = key
        if what == "update":
            self.matched.add(key)
        else:
            self.finished.add((kind, attempt))
        self.lags[what] += 1
        self.report(f"console {what}", lag_ns)
        self.samples.write(
            "console",
            proctor=self.account.get("username", ""),
            what=what,
            attempt_kind=kind,
            attempt=attempt,
            seat=seat,
            progress=progress,
            lag_ns=lag_ns,
            at_s=time.time(),
        )

    def _summary(self) -> None:
        watched = set(self.seats.values())
        # What a candidate read in the last seconds may still be on its way to the console
        # when a run is cut short (--run-time): counted apart, not as never shown.
        recent = time.perf_counter_ns() - int(END_MARGIN_S * 1e9)
        shown = self.matched | set(self.early)
        acked = [k for k, at in LEDGER.progress.items() if (k[0], k[1]) in watched]
        late = [k for k in acked if LEDGER.progress[k] > recent and k not in shown]
        ended = [k for k in LEDGER.finish if k in watched]
        self.samples.write(
            "console_summary",
            proctor=self.account.get("username", ""),
            frames=self.frames,
            updates_matched=len(self.matched),
            finishes_matched=len(self.finished),
            unmatched_console_frames=len(self.early) + len(self.early_finish),
            progress_acked=len(acked),
            progress_never_shown=sum(1 for k in acked if k not in shown) - len(late),
            progress_in_flight_at_end=len(late),
            in_flight_margin_s=END_MARGIN_S,
            ends=len(ended),
            ends_never_shown=sum(1 for k in ended if k not in self.finished),
            at_s=time.time(),
        )
