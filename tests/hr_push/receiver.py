"""A real HR endpoint for tests: a threaded HTTP server on 127.0.0.1 that can be told to
fail, hang, drop the connection or answer garbage, and that applies each event once.

It counts raw requests and effects separately: an *effect* is an event applied by
the receiver, which (like a well-behaved HR system) verifies the signature and
ignores an event id it has already applied.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from examsrv.hr_push import signing

# What the receiver does with one request:
OK = "ok"  # apply, answer 200 with a small JSON body
FAIL = "500"  # apply nothing, answer 500
HANG = "hang"  # apply nothing, answer only after the client has given up
DROP = "drop"  # apply nothing, close the connection without an answer
GARBAGE = "garbage"  # apply, answer 200 with a body that is not JSON (nor UTF-8)
APPLY_THEN_DROP = "apply-then-drop"  # apply, then lose the answer (a crash after commit)
APPLY_THEN_FAIL = "apply-then-500"  # apply, then answer 500 (a proxy error after commit)


@dataclass
class Received:
    event_id: str
    kind: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class Receiver:
    secret: str
    now_s: Callable[[], float]
    script: list[str] = field(default_factory=list)  # behaviours for the next requests, in order
    default: str = OK
    requests: list[Received] = field(default_factory=list)
    effects: Counter[str] = field(default_factory=Counter)  # event id -> times applied
    applied: list[dict[str, Any]] = field(default_factory=list)  # envelopes, in order applied
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def behaviour(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def record(self, handler: BaseHTTPRequestHandler, body: bytes) -> Received:
        headers = {k: v for k, v in handler.headers.items()}
        ok = signing.verify(
            self.secret,
            body,
            headers.get(signing.TIMESTAMP_HEADER, ""),
            headers.get(signing.SIGNATURE_HEADER, ""),
            now_s=self.now_s(),
        )
        got = Received(
            headers.get(signing.EVENT_ID_HEADER, ""),
            headers.get(signing.EVENT_HEADER, ""),
            headers,
            body,
            ok,
        )
        with self._arrived:
            self.requests.append(got)
            self._arrived.notify_all()
        return got

    def apply(self, got: Received) -> None:
        """What an HR system does with a genuine event: once per event id."""
        if not got.signature_ok:
            return
        envelope = json.loads(got.body)
        with self._lock:
            if self.effects[envelope["id"]]:
                return  # a repeat of an event already applied: acknowledged, not re-applied
            self.effects[envelope["id"]] += 1
            self.applied.append(envelope)
        with self._arrived:
            self._arrived.notify_all()

    def wait_for_requests(self, n: int, timeout_s: float = 30) -> None:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.requests) >= n, timeout_s):
                raise AssertionError(f"{len(self.requests)} requests arrived, expected {n}")

    def wait_for_effects(self, n: int, timeout_s: float = 30) -> None:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.effects) >= n, timeout_s):
                raise AssertionError(f"{len(self.effects)} events applied, expected {n}")

    def raw_counts(self) -> Counter[str]:
        return Counter(r.event_id for r in self.requests)


def _handler(receiver: Receiver, hang_s: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got = receiver.record(self, body)
            what = receiver.behaviour()
            if what in (OK, GARBAGE, APPLY_THEN_DROP, APPLY_THEN_FAIL):
                receiver.apply(got)
            if what in (DROP, APPLY_THEN_DROP):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if what == HANG:
                receiver._release.wait(hang_s)  # longer than the deliverer's timeout
            status = 500 if what in (FAIL, APPLY_THEN_FAIL, HANG) else 200
            payload = b"\xff\xfe<not json" if what == GARBAGE else b'{"ok": true}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (a hang): nobody to answer
                self.wfile.write(payload)

    return Handler


@contextmanager
def running(receiver: Receiver, *, hang_s: float = 5.0) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver, hang_s))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/examsrv"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver._release.set()
        server.shutdown()
        server.server_close()
        thread.join()
