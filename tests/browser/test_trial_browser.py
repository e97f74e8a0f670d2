"""A whole 100-task lookup trial taken in real Chromium, keyboard first, as a candidate would.

The test reads each question off the page, looks its accepted answer up in the database,
types it into the answer box (which must have the focus without a click) and presses Enter.
Three tasks are answered wrongly on purpose; once, mid-trial, it searches the knowledge base
with Ctrl+K and goes back with Esc. It checks what the page shows, never how fast the server
says the candidate was: the machine running the tests is shared and its timings are noise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.persistence.models import Article, Task
from tests.browser.conftest import CANDIDATE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

TASKS = 100
WRONG = frozenset({7, 42, 88})  # tasks answered wrongly on purpose
WRONG_ANSWER = "不清楚"
CLOCK_AT = 3  # the task during which the clock must be seen to move
SEARCH_AT = 50  # the task during which the knowledge base is searched (and the screenshot taken)
SCREENSHOT = "/tmp/trial.png"
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Key:
    """What the test needs to know of a task: its accepted answer and a word to search for."""

    answer: str
    search_word: str | None


def _keys(engine: Engine) -> dict[str, Key]:
    """Every active task by question: the answer to type, and a word to find its article by."""
    keys: dict[str, Key] = {}
    with Session(engine) as s:
        rows = s.exec(select(Task, Article).where(Task.article_id == Article.id)).all()
        for task, article in rows:
            if not task.active:
                continue
            answer = "".join(task.answers) if task.kind == "choice" else task.answers[0]
            assert task.question not in keys or keys[task.question].answer == answer, (
                f"two tasks ask {task.question!r} with different answers"
            )
            keys[task.question] = Key(answer, _search_word(task.question, article))
    return keys


def _search_word(question: str, article: Article) -> str | None:
    """Two Chinese characters of the question that its article's title (or body) also holds."""
    for text in (article.title, article.category, article.body):
        for run in _CJK_RUN.findall(question):
            for i in range(len(run) - 1):
                if run[i : i + 2] in text:
                    return run[i : i + 2]
    return None


def _log_in(page: Page) -> None:
    page.goto("/login")
    expect(page.locator('input[name="username"]')).to_be_focused()  # autofocus
    page.keyboard.type(CANDIDATE)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _search_knowledge_base(page: Page, word: str) -> None:
    """Ctrl+K to the search box, type ``word``, see it marked in the hits, Esc back."""
    page.keyboard.press("Control+k")
    kb_q = page.locator("#kb-q")
    expect(kb_q).to_be_focused()
    page.keyboard.type(word)
    marks = page.locator("#kb-results mark")
    expect(marks.first).to_be_visible()
    expect(marks.first).to_contain_text(word)
    page.screenshot(path=SCREENSHOT)
    page.keyboard.press("Escape")
    expect(page.locator("#answer")).to_be_focused()
    # The hits stay on screen while the candidate types the answer they found.
    expect(kb_q).to_have_value(word)
    expect(marks.first).to_be_visible()


def test_a_whole_trial_in_the_browser(page: Page, engine: Engine) -> None:
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    sent: list[str | bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    keys = _keys(engine)
    assert len(keys) >= TASKS

    _log_in(page)
    page.goto("/trial")
    start = page.locator('form[action="/trial/start"] button[type="submit"]')
    expect(start).to_be_focused()  # autofocus: Enter starts the trial
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/trial/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])

    progress = page.locator("#progress")
    clock = page.locator("#clock")
    answer_box = page.locator("#answer")
    searched = False
    for seq in range(1, TASKS + 1):
        task = page.locator(f'#task[data-seq="{seq}"]')
        expect(task).to_be_visible()
        expect(progress).to_have_text(f"{seq - 1}/{TASKS}")
        expect(task.locator(".seq")).to_contain_text(re.compile(rf"(?<![0-9]){seq}(?![0-9])"))
        # Keyboard first: the new task's answer box has the focus without a click.
        expect(answer_box).to_be_focused()
        expect(answer_box).to_be_editable()
        question = task.locator(".question").inner_text().strip()
        assert question in keys, f"task {seq}: question {question!r} is not in the bank"
        key = keys[question]

        if seq == CLOCK_AT:
            shown = clock.inner_text()
            page.wait_for_timeout(300)
            expect(clock).not_to_have_text(shown)
            assert float(clock.inner_text()) > 0
        if seq >= SEARCH_AT and not searched and key.search_word:
            _search_knowledge_base(page, key.search_word)
            searched = True

        typed = WRONG_ANSWER if seq in WRONG else key.answer
        assert seq not in WRONG or typed != key.answer
        page.keyboard.type(typed)
        expect(answer_box).to_have_value(typed)
        page.keyboard.press("Enter")

    assert searched, f"no task from task {SEARCH_AT} on had a word to search the knowledge base by"
    page.wait_for_url(f"**/trial/{attempt_id}/result")

    expect(page.locator("#accuracy")).to_contain_text(f"{TASKS - len(WRONG)}/{TASKS}")
    graded_text = page.locator("#graded-time").inner_text()
    graded = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:s|秒)\s*", graded_text)
    assert graded, f"graded time shown as {graded_text!r}"
    assert float(graded.group(1)) > 0
    rows = page.locator("table.splits tbody tr")
    expect(rows).to_have_count(TASKS)
    wrong_rows = page.locator("table.splits tbody tr.wrong td:first-child")
    assert sorted(int(t) for t in wrong_rows.all_inner_texts()) == sorted(WRONG)
    assert page_errors == []
    # The page sends each answer as the protocol's answer message and nothing more.
    frames = [json.loads(f) for f in sent]
    answers = [f for f in frames if f.get("type") != "pong"]
    assert [set(f) for f in answers] == [{"type", "seq", "answer"}] * TASKS
    assert [int(f["seq"]) for f in answers] == list(range(1, TASKS + 1))
