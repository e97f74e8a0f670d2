"""Logging in and out, roles, CSRF, and slowing down password guessing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.clock import FakeClock
from examsrv.persistence.models import Role
from examsrv.settings import Settings
from tests.conftest import PASSWORD, add_user, csrf_of, login


def post_login(client: TestClient, username: str, password: str) -> int:
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        follow_redirects=False,
    )
    return response.status_code


def test_each_role_lands_on_its_home_page(client: TestClient, engine: Engine) -> None:
    add_user(engine, "10001", Role.CANDIDATE)
    add_user(engine, "author", Role.AUTHOR)
    add_user(engine, "admin", Role.ADMIN)
    for user, home in [
        ("10001", "/trial"),
        ("author", "/author/articles"),
        ("admin", "/admin/attempts"),
    ]:
        login(client, user)
        assert client.get("/", follow_redirects=False).headers["location"] == home
        client.post("/logout", data={"csrf_token": csrf_of(client.get(home).text)})
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_pages_need_a_login_and_the_right_role(client: TestClient, engine: Engine) -> None:
    response = client.get("/admin/attempts", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin%2Fattempts"
    htmx = client.get("/kb/search?q=x", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")
    add_user(engine, "10001", Role.CANDIDATE)
    login(client, "10001")
    for path in [
        "/admin/attempts",
        "/admin/grading",
        "/author/articles",
        "/author/import",
        "/-/settings",
    ]:
        assert client.get(path).status_code == 403, path


def test_staff_may_not_take_trials(client: TestClient, engine: Engine) -> None:
    add_user(engine, "author", Role.AUTHOR)
    login(client, "author")
    assert client.get("/trial").status_code == 403


def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: TestClient, engine: Engine
) -> None:
    add_user(engine, "10001", Role.CANDIDATE)
    assert post_login(client, "10001", "wrong-password") == 401
    assert post_login(client, "nobody", "wrong-password") == 401
    assert post_login(client, "10001", PASSWORD) == 303


def test_repeated_failures_lock_the_account_for_a_while(settings: Settings, engine: Engine) -> None:
    add_user(engine, "10001", Role.CANDIDATE)
    clock = FakeClock()
    app = create_app(replace(settings, login_max_failures=3, login_lockout_seconds=30), clock=clock)
    with TestClient(app) as client:
        assert [post_login(client, "10001", "bad") for _ in range(3)] == [401, 401, 401]
        # Locked now: even the right password is refused until the lockout ends.
        assert post_login(client, "10001", PASSWORD) == 429
        clock.advance(31)
        assert post_login(client, "10001", "bad") == 401  # a fourth failure doubles the lockout
        clock.advance(31)
        assert post_login(client, "10001", PASSWORD) == 429
        clock.advance(30)
        assert post_login(client, "10001", PASSWORD) == 303


@pytest.mark.parametrize("token", [None, "forged"])
def test_forms_without_the_csrf_token_are_refused(
    client: TestClient, engine: Engine, token: str | None
) -> None:
    add_user(engine, "10001", Role.CANDIDATE)
    login(client, "10001")
    data = {} if token is None else {"csrf_token": token}
    assert client.post("/trial/start", data=data, follow_redirects=False).status_code == 403
    assert client.post("/logout", data=data, follow_redirects=False).status_code == 403


def test_htmx_requests_carry_the_token_in_a_header(client: TestClient, engine: Engine) -> None:
    add_user(engine, "admin", Role.ADMIN)
    login(client, "admin")
    page = client.get("/admin/grading")
    token = csrf_of(page.text)
    assert f'"X-CSRF-Token": "{token}"' in page.text  # set on <body> for every htmx request
    response = client.post(
        "/admin/grading",
        headers={"X-CSRF-Token": token},
        data={"bands": "120 < 5\n150 <= 1-4", "wrong_penalty_s": "5", "min_accuracy": "90"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_login_does_not_follow_redirects_to_other_sites(client: TestClient, engine: Engine) -> None:
    add_user(engine, "10001", Role.CANDIDATE)
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "10001",
            "password": PASSWORD,
            "csrf_token": csrf,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/trial"


def test_the_language_can_be_switched(client: TestClient) -> None:
    assert "登录" in client.get("/login").text
    client.get("/lang/en")
    assert "Log in" in client.get("/login").text
    client.get("/lang/zh_CN")
    assert "登录" in client.get("/login").text
