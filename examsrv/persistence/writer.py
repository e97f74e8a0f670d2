"""The durable answer writer: every trial answer goes through here.

Answers arrive from many websocket handlers at once. Committing each in its own
transaction would cost one fsync per answer; instead a single writer thread
drains whatever is waiting (up to ``batch_max``), inserts it in one transaction,
commits, and only then wakes the handlers, which acknowledge to the candidate.
So an acknowledged answer is always on disk, and the event loop never blocks on
the database.

A row that collides with an answer already stored for the same (attempt, seq)
is ignored by the database (``ON CONFLICT DO NOTHING``): the first answer wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from examsrv.persistence.models import TrialAnswer

log = logging.getLogger(__name__)
_STOP = object()


@dataclass
class _Pending:
    row: dict[str, Any]
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop = field(repr=False)


class AnswerWriter:
    """Group-commits answer rows on a dedicated thread."""

    def __init__(self, engine: Engine, batch_max: int = 512) -> None:
        self._engine = engine
        self._batch_max = batch_max
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        table = TrialAnswer.__table__  # type: ignore[attr-defined]
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert(table).on_conflict_do_nothing(
            index_elements=["attempt_id", "seq"]
        )
        self.batches = 0
        self.rows = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="answer-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._thread = None

    async def save(self, row: dict[str, Any]) -> None:
        """Return once ``row`` is committed; raise if the commit failed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Pending(row, future, loop))
        await future

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch: list[_Pending] = [first]
            stop_after = False
            while len(batch) < self._batch_max:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop_after = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop_after:
                return

    def _commit(self, batch: Sequence[_Pending]) -> None:
        error: BaseException | None = None
        try:
            with self._engine.begin() as conn:
                conn.execute(self._insert, [p.row for p in batch])
            self.batches += 1
            self.rows += len(batch)
        except Exception as exc:  # reported to every waiting handler
            log.exception("answer batch of %d failed", len(batch))
            error = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
        for p in batch:
            by_loop.setdefault(p.loop, []).append(p)
        for loop, items in by_loop.items():
            # RuntimeError: the loop has closed, so nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, items, error)


def _settle(items: Sequence[_Pending], error: BaseException | None) -> None:
    for p in items:
        if p.future.done():
            continue
        if error is None:
            p.future.set_result(None)
        else:
            p.future.set_exception(error)
