"""The reference point: a bare Starlette websocket endpoint on the same stack.

It speaks just enough of the trial protocol for the same client to take a "trial"
on it: ``hello``, then 100 ``task`` frames each answered by an ``ack`` (carrying
the time it measured between writing the task and reading the answer, at the
same two points as examsrv), then ``end`` and close 1000. No login, no database,
no grading, no pings: what is left is uvicorn, Starlette and JSON. examsrv's
throughput under the same load is reported as a share of this one's.

Serve it with ``uvicorn loadtests.echo_app:app --port 8001``.
"""

from __future__ import annotations

import time

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

TASK_COUNT = 100
QUESTION = "畅享5G套餐128元档每月包含多少国内通用流量？"


async def echo_trial(ws: WebSocket) -> None:
    await ws.accept()
    attempt = int(ws.path_params["attempt_id"])
    try:
        await ws.send_text(
            orjson.dumps(
                {
                    "type": "hello",
                    "protocol": 1,
                    "attempt": attempt,
                    "task_count": TASK_COUNT,
                    "answered": 0,
                }
            ).decode()
        )
        for seq in range(1, TASK_COUNT + 1):
            await ws.send_text(_task(seq))
            shown = time.monotonic_ns()
            while True:
                raw = await ws.receive_text()
                read = time.monotonic_ns()
                msg = orjson.loads(raw)
                if isinstance(msg, dict) and msg.get("seq") == seq:
                    break
            ack = {"type": "ack", "seq": seq, "duplicate": False, "raw_ms": (read - shown) / 1e6}
            await ws.send_text(orjson.dumps(ack).decode())
        end = {"type": "end", "attempt": attempt, "status": "finished", "result": {}}
        await ws.send_text(orjson.dumps(end).decode())
        await ws.close(code=1000)
    except WebSocketDisconnect:
        return


def _task(seq: int) -> str:
    frame = {
        "type": "task",
        "seq": seq,
        "task_count": TASK_COUNT,
        "question": QUESTION,
        "kind": "text",
        "options": [],
        "resumed": False,
        "elapsed_ms": 0,
    }
    return orjson.dumps(frame).decode()


async def health(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        WebSocketRoute("/ws/echo/{attempt_id:int}", echo_trial),
        Route("/-/health", health),
    ]
)
