"""From an application to a printed certificate and its verification page, in real Chromium.

The candidate's lookup trial and case test of level 1 and their six course scores are
written straight into the database (the trial and the case test have browser tests of
their own). The candidate applies for level 1; HR qualifies the application and moves it
through the courses and the tests from the queue; an approver passes it; the candidate
opens the certificate, which carries a QR code and prints without its buttons and
navigation; anyone can look the number up on the verification page and read "valid";
after HR revokes the certificate the same page says "revoked", with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import select

from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee, Role
from tests.browser.conftest import CANDIDATE, TIMEOUT_MS
from tests.conftest import PASSWORD, add_user
from tests.record_fixtures import seed_level1_evidence

pytestmark = pytest.mark.browser
SHOT = "/tmp/record_certificate.png"


@pytest.fixture
def open_page(browser: Browser, live_server: str) -> Iterator[object]:
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _log_in(page: Page, username: str) -> None:
    page.goto("/login?next=/")  # the approver role has no home page of its own yet
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/login"] button[type="submit"]')
    page.wait_for_url(lambda url: "/login" not in url)


def _step(page: Page, app_id: int, action: str) -> None:
    """HR clicks the row's step button in the queue and the queue comes back."""
    row = page.locator(f'tr[data-application="{app_id}"]')
    row.locator(f'input[name="action"][value="{action}"] ~ button').click()
    page.wait_for_url(re.compile(r"/hr/applications$"))


def test_from_an_application_to_a_printed_and_verified_certificate(
    page: Page, open_page: object, engine: Engine
) -> None:
    make = open_page
    assert callable(make)
    add_user(engine, "hr", Role.HR, "人力资源部")
    add_user(engine, "approver", Role.APPROVER, "认证领导小组")
    with session_scope(engine) as s:
        employee = s.exec(select(Employee).where(Employee.employee_no == CANDIDATE)).one()
        assert employee.id is not None
        eid = employee.id
    seed_level1_evidence(engine, eid)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The candidate sees every condition of level 1 met, and applies.
    _log_in(page, CANDIDATE)
    page.goto("/me/level")
    expect(page.locator(".checklist li.missing")).to_have_count(0)
    expect(page.locator(".checklist li.done").first).to_be_visible()
    page.select_option('select[name="target_level"]', "1")
    page.click("form.apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/me/level\?applied=1$"))
    link = page.locator('a[href^="/applications/"]').first
    app_id = int((link.get_attribute("href") or "").rsplit("/", 1)[1])

    # HR: qualification, courses, tests, from the queue.
    hr = make()
    _log_in(hr, "hr")
    hr.goto("/hr/applications")
    for action in ("qualify", "advance", "advance"):
        _step(hr, app_id, action)
    expect(hr.locator(f'tr[data-application="{app_id}"] form')).to_have_count(0)

    # The approver passes it, with a note.
    approver = make()
    _log_in(approver, "approver")
    approver.goto("/approvals")
    card = approver.locator(f'article[data-application="{app_id}"]')
    expect(card.locator(".checklist li.missing")).to_have_count(0)
    card.locator('textarea[name="note"]').fill("材料齐全，同意晋级")
    card.locator('button[value="pass"]').click()
    approver.wait_for_url(re.compile(r"/approvals$"))
    expect(approver.locator(f'article[data-application="{app_id}"]')).to_have_count(0)

    # The candidate's level is 1 and the certificate is theirs to print.
    page.goto("/me/level")
    expect(page.locator("#current-level")).to_contain_text("1")
    page.locator('a[href^="/certificates/"]').first.click()
    page.wait_for_url(re.compile(r"/certificates/ZS-\d{4}-\d{6}$"))
    number = page.locator("#cert-number").inner_text()
    expect(page.locator("#cert-qr svg")).to_be_visible()
    expect(page.locator("#cert-qr svg path")).to_have_count(1)
    expect(page.locator(".certificate")).to_contain_text("张三")
    verify_url = page.locator(".certificate .verify .mono").inner_text()
    assert verify_url.endswith(f"/verify/{number}")
    print_button = page.locator("#print-button")
    expect(print_button).to_be_visible()
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#cert-qr svg")).to_be_visible()
    page.screenshot(path=SHOT, full_page=True)
    page.emulate_media(media="screen")
    expect(print_button).to_be_visible()

    # Anyone, logged in or not, reaches the verification page by the number.
    public = make()
    public.goto("/verify")
    public.fill('input[name="number"]', number)
    public.locator('form[action="/verify"] button[type=submit]').click()
    public.wait_for_url(re.compile(rf"/verify/{number}$"))
    expect(public.locator("#verdict")).to_have_attribute("data-status", "valid")
    expect(public.locator(".verify")).to_contain_text("张*")
    public.goto(verify_url)  # the QR code's address works too
    expect(public.locator("#verdict")).to_have_attribute("data-status", "valid")

    # HR revokes it; the verification page now says so, with the reason.
    hr.goto(f"/certificates/{number}")
    hr.fill('form.revoke-form input[name="reason"]', "材料造假")
    hr.click("form.revoke-form button[type=submit]")
    expect(hr.locator("#cert-status")).to_contain_text("材料造假")
    public.reload()
    expect(public.locator("#verdict")).to_have_attribute("data-status", "revoked")
    expect(public.locator(".verify")).to_contain_text("材料造假")
    public.goto("/verify/ZS-1999-000000")
    expect(public.locator("#verdict")).to_have_attribute("data-status", "none")
    assert errors == []
