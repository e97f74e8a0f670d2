"""The demo knowledge base and lookup tasks: deterministic, consistent, answerable."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest

from examsrv.demo.kb_answer_forms import chinese_numeral, synonyms, wrong_value_candidates
from examsrv.demo.kb_fact_labels import LABELS, format_fact, parse_fact
from examsrv.demo.knowledge_base import CATEGORIES, generate_articles, generate_tasks
from examsrv.itembank.specs import AnswerKind, ArticleSpec

REQUIRED_CATEGORIES = (
    "资费套餐",
    "流量包",
    "国际及港澳台漫游",
    "家庭宽带",
    "携号转网",
    "12580综合信息服务",
    "投诉处理流程",
    "话费与账单",
    "停机复机与销户",
    "实名登记与证件",
    "积分与会员",
    "终端与合约",
    "5G业务",
    "增值业务退订",
    "充值缴费",
)

ARTICLES = generate_articles()
TASKS = generate_tasks(ARTICLES)
BY_KEY = {article.key: article for article in ARTICLES}


def test_generation_is_deterministic() -> None:
    assert generate_articles() == ARTICLES
    assert generate_tasks(generate_articles()) == TASKS


def test_the_seed_changes_the_data() -> None:
    assert generate_articles(seed=7) != ARTICLES
    assert generate_tasks(ARTICLES, seed=7) != TASKS


def test_default_counts() -> None:
    assert len(ARTICLES) == 320
    assert len(TASKS) == 450


def test_keys_are_unique_and_zero_padded() -> None:
    assert [a.key for a in ARTICLES[:2]] == ["KB-0001", "KB-0002"]
    assert [t.key for t in TASKS[:2]] == ["T-0001", "T-0002"]
    assert len({a.key for a in ARTICLES}) == len(ARTICLES)
    assert len({t.key for t in TASKS}) == len(TASKS)
    assert all(re.fullmatch(r"KB-\d{4}", a.key) for a in ARTICLES)
    assert all(re.fullmatch(r"T-\d{4}", t.key) for t in TASKS)


def test_every_required_category_is_present_and_evenly_used() -> None:
    counts = Counter(a.category for a in ARTICLES)
    assert set(REQUIRED_CATEGORIES) <= set(counts)
    assert {c.name for c in CATEGORIES} == set(counts)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_titles_are_unique_so_each_question_names_one_article() -> None:
    assert len({a.title for a in ARTICLES}) == len(ARTICLES)
    assert len({t.question for t in TASKS}) == len(TASKS)


def test_articles_mention_the_invented_operator_only() -> None:
    text = "".join(a.body for a in ARTICLES)
    assert "通达移动" in text
    for real in ("中国移动", "中国联通", "中国电信", "10086"):
        assert real not in text


def test_key_facts_are_two_to_six_declared_facts_stated_in_the_body() -> None:
    for article in ARTICLES:
        assert 2 <= len(article.key_facts) <= 6, article.key
        for fact in article.key_facts:
            parsed = parse_fact(fact)
            assert parsed is not None, fact
            label, value = parsed
            for item in value.split("、") if label.is_list else [value]:
                assert item in article.body, (article.key, fact)


def test_fact_strings_parse_back_to_their_label_and_value() -> None:
    assert format_fact("国内通用流量", "40GB") == "国内通用流量40GB"
    assert format_fact("责任部门", "投诉管理室") == "责任部门：投诉管理室"
    for fact in ("国内通用流量40GB", "责任部门：投诉管理室", "开通指令KTYB10"):
        parsed = parse_fact(fact)
        assert parsed is not None
        assert format_fact(parsed[0].name, parsed[1]) == fact
    assert parse_fact("不存在的标签：1") is None
    assert all("{s}" in label.question for label in LABELS.values())


def test_every_task_cites_an_existing_article() -> None:
    assert all(t.article_key in BY_KEY for t in TASKS)


def test_tasks_go_round_the_articles_first() -> None:
    cited = Counter(t.article_key for t in TASKS)
    assert max(cited.values()) <= 2
    assert len(cited) >= 300


def test_text_answers_appear_verbatim_in_their_article() -> None:
    text_tasks = [t for t in TASKS if t.kind is AnswerKind.TEXT]
    assert text_tasks
    for task in text_tasks:
        assert len(task.answers) == 1 and not task.options, task.key
        answer = task.answers[0]
        assert answer in BY_KEY[task.article_key].body, task.key
        assert answer not in task.question, task.key
        assert len(answer) <= 12, task.key
        assert answer not in task.synonyms


def test_choice_tasks_have_valid_letters_within_their_options() -> None:
    choice_tasks = [t for t in TASKS if t.kind is AnswerKind.CHOICE]
    assert 0.15 <= len(choice_tasks) / len(TASKS) <= 0.20
    assert any(len(t.answers) > 1 for t in choice_tasks)
    for task in choice_tasks:
        assert 3 <= len(task.options) <= 4, task.key
        assert len(set(task.options)) == len(task.options), task.key
        letters = "ABCD"[: len(task.options)]
        assert task.answers and all(a in letters for a in task.answers), task.key
        assert list(task.answers) == sorted(set(task.answers)), task.key
        assert len(task.answers) < len(task.options), task.key
        assert not task.synonyms, task.key
        body = BY_KEY[task.article_key].body
        for letter in task.answers:
            assert task.options[letters.index(letter)] in body, task.key
        if len(task.answers) > 1:
            assert task.question.endswith("（多选）"), task.key


def test_tasks_for_a_small_base_and_too_many_tasks() -> None:
    articles = generate_articles(30)
    assert len(generate_tasks(articles, 60)) == 60
    assert generate_tasks(articles, 0) == []
    with pytest.raises(ValueError):
        generate_tasks(articles, 1000)


def test_foreign_articles_without_declared_facts_are_skipped() -> None:
    foreign = ArticleSpec("X-1", "其他", "某业务 说明", "正文", key_facts=("随便写的要点",))
    mixed = [foreign, *generate_articles(15)]
    assert all(t.article_key != "X-1" for t in generate_tasks(mixed, 20))


def test_a_larger_base_starts_with_the_smaller_one() -> None:
    larger = generate_articles(1000)
    assert [dataclasses.replace(a, key="") for a in larger[:320]] == [
        dataclasses.replace(a, key="") for a in ARTICLES
    ]


def test_a_base_of_twenty_thousand_articles_has_unique_keys_and_titles() -> None:
    articles = generate_articles(20000)
    assert len(articles) == 20000
    assert len({a.key for a in articles}) == 20000
    assert len({a.title for a in articles}) == 20000
    assert articles[-1].key == "KB-20000"


def test_synonyms_are_other_wordings_of_the_answer() -> None:
    assert {"40G", "40吉"} <= set(synonyms("40GB"))
    assert "7工作日" in synonyms("7个工作日")
    assert "ktll10" in synonyms("KTLL10")
    assert "半年" in synonyms("6个月")
    assert "3号" in synonyms("每月3日")
    assert synonyms("通达移动自有营业厅") == ()


def test_wrong_values_keep_the_unit_and_differ_from_the_answer() -> None:
    label = LABELS["国内通用流量"]
    wrong = wrong_value_candidates(label, "40GB")
    assert len(wrong) >= 3 and "40GB" not in wrong
    assert all(w.endswith("GB") for w in wrong)
    codes = wrong_value_candidates(LABELS["开通指令"], "KTYB10")
    assert "QXYB10" in codes and "KTYB10" not in codes


@pytest.mark.parametrize(
    ("number", "spoken"), [(2, "二"), (10, "十"), (12, "十二"), (40, "四十"), (105, "一百零五")]
)
def test_chinese_numerals(number: int, spoken: str) -> None:
    assert chinese_numeral(number) == spoken
