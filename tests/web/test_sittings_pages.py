"""The sitting pages: scheduling, the roster and its workbook, slips, check-in and waiting."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.testclient import TestClient

from examsrv.app import create_app
from examsrv.clock import SystemClock
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import AuditEvent, Employee, Role, User
from examsrv.persistence.sitting_tables import (
    ReleaseRule,
    Seat,
    Sitting,
    SittingTest,
)
from examsrv.persistence.sittings import (
    NewSitting,
    add_seats,
    audit,
    create_sitting,
    mark_finished,
    release,
    roster,
    set_proctors,
    start,
    void,
)
from examsrv.settings import Settings
from tests.conftest import add_user, csrf_of, load_bank, login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def staffed(engine: Engine) -> Engine:
    load_bank(engine, articles=20, tasks=30)
    for no in ("10001", "10002", "10003"):
        add_user(engine, no, Role.CANDIDATE, f"考生{no}")
    add_user(engine, "admin", Role.ADMIN, "管理员")
    add_user(engine, "proctor", Role.PROCTOR, "值班经理")
    add_user(engine, "proctor2", Role.PROCTOR, "另一位经理")
    return engine


def in_english(client: TestClient) -> TestClient:
    client.get("/lang/en")
    return client


def as_user(client: TestClient, username: str) -> TestClient:
    login(client, username)
    return in_english(client)


def ids_of(engine: Engine, *nos: str) -> list[int]:
    with session_scope(engine) as s:
        rows = s.exec(select(Employee).where(col(Employee.employee_no).in_(nos))).all()
        return sorted(e.id or 0 for e in rows)


def schedule_now(engine: Engine, *nos: str, proctor: str | None = "proctor") -> int:
    """A lookup sitting whose check-in window is open now, with ``nos`` on its roster."""
    now = SystemClock().now()
    with session_scope(engine) as s:
        sitting = create_sitting(
            s,
            NewSitting(
                "早班查询测评",
                SittingTest.LOOKUP,
                None,
                "培训室3",
                now - timedelta(minutes=30),
                now + timedelta(hours=3),
                ReleaseRule.BY_PROCTOR,
            ),
            created_by="admin",
            now=now,
        )
        assert sitting.id is not None
        if proctor:
            uid = s.exec(select(User.id).where(User.username == proctor)).one()
            set_proctors(s, sitting.id, [int(uid or 0)])
        add_seats(s, sitting, ids_of(engine, *nos), random.Random(sitting.id))
        return sitting.id


def codes(engine: Engine, sitting_id: int) -> dict[str, str]:
    with session_scope(engine) as s:
        return {e.employee_no: seat.code for seat, e in roster(s, sitting_id)}


def seat_ids(engine: Engine, sitting_id: int) -> dict[str, int]:
    with session_scope(engine) as s:
        return {e.employee_no: seat.id or 0 for seat, e in roster(s, sitting_id)}


def post(client: TestClient, page: str, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST a form from ``page`` (its CSRF token included), without following redirects."""
    token = csrf_of(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


# --- scheduling ----------------------------------------------------------------


GOOD_FORM = {
    "name": "三月查询测评 第1组",
    "test": "lookup",
    "case_level": "1",
    "room": "培训室3",
    "opens_at": "2026-03-02T09:00",
    "closes_at": "2026-03-02T11:30",
    "release_rule": "by_proctor",
}


def test_an_administrator_schedules_a_sitting(client: TestClient, staffed: Engine) -> None:
    as_user(client, "admin")
    page = client.get("/admin/sittings/new")
    assert page.status_code == 200
    assert 'type="datetime-local"' in page.text and "10003" in page.text
    with session_scope(staffed) as s:
        proctor_id = s.exec(select(User.id).where(User.username == "proctor")).one()
    form = GOOD_FORM | {
        "proctors": [str(proctor_id)],
        "employees": [str(i) for i in ids_of(staffed, "10001", "10002")],
    }
    response = post(client, "/admin/sittings/new", "/admin/sittings/new", data=form)
    assert response.status_code == 303
    location = response.headers["location"]
    match = re.fullmatch(r"/admin/sittings/(\d+)\?created=1", location)
    assert match
    with session_scope(staffed) as s:
        sitting = s.get(Sitting, int(match.group(1)))
        assert sitting is not None
        # typed as local time in Shanghai (UTC+8), stored in UTC
        opens = sitting.opens_at.replace(tzinfo=sitting.opens_at.tzinfo or UTC)
        assert opens == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        assert sitting.release_rule == ReleaseRule.BY_PROCTOR
        rows = roster(s, sitting.id or 0)
    assert [e.employee_no for _seat, e in rows] == ["10001", "10002"]
    detail = client.get(location).text
    assert "The sitting was created." in detail and "2026-03-02 09:00 – 11:30" in detail
    assert all(seat.code in detail for seat, _e in rows) and "值班经理" in detail
    listing = client.get("/admin/sittings").text
    assert "三月查询测评 第1组" in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Give the sitting a name."),
        ({"closes_at": "2026-03-02T08:00"}, "The time window must end after it starts."),
        ({"opens_at": "tomorrow"}, "Give the date and time check-in opens."),
        ({"test": "essay"}, "Choose the test"),
        ({"test": "case", "case_level": "7"}, "A case-test sitting needs the level"),
        ({"release_rule": "never"}, "Choose when results are released."),
    ],
)
def test_a_bad_sitting_form_is_refused_and_kept(
    client: TestClient, staffed: Engine, changes: dict[str, str], message: str
) -> None:
    as_user(client, "admin")
    form = GOOD_FORM | {"room": "培训室9"} | changes
    response = post(client, "/admin/sittings/new", "/admin/sittings/new", data=form)
    assert response.status_code == 400
    assert message in response.text
    assert 'value="培训室9"' in response.text
    with session_scope(staffed) as s:
        assert s.exec(select(Sitting)).first() is None


