"""The case bank end to end in real Chromium: an author writes a branching case in the
editor, three reviewers approve it, and a candidate takes the level-1 case test with it.

The bank is seeded with nine live level-1 test cases (``tests.case_fixtures``) and one
training case, so with the author's case there are exactly ten live test cases: the default
case count of a level's test, so every one of them, the author's included, is drawn.

The author first saves the case with a CSR reply that gives no reasons: the problem must be
shown beside that turn and nothing saved. In practice, a training case shows its
annotations; in the test, no case does. The candidate answers questions on several cases
with the radio buttons, check boxes and text boxes (each answer must be acknowledged as
saved), goes back a case and forward again, watches the countdown run down (an answer's
acknowledgement must not wind it back), answers the author's case, declines and then
accepts the hand-in confirmation, and reads the result. Every answer is then read back
from the database, and the test page must have been loaded once only: no form of it may
be submitted as a page request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.itembank.case_specs import Pool
from examsrv.persistence.case_tables import CaseAnswer, CaseAttempt, CaseItem, CaseVersion
from examsrv.persistence.models import Role
from examsrv.settings import Settings
from tests.browser.conftest import CANDIDATE
from tests.case_fixtures import branching_case, make_live
from tests.conftest import PASSWORD, add_user

pytestmark = pytest.mark.browser

CATEGORIES = ["账单争议", "网络故障", "投诉升级", "营销推荐", "情绪安抚"]
TEST_CASES = 9  # seeded; the author's case makes the ten a level-1 test draws by default
REVIEWERS = ("r1", "r2", "r3")
EDITOR_SHOT = "/tmp/case_editor.png"
TEST_SHOT = "/tmp/case_test.png"

# The author's case, as typed into the editor.
KEY = "MK-1"
TITLE = "宽带卡顿与提速推荐"
CATEGORY = "营销推荐"
BACKGROUND = "客户李先生家里的宽带晚上经常卡顿，来电咨询。"


@dataclass(frozen=True)
class Line:
    key: str
    parent: str  # "" for the root
    text: str
    emotion: str = ""
    reasons: str = ""
    outcome: str = ""
    feeling: str = ""

    @property
    def add_button(self) -> str:
        """The name of the parent row's button that adds this line under it."""
        return "在此句下添加客服回复" if self.reasons else "在此句下添加客户追问"


LINES = (
    Line("t1", "", "我家宽带晚上老是卡，怎么回事？", emotion="烦躁"),
    Line(
        "t2",
        "t1",
        "您好，我先帮您查一下线路，再看看有没有更合适的套餐。",
        reasons="先排查故障\n再推荐合适套餐",
    ),
    Line("t3", "t2", "那有没有更快的宽带？", emotion="好奇"),
    Line("t4", "t2", "别给我推销，先把网修好！", emotion="生气"),
    Line(
        "t5", "t3", "现在升级到千兆只需每月加20元，本月还送一个月。", reasons="说明价格\n强调优惠"
    ),
    Line(
        "t6", "t4", "明白，我马上为您派修，修好后再回访您。", reasons="先满足客户诉求\n不强行推销"
    ),
    Line("t7", "t5", "好，那就帮我升级吧。", outcome="当场办理千兆升级", feeling="满意"),
    Line("t8", "t6", "行，尽快安排。", outcome="派单维修，次日修复", feeling="情绪缓和"),
)
FORGOTTEN = "t5"  # the CSR reply first saved without its reasons
# Annotations of the author's case that a candidate must not see during the test.
HIDDEN_IN_TEST = ("强调优惠", "不强行推销", "生气", "当场办理千兆升级", "情绪缓和")
SINGLE_PROMPT = "t4中客户最想要的是什么？"
SINGLE_OPTIONS = ("办理新套餐", "尽快修好网络", "投诉客服")
FREE_PROMPT = "面对不想被推销的客户，你会怎样回应？为什么？"
FREE_ANSWER = "先道歉并安排维修，不再推销，修好后回访时再介绍提速优惠。"

