"""The certification record's pages: who may open what, a candidate's application seen
by nobody else, the procedure driven over HTTP, certificates and their public
verification, exports, imports and the policy editor."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from examsrv.persistence.record_tables import Application, Certificate, CourseResult
from tests.conftest import PASSWORD, add_user, csrf_of
from tests.record_fixtures import seed_level1_evidence

STAFF = {"hr": Role.HR, "approver": Role.APPROVER, "admin": Role.ADMIN, "author": Role.AUTHOR}


@pytest.fixture
def people(engine: Engine) -> dict[str, int]:
    for name, role in STAFF.items():
        add_user(engine, name, role)
    add_user(engine, "10001", Role.CANDIDATE, "张三丰")
    add_user(engine, "10002", Role.CANDIDATE, "李四")
    with session_scope(engine) as s:
        rows = s.exec(select(Employee)).all()
        return {e.employee_no: e.id or 0 for e in rows}


def _csrf(client: TestClient, path: str = "/me/level") -> str:
    return csrf_of(client.get(path).text)


def _as(client: TestClient, username: str) -> None:
    """Log in; with ``next`` given, as the approver role has no home page of its own yet."""
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _apply(client: TestClient, target: int = 1, track: str = "呼入") -> int:
    token = _csrf(client)
    response = client.post(
        "/me/applications",
        data={"target_level": str(target), "track": track, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/me/level").text
    found = re.search(r'href="/applications/(\d+)"', page)
    assert found
    return int(found.group(1))


def _act(client: TestClient, app_id: int, action: str, note: str = "") -> int:
    token = csrf_of(client.get(f"/applications/{app_id}").text)
    response = client.post(
        f"/applications/{app_id}/act",
        data={"action": action, "note": note, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/me/level", {"10001"}),
        ("/hr/employees", {"hr", "admin"}),
        ("/hr/employees/export.csv", {"hr", "admin"}),
        ("/hr/applications", {"hr", "admin"}),
        ("/hr/courses", {"hr", "admin"}),
        ("/hr/record-import", {"hr", "admin"}),
        ("/approvals", {"approver", "admin"}),
        ("/admin/certification-policy", {"admin"}),
    ],
)
def test_each_page_opens_for_its_roles_only(
    client: TestClient, people: dict[str, int], path: str, allowed: set[str]
) -> None:
    for user in ("10001", *STAFF):
        _as(client, user)
        status = client.get(path, follow_redirects=False).status_code
        assert status == (200 if user in allowed else 403), (user, path, status)
    client.cookies.clear()
    assert client.get(path, follow_redirects=False).status_code == 303  # to the login page


def test_a_candidate_cannot_see_or_act_on_another_candidates_application(
    client: TestClient, people: dict[str, int]
) -> None:
    _as(client, "10001")
    app_id = _apply(client)
    assert client.get(f"/applications/{app_id}").status_code == 200
    _as(client, "10002")
    assert client.get(f"/applications/{app_id}").status_code == 404
    token = _csrf(client)
    response = client.post(
        f"/applications/{app_id}/act", data={"action": "withdraw", "csrf_token": token}
    )
    assert response.status_code == 404
    _as(client, "hr")
    assert "张三丰" in client.get(f"/applications/{app_id}").text


def test_posts_without_the_csrf_token_are_refused(
    client: TestClient, people: dict[str, int], engine: Engine
) -> None:
    _as(client, "10001")
    response = client.post("/me/applications", data={"target_level": "1", "track": "呼入"})
    assert response.status_code == 403
    with session_scope(engine) as s:
        assert s.exec(select(Application)).all() == []


def test_skipping_a_level_is_refused_on_the_page(
    client: TestClient, people: dict[str, int]
) -> None:
    _as(client, "10001")
    token = _csrf(client)
    response = client.post(
        "/me/applications", data={"target_level": "3", "track": "呼入", "csrf_token": token}
    )
    assert response.status_code == 409
    assert "Levels cannot be skipped" in response.text or "不能越级" in response.text


def test_the_procedure_over_http_ends_in_a_verifiable_certificate(
    client: TestClient, people: dict[str, int], engine: Engine
) -> None:
    seed_level1_evidence(engine, people["10001"])
    _as(client, "10001")
    app_id = _apply(client)
    _as(client, "approver")
    assert _act(client, app_id, "qualify") == 409  # not the approvers' step
    _as(client, "hr")
    for action in ("qualify", "advance", "advance"):
        assert _act(client, app_id, action) == 303
    assert f'data-application="{app_id}"' in client.get("/hr/applications").text
    _as(client, "approver")
    assert f'data-application="{app_id}"' in client.get("/approvals").text
    assert _act(client, app_id, "pass", "good") == 303
    with session_scope(engine) as s:
        cert = s.exec(select(Certificate)).one()
    _as(client, "10001")
    page = client.get(f"/certificates/{cert.number}")
    assert page.status_code == 200 and "<svg" in page.text and "window.print()" in page.text
    assert f"http://testserver/verify/{cert.number}" in page.text
    _as(client, "10002")
    assert client.get(f"/certificates/{cert.number}").status_code == 404
    client.cookies.clear()
    public = client.get(f"/verify/{cert.number}")
    assert public.status_code == 200 and 'id="verdict"' in public.text
    assert "张*丰" in public.text and "张三丰" not in public.text
    assert client.get("/verify/ZS-2026-999999").status_code == 404
    _as(client, "hr")
    token = csrf_of(client.get(f"/certificates/{cert.number}").text)
    refused = client.post(
        f"/certificates/{cert.number}/revoke", data={"reason": "", "csrf_token": token}
    )
    assert refused.status_code == 409
    client.post(f"/certificates/{cert.number}/revoke", data={"reason": "舞弊", "csrf_token": token})
    client.cookies.clear()
    assert "舞弊" in client.get(f"/verify/{cert.number}").text


def test_exports_follow_the_filters(client: TestClient, people: dict[str, int]) -> None:
    _as(client, "hr")
    assert "10002" not in client.get("/hr/employees?q=张").text
    response = client.get("/hr/employees/export.xlsx?q=李")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:2] == ["10002", "李四"] and sheet.max_row == 2
    text = client.get("/hr/employees/export.csv").content.decode("utf-8-sig")
    assert len(text.splitlines()) == 3
    assert client.get("/hr/employees/export.pdf").status_code == 404


def test_a_course_import_with_an_unknown_employee_imports_nothing(
    client: TestClient, people: dict[str, int], engine: Engine
) -> None:
    _as(client, "hr")
    token = _csrf(client, "/hr/courses")
    body = "工号,课程,成绩\n10001,服务技巧,80\n77777,服务技巧,90\n".encode()
    response = client.post(
        "/hr/courses/import",
        data={"csrf_token": token},
        files={"file": ("scores.csv", body, "text/csv")},
    )
    assert response.status_code == 400 and "77777" in response.text
    with session_scope(engine) as s:
        assert s.exec(select(CourseResult)).all() == []
    good = client.post(
        "/hr/courses/import",
        data={"csrf_token": token},
        files={"file": ("scores.csv", body.splitlines()[0] + b"\n" + body.splitlines()[1], "")},
        follow_redirects=False,
    )
    assert good.status_code == 303
    with session_scope(engine) as s:
        assert len(s.exec(select(CourseResult)).all()) == 1


def test_hr_edits_facts_and_adds_a_correction(
    client: TestClient, people: dict[str, int], engine: Engine
) -> None:
    seed_level1_evidence(engine, people["10001"])
    _as(client, "10001")
    app_id = _apply(client)
    _as(client, "hr")
    for action in ("qualify", "advance", "advance"):
        _act(client, app_id, action)
    _as(client, "approver")
    _act(client, app_id, "pass")
    _as(client, "hr")
    eid = people["10001"]
    page = client.get(f"/hr/employees/{eid}").text
    change_id = int(re.search(r'id="change-(\d+)"', page).group(1))  # type: ignore[union-attr]
    token = csrf_of(page)
    bad = client.post(
        f"/hr/employees/{eid}/corrections",
        data={"corrects_id": str(change_id), "to_level": "0", "reason": "", "csrf_token": token},
    )
    assert bad.status_code == 409
    client.post(
        f"/hr/employees/{eid}/corrections",
        data={
            "corrects_id": str(change_id),
            "to_level": "0",
            "reason": "录入错误",
            "csrf_token": token,
        },
    )
    client.post(
        f"/hr/employees/{eid}/facts",
        data={"hire_date": "2025-07-01", "track": "营销", "csrf_token": token},
    )
    page = client.get(f"/hr/employees/{eid}").text
    assert "录入错误" in page and f"#{change_id}" in page and "2025-07-01" in page
    with session_scope(engine) as s:
        employee = s.get(Employee, eid)
        assert employee is not None and (employee.current_level, employee.track) == (0, "营销")


def test_the_policy_editor_lists_every_problem(client: TestClient, people: dict[str, int]) -> None:
    _as(client, "admin")
    token = _csrf(client, "/admin/certification-policy")
    response = client.post(
        "/admin/certification-policy",
        data={"policy": '{"course_pass_score": 300, "bogus": 1}', "csrf_token": token},
    )
    assert response.status_code == 400
    assert response.text.count("<li>") >= 2
    assert (
        client.post(
            "/admin/certification-policy", data={"policy": "{", "csrf_token": token}
        ).status_code
        == 400
    )
    saved = client.post(
        "/admin/certification-policy",
        data={"policy": '{"course_pass_score": 70}', "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert '"course_pass_score": 70' in html.unescape(
        client.get("/admin/certification-policy").text
    )
