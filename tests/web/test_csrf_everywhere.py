"""Every route that accepts POST refuses a request without the CSRF token."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from starlette.routing import Route
from starlette.testclient import TestClient

from examsrv.persistence.models import Role
from tests.conftest import add_user, login


def test_every_post_route_checks_the_csrf_token(client: TestClient, engine: Engine) -> None:
    add_user(engine, "admin", Role.ADMIN)
    login(client, "admin")
    checked = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, Route) or "POST" not in (route.methods or set()):
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        response = client.post(path, data={"anything": "x"}, follow_redirects=False)
        assert response.status_code == 403, f"{route.path} answered {response.status_code}"
        checked.append(route.path)
    assert len(checked) >= 15  # the check reached the whole table, not just a few routes