# What the candidate answers on the first three seeded cases met in the test (question →
# answer as the server stores it), and the points each earns (free text: pending).
SEEDED_ANSWERS: tuple[dict[str, str], ...] = (
    {"q1": "B", "q3": "false"},  # 2 + 1 points
    {"q2": "AB", "q4": "BA"},  # 2 + 1 points
    {"q5": "先安抚客户，再逐笔核实账单并说明依据。", "q1": "A"},  # pending + 0 (wrong)
)
EARNED = 3 + 3 + 0 + 2  # the three seeded cases, then the author's single choice
POSSIBLE = TEST_CASES * 11 + 2 + 3  # every question of the ten cases
PENDING = 2  # free-text answers given
# Annotations of the seeded cases (branching_case): reasons, emotions, thoughts, outcomes.
SEEDED_NOTES = ("承诺核实", "避免争辩", "怀疑被乱扣费", "逐笔核实后退还误扣费用")


def _seed(engine: Engine) -> None:
    specs = [
        branching_case(f"T-{i}", pool=Pool.TEST, category=CATEGORIES[i % len(CATEGORIES)])
        for i in range(TEST_CASES)
    ]
    make_live(engine, [*specs, branching_case("P-1", pool=Pool.TRAINING)])
    for name in ("author", *REVIEWERS):
        add_user(engine, name, Role.AUTHOR)
    # Candidate 10001 (level 0) is the live server's.


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    expect(page.locator('input[name="username"]')).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login")


# --- the author ---------------------------------------------------------------------------


def _turn_row(page: Page, key: str) -> Locator:
    return page.locator("li.turn-row").filter(
        has=page.locator(f'input[name$="-key"][value="{key}"]')
    )


def _question_row(page: Page, key: str) -> Locator:
    return page.locator("li.question-row").filter(
        has=page.locator(f'input[name$="-key"][value="{key}"]')
    )


def _add_turn(page: Page, line: Line) -> None:
    """Add ``line`` under its parent with the parent row's button, then type it in."""
    _turn_row(page, line.parent).get_by_role("button", name=line.add_button).click()
    row = _turn_row(page, line.key)
    expect(row).to_be_visible()
    expect(row.locator('select[name$="-parent"]')).to_have_value(line.parent)
    text = row.locator('textarea[name$="-text"]')
    expect(text).to_be_focused()  # the new row's text has the focus: just type
    page.keyboard.type(line.text)
    _annotate(row, line)


def _annotate(row: Locator, line: Line) -> None:
    if line.emotion:
        row.locator('input[name$="-emotion"]').fill(line.emotion)
    if line.reasons and line.key != FORGOTTEN:
        row.locator('textarea[name$="-reasons"]').fill(line.reasons)
    if line.outcome:
        row.locator('input[name$="-outcome"]').fill(line.outcome)
        row.locator('input[name$="-feeling"]').fill(line.feeling)


