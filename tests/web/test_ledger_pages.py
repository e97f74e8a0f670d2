"""Points, mentoring and retention pages: who may open them, CSRF, entering and exporting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.clock import FakeClock
from examsrv.persistence.engine import session_scope
from examsrv.persistence.ledger_tables import Mentorship, PointsEntry
from examsrv.persistence.models import Employee, Role
from examsrv.settings import Settings
from tests.conftest import add_user, csrf_of, login
from tests.persistence.test_ledger import promote

TODAY = datetime(2026, 3, 10, 9, tzinfo=UTC)


@pytest.fixture
def app_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An app whose clock stands at ``TODAY``, with staff and two CSRs, in English."""
    for name, role in (
        ("hr", Role.HR),
        ("admin", Role.ADMIN),
        ("author", Role.AUTHOR),
        ("proctor", Role.PROCTOR),
        ("10001", Role.CANDIDATE),
        ("10002", Role.CANDIDATE),
    ):
        add_user(engine, name, role, name)
    with TestClient(create_app(settings, clock=FakeClock(TODAY))) as client:
        client.get("/lang/en")
        yield client


def _as(client: TestClient, username: str) -> None:
    client.cookies.clear()
    client.get("/lang/en")
    login(client, username)


def _employee(engine: Engine, number: str) -> int:
    with session_scope(engine) as s:
        row = s.exec(select(Employee).where(Employee.employee_no == number)).one()
        return row.id or 0


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("10001", "/hr/points", 403),
        ("10001", "/hr/retention", 403),
        ("10001", "/hr/mentorships", 403),
        ("proctor", "/hr/points", 403),
        ("author", "/hr/retention", 403),
        ("hr", "/me/points", 403),
        ("hr", "/hr/points", 200),
        ("author", "/hr/points", 200),
        ("admin", "/hr/retention", 200),
        ("10001", "/me/points", 200),
    ],
)
def test_who_may_open_which_page(app_client: TestClient, user: str, path: str, status: int) -> None:
    _as(app_client, user)
    assert app_client.get(path, follow_redirects=False).status_code == status


def test_hr_enters_points_with_the_default_and_the_csr_sees_them(
    app_client: TestClient, engine: Engine
) -> None:
    _as(app_client, "hr")
    page = app_client.get("/hr/points")
    assert "default 30" in page.text  # the suggestion's default award is offered
    form = {
        "employee_no": "10001",
        "source": "new_case",
        "amount": "",
        "reason": "case 7",
        "source_ref": "case:7",
        "corrects_id": "",
    }
    assert app_client.post("/hr/points", data=form).status_code == 403  # no CSRF token
    done = app_client.post(
        "/hr/points", data={**form, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    bad = app_client.post(
        "/hr/points",
        data={**form, "amount": "70", "reason": "too much", "csrf_token": csrf_of(page.text)},
    )
    assert bad.status_code == 400
    assert "must be from 20 to 50" in bad.text and 'value="too much"' in bad.text
    with session_scope(engine) as s:
        assert [(p.amount, p.entered_by) for p in s.exec(select(PointsEntry)).all()] == [(20, "hr")]
    _as(app_client, "10001")
    mine = app_client.get("/me/points").text
    assert "case 7" in mine and 'data-year="2026">20<' in mine


def test_an_author_may_not_enter_a_suggestion(app_client: TestClient) -> None:
    _as(app_client, "author")
    page = app_client.get("/hr/points")
    assert 'value="suggestion"' not in page.text
    response = app_client.post(
        "/hr/points",
        data={
            "employee_no": "10001",
            "source": "suggestion",
            "amount": "50",
            "reason": "",
            "source_ref": "",
            "corrects_id": "",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 400 and "may not enter points" in response.text


def test_mentorships_refuse_a_level_1_mentor(app_client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as s:
        mentor = s.exec(select(Employee).where(Employee.employee_no == "10001")).one()
        mentor.current_level = 1
        s.add(mentor)
    _as(app_client, "hr")
    page = app_client.get("/hr/mentorships")
    form = {"mentor_no": "10001", "apprentice_no": "10002", "csrf_token": csrf_of(page.text)}
    refused = app_client.post("/hr/mentorships", data=form)
    assert refused.status_code == 400 and "level-1 CSR cannot mentor" in refused.text
    with session_scope(engine) as s:
        mentor = s.exec(select(Employee).where(Employee.employee_no == "10001")).one()
        mentor.current_level = 2
        s.add(mentor)
    assert app_client.post("/hr/mentorships", data=form, follow_redirects=False).status_code == 303
    with session_scope(engine) as s:
        assert len(s.exec(select(Mentorship)).all()) == 1


def test_retention_lists_who_is_due_exports_it_and_refuses_an_early_demotion(
    app_client: TestClient, engine: Engine
) -> None:
    csr = _employee(engine, "10001")
    with session_scope(engine) as s:
        promote(s, csr, datetime(2025, 4, 1, tzinfo=UTC))  # window 2026-03-01 to 2026-04-01
    _as(app_client, "hr")
    page = app_client.get("/hr/retention")
    assert 'data-employee="10001" data-state="at_risk"' in page.text  # no points yet
    assert "0 of the 200 points needed this year." in page.text
    export = app_client.get("/hr/retention?show=all&format=csv")
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Employee number,Name,Level,State")
    assert any(line.startswith("10001,10001,1,At risk,2026-03-01,2026-04-01,0") for line in lines)
    xlsx = app_client.get("/hr/retention?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    refused = app_client.post(
        f"/hr/retention/{csr}/demote", data={"csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 409 and "cannot be demoted" in refused.text
    with session_scope(engine) as s:
        assert s.get(Employee, csr).current_level == 1  # type: ignore[union-attr]
