"""On the demo data, every page in each role's navigation opens.

The demo is what a newcomer sees first; a page that fails on realistic data (an
attempt, a certificate, a sitting of every kind) fails here.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.clock import SystemClock
from examsrv.demo.loader import DEMO_PASSWORD, load_demo
from examsrv.settings import Settings
from tests.conftest import csrf_of

ROLES = ("admin", "author", "proctor", "hr", "approver", "10001")


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from examsrv.persistence.engine import make_engine
    from examsrv.persistence.migrate import upgrade

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine: Engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    load_demo(engine, clock=SystemClock())
    engine.dispose()
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="demo-pages")
    return TestClient(create_app(settings))


@pytest.mark.parametrize("username", ROLES)
def test_every_navigation_link_opens_on_the_demo_data(
    demo_client: TestClient, username: str
) -> None:
    with demo_client as client:
        client.cookies.clear()
        page = client.get("/login")
        form = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf_of(page.text)}
        home = client.post("/login", data=form)
        assert home.status_code == 200, home.text[:300]
        nav = re.search(r"<nav>(.*?)</nav>", home.text, re.S)
        assert nav is not None
        links = re.findall(r'href="(/[^"]*)"', nav.group(1))
        assert links, "the navigation is empty"
        failed = {url: client.get(url).status_code for url in links}
        assert {url: code for url, code in failed.items() if code != 200} == {}