def test_picked_employees_join_the_roster_and_a_waiting_one_stays(
    client: TestClient, staffed: Engine
) -> None:
    sid = schedule_now(staffed, "10001")
    as_user(client, "admin")
    page = f"/admin/sittings/{sid}"
    added = post(
        client, page, f"{page}/seats", data={"employees": [str(ids_of(staffed, "10002")[0])]}
    )
    assert added.status_code == 303
    assert "10002" in codes(staffed, sid)
    nobody = post(client, page, f"{page}/seats", data={})
    assert nobody.status_code == 400
    seats = seat_ids(staffed, sid)
    removed = post(client, page, f"{page}/seats/{seats['10002']}/remove")
    assert removed.status_code == 303
    assert set(codes(staffed, sid)) == {"10001"}
    with session_scope(staffed) as s:
        seat = s.get(Seat, seats["10001"])
        assert seat is not None
        seat.checked_in_at = SystemClock().now()
        s.add(seat)
    kept = post(client, page, f"{page}/seats/{seats['10001']}/remove")
    assert kept.status_code == 409
    assert "checked in already" in kept.text
    assert set(codes(staffed, sid)) == {"10001"}


# --- the roster workbook -----------------------------------------------------------


def workbook(header: list[object], *rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.create_sheet("其他").append(["工号", "99999"])  # only the first sheet is read
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: TestClient, sid: int, data: bytes, name: str = "名单.xlsx") -> Any:
    page = f"/admin/sittings/{sid}"
    token = csrf_of(client.get(page).text)
    return client.post(
        f"{page}/import",
        data={"csrf_token": token},
        files={"file": (name, data, XLSX)},
        follow_redirects=False,
    )


