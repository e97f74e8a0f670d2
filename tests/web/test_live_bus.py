"""The live bus: events fan out to every listener, claims keep one holder at a time.

What does not depend on the bus runs on both: ``LocalBus`` (one process) and
``RedisBus`` on the Redis server at 127.0.0.1:6379. Each test gets *peers*, the buses
its connections would use: for ``LocalBus`` the one bus of the process, for ``RedisBus``
one bus per peer, as separate server processes have. Every run uses its own key and
channel prefix, so runs in parallel on the same Redis do not see each other.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import redis

from examsrv.web.live_bus import LiveBus, LocalBus, RedisBus, Subscription, make_bus
from loadtests.server import free_port
from tests.conftest import need_service

REDIS_URL = os.environ.get("EXAMSRV_TEST_REDIS", "redis://127.0.0.1:6379/0")
WAIT_S = 5.0  # an event or an expiry that has not come by then is missing
LONG_TTL_MS = 30_000

Scenario = Callable[[list[LiveBus]], Awaitable[None]]
Runner = Callable[[Scenario], None]


def redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need_service("Redis", str(exc))


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key and channel prefix of this test alone; its Redis keys are removed afterwards."""
    name = f"examsrv-test-{os.getpid()}-{uuid.uuid4().hex[:8]}:"
    yield name
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        for key in client.scan_iter(match=name + "*"):
            client.delete(key)
    except redis.RedisError:
        pass  # no Redis: nothing was written


async def open_peers(kind: str, prefix: str, count: int) -> list[LiveBus]:
    if kind == "local":
        local = LocalBus()
        await local.start()
        return [local] * count
    buses: list[LiveBus] = []
    for _ in range(count):
        bus = RedisBus(REDIS_URL, prefix)
        await bus.start()
        buses.append(bus)
    return buses


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def run(request: pytest.FixtureRequest, prefix: str) -> Runner:
    """Runs a scenario on two peers of the bus under test, and stops them after."""
    kind: str = request.param
    if kind == "redis":
        redis_or_skip()

    def runner(scenario: Scenario) -> None:
        async def main() -> None:
            peers = await open_peers(kind, prefix, 2)
            try:
                await scenario(peers)
            finally:
                for bus in {id(b): b for b in peers}.values():
                    await bus.stop()

        asyncio.run(main())

    return runner


async def next_event(sub: Subscription) -> dict[str, Any]:
    async with asyncio.timeout(WAIT_S):
        return await sub.get()


async def until_free(bus: LiveBus, key: str) -> None:
    """Wait (polling, as a claimant would) until nobody holds ``key``."""
    for _ in range(round(WAIT_S / 0.02)):
        if await bus.holder(key) is None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{key} is still held after {WAIT_S} s")


# --- events ------------------------------------------------------------------------------


def test_an_event_reaches_every_listener_of_its_channel_and_no_other(run: Runner) -> None:
    async def scenario(peers: list[LiveBus]) -> None:
        one, other = peers
        listeners = [
            await one.subscribe("sitting:7"),
            await one.subscribe("sitting:7"),
            await other.subscribe("sitting:7"),
        ]
        elsewhere = await other.subscribe("sitting:8")
        await other.publish("sitting:7", {"type": "seat", "n": 1})
        await one.publish("sitting:7", {"type": "seat", "n": 2})
        for sub in listeners:
            assert await next_event(sub) == {"type": "seat", "n": 1}
            assert await next_event(sub) == {"type": "seat", "n": 2}
        # Events of one publisher arrive in order: the first that reaches sitting:8 is its own.
        await one.publish("sitting:8", {"type": "marker"})
        assert await next_event(elsewhere) == {"type": "marker"}

    run(scenario)


def test_a_listener_that_unsubscribed_gets_nothing_more(run: Runner) -> None:
    async def scenario(peers: list[LiveBus]) -> None:
        one, other = peers
        leaving = await one.subscribe("attempt:lookup:3")
        staying = await one.subscribe("attempt:lookup:3")
        await one.unsubscribe(leaving)
        await other.publish("attempt:lookup:3", {"type": "control"})
        # Both listeners are served together: by the time one has the event, so would the other.
        assert await next_event(staying) == {"type": "control"}
        assert leaving.queue.empty()
        await one.unsubscribe(staying)
        again = await one.subscribe("attempt:lookup:3")  # a new connection of the same attempt
        await other.publish("attempt:lookup:3", {"type": "control", "n": 2})
        assert await next_event(again) == {"type": "control", "n": 2}
        assert staying.queue.empty()

    run(scenario)


def test_a_slow_listener_keeps_the_newest_events() -> None:
    async def scenario() -> None:
        bus = LocalBus()
        sub = await bus.subscribe("sitting:1")
        for n in range(sub.queue.maxsize + 5):
            await bus.publish("sitting:1", {"n": n})
        assert sub.queue.qsize() == sub.queue.maxsize
        assert (await sub.get())["n"] == 5

    asyncio.run(scenario())


# --- claims ------------------------------------------------------------------------------


