"""A proctored lookup sitting in real Chromium: one proctor and two candidates at once.

Three browser contexts, so three separate logins. The candidates check in with the codes
on their slips and wait; the proctor starts everyone from the console; one candidate
answers two tasks while the console follows their progress live; the proctor pauses that
candidate (their clock stops and the reason is on screen) and resumes them (the task and
the clock come back); the other candidate pastes into the answer box and the paste shows
up in the console's integrity signals. Nothing is reloaded by hand: every change reaches
the pages over their websockets.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from examsrv.clock import SystemClock
from examsrv.persistence.models import Employee, Role, Task, User
from examsrv.persistence.sitting_tables import ReleaseRule, Seat, SittingTest
from examsrv.persistence.sittings import NewSitting, add_seats, create_sitting, set_proctors
from tests.browser.conftest import CANDIDATE, TIMEOUT_MS
from tests.conftest import PASSWORD, add_user

pytestmark = pytest.mark.browser

PROCTOR = "proctor1"
OTHER = "10002"  # the second candidate; CANDIDATE (10001) is the one who answers
TASKS = 100  # the live server's trial length
ANSWERED = 2  # tasks the first candidate answers before the pause
PAUSE_REASON = "设备故障，请稍候"
PASTED = "从别处复制的答案"

NewPage = Callable[[], Page]


@pytest.fixture
def sitting_id(live_server: str, engine: Engine) -> int:
    """A lookup sitting open now, with CANDIDATE and OTHER on the roster and PROCTOR in charge."""
    add_user(engine, OTHER, Role.CANDIDATE, "李四")
    add_user(engine, PROCTOR, Role.PROCTOR, "监考 王")
    now = SystemClock().now()
    with Session(engine) as s:
        new = NewSitting(
            name="查询测试 浏览器场",
            test=SittingTest.LOOKUP,
            case_level=None,
            room="A301",
            opens_at=now - timedelta(minutes=10),
            closes_at=now + timedelta(hours=2),
            release_rule=ReleaseRule.BY_PROCTOR,
        )
        sitting = create_sitting(s, new, created_by="admin", now=now)
        proctor = s.exec(select(User).where(User.username == PROCTOR)).one()
        set_proctors(s, sitting.id or 0, [proctor.id or 0])
        rostered = col(Employee.employee_no).in_([CANDIDATE, OTHER])
        emps = s.exec(select(Employee).where(rostered)).all()
        add_seats(s, sitting, [e.id or 0 for e in emps], random.Random(1))
        s.commit()
        return sitting.id or 0


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[NewPage]:
    """Opens pages, each in a fresh browser context of its own (its own cookies, own login)."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _seat(engine: Engine, sitting_id: int, employee_no: str) -> Seat:
    with Session(engine) as s:
        query = (
            select(Seat)
            .join(Employee, col(Employee.id) == col(Seat.employee_id))
            .where(Seat.sitting_id == sitting_id, Employee.employee_no == employee_no)
        )
        return s.exec(query).one()


