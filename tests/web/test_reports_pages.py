"""The reports page (charts with their numbers, downloads) and accepting a re-calibration."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import Engine
from starlette.testclient import TestClient

from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import GradingPolicyRow
from tests.conftest import csrf_of
from tests.persistence.test_ledger import trial
from tests.web.test_ledger_pages import TODAY, _as, _employee, app_client

__all__ = ["app_client"]


def _bars(text: str, chart: str) -> dict[str, str]:
    section = text[text.index(f'id="{chart}"') :]
    section = section[: section.index("</figure>")]
    return dict(re.findall(r'class="bar"[^>]*data-label="([^"]+)" data-value="([^"]+)"', section))


def test_reports_show_levels_the_histogram_with_band_edges_and_pass_rates(
    app_client: TestClient, engine: Engine
) -> None:
    with session_scope(engine) as s:
        csr = _employee(engine, "10001")
        trial(s, csr, at=TODAY - timedelta(days=3), seconds_each=23.0)  # 115 s
        trial(s, csr, at=TODAY - timedelta(days=2), seconds_each=23.4)  # 117 s
        trial(s, csr, at=TODAY - timedelta(days=1), seconds_each=32.0)  # 160 s: too slow
    _as(app_client, "10001")
    assert app_client.get("/reports", follow_redirects=False).status_code == 403
    _as(app_client, "hr")
    page = app_client.get("/reports").text
    assert _bars(page, "chart-levels")["0"] == "2.0"  # both CSRs are at level 0
    times = _bars(page, "chart-times")
    assert times["115–120"] == "2" and times["160–165"] == "1" and times["140–145"] == "0"
    edges = re.findall(r'class="band-edge" [^>]*data-edge-s="([^"]+)"', page)
    assert edges == ["120", "130", "140", "150"]
    assert re.search(r'data-levels="3–4"', page)
    assert _bars(page, "chart-rate-1") == {"2026-03": "66.7"}
    csv_text = app_client.get("/reports/pass_rates_month.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[1] == "lookup_trial,2026-03,3,2,66.7"
    assert app_client.get("/reports/levels.xlsx").content[:2] == b"PK"
    assert app_client.get("/reports/nothing.csv").status_code == 404


def test_an_admin_accepts_the_proposed_bands_and_others_may_not(
    app_client: TestClient, engine: Engine
) -> None:
    with session_scope(engine) as s:
        csr = _employee(engine, "10001")
        for i in range(40):
            trial(s, csr, at=TODAY - timedelta(days=2, minutes=i), seconds_each=20 + i / 5)
    _as(app_client, "hr")
    assert app_client.get("/admin/grading/calibrate", follow_redirects=False).status_code == 403
    token = csrf_of(app_client.get("/reports").text)
    refused = app_client.post(
        "/admin/grading/calibrate", data={"csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 403
    _as(app_client, "admin")
    page = app_client.get("/admin/grading/calibrate?since=2026-03-01&until=2026-03-10")
    assert "40 complete trials in the period." in page.text
    proposed = re.search(r'name="proposed" value="([^"]*)"', page.text)
    assert proposed is not None
    assert re.findall(r'class="band-edge proposed"', page.text)
    form = {"since": "2026-03-01", "until": "2026-03-10", "csrf_token": csrf_of(page.text)}
    stale = app_client.post("/admin/grading/calibrate", data={**form, "proposed": "150 <= 1"})
    assert stale.status_code == 409 and "review it again" in stale.text
    done = app_client.post(
        "/admin/grading/calibrate",
        data={**form, "proposed": html.unescape(proposed.group(1))},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with session_scope(engine) as s:
        row = s.get(GradingPolicyRow, 1)
        assert row is not None and row.updated_by == "admin"
        assert [b["upper_s"] for b in row.bands] != [120.0, 130.0, 140.0, 150.0]
