"""The item-bank author's pages: import, export, browse, edit, search."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from starlette.testclient import TestClient

from examsrv.itembank.specs import AnswerKind, ArticleSpec, TaskSpec
from examsrv.itembank.spreadsheet import write_bank_xlsx
from examsrv.persistence.models import Article, Role, Task
from tests.conftest import add_user, csrf_of, login

ARTICLES = [
    ArticleSpec(
        "KB-1",
        "国际及港澳台漫游",
        "日本漫游资费",
        "日本漫游数据日包每天25元，可用1GB。",
        ("日包25元",),
    ),
    ArticleSpec(
        "KB-2", "家庭宽带", "宽带移机", "宽带移机需提前3个工作日预约，收费50元。", ("移机费50元",)
    ),
]
TASKS = [
    TaskSpec("T-1", "日本漫游数据日包每天多少钱？", "KB-1", answers=("25元",)),
    TaskSpec(
        "T-2",
        "宽带移机需提前几个工作日预约？",
        "KB-2",
        AnswerKind.CHOICE,
        ("B",),
        options=("1个", "3个", "7个"),
    ),
]


@pytest.fixture
def author(client: TestClient, engine: Engine) -> TestClient:
    add_user(engine, "author", Role.AUTHOR)
    login(client, "author")
    return client


def upload(client: TestClient, name: str, data: bytes) -> tuple[int, str]:
    csrf = csrf_of(client.get("/author/import").text)
    response = client.post(
        "/author/import", data={"csrf_token": csrf}, files={"file": (name, data)}
    )
    return response.status_code, response.text


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(Article)).one(),
            s.exec(select(func.count()).select_from(Task)).one(),
        )


def test_an_excel_import_adds_the_bank_and_search_finds_it(
    author: TestClient, engine: Engine
) -> None:
    status, page = upload(author, "bank.xlsx", write_bank_xlsx(ARTICLES, TASKS))
    assert status == 200, page
    assert counts(engine) == (2, 2)
    # One- and two-character queries find the article, highlighted.
    for q in ["漫", "漫游", "日本漫游", "移机 预约"]:
        hits = author.get("/kb/search", params={"q": q}).text
        assert "<mark>" in hits, q
    assert "宽带" not in author.get("/kb/search", params={"q": "漫游"}).text


def test_a_bad_row_imports_nothing_and_every_error_is_listed(
    author: TestClient, engine: Engine
) -> None:
    upload(author, "bank.xlsx", write_bank_xlsx(ARTICLES, TASKS))
    workbook = openpyxl.load_workbook(io.BytesIO(write_bank_xlsx(ARTICLES, TASKS)))
    articles = workbook["知识库"]
    articles.append(["KB-3", "家庭宽带", "新文章", "正文", ""])
    articles.append(["KB-1", "家庭宽带", "重复编号", "正文", ""])
    tasks = workbook["查询任务"]
    tasks.append(["T-9", "题目", "文字", "答案", "", "", "KB-404"])
    out = io.BytesIO()
    workbook.save(out)
    status, page = upload(author, "bank.xlsx", out.getvalue())
    assert status == 400
    assert "KB-1" in page and "KB-404" in page  # each bad row reported
    assert counts(engine) == (2, 2)  # the good new row KB-3 was not imported either


def test_wrong_files_are_refused_clearly(author: TestClient, engine: Engine) -> None:
    status, page = upload(author, "bank.xlsx", b"this is not a workbook")
    assert status == 400 and "xlsx" in page.lower()
    status, _ = upload(author, "bank.json", b"{")
    assert status == 400
    status, _ = upload(author, "", b"")
    assert status in (400, 422)
    assert counts(engine) == (0, 0)


def test_export_round_trips_through_import(author: TestClient, engine: Engine) -> None:
    upload(author, "bank.xlsx", write_bank_xlsx(ARTICLES, TASKS))
    xlsx = author.get("/author/export.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    exported = author.get("/author/export.json").json()
    assert [a["key"] for a in exported["articles"]] == ["KB-1", "KB-2"]
    status, _page = upload(author, "again.xlsx", xlsx.content)
    assert status == 200 and counts(engine) == (2, 2)
    status, _ = upload(author, "again.json", json.dumps(exported).encode())
    assert status == 200 and counts(engine) == (2, 2)


def test_editing_an_article_bumps_its_version_and_reindexes_it(
    author: TestClient, engine: Engine
) -> None:
    upload(author, "bank.xlsx", write_bank_xlsx(ARTICLES, TASKS))
    with Session(engine) as s:
        article = s.exec(select(Article).where(Article.key == "KB-2")).one()
    page = author.get(f"/author/articles/{article.id}")
    response = author.post(
        f"/author/articles/{article.id}",
        data={
            "csrf_token": csrf_of(page.text),
            "title": "宽带移机与拆机",
            "category": "家庭宽带",
            "body": "宽带拆机当天办结。",
            "key_facts": "拆机当天办结",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Session(engine) as s:
        edited = s.get(Article, article.id)
        assert edited is not None and edited.version == 2 and edited.updated_by == "author"
    assert "<mark>" in author.get("/kb/search", params={"q": "拆机"}).text
    assert "<mark>" not in author.get("/kb/search", params={"q": "预约"}).text


def test_a_task_edit_is_validated_like_an_import(author: TestClient, engine: Engine) -> None:
    upload(author, "bank.xlsx", write_bank_xlsx(ARTICLES, TASKS))
    with Session(engine) as s:
        task = s.exec(select(Task).where(Task.key == "T-2")).one()
    page = author.get(f"/author/tasks/{task.id}")
    bad = author.post(
        f"/author/tasks/{task.id}",
        data={
            "csrf_token": csrf_of(page.text),
            "question": "几个工作日？",
            "kind": "choice",
            "answers": "D",
            "options": "1个\n3个",
            "article_key": "KB-2",
        },
    )
    assert bad.status_code == 400
    good = author.post(
        f"/author/tasks/{task.id}",
        data={
            "csrf_token": csrf_of(page.text),
            "question": "宽带移机需提前几个工作日？",
            "kind": "text",
            "answers": "3个工作日",
            "synonyms": "3天",
            "article_key": "KB-2",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    with Session(engine) as s:
        saved = s.get(Task, task.id)
        assert saved is not None and saved.kind == "text" and saved.synonyms == ["3天"]
        assert saved.version == 2


def test_lists_page_through_the_bank(author: TestClient, engine: Engine) -> None:
    upload(author, "bank.xlsx", write_bank_xlsx(ARTICLES, TASKS))
    articles = author.get("/author/articles?category=家庭宽带")
    assert "宽带移机" in articles.text and "日本漫游资费" not in articles.text
    assert "日本漫游数据日包" in author.get("/author/tasks").text
    assert author.get("/author/articles?page=abc").status_code == 200
    assert author.get("/author/articles/999999").status_code == 404
