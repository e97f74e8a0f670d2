"""A small client of the trial protocol (docs/protocol.md) for the tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient
from starlette.testclient import WebSocketTestSession as WS

from examsrv.persistence.models import Task
from tests.conftest import csrf_of


def start_trial(client: TestClient) -> int:
    page = client.get("/trial")
    assert page.status_code == 200
    response = client.post(
        "/trial/start", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/trial/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def receive(ws: WS, on_ping: Callable[[], None] | None = None) -> dict[str, Any]:
    """The next frame that is not a ping; pings are answered (after ``on_ping``)."""
    while True:
        msg: dict[str, Any] = ws.receive_json()
        if msg["type"] == "ping":
            if on_ping:
                on_ping()
            ws.send_json({"type": "pong", "id": msg["id"]})
            continue
        return msg


def correct_answer(engine: Engine, question: str) -> str:
    with Session(engine) as s:
        task = s.exec(select(Task).where(Task.question == question)).first()
        assert task is not None
        return "".join(task.answers) if task.kind == "choice" else task.answers[0]


def answer(ws: WS, seq: int, text: str) -> dict[str, Any]:
    ws.send_json({"type": "answer", "seq": seq, "answer": text})
    return receive(ws)