def _check_in(page: Page, engine: Engine, sitting_id: int, employee_no: str) -> Seat:
    """Type the code of the candidate's slip at /checkin; the waiting room opens."""
    seat = _seat(engine, sitting_id, employee_no)
    page.goto("/checkin")
    code = page.locator("#code")
    expect(code).to_be_focused()  # autofocus: the candidate just types
    page.keyboard.type(seat.code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/wait/{seat.id}")
    expect(page.locator('#waiting-room [data-role="conn"]')).to_have_attribute("data-state", "open")
    return seat


def _answer_key(engine: Engine) -> dict[str, str]:
    """The accepted answer of every task of the bank by its question."""
    with Session(engine) as s:
        tasks = s.exec(select(Task)).all()
        return {
            t.question: "".join(t.answers) if t.kind == "choice" else t.answers[0] for t in tasks
        }


def _paste(page: Page, text: str) -> None:
    """A paste into the answer box of text copied elsewhere, as the browser would fire it."""
    page.locator("#answer").evaluate(
        """(box, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            box.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        text,
    )


def test_a_proctor_runs_a_sitting_of_two_candidates(
    new_page: NewPage, engine: Engine, sitting_id: int
) -> None:
    errors: list[str] = []
    proctor, first, second = new_page(), new_page(), new_page()
    for p in (proctor, first, second):
        p.on("pageerror", lambda exc: errors.append(str(exc)))

    # The candidates check in and wait.
    _log_in(first, CANDIDATE)
    _log_in(second, OTHER)
    seat_1 = _check_in(first, engine, sitting_id, CANDIDATE)
    seat_2 = _check_in(second, engine, sitting_id, OTHER)

    # The proctor sees both waiting.
    _log_in(proctor, PROCTOR)
    proctor.goto(f"/proctor/sittings/{sitting_id}")
    row_1, row_2 = proctor.locator(f"#seat-{seat_1.id}"), proctor.locator(f"#seat-{seat_2.id}")
    for row, no in ((row_1, CANDIDATE), (row_2, OTHER)):
        expect(row).to_have_attribute("data-state", "waiting")
        expect(row).to_contain_text(no)
    expect(proctor.locator("#console-conn")).to_have_attribute("data-state", "open")
    expect(proctor.locator("#sitting-status")).not_to_have_text("scheduled")  # a label, not an id

    # Start everyone: both candidates go to their trial and get their first task.
    proctor.locator("button[data-all=start]").click()
    attempt_1 = _seat(engine, sitting_id, CANDIDATE).attempt_id
    attempt_2 = _seat(engine, sitting_id, OTHER).attempt_id
    first.wait_for_url(f"**/trial/{attempt_1}")
    second.wait_for_url(f"**/trial/{attempt_2}")
    for p in (first, second):
        expect(p.locator('#task[data-seq="1"]')).to_be_visible()
        expect(p.locator("#answer")).to_be_focused()
    for row in (row_1, row_2):
        expect(row).to_have_attribute("data-state", "in_progress")
        expect(row).to_have_attribute("data-connected", "1")

    # The first candidate answers two tasks; the console follows without a reload.
    key = _answer_key(engine)
    for seq in range(1, ANSWERED + 1):
        task = first.locator(f'#task[data-seq="{seq}"]')
        expect(task).to_be_visible()
        question = task.locator(".question").inner_text().strip()
        assert question in key, f"task {seq}: {question!r} is not in the bank"
        first.keyboard.type(key[question])
        first.keyboard.press("Enter")
        here = re.compile(rf"(?<![0-9]){seq + 1}/{TASKS}\b")
        expect(row_1.locator(".progress")).to_have_text(here)
    expect(first.locator(f'#task[data-seq="{ANSWERED + 1}"]')).to_be_visible()
    expect(first.locator("#progress")).to_have_text(f"{ANSWERED}/{TASKS}")
    expect(row_2.locator(".progress")).to_have_text(re.compile(rf"(?<![0-9])1/{TASKS}\b"))
    clock = first.locator("#clock")
    expect(clock).not_to_have_text("0.0")  # the clock runs on the third task

    # The proctor pauses the first candidate with a reason: the notice shows, the clock stops.
    def give_reason(dialog: Dialog) -> None:
        assert dialog.type == "prompt"
        dialog.accept(PAUSE_REASON)

    proctor.once("dialog", give_reason)
    row_1.locator(f"button[data-action=pause][data-seat='{seat_1.id}']").click()
    expect(row_1).to_have_attribute("data-state", "paused")
    notice = first.locator('#task[data-paused="1"]')
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(PAUSE_REASON)
    expect(first.locator("#answer")).to_have_count(0)
    stopped_at = clock.inner_text()
    first.wait_for_timeout(1500)
    assert clock.inner_text() == stopped_at, "the clock ran on while paused"
    expect(row_2).to_have_attribute("data-state", "in_progress")  # only one was paused

    # The second candidate pastes text from elsewhere: the console lists the signal.
    expect(second.locator("#conn")).to_have_attribute("data-state", "open")
    _paste(second, PASTED)
    signal = proctor.locator("#signals li[data-kind=paste]")
    expect(signal).to_have_count(1)
    expect(signal).to_contain_text(OTHER)

    # The proctor resumes: the task comes back where it was and the clock runs again.
    row_1.locator(f"button[data-action=resume][data-seat='{seat_1.id}']").click()
    expect(row_1).to_have_attribute("data-state", "in_progress")
    back = first.locator(f'#task[data-seq="{ANSWERED + 1}"]')
    expect(back).to_be_visible()
    expect(first.locator("#answer")).to_be_focused()
    resumed_at = clock.inner_text()
    expect(clock).not_to_have_text(resumed_at)
    assert float(clock.inner_text()) > 0
    expect(first.locator("#progress")).to_have_text(f"{ANSWERED}/{TASKS}")
    assert errors == []