def test_a_claim_has_one_holder_across_peers(run: Runner) -> None:
    async def scenario(peers: list[LiveBus]) -> None:
        one, other = peers
        assert await one.holder("live:lookup:1") is None
        assert await one.claim("live:lookup:1", "a:1", LONG_TTL_MS)
        assert not await other.claim("live:lookup:1", "b:1", LONG_TTL_MS)
        assert await other.holder("live:lookup:1") == "a:1"
        assert await one.claim("live:lookup:1", "a:1", LONG_TTL_MS)  # its holder may renew
        assert await other.claim("live:lookup:2", "b:1", LONG_TTL_MS)  # another attempt is free
        assert await one.holder("live:lookup:2") == "b:1"

    run(scenario)


def test_a_thousand_claims_at_once_all_get_an_answer(run: Runner) -> None:
    # A room's connections refresh their claims together: far more calls at once than
    # the bus has connections to Redis. They wait their turn instead of failing.
    async def scenario(peers: list[LiveBus]) -> None:
        one, _other = peers
        keys = [f"live:lookup:{i}" for i in range(1000)]
        got = await asyncio.gather(*(one.claim(k, "a:1", LONG_TTL_MS) for k in keys))
        assert all(got)
        again = await asyncio.gather(*(one.refresh(k, "a:1", LONG_TTL_MS) for k in keys))
        assert all(again)
        await asyncio.gather(*(one.release(k, "a:1") for k in keys))
        assert await one.holder(keys[-1]) is None

    run(scenario)


def test_only_the_holder_refreshes_or_releases_a_claim(run: Runner) -> None:
    async def scenario(peers: list[LiveBus]) -> None:
        one, other = peers
        assert not await one.refresh("live:case:5", "a:1", LONG_TTL_MS)  # nothing to refresh
        assert await one.claim("live:case:5", "a:1", LONG_TTL_MS)
        assert not await other.refresh("live:case:5", "b:1", LONG_TTL_MS)
        assert await one.refresh("live:case:5", "a:1", LONG_TTL_MS)
        await other.release("live:case:5", "b:1")
        assert await one.holder("live:case:5") == "a:1"
        await one.release("live:case:5", "a:1")
        assert await other.holder("live:case:5") is None
        assert await other.claim("live:case:5", "b:1", LONG_TTL_MS)
        await one.release("live:case:5", "a:1")  # a late release by the old holder
        assert await one.holder("live:case:5") == "b:1"

    run(scenario)


def test_a_claim_not_refreshed_expires_and_another_may_take_it(run: Runner) -> None:
    async def scenario(peers: list[LiveBus]) -> None:
        one, other = peers
        assert await one.claim("live:lookup:9", "a:1", 100)
        await until_free(other, "live:lookup:9")
        assert not await one.refresh("live:lookup:9", "a:1", LONG_TTL_MS)  # too late
        assert await other.claim("live:lookup:9", "b:1", LONG_TTL_MS)
        assert await one.holder("live:lookup:9") == "b:1"

    run(scenario)


# --- Redis only -------------------------------------------------------------------------


@pytest.mark.redis
def test_redis_claims_carry_their_time_to_live(prefix: str) -> None:
    redis_or_skip()

    async def scenario() -> None:
        bus = RedisBus(REDIS_URL, prefix)
        await bus.start()
        try:
            assert await bus.claim("live:lookup:1", "a:1", 1_000)
            assert 0 < await bus.redis.pttl(prefix + "live:lookup:1") <= 1_000
            assert await bus.refresh("live:lookup:1", "a:1", LONG_TTL_MS)
            assert await bus.redis.pttl(prefix + "live:lookup:1") > 1_000
        finally:
            await bus.stop()

    asyncio.run(scenario())


@pytest.mark.redis
def test_buses_with_another_prefix_share_nothing(prefix: str) -> None:
    redis_or_skip()
    stranger_prefix = prefix + "other:"

    async def scenario() -> None:
        ours, stranger = RedisBus(REDIS_URL, prefix), RedisBus(REDIS_URL, stranger_prefix)
        for bus in (ours, stranger):
            await bus.start()
        try:
            theirs = await stranger.subscribe("sitting:1")
            await ours.publish("sitting:1", {"type": "seat"})
            await stranger.publish("sitting:1", {"type": "marker"})
            assert await next_event(theirs) == {"type": "marker"}
            assert await ours.claim("live:lookup:1", "a:1", LONG_TTL_MS)
            assert await stranger.holder("live:lookup:1") is None
            await stranger.unsubscribe(theirs)
            assert await stranger.redis.pubsub_numsub(stranger_prefix + "sitting:1") == [
                ((stranger_prefix + "sitting:1").encode(), 0)
            ]
        finally:
            for bus in (ours, stranger):
                await bus.stop()
        redis.Redis.from_url(REDIS_URL).delete(stranger_prefix + "live:lookup:1")

    asyncio.run(scenario())


def test_make_bus_picks_redis_only_when_a_url_is_set() -> None:
    assert isinstance(make_bus(""), LocalBus)
    bus = make_bus(REDIS_URL, "examsrv-x:")
    assert isinstance(bus, RedisBus) and bus.prefix == "examsrv-x:"
    default = make_bus(REDIS_URL)
    assert isinstance(default, RedisBus) and default.prefix == "examsrv:"


def test_a_redis_bus_refuses_to_start_when_redis_is_not_there() -> None:
    async def scenario() -> None:
        bus = RedisBus(f"redis://127.0.0.1:{free_port()}/0")
        try:
            with pytest.raises(redis.ConnectionError):
                await bus.start()
        finally:
            await bus.stop()

    asyncio.run(scenario())
