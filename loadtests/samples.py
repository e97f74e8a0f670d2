"""Raw per-event samples, written by each Locust process and read back by the report.

Locust's own statistics round response times into buckets, which hides what
matters here (sub-millisecond acknowledgement latency and timing error). So every
exchange is also written, unrounded, as one JSON line to ``samples-<pid>.jsonl``
in the samples directory. Lines are flushed as they are written, so a run that is
stopped early still leaves what it measured.

Kinds of line (all times in nanoseconds unless the key ends in ``_s``):

``answer``   one answer: ``attempt``, ``seq``, ``ack_ns`` (answer sent → ack read, or
             ``null`` when no ack came), ``interval_ns`` (task frame read → answer sent),
             ``at_s`` (wall clock when it was acknowledged), ``duplicate``, ``reconnected``
             (the task spanned a reconnect, so its interval is not comparable), and
             ``server_raw_ms`` when the server put its own time in the ack (the echo
             reference does; examsrv's time is read from its database).
``phase``    one step of starting a trial: ``name`` (``login``, ``start_to_first_task``…), ``ns``.
``resume``   a dropped connection: ``attempt``, ``ok``, ``down_ns``, ``answered`` (hello),
             ``pending`` (seq of an answer sent but not acknowledged, or ``null``).

Written by the room's users (``loadtests/case_user.py``, ``loadtests/proctor_user.py``);
readers of the kinds above ignore them:

``case_answer``   one acknowledged case-test answer: ``attempt``, ``version``, ``question``,
                  ``ack_ns`` (answer sent → ack read), ``at_s``.
``case_saved_unacked``  an answer saved before a drop whose ack was lost: ``attempt``, ``key``.
``case_end``      a case test handed in: ``attempt``, ``status``, ``submitted_by``, ``acked``,
                  ``at_s``.
``console_connect``  a proctor's console: ``proctor``, ``ns`` (handshake → hello), ``rows``.
``console``       one console lag: ``proctor``, ``what`` (``update``: a candidate's progress;
                  ``finish``: the end of their test), ``attempt_kind``, ``attempt``, ``seat``,
                  ``progress``, ``lag_ns`` (candidate read its frame → console read the row;
                  negative when the console was first), ``at_s``.
``console_summary``  a proctor user at the end: ``frames`` (count by type), matched
                  updates and finishes, acknowledged progress the console never showed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

_files: dict[tuple[int, Path], IO[bytes]] = {}  # one per process and directory, shared


def _shared_file(directory: Path) -> IO[bytes]:
    """This process's samples file in ``directory``, opened once for every user.

    Thousands of users each holding their own handle ran a Locust process out of file
    descriptors (5,000 users: 20,000 with their sockets). Lines are written whole and
    flushed, and Locust's users are greenlets of one thread, so sharing is safe.
    """
    key = (os.getpid(), directory)  # a forked process opens its own
    file = _files.get(key)
    if file is None:
        directory.mkdir(parents=True, exist_ok=True)
        file = _files[key] = open(directory / f"samples-{key[0]}.jsonl", "ab")  # noqa: SIM115
    return file


class SampleWriter:
    """Appends sample lines to this process's file; a no-op without a directory."""

    def __init__(self, directory: str | Path | None, target: str) -> None:
        self.target = target
        self._directory = Path(directory) if directory else None

    def write(self, kind: str, **fields: Any) -> None:
        if self._directory is None:
            return
        file = _shared_file(self._directory)
        file.write(orjson.dumps({"kind": kind, "target": self.target, **fields}) + b"\n")
        file.flush()

    def answer(
        self,
        *,
        attempt: int,
        seq: int,
        ack_ns: int | None,
        interval_ns: int,
        duplicate: bool,
        reconnected: bool,
        server_raw_ms: float | None,
    ) -> None:
        self.write(
            "answer",
            attempt=attempt,
            seq=seq,
            ack_ns=ack_ns,
            interval_ns=interval_ns,
            at_s=time.time(),
            duplicate=duplicate,
            reconnected=reconnected,
            server_raw_ms=server_raw_ms,
        )

    def phase(self, name: str, ns: int) -> None:
        self.write("phase", name=name, ns=ns, at_s=time.time())

    def close(self) -> None:
        """Nothing to release: the file is shared and flushed after every line."""


def read_samples(directory: str | Path) -> Iterator[dict[str, Any]]:
    """Every sample line of every process, in no particular order."""
    for path in sorted(Path(directory).glob("samples-*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                if line.strip():
                    try:
                        yield orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue  # a line cut short by a killed process
