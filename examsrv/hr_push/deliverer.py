"""The deliverer: a background thread that POSTs due outbox events to the HR endpoint.

Each event is claimed (leased) in one short transaction, sent with no transaction
open, and settled in another, so a slow endpoint never holds a database lock.
Outcomes:

* a 2xx status: delivered, whatever the response body holds (the body is only
  kept, shortened, for the log; the HR system's answer carries no meaning);
* any other status (redirects are not followed), a timeout, a refused or dropped
  connection: failed, tried again after the backoff of ``backoff.py``, and
  parked after ``hr_webhook_max_attempts`` tries for an administrator to replay.

Delivery is at least once: a process stopped between the POST and the settling
commit leaves the event leased, and once the lease ends another sweep sends it
again with the same event id. A receiver that ignores event ids it has already
processed therefore applies every event exactly once.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from datetime import datetime, timedelta

import httpx2
from sqlalchemy import Engine

from examsrv.clock import Clock
from examsrv.hr_push import backoff, signing
from examsrv.persistence.engine import session_scope
from examsrv.persistence.outbox import TryRecord, body_of, claim_due, settle
from examsrv.persistence.outbox_tables import OutboxEvent, OutboxStatus
from examsrv.settings import Settings

log = logging.getLogger(__name__)

POLL_S = 5.0  # how often the thread looks for due events
LEASE_MARGIN_S = 60.0  # a claim lasts the timeout plus this, then another sweep may retry
SWEEP_MAX = 500  # events one sweep handles before it lets ``stop`` be seen
EXCERPT_BYTES = 300


class Deliverer:
    """Sends due events from the outbox. ``start``/``stop`` run it in a thread;
    ``deliver_due`` does one sweep in the caller's thread (tests call it directly)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Clock,
        *,
        rng: random.Random | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()
        self.poll_s = poll_s
        self.owner = uuid.uuid4().hex  # this deliverer's lease token
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def lease_s(self) -> float:
        return self.settings.hr_webhook_timeout_s + LEASE_MARGIN_S

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.settings.hr_webhook_url and not self.settings.hr_webhook_secret:
            log.warning("EXAMSRV_HR_WEBHOOK_SECRET is empty: HR webhooks are sent unsigned")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hr-webhook-deliverer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the try under way, if any (it is settled, not abandoned)."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join(timeout=self.settings.hr_webhook_timeout_s * 2 + 5)
        if thread.is_alive():
            log.warning("the HR webhook deliverer did not stop in time; its lease will lapse")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due(self.clock.now())
            except Exception:  # keep going; the next sweep retries
                log.exception("HR webhook sweep failed")
            self._stop.wait(self.poll_s)

    def deliver_due(self, now: datetime) -> int:
        """Try every event due at ``now`` (or at the clock's time, if later: a sweep can
        take a while), once each; returns how many were delivered.

        Does nothing while ``hr_webhook_url`` is empty: events wait in the outbox.
        """
        url = self.settings.hr_webhook_url
        if not url:
            return 0
        delivered = 0
        client: httpx2.Client | None = None  # made at the first due event, not every sweep
        try:
            for _ in range(SWEEP_MAX):
                # A long sweep (slow endpoint) must not hand out leases that already lapsed.
                at = max(now, self.clock.now())
                with session_scope(self.engine) as s:
                    claimed = claim_due(s, now=at, owner=self.owner, lease_s=self.lease_s)
                if not claimed:
                    break
                event = claimed[0]
                if client is None:
                    timeout = httpx2.Timeout(self.settings.hr_webhook_timeout_s)
                    client = httpx2.Client(timeout=timeout, follow_redirects=False)
                record = self._send(client, url, event)
                wait = backoff.delay_s(event.attempts + 1, self.rng)
                with session_scope(self.engine) as s:
                    status = settle(
                        s,
                        event.id or 0,
                        owner=self.owner,
                        record=record,
                        now=at,
                        retry_at=at + timedelta(seconds=wait),
                        max_attempts=max(1, self.settings.hr_webhook_max_attempts),
                    )
                if status == OutboxStatus.DELIVERED:
                    delivered += 1
                elif status == OutboxStatus.PARKED:
                    log.warning("HR webhook %s parked: %s", event.event_id, record.error)
                if self._stop.is_set():
                    break
        finally:
            if client is not None:
                client.close()
        return delivered

    def _send(self, client: httpx2.Client, url: str, event: OutboxEvent) -> TryRecord:
        payload = body_of(event)
        started = self.clock.now()
        timestamp = int(started.timestamp())
        headers = signing.headers(
            event_id=event.event_id,
            kind=event.kind,
            timestamp=timestamp,
            payload=payload,
            secret=self.settings.hr_webhook_secret,
        )
        began_ns = self.clock.monotonic_ns()
        status: int | None = None
        excerpt, error = "", ""
        try:
            with client.stream("POST", url, content=payload, headers=headers) as response:
                status = response.status_code
                excerpt = _excerpt(response)
        except httpx2.TimeoutException:
            error = f"no answer within {self.settings.hr_webhook_timeout_s:g} s"
        except httpx2.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bad URL or anything else: logged on the event, retried
            error = f"{type(exc).__name__}: {exc}"
        delivered = status is not None and 200 <= status < 300
        if status is not None and not delivered:
            error = f"HTTP {status}"
        return TryRecord(
            started_at=started,
            duration_ms=(self.clock.monotonic_ns() - began_ns) / 1e6,
            url=url,
            delivered=delivered,
            http_status=status,
            error=error,
            response_excerpt=excerpt,
            timestamp=str(timestamp),
            body=payload.decode("utf-8"),
        )


def _excerpt(response: httpx2.Response) -> str:
    """The start of the response body, for the log. The status has already decided the
    outcome, so a body that cannot be read is noted, not counted as a failure."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= EXCERPT_BYTES:
                break
    except httpx2.HTTPError as exc:
        chunks.append(f" [body unreadable: {type(exc).__name__}]".encode())
    return b"".join(chunks)[:EXCERPT_BYTES].decode("utf-8", errors="replace")
