"""The knowledge-base search page: hits, and the notice when too many articles match to rank."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from starlette.testclient import TestClient

from examsrv.persistence.knowledge import SEARCH_CAP
from examsrv.persistence.models import Role
from tests.conftest import add_user, load_bank, login


def hits(page: str) -> int:
    return len(re.findall(r'<li class="hit">', page))


def test_a_query_matching_more_than_the_cap_says_it_is_not_ranked(
    client: TestClient, engine: Engine
) -> None:
    load_bank(engine, articles=320, tasks=0)
    add_user(engine, "author", Role.AUTHOR)
    login(client, "author")
    common = client.get("/kb/search", params={"q": "费"})  # in 275 of the 320 articles
    assert common.status_code == 200
    assert 'class="muted kb-capped"' in common.text
    assert f"{SEARCH_CAP}" in common.text
    assert hits(common.text) == 10
    rare = client.get("/kb/search", params={"q": "国际漫游"})
    assert rare.status_code == 200
    assert hits(rare.text) > 0 and "kb-capped" not in rare.text
    assert "kb-capped" not in client.get("/kb/search", params={"q": "火星"}).text


def test_the_notice_in_english_names_the_cap(client: TestClient, engine: Engine) -> None:
    load_bank(engine, articles=320, tasks=0)
    add_user(engine, "author", Role.AUTHOR)
    login(client, "author")
    client.get("/lang/en")
    english = client.get("/kb/search", params={"q": "费"})
    assert f"More than {SEARCH_CAP} articles match" in english.text
