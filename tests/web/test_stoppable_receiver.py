"""StoppableReceiver: a proctor's move or void ends a read that the old machine never answers."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from starlette.websockets import WebSocket, WebSocketDisconnect

from examsrv.web.seat_live import StoppableReceiver


class _Frames:
    """Just enough of a websocket: text frames come from a queue."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    async def receive_text(self) -> str:
        return await self.queue.get()


def _receiver() -> tuple[StoppableReceiver, _Frames]:
    frames = _Frames()
    return StoppableReceiver(cast(WebSocket, frames)), frames


def test_frames_are_read_in_order() -> None:
    async def go() -> list[str]:
        receiver, frames = _receiver()
        for text in ("a", "b"):
            frames.queue.put_nowait(text)
        return [await receiver.receive(), await receiver.receive()]

    assert asyncio.run(go()) == ["a", "b"]


def test_stop_ends_a_pending_read_and_every_later_one() -> None:
    async def go() -> tuple[Any, Any]:
        receiver, _frames = _receiver()
        reading = asyncio.ensure_future(receiver.receive())
        await asyncio.sleep(0)
        receiver.stop()
        with pytest.raises(WebSocketDisconnect) as first:
            await asyncio.wait_for(reading, 5)
        with pytest.raises(WebSocketDisconnect) as later:
            await receiver.receive()
        return first.value.code, later.value.code

    assert asyncio.run(go()) == (1000, 1000)


def test_a_frame_read_before_the_stop_is_kept() -> None:
    async def go() -> str:
        receiver, frames = _receiver()
        reading = asyncio.ensure_future(receiver.receive())
        await asyncio.sleep(0)
        frames.queue.put_nowait("answer")
        await asyncio.sleep(0)  # the read completes; its reader has not resumed yet
        receiver.stop()
        return await reading

    assert asyncio.run(go()) == "answer"


def test_cancelling_the_reader_is_not_taken_for_a_stop() -> None:
    async def go() -> bool:
        receiver, _frames = _receiver()
        reading = asyncio.ensure_future(receiver.receive())
        await asyncio.sleep(0)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        return receiver.stopped

    assert asyncio.run(go()) is False