def test_a_good_roster_file_is_imported(client: TestClient, staffed: Engine) -> None:
    sid = schedule_now(staffed, "10001")
    as_user(client, "admin")
    data = workbook(["工号", "姓名"], [10002, "考生10002"], [None, None], ["10003", ""], [10001])
    response = upload(client, sid, data)
    assert response.status_code == 303
    assert "imported=1&n=2" in response.headers["location"]
    assert set(codes(staffed, sid)) == {"10001", "10002", "10003"}
    english = workbook(["employee_no", "name"], ["10002", "x"])
    assert upload(client, sid, english).status_code == 303


def test_a_bad_roster_file_lists_every_wrong_row_and_imports_nothing(
    client: TestClient, staffed: Engine
) -> None:
    sid = schedule_now(staffed, "10001")
    as_user(client, "admin")
    data = workbook(
        ["姓名", "工号"],
        ["考生10002", "10002"],
        ["无名", "99999"],
        ["考生10003", "10003"],
        ["考生10002", 10002],
        ["没有工号", None],
    )
    response = upload(client, sid, data)
    assert response.status_code == 400
    text = response.text
    assert "Nothing was imported: 3 problem(s) found." in text
    assert "Row 3: no employee has the employee no. 99999." in text
    assert "Row 5: employee no. 10002 is listed already on row 2." in text
    assert "Row 6: the employee no. is empty." in text
    assert set(codes(staffed, sid)) == {"10001"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"not a workbook", "xlsx"),
        (workbook(["姓名"], ["考生10002"]), "工号"),
        (workbook(["工号", "部门"], ["10002", "呼入"]), "部门"),
        (workbook(["工号"]), "lists nobody"),
    ],
)
def test_an_unreadable_roster_file_is_explained(
    client: TestClient, staffed: Engine, data: bytes, expected: str
) -> None:
    sid = schedule_now(staffed, "10001")
    as_user(client, "admin")
    response = upload(client, sid, data)
    assert response.status_code == 400
    assert expected in response.text
    assert set(codes(staffed, sid)) == {"10001"}


def test_a_roster_file_over_the_upload_limit_is_refused(
    settings: Settings, staffed: Engine
) -> None:
    small = replace(settings, upload_max_bytes=1000)
    sid = schedule_now(staffed, "10001")
    with TestClient(create_app(small), base_url="http://testserver") as client:
        as_user(client, "admin")
        response = upload(client, sid, workbook(["工号"], ["10002"]))
        assert response.status_code == 413
        assert "too large" in response.text
    assert set(codes(staffed, sid)) == {"10001"}


def test_slips_and_the_exported_roster_carry_the_codes(client: TestClient, staffed: Engine) -> None:
    sid = schedule_now(staffed, "10001", "10002")
    as_user(client, "admin")
    slips = client.get(f"/admin/sittings/{sid}/slips")
    assert slips.status_code == 200
    assert "/static/slips.css" in slips.text and "早班查询测评" in slips.text
    for no, code in codes(staffed, sid).items():
        assert f"{code[:4]} {code[4:]}" in slips.text and no in slips.text
    assert slips.text.count('class="slip"') == 2
    export = client.get(f"/admin/sittings/{sid}/roster.xlsx")
    assert export.status_code == 200 and export.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("工号", "姓名", "签到码", "状态")
    code_map = codes(staffed, sid)
    assert rows[1:] == [
        ("10001", "考生10001", code_map["10001"], "not arrived"),
        ("10002", "考生10002", code_map["10002"], "not arrived"),
    ]
    # an exported roster imports back unchanged
    again = upload(client, sid, export.content)
    assert again.status_code == 303
    assert codes(staffed, sid) == code_map


