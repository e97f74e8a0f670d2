"""Searching the knowledge base: few matches are ranked, many give a capped page by id."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, text
from sqlmodel import Session

from examsrv.clock import SystemClock
from examsrv.demo.knowledge_base import generate_articles
from examsrv.itembank.search_text import parse_query, to_fts5, to_tsquery
from examsrv.itembank.specs import ArticleSpec
from examsrv.persistence.engine import session_scope
from examsrv.persistence.knowledge import SEARCH_CAP, SearchResult, apply_bank, search_articles
from examsrv.persistence.migrate import alembic_config

# Same length, so that only the number of times 漫游 occurs orders them.
ARTICLES = [
    ArticleSpec("KB-1", "漫游", "资费说明", "出境漫游按天计费，其余照常。", ()),  # once
    ArticleSpec("KB-2", "漫游", "资费说明", "漫游漫游按天计费，漫游照常。", ()),  # three times
    ArticleSpec("KB-3", "漫游", "资费说明", "出境漫游按天计费，漫游照常。", ()),  # twice
    ArticleSpec("KB-4", "漫游", "资费说明", "漫游漫游按天计费，漫游照常。", ()),  # ties with KB-2
    ArticleSpec("KB-5", "宽带", "宽带报装", "宽带报装需要身份证，安装费100元。", ("10000号",)),
]


def load(engine: Engine, articles: list[ArticleSpec]) -> dict[str, int]:
    with session_scope(engine) as s:
        apply_bank(s, articles, [], actor="test", now=SystemClock().now())
    with Session(engine) as s:
        return {key: id_ for id_, key in s.execute(text("SELECT id, key FROM article")).all()}


def search(engine: Engine, q: str, **options: int) -> tuple[list[str], bool]:
    with Session(engine) as s:
        result = search_articles(s, q, **options)
    assert isinstance(result, SearchResult)
    return [hit.key for hit in result.hits], result.capped


def ranking_every_match(engine: Engine, q: str) -> list[str]:
    """How search ranked before the cap: every match in one statement, ties by id."""
    query = parse_query(q)
    assert query is not None
    with Session(engine) as s:
        if engine.dialect.name == "sqlite":
            sql = (
                "SELECT a.key FROM article_fts JOIN article a ON a.id = article_fts.rowid "
                "WHERE article_fts MATCH :m ORDER BY bm25(article_fts), a.id"
            )
            return list(s.execute(text(sql), {"m": to_fts5(query)}).scalars())
        g1, g2 = to_tsquery(query)
        where, rank, params = [], [], {}
        for column, tsquery in (("g1", g1), ("g2", g2)):
            if tsquery is not None:
                where.append(f"s.{column} @@ to_tsquery('simple', :{column})")
                rank.append(f"ts_rank(s.{column}, to_tsquery('simple', :{column}))")
                params[column] = tsquery
        sql = (
            "SELECT a.key FROM article_search s JOIN article a ON a.id = s.article_id "
            f"WHERE {' AND '.join(where)} ORDER BY {' + '.join(rank)} DESC, a.id"
        )
        return list(s.execute(text(sql), params).scalars())


def test_few_matches_are_ranked_by_relevance_then_id(engine: Engine) -> None:
    load(engine, ARTICLES)
    assert search(engine, "漫游") == (["KB-2", "KB-4", "KB-3", "KB-1"], False)
    assert search(engine, "漫游", limit=2) == (["KB-2", "KB-4"], False)
    assert search(engine, "宽带报装") == (["KB-5"], False)
    assert search(engine, "10") == (["KB-5"], False)  # a prefix: 100, 10000
    assert search(engine, "1000") == (["KB-5"], False)


def test_exactly_the_cap_is_still_ranked(engine: Engine) -> None:
    load(engine, ARTICLES)
    assert search(engine, "漫游", cap=4) == (["KB-2", "KB-4", "KB-3", "KB-1"], False)
    assert search(engine, "漫游", cap=4, limit=1) == (["KB-2"], False)


def test_more_matches_than_the_cap_give_the_first_by_id_unranked(engine: Engine) -> None:
    ids = load(engine, ARTICLES)
    assert ids["KB-1"] < ids["KB-2"] < ids["KB-3"] < ids["KB-4"]
    assert search(engine, "漫游", cap=3) == (["KB-1", "KB-2", "KB-3", "KB-4"], True)
    assert search(engine, "漫游", cap=3, limit=2) == (["KB-1", "KB-2"], True)
    assert search(engine, "漫游", cap=1, limit=3) == (["KB-1", "KB-2", "KB-3"], True)


def test_nothing_found_or_nothing_to_search(engine: Engine) -> None:
    load(engine, ARTICLES)
    assert search(engine, "火星") == ([], False)
    assert search(engine, "，。") == ([], False)
    assert search(engine, "漫游 宽带", cap=0) == ([], False)


def test_pages_under_the_cap_are_ranked_as_every_match_was(engine: Engine) -> None:
    load(engine, generate_articles(120))
    checked = 0
    for q in ["漫游", "宽带", "国际漫游", "5G", "套餐 流量", "10", "资费", "办理"]:
        expected = ranking_every_match(engine, q)
        if not 1 < len(expected) <= SEARCH_CAP:
            continue
        checked += 1
        assert search(engine, q, limit=len(expected)) == (expected, False), q
        assert search(engine, q) == (expected[:10], False), q
    assert checked >= 5


def test_the_search_index_migration_keeps_every_article_findable(engine: Engine) -> None:
    load(engine, ARTICLES)
    before = search(engine, "漫游")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    if engine.dialect.name == "sqlite":
        assert "prefix" not in fts_schema(engine)
    assert search(engine, "漫游") == before
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    if engine.dialect.name == "sqlite":
        assert "prefix = '1 2 3 4'" in fts_schema(engine)
    assert search(engine, "漫游") == before
    assert search(engine, "10") == (["KB-5"], False)
    assert search(engine, "宽带报装") == (["KB-5"], False)


def fts_schema(engine: Engine) -> str:
    with engine.connect() as conn:
        sql = "SELECT sql FROM sqlite_master WHERE name = 'article_fts'"
        return str(conn.execute(text(sql)).scalar_one())
