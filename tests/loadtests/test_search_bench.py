"""The knowledge-base search benchmark, briefly: its checks work and a small run loses nothing.

A correctness check of the harness, not a benchmark: a run on a tiny base must time every
kind of query, find no wrong or missing result, and write its report. No figure of speed is
asserted (docs/performance.md has those).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from examsrv.itembank.specs import ArticleSpec
from examsrv.persistence import knowledge
from examsrv.persistence.knowledge import SEARCH_CAP
from loadtests.database import PG_SERVER
from loadtests.search_bench import (
    KINDS,
    Checks,
    Corpus,
    Parts,
    Query,
    check_cap_flag,
    check_page,
    draw_queries,
    instrumented,
    percentile,
)
from tests.conftest import need_service

REPO = Path(__file__).resolve().parents[2]

ARTICLES = [
    ArticleSpec("KB-1", "漫游", "国际漫游资费", "出境后开通国际漫游，按天计费。", ("日租10元",)),
    ArticleSpec("KB-2", "5G", "5G 套餐", "５Ｇ套餐含 VoLTE 高清通话，月费128元。", ("流量30GB",)),
    ArticleSpec("KB-3", "宽带", "宽带报装", "报装宽带需身份证，15G 流量包另购。", ()),
    ArticleSpec("KB-4", "话费", "话费查询", "发送 CXHF 到 10086 查询话费。", ("10086",)),
]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(ARTICLES)


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("费", {"KB-1", "KB-2", "KB-4"}),  # one character: anywhere, also inside words
        ("漫游", {"KB-1"}),
        ("国际漫游 按天", {"KB-1"}),  # two terms: both
        ("漫游 宽带", set()),  # both exist, never together
        ("5g", {"KB-2"}),  # a whole leading word: not the "5g" inside "15g"
        ("5G套餐", {"KB-2"}),  # across the space of "5G 套餐" and the full width of "５Ｇ"
        ("volt", {"KB-2"}),  # a trailing word is a prefix
        ("1008", {"KB-4"}),
        ("cxhf到", {"KB-4"}),
        ("鑫", set()),
        ("!!", set()),
    ],
)
def test_the_brute_force_scan_follows_the_query_grammar(
    corpus: Corpus, query: str, keys: set[str]
) -> None:
    assert corpus.matches(query) == keys


def test_a_wrong_result_and_a_missing_one_are_both_caught() -> None:
    checks = Checks()
    query = Query("2 chars", "漫游")
    check_page(checks, query, ("KB-1",), {"KB-1"}, limit=10)
    assert checks.failed == 0
    check_page(checks, query, ("KB-1", "KB-3"), {"KB-1", "KB-2"}, limit=10)
    assert (checks.false_positives, checks.short_pages) == (1, 0)  # KB-3 lacks the query
    check_page(checks, query, ("KB-1",), {"KB-1", "KB-2"}, limit=10)
    assert checks.short_pages == 1  # KB-2 matches and fits on the page, but is missing
    check_page(checks, query, ("KB-1",), {"KB-1", "KB-2"}, limit=1)  # a full page is enough
    assert checks.short_pages == 1
    assert checks.failed == 2 and len(checks.failures) == 2


def test_a_wrong_capped_flag_is_caught() -> None:
    checks = Checks()
    query = Query("1 char", "费")
    few = {f"KB-{i}" for i in range(SEARCH_CAP)}
    many = few | {"KB-extra"}
    check_cap_flag(checks, query, False, few)
    check_cap_flag(checks, query, True, many)
    assert checks.failed == 0 and checks.cap_flags_checked == 2
    check_cap_flag(checks, query, True, few)  # exactly the cap: still ranked, not capped
    check_cap_flag(checks, query, False, many)
    assert checks.cap_flags_wrong == 2 and checks.failed == 2


def test_the_query_mix_is_deterministic_and_has_every_kind() -> None:
    from examsrv.demo.knowledge_base import generate_articles

    corpus = Corpus(generate_articles(120))
    first = draw_queries(corpus, 70, seed=7)
    assert first == draw_queries(corpus, 70, seed=7)
    assert first != draw_queries(corpus, 70, seed=8)
    assert {q.kind for q in first} == set(KINDS)
    for q in first:
        assert bool(corpus.matches(q.text)) == (q.kind != "miss"), q


def test_instrumenting_restores_the_search_module() -> None:
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    module = vars(knowledge)  # what search_articles looks its helpers up in
    before = {name: module[name] for name in ("highlight", "parse_query")}
    current = [Parts()]
    with instrumented(engine, current):
        assert all(module[name] is not func for name, func in before.items())
        module["highlight"]("国际漫游", module["parse_query"]("漫游"))
    assert {name: module[name] for name in before} == before
    assert current[0].highlight > 0 and current[0].parse > 0


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0], 99) == 3.0


def run_bench(out: Path, *extra: str) -> dict[str, Any]:
    argv = [sys.executable, "-m", "loadtests.search_bench", "--articles", "300"]
    argv += ["--queries", "140", "--warmup", "20", "--full-sets", "30", "--out", str(out)]
    done = subprocess.run([*argv, *extra], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


def test_a_small_run_times_every_kind_and_finds_no_wrong_result(
    db_kind: str, tmp_path: Path
) -> None:
    if db_kind == "postgresql":
        try:
            psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        except psycopg.OperationalError as exc:
            need_service("PostgreSQL", str(exc).strip())
    report = run_bench(tmp_path, "--db", db_kind)

    latency = report["latency_ms"]
    assert latency["overall"]["count"] == 140
    for kind in KINDS:
        row = latency[kind]
        assert row["count"] > 0, kind
        assert 0 < row["p50"] <= row["p99"] <= row["max"], kind
        if kind == "miss":
            assert row["no_hits"] == row["count"]
        else:
            assert row["no_hits"] == 0 and row["hits_mean"] > 0, kind
    assert latency["overall"]["capped"] > 0  # single characters match most of 300 articles
    assert latency["overall"]["capped"] < latency["overall"]["count"]
    checks = report["checks"]
    assert checks["failed"] == 0, checks["failures"]
    assert checks["pages_checked"] == checks["cap_flags_checked"] == 140
    assert checks["ranked_pages_checked"] > checks["full_sets_checked"]
    assert checks["results_checked"] > 0
    assert checks["full_sets_checked"] > 0
    assert set(report["breakdown_ms"]) == {*KINDS, "overall"}
    assert report["setup"]["load_and_index_s"] > 0
    assert report["target"]["met"] is None  # not the target's base: no verdict
    assert (tmp_path / "report.md").read_text().startswith("# Knowledge-base search benchmark")