# --- who may open what ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["proctor", "10001"])
def test_admin_pages_are_for_administrators(client: TestClient, staffed: Engine, who: str) -> None:
    sid = schedule_now(staffed, "10001")
    as_user(client, who)
    for url in (
        "/admin/sittings",
        "/admin/sittings/new",
        f"/admin/sittings/{sid}",
        f"/admin/sittings/{sid}/slips",
        f"/admin/sittings/{sid}/roster.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_of(client.get("/checkin" if who == "10001" else "/admin/attempts").text)
    refused = client.post(
        f"/admin/sittings/{sid}/seats",
        data={"csrf_token": token, "employees": [str(ids_of(staffed, "10002")[0])]},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert set(codes(staffed, sid)) == {"10001"}


def test_the_seat_log_is_for_administrators_and_the_sittings_proctors(
    client: TestClient, staffed: Engine
) -> None:
    sid = schedule_now(staffed, "10001")
    seat = seat_ids(staffed, sid)["10001"]
    url = f"/admin/sittings/{sid}/seats/{seat}"
    as_user(client, "10001")
    token = csrf_of(client.get("/checkin").text)
    client.post("/checkin", data={"csrf_token": token, "code": codes(staffed, sid)["10001"]})
    assert client.get(url).status_code == 403
    client.cookies.clear()
    as_user(client, "proctor")
    log = client.get(url)
    assert log.status_code == 200 and "checked in" in log.text and "Server time" in log.text
    assert client.get(f"/admin/sittings/{sid}/seats/{seat + 1000}").status_code == 404
    client.cookies.clear()
    as_user(client, "proctor2")  # a proctor, but not of this sitting
    assert client.get(url).status_code == 403
    with session_scope(staffed) as s:
        seat_row = s.get(Seat, seat)
        assert seat_row is not None
        audit(s, seat_row, "signal:paste", now=SystemClock().now(), actor="10001")
    client.cookies.clear()
    as_user(client, "admin")
    log = client.get(url)
    assert log.status_code == 200
    assert "Integrity signal: pasted into an answer" in log.text


# --- the candidate -------------------------------------------------------------------


@pytest.fixture
def candidate(client: TestClient, staffed: Engine) -> Iterator[tuple[TestClient, int]]:
    sid = schedule_now(staffed, "10001", "10002")
    yield as_user(client, "10001"), sid


def test_check_in_with_the_right_code_goes_to_the_waiting_room(
    candidate: tuple[TestClient, int], staffed: Engine
) -> None:
    client, sid = candidate
    page = client.get("/checkin")
    assert page.status_code == 200 and "早班查询测评" in page.text
    assert re.search(r'<input id="code" name="code"[^>]*autofocus', page.text)
    code = codes(staffed, sid)["10001"]
    response = client.post(
        "/checkin",
        data={"csrf_token": csrf_of(page.text), "code": f"{code[:4]} {code[4:]}".lower()},
        follow_redirects=False,
    )
    assert response.status_code == 303
    seat = seat_ids(staffed, sid)["10001"]
    assert response.headers["location"] == f"/wait/{seat}"
    wait = client.get(f"/wait/{seat}")
    assert wait.status_code == 200
    assert f'data-seat="{seat}"' in wait.text and f'data-ws="/ws/seat/{seat}"' in wait.text
    assert '<script src="/static/wait.js" defer></script>' in wait.text
    assert "Waiting for the proctor to start" in wait.text and "培训室3" in wait.text
    with session_scope(staffed) as s:
        sitting = s.get(Sitting, sid)
        seat_row = s.get(Seat, seat)
        assert sitting is not None and seat_row is not None
        start(s, sitting, [seat_row], now=SystemClock().now(), actor="proctor")
        attempt = seat_row.attempt_id
    started = client.get(f"/wait/{seat}", follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"] == f"/trial/{attempt}"


def test_a_wrong_code_is_refused_with_its_reason(
    candidate: tuple[TestClient, int], staffed: Engine
) -> None:
    client, sid = candidate
    token = csrf_of(client.get("/checkin").text)
    for typed in ("ZZZZZZZZ", codes(staffed, sid)["10002"]):  # nonsense, and a neighbour's code
        response = client.post("/checkin", data={"csrf_token": token, "code": typed})
        assert response.status_code == 400
        assert "This check-in code is not yours or does not exist." in response.text
    with session_scope(staffed) as s:
        logged = s.exec(select(AuditEvent).where(AuditEvent.kind == "check_in_refused")).all()
        assert len(logged) == 2
        assert all(seat.checked_in_at is None for seat, _e in roster(s, sid))


def test_a_used_code_is_refused(candidate: tuple[TestClient, int], staffed: Engine) -> None:
    client, sid = candidate
    token = csrf_of(client.get("/checkin").text)
    code = codes(staffed, sid)["10001"]
    assert client.post("/checkin", data={"csrf_token": token, "code": code}).status_code == 200
    again = client.post("/checkin", data={"csrf_token": token, "code": code})
    assert again.status_code == 400 and "already been used" in again.text


def test_a_waiting_room_is_its_candidates_own(
    candidate: tuple[TestClient, int], staffed: Engine
) -> None:
    client, sid = candidate
    seats = seat_ids(staffed, sid)
    token = csrf_of(client.get("/checkin").text)
    client.post("/checkin", data={"csrf_token": token, "code": codes(staffed, sid)["10001"]})
    assert client.get(f"/wait/{seats['10001']}").status_code == 200
    assert client.get(f"/wait/{seats['10002']}").status_code == 404
    assert client.get("/wait/999999").status_code == 404
    not_in = client.get(f"/wait/{seats['10001']}")
    assert not_in.status_code == 200
    client.cookies.clear()
    as_user(client, "10002")
    assert client.get(f"/wait/{seats['10001']}").status_code == 404
    own = client.get(f"/wait/{seats['10002']}", follow_redirects=False)
    assert own.status_code == 303 and own.headers["location"] == "/checkin"  # not checked in


def test_the_waiting_room_after_the_test_follows_the_release_rule(
    candidate: tuple[TestClient, int], staffed: Engine
) -> None:
    client, sid = candidate
    token = csrf_of(client.get("/checkin").text)
    client.post("/checkin", data={"csrf_token": token, "code": codes(staffed, sid)["10001"]})
    seat_id = seat_ids(staffed, sid)["10001"]
    now = SystemClock().now()
    with session_scope(staffed) as s:
        sitting, seat = s.get(Sitting, sid), s.get(Seat, seat_id)
        assert sitting is not None and seat is not None and seat.attempt_id is not None
        start(s, sitting, [seat], now=now, actor="proctor")
        mark_finished(s, SittingTest.LOOKUP, seat.attempt_id, now=now)
        attempt = seat.attempt_id
    held = client.get(f"/wait/{seat_id}")
    assert held.status_code == 200 and "when the proctor releases the results" in held.text
    assert "wait.js" not in held.text and f"/trial/{attempt}/result" not in held.text
    with session_scope(staffed) as s:
        sitting = s.get(Sitting, sid)
        assert sitting is not None
        release(s, sitting, now=now, actor="proctor")
    assert f'href="/trial/{attempt}/result"' in client.get(f"/wait/{seat_id}").text


def test_a_voided_seat_shows_why(candidate: tuple[TestClient, int], staffed: Engine) -> None:
    client, sid = candidate
    token = csrf_of(client.get("/checkin").text)
    client.post("/checkin", data={"csrf_token": token, "code": codes(staffed, sid)["10001"]})
    seat_id = seat_ids(staffed, sid)["10001"]
    with session_scope(staffed) as s:
        sitting, seat = s.get(Sitting, sid), s.get(Seat, seat_id)
        assert sitting is not None and seat is not None
        void(s, sitting, seat, reason="携带手机", now=SystemClock().now(), actor="proctor")
    page = client.get(f"/wait/{seat_id}")
    assert page.status_code == 200 and "voided by the proctor" in page.text
    assert "携带手机" in page.text and "wait.js" not in page.text
