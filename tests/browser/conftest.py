"""Fixtures for the browser tests: a live examsrv over real HTTP and a headless Chromium.

Chromium cannot use Starlette's ``TestClient``, so ``live_server`` runs the application
under uvicorn in a background thread on a free local port. The browser is Debian's
``chromium`` (``scripts/install --browser``); Playwright's own browser download is not
used. Without Chromium the tests skip, or fail in CI.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy import Engine

from examsrv.app import create_app
from examsrv.persistence.models import Role
from examsrv.settings import Settings
from tests.conftest import add_user, load_bank, need_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CANDIDATE = "10001"
START_TIMEOUT_S = 15.0
TIMEOUT_MS = 10_000  # for every Playwright wait and expectation


@pytest.fixture
def trial_settings(settings: Settings) -> Settings:
    """The test settings with full-length trials."""
    return dataclasses.replace(settings, trial_task_count=100)


@pytest.fixture
def live_server(trial_settings: Settings, engine: Engine) -> Iterator[str]:
    """A running examsrv with a bank of 150 tasks and candidate 10001; yields its base URL."""
    load_bank(engine, articles=60, tasks=150)
    add_user(engine, CANDIDATE, Role.CANDIDATE, "张三")
    app = create_app(trial_settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the port is ours from here on: no race for a free port
    port = sock.getsockname()[1]
    # The websockets implementation `examsrv serve` gets from ws="auto" with websockets >= 14;
    # ws="websockets" (the legacy one) is deprecated by uvicorn and warns at import.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
        ws_max_size=64 * 1024,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base_url, thread)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)
        sock.close()
    assert not thread.is_alive(), "uvicorn did not shut down"


def _wait_until_serving(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if not thread.is_alive():
            pytest.fail("the live server stopped while starting (see the log above)")
        with (
            contextlib.suppress(OSError),  # not listening yet
            urllib.request.urlopen(base_url + "/-/health", timeout=1) as response,
        ):
            if response.status == 200:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"the live server did not answer within {START_TIMEOUT_S} s")
        time.sleep(0.05)


# Module scope, not session: while the sync API is running it keeps an asyncio event loop
# running in the main thread, so any later test calling asyncio.run() would fail.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        need_service("Chromium", f"{CHROMIUM} not found: run `scripts/install --dev --browser`")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server, in Chinese, 1280×800."""
    context: BrowserContext = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    yield p
    context.close()