def _write_case(page: Page, engine: Engine) -> int:
    """Write the case in the editor, first with a mistake; returns the saved case's id."""
    page.goto("/author/cases/new")
    page.locator('input[name="key"]').fill(KEY)
    page.locator('input[name="title"]').fill(TITLE)
    expect(page.locator('select[name="level"]')).to_have_value("1")
    page.locator('input[name="category"]').fill(CATEGORY)
    page.locator('select[name="pool"]').select_option("test")
    page.locator('textarea[name="background"]').fill(BACKGROUND)

    root = LINES[0]
    root_row = _turn_row(page, root.key)
    root_row.locator('textarea[name$="-text"]').fill(root.text)
    _annotate(root_row, root)
    for line in LINES[1:]:
        _add_turn(page, line)
    # The rows stay in dialogue order, each indented under the turn it answers.
    keys = page.locator('li.turn-row input[name$="-key"]')
    order = keys.evaluate_all("inputs => inputs.map(i => i.value)")
    assert order == ["t1", "t2", "t3", "t5", "t7", "t4", "t6", "t8"]

    page.get_by_role("button", name="添加题目").click()
    single = _question_row(page, "q1")
    expect(single.locator('textarea[name$="-prompt"]')).to_be_focused()
    page.keyboard.type(SINGLE_PROMPT)
    single.locator('select[name$="-kind"]').select_option("single")
    single.locator('select[name$="-turn_key"]').select_option("t4")
    single.locator('input[name$="-points"]').fill("2")
    single.locator('textarea[name$="-options"]').fill("\n".join(SINGLE_OPTIONS))
    single.locator('input[name$="-answer"]').fill("B")

    page.get_by_role("button", name="添加题目").click()
    free = _question_row(page, "q2")
    expect(free.locator('textarea[name$="-prompt"]')).to_be_focused()
    page.keyboard.type(FREE_PROMPT)
    free.locator('select[name$="-kind"]').select_option("free_text")
    expect(free.locator('textarea[name$="-options"]')).to_be_hidden()
    free.locator('input[name$="-points"]').fill("3")
    free.locator('textarea[name$="-rubric"]').fill("先解决问题，不强行推销，事后回访")
    # The single-choice question's first values survived the redraw of the rows.
    expect(single.locator('input[name$="-answer"]')).to_have_value("B")

    # Saved with a CSR reply that gives no reasons: the problem is shown beside that turn.
    page.get_by_role("button", name="保存为草稿").click()
    forgotten = _turn_row(page, FORGOTTEN)
    expect(forgotten).to_have_class(re.compile(r"\bhas-problems\b"))
    expect(forgotten.locator(".row-problems")).to_contain_text("客户代表的回复应注明考虑因素")
    expect(page.locator("#problems")).to_contain_text("没有保存：发现 1 个问题")
    expect(page.locator(".row-problems")).to_have_count(1)
    page.screenshot(path=EDITOR_SHOT, full_page=True)
    with Session(engine) as s:
        assert s.exec(select(CaseItem).where(CaseItem.key == KEY)).first() is None
    # Everything typed is still there; add the reasons and save again.
    expect(_turn_row(page, "t8").locator('input[name$="-feeling"]')).to_have_value("情绪缓和")
    reasons = forgotten.locator('textarea[name$="-reasons"]')
    reasons.fill(next(line.reasons for line in LINES if line.key == FORGOTTEN))
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_url(re.compile(r"/author/cases/\d+/preview\?version=1&saved=1$"))
    case_id = int(re.findall(r"/author/cases/(\d+)/", page.url)[0])
    expect(page.get_by_role("status")).to_contain_text("草稿")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/author/cases/{case_id}?submitted=1")
    expect(page.get_by_role("status")).to_be_visible()
    return case_id


def _approve(page: Page, reviewer: str, status: str) -> None:
    _log_in(page, reviewer)
    page.goto("/author/reviews")
    waiting = page.locator("section.card").filter(has_text=KEY)
    expect(waiting).to_have_count(1)
    waiting.get_by_role("button", name="通过").click()
    page.wait_for_url(re.compile(r"/author/reviews\?done="))
    expect(page.get_by_role("status")).to_contain_text(status)
    _log_out(page)


# --- the candidate --------------------------------------------------------------------------


def _practice(page: Page) -> None:
    """A training case in practice shows its annotations; a first answer is checked."""
    page.goto("/cases")
    page.get_by_role("link", name="话费多扣争议 P-1").click()
    page.wait_for_url(re.compile(r"/practice/\d+$"))
    view = page.locator("article.case-view")
    for note in SEEDED_NOTES:
        expect(view).to_contain_text(note)
    expect(view.locator(".notes").first).to_be_visible()
    expect(view.locator(".leaf-note").first).to_be_visible()
    first = page.locator("form.practice-question").first
    first.get_by_role("radio", name=re.compile("怀疑被多扣费")).check()
    first.get_by_role("button", name="核对").click()
    expect(first.locator(".feedback .notice")).to_contain_text("正确")


def _seconds_left(deadline: Locator) -> int:
    text = deadline.inner_text().strip()
    match = re.fullmatch(r"(\d+):(\d\d)", text)
    assert match, f"the countdown shows {text!r}"
    return int(match[1]) * 60 + int(match[2])


def _next_tick(deadline: Locator) -> int:
    """Wait for the countdown to show another time; returns it in seconds."""
    expect(deadline).not_to_have_text(deadline.inner_text())
    return _seconds_left(deadline)


def _saved(form: Locator) -> None:
    expect(form.locator(".saved")).to_have_text("已保存")


def _question(page: Page, prompt: str) -> Locator:
    return page.locator("#case-pane form.case-question").filter(has_text=prompt)


