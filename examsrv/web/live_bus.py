"""Live events between the connections of a sitting, in one process or across several.

Two things travel on the bus:

* **events** on a channel (``sitting:<id>`` for proctor consoles and waiting rooms,
  ``attempt:<kind>:<id>`` for the one connection of an attempt): small JSON objects
  that tell a connection something happened. The state itself is in the database;
  an event only says "look again" or carries a progress figure for display;
* **claims** on an attempt: the rule that an attempt has one live connection at a
  time, whichever process holds it. A claim is a token with a time to live that its
  holder refreshes, so a process that dies frees its attempts within the TTL.

``LocalBus`` serves a single process. ``RedisBus`` (``EXAMSRV_REDIS_URL``) shares
both through Redis publish/subscribe and keys with expiry, so a proctor on one
process sees and controls candidates connected to another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

import orjson

log = logging.getLogger(__name__)
QUEUE_MAX = 1000  # events held for a slow subscriber before the oldest are dropped
PREFIX = "examsrv:"
REDIS_CONNECTIONS = 32  # per process; each call holds one for well under a millisecond
REDIS_WAIT_S = 10.0  # for a free connection, before the call fails
SUBSCRIBE_TIMEOUT_S = 5.0


class Subscription:
    """Events of one channel for one local listener."""

    def __init__(self, bus: _Fanout, channel: str) -> None:
        self.bus, self.channel = bus, channel
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_MAX)

    def put(self, event: dict[str, Any]) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()  # a stuck listener loses old progress, not new state
        self.queue.put_nowait(event)

    async def get(self) -> dict[str, Any]:
        return await self.queue.get()

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            yield await self.queue.get()


class LiveBus(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def publish(self, channel: str, event: dict[str, Any]) -> None: ...
    async def subscribe(self, channel: str) -> Subscription: ...
    async def unsubscribe(self, sub: Subscription) -> None: ...
    async def claim(self, key: str, token: str, ttl_ms: int) -> bool: ...
    async def refresh(self, key: str, token: str, ttl_ms: int) -> bool: ...
    async def release(self, key: str, token: str) -> None: ...
    async def holder(self, key: str) -> str | None: ...


class _Fanout:
    """Local delivery of events to the subscriptions of this process."""

    def __init__(self) -> None:
        self.subs: dict[str, set[Subscription]] = {}

    def deliver(self, channel: str, event: dict[str, Any]) -> None:
        for sub in list(self.subs.get(channel, ())):
            sub.put(event)

    def add(self, channel: str) -> tuple[Subscription, bool]:
        sub = Subscription(self, channel)
        subs = self.subs.setdefault(channel, set())
        first = not subs
        subs.add(sub)
        return sub, first

    def remove(self, sub: Subscription) -> bool:
        subs = self.subs.get(sub.channel)
        if subs is None:
            return False
        subs.discard(sub)
        if not subs:
            del self.subs[sub.channel]
            return True
        return False


class LocalBus(_Fanout):
    """Events and claims inside one process."""

    def __init__(self) -> None:
        super().__init__()
        self.claims: dict[str, tuple[str, float]] = {}

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self.subs.clear()

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        self.deliver(channel, event)

    async def subscribe(self, channel: str) -> Subscription:
        return self.add(channel)[0]

    async def unsubscribe(self, sub: Subscription) -> None:
        self.remove(sub)

    def _live(self, key: str) -> str | None:
        held = self.claims.get(key)
        if held is None:
            return None
        if held[1] < time.monotonic():
            del self.claims[key]
            return None
        return held[0]

    async def claim(self, key: str, token: str, ttl_ms: int) -> bool:
        if self._live(key) not in (None, token):
            return False
        self.claims[key] = (token, time.monotonic() + ttl_ms / 1000)
        return True

    async def refresh(self, key: str, token: str, ttl_ms: int) -> bool:
        if self._live(key) != token:
            return False
        self.claims[key] = (token, time.monotonic() + ttl_ms / 1000)
        return True

    async def release(self, key: str, token: str) -> None:
        if self._live(key) == token:
            del self.claims[key]

    async def holder(self, key: str) -> str | None:
        return self._live(key)


# Compare-and-delete / compare-and-expire, so a holder never frees another's claim.
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)
_CLAIM = (
    "local held = redis.call('get', KEYS[1]) "
    "if held == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
    "if held then return 0 end "
    "redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1"
)
_REFRESH = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)


class RedisBus(_Fanout):
    """Events through Redis publish/subscribe, claims as Redis keys with expiry."""

    def __init__(self, url: str, prefix: str = PREFIX) -> None:
        super().__init__()
        import redis.asyncio as redis_asyncio

        self.prefix = prefix  # of every channel and key: servers sharing it see each other
        # Thousands of live connections refresh their claims: calls beyond the pool wait
        # for a free connection (redis-py's default pool raises past 100 at once).
        pool = redis_asyncio.BlockingConnectionPool.from_url(
            url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT_S
        )
        self.redis = redis_asyncio.Redis.from_pool(pool)
        self.pubsub = self.redis.pubsub()
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        # Subscriptions sent and not yet confirmed, per Redis channel, in the order sent.
        self.unconfirmed: dict[str, list[asyncio.Event]] = {}

    async def start(self) -> None:
        await self.redis.ping()  # fail at start-up, not at the first exam
        # A pubsub connection needs one subscription before it can be read.
        await self.pubsub.subscribe(self.prefix + "hello")
        self.reader = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()  # type: ignore[no-untyped-call]
        await self.redis.aclose()

    async def _read(self) -> None:
        while True:
            try:
                message = await self.pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # a dropped Redis connection: redis-py reconnects on next read
                log.exception("reading live events from Redis")
                await asyncio.sleep(0.5)
                continue
            if message is None:
                continue
            channel = _text(message["channel"])
            if message.get("type") == "subscribe":
                waiting = self.unconfirmed.get(channel)
                if waiting:
                    waiting.pop(0).set()
                continue
            if message.get("type") != "message":
                continue
            try:
                event = orjson.loads(message["data"])
            except orjson.JSONDecodeError:
                continue
            self.deliver(channel.removeprefix(self.prefix), event)

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        await self.redis.publish(self.prefix + channel, orjson.dumps(event))

    async def subscribe(self, channel: str) -> Subscription:
        async with self.lock:
            sub, first = self.add(channel)
            if first:
                await self._subscribe(self.prefix + channel)
        return sub

    async def _subscribe(self, channel: str) -> None:
        """Subscribe and wait until Redis confirms it: from then on no event is missed."""
        confirmed = asyncio.Event()
        waiting = self.unconfirmed.setdefault(channel, [])
        waiting.append(confirmed)
        try:
            await self.pubsub.subscribe(channel)
            async with asyncio.timeout(SUBSCRIBE_TIMEOUT_S):
                await confirmed.wait()
        except TimeoutError:
            log.warning("Redis has not confirmed the subscription to %s", channel)
        finally:
            if confirmed in waiting:
                waiting.remove(confirmed)
            if not waiting:
                self.unconfirmed.pop(channel, None)

    async def unsubscribe(self, sub: Subscription) -> None:
        async with self.lock:
            if self.remove(sub):
                await self.pubsub.unsubscribe(self.prefix + sub.channel)

    async def claim(self, key: str, token: str, ttl_ms: int) -> bool:
        return bool(await self.redis.eval(_CLAIM, 1, self.prefix + key, token, ttl_ms))

    async def refresh(self, key: str, token: str, ttl_ms: int) -> bool:
        return bool(await self.redis.eval(_REFRESH, 1, self.prefix + key, token, ttl_ms))

    async def release(self, key: str, token: str) -> None:
        await self.redis.eval(_RELEASE, 1, self.prefix + key, token)

    async def holder(self, key: str) -> str | None:
        value = await self.redis.get(self.prefix + key)
        return None if value is None else _text(value)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def make_bus(redis_url: str, prefix: str = PREFIX) -> LocalBus | RedisBus:
    return RedisBus(redis_url, prefix) if redis_url else LocalBus()
