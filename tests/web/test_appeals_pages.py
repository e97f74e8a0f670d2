"""Appeals through the pages: a CSR files on their own result, HR decides, the CSR
reads the answer and uses the new attempt once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from starlette.testclient import TestClient

from examsrv.persistence.engine import session_scope
from tests.conftest import csrf_of
from tests.persistence.test_ledger import trial
from tests.web.test_ledger_pages import TODAY, _as, _employee, app_client

__all__ = ["app_client"]


def _trials(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        mine = trial(s, _employee(engine, "10001"), at=TODAY - timedelta(days=2), given=["乙"] * 5)
        theirs = trial(s, _employee(engine, "10002"), at=TODAY - timedelta(days=2))
    return mine, theirs


def test_the_appeal_flow_from_filing_to_the_new_attempt(
    app_client: TestClient, engine: Engine
) -> None:
    mine, theirs = _trials(engine)
    _as(app_client, "10001")
    page = app_client.get("/me/appeals")
    assert f'value="trial:{mine}"' in page.text and f'value="trial:{theirs}"' not in page.text
    token = csrf_of(page.text)
    stolen = app_client.post(
        "/me/appeals", data={"subject": f"trial:{theirs}", "reason": "x", "csrf_token": token}
    )
    assert stolen.status_code == 400 and "only appeal your own results" in stolen.text
    assert (
        app_client.post("/me/appeals", data={"subject": f"trial:{mine}", "reason": "x"}).status_code
        == 403
    )  # no CSRF token
    filed = app_client.post(
        "/me/appeals",
        data={"subject": f"trial:{mine}", "reason": "The network dropped", "csrf_token": token},
        follow_redirects=False,
    )
    assert filed.status_code == 303
    assert app_client.get("/hr/appeals").status_code == 403

    _as(app_client, "hr")
    queue = app_client.get("/hr/appeals").text
    assert 'data-status="submitted"' in queue
    detail = app_client.get("/hr/appeals/1")
    token = csrf_of(detail.text)
    early = app_client.post(
        "/hr/appeals/1/decide",
        data={"outcome": "uphold", "remedy": "new_attempt", "decision": "ok", "csrf_token": token},
    )
    assert early.status_code == 409 and "must be investigated before" in early.text
    app_client.post("/hr/appeals/1/investigate", data={"note": "", "csrf_token": token})
    decided = app_client.post(
        "/hr/appeals/1/decide",
        data={
            "outcome": "uphold",
            "remedy": "new_attempt",
            "decision": "The log shows the outage; take the trial again.",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303

    _as(app_client, "10001")
    mine_page = app_client.get("/me/appeals").text
    assert "The log shows the outage; take the trial again." in mine_page
    assert 'data-status="upheld"' in mine_page and "/me/appeals/grants/1" in mine_page
    token = csrf_of(mine_page)
    started = app_client.post(
        "/me/appeals/grants/1", data={"csrf_token": token}, follow_redirects=False
    )
    assert started.status_code == 303 and started.headers["location"].startswith("/trial/")
    again = app_client.post("/me/appeals/grants/1", data={"csrf_token": token})
    assert again.status_code == 409 and "already been used" in again.text


def test_another_csr_cannot_use_someone_elses_grant_or_open_hr_pages(
    app_client: TestClient, engine: Engine
) -> None:
    _trials(engine)
    _as(app_client, "10002")
    page = app_client.get("/me/appeals")
    response = app_client.post("/me/appeals/grants/1", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 409 and "no such new attempt" in response.text
    assert app_client.get("/hr/appeals/1", follow_redirects=False).status_code == 403