def _prompts(title: str) -> dict[str, str]:
    if title == TITLE:
        return {"q1": SINGLE_PROMPT, "q2": FREE_PROMPT}
    return {q.key: q.prompt for q in branching_case("any").questions}


def _expect_answers_shown(page: Page, title: str, answers: dict[str, str]) -> None:
    """The case on screen shows exactly these saved answers, each marked as saved."""
    expect(page.locator("#case-pane article.case-view h2")).to_have_text(title)
    expect(page.locator("#case-pane .saved", has_text="已保存")).to_have_count(len(answers))
    prompts = _prompts(title)
    for key, given in answers.items():
        form = _question(page, prompts[key])
        _saved(form)
        choices = form.locator('input[name="answer"]:is([type=radio], [type=checkbox])')
        if choices.count():
            values = [given] if given in ("true", "false") else list(given)
            checked = [f'input[name="answer"][value="{v}"]:checked' for v in values]
            expect(form.locator(", ".join(checked))).to_have_count(len(values))
            expect(form.locator("input:checked")).to_have_count(len(values))
        else:
            expect(form.locator('[name="answer"]')).to_have_value(given)


def _answer_seeded(page: Page, answers: dict[str, str]) -> None:
    """Answer some questions of a seeded case (branching_case) as a candidate would."""
    prompts = _prompts("")
    for key, given in answers.items():
        form = _question(page, prompts[key])
        expect(form.locator(".saved")).to_have_text("")
        if key in ("q1", "q2"):  # single and multiple choice
            for letter in given:
                form.locator(f'input[name="answer"][value="{letter}"]').check()
                _saved(form)
        elif key == "q3":  # true or false
            form.get_by_role("radio", name="错").check()
        elif key == "q4":  # ordering: type the letters, Enter
            form.locator('input[name="answer"]').click()
            page.keyboard.type(given)
            page.keyboard.press("Enter")
        else:  # free text: type, then Tab away
            form.locator("textarea").click()
            page.keyboard.type(given)
            page.keyboard.press("Tab")
        _saved(form)


def _goto(page: Page, button: str, position: int, count: int) -> None:
    """Go to another case with a button below the questions; it is shown from its top."""
    page.get_by_role("button", name=button).click()
    expect(page.locator("#case-progress")).to_have_text(f"第 {position + 1} 个案例 / 共 {count} 个")
    expect(page.locator("#case-pane article.case-view h2")).to_be_in_viewport()


def _take_test(page: Page) -> tuple[int, dict[str, dict[str, str]]]:
    """Take the case test; returns the attempt id and the answers given by case title."""
    page.goto("/cases")
    page.get_by_role("button", name="开始1级案例测试").click()
    page.wait_for_url(re.compile(r"/case-test/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    count = TEST_CASES + 1
    pane = page.locator("#case-pane")
    title = pane.locator("article.case-view h2")
    deadline = page.locator("#deadline")
    expect(page.locator("#case-progress")).to_have_text(f"第 1 个案例 / 共 {count} 个")
    expect(deadline).to_have_text(re.compile(r"^\d+:\d\d$"))
    start_left = _seconds_left(deadline)
    assert 59 * 60 < start_left <= 60 * 60  # the default policy: 60 minutes

    given: dict[str, dict[str, str]] = {}
    titles: list[str] = []  # by position
    seeded = iter(SEEDED_ANSWERS)
    for position in range(count):
        if position:
            _goto(page, "下一个案例", position, count)
        shown = title.inner_text().strip()
        # No annotation of any case is shown during the test.
        expect(pane.locator(".notes, .leaf-note, .correct")).to_have_count(0)
        for note in (*SEEDED_NOTES, *HIDDEN_IN_TEST):
            expect(pane).not_to_contain_text(note)
        if position == 0:  # the countdown runs
            ticked = _next_tick(deadline)
            assert ticked < start_left
        if shown == TITLE:
            single = _question(page, SINGLE_PROMPT)
            single.get_by_role("radio", name=re.compile(SINGLE_OPTIONS[1])).check()
            _saved(single)
            free = _question(page, FREE_PROMPT)
            free.locator("textarea").click()
            page.keyboard.type(FREE_ANSWER)
            page.keyboard.press("Tab")
            _saved(free)
            title.scroll_into_view_if_needed()
            page.screenshot(path=TEST_SHOT, full_page=True)
            given[shown] = {"q1": "B", "q2": FREE_ANSWER}
        elif (answers := next(seeded, None)) is not None:
            _answer_seeded(page, answers)
            given[shown] = answers
        titles.append(shown)
        if position == 0:  # and the acknowledged answers did not wind it back
            assert _next_tick(deadline) < ticked
        if position == 1:
            # Back to the first case and forward again: the saved answers are shown.
            _goto(page, "上一个案例", 0, count)
            _expect_answers_shown(page, titles[0], given[titles[0]])
            _goto(page, "下一个案例", 1, count)
            _expect_answers_shown(page, shown, given[shown])
    assert TITLE in given, "the author's case was not in the test"
    assert len(given) == 4

    assert _next_tick(deadline) < ticked  # still running down after all the answers
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    def decline(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    # Handing in asks first: declined, nothing happens; accepted, the result is shown.
    page.once("dialog", decline)
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#case-progress")).to_have_text(f"第 {count} 个案例 / 共 {count} 个")
    page.once("dialog", accept)
    page.get_by_role("button", name="交卷").click()
    page.wait_for_url(f"**/case-test/{attempt_id}/result")
    assert dialogs == ["现在交卷吗？交卷后不能再修改答案。"] * 2
    return attempt_id, given


def test_a_case_is_written_reviewed_and_taken_in_a_case_test(
    page: Page, engine: Engine, live_server: str, trial_settings: Settings
) -> None:
    assert trial_settings.case_reviewers_required == 3  # the default: three approvals
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    sent: list[str | bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    _seed(engine)

    _log_in(page, "author")
    case_id = _write_case(page, engine)
    _log_out(page)
    for reviewer, status in zip(REVIEWERS, ("审核中", "审核中", "在用"), strict=True):
        _approve(page, reviewer, status)

    _log_in(page, "author")
    page.goto(f"/author/cases/{case_id}")
    expect(page.locator("dl.figures")).to_contain_text("v1")
    expect(page.locator("table .status")).to_have_text(["在用"])
    _log_out(page)

    _log_in(page, CANDIDATE)
    _practice(page)
    attempt_id, given = _take_test(page)

    score = page.locator("#case-score")
    expect(score).to_contain_text(f"{EARNED} / {POSSIBLE}")
    expect(page.locator("dl.figures")).to_contain_text("待评审")
    expect(page.locator("dl.figures")).to_contain_text(f"{PENDING} 道简答题")
    page.goto("/cases")
    expect(page.locator("table tbody tr").first).to_contain_text("已交卷")

    with Session(engine) as s:
        attempt = s.get(CaseAttempt, attempt_id)
        assert attempt is not None and attempt.status == "submitted"
        assert attempt.pending == PENDING and attempt.earned == EARNED
        rows = s.exec(select(CaseAnswer).where(CaseAnswer.attempt_id == attempt_id)).all()
        versions = s.exec(select(CaseVersion)).all()
        title_of = {v.id: v.spec["title"] for v in versions if v.id in attempt.versions}
    saved: dict[str, dict[str, str]] = {}
    for row in rows:
        saved.setdefault(title_of[row.version_id], {})[row.question_key] = row.given
    assert saved == given
    assert page_errors == []
    # The test page was loaded once: no answer or hand-in form was submitted as a page.
    assert [u for u in visited if "/case-test/" in u] == [
        f"{live_server}/case-test/{attempt_id}",
        f"{live_server}/case-test/{attempt_id}/result",
    ]
    frames = [json.loads(f) for f in sent]
    answers = [f for f in frames if f.get("type") == "answer"]
    # Every answer frame carries the protocol's four fields and nothing of ours besides. A
    # free-text answer saved while typing (keyup, debounced) can fire after the candidate
    # moved on, from a form no longer in the page, which the page script cannot reach to
    # strip htmx's HEADERS member; the server ignores unknown fields.
    protocol = {"type", "version", "question", "answer"}
    odd = [f for f in answers if not protocol <= set(f) <= protocol | {"HEADERS"}]
    assert odd == [], [sorted(f) for f in odd]
