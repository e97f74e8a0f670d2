"""Deterministic demo data for the knowledge base (知识库) and the lookup-speed trial.

``generate_articles`` writes the articles of an invented operator's CSR knowledge base
(通达移动), spread evenly over fifteen categories. Each category module holds one recipe per
distinct product or procedure; when a category has been used up, its recipes are written
again for a named region (``苏州地区``, then districts), since provincial companies publish
their own terms. Article ``i`` depends only on ``seed`` and ``i``, so a larger base starts
with the articles of a smaller one (keys aside, which are padded to the base's size).

``generate_tasks`` derives lookup tasks from the articles' key facts, which are written in
the vocabulary of ``kb_fact_labels``: every task asks for one key fact of one article, names
that article's subject, and accepts the value exactly as the article states it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from examsrv.demo import (
    kb_5g_articles,
    kb_12580_articles,
    kb_billing_articles,
    kb_broadband_articles,
    kb_complaint_articles,
    kb_handset_articles,
    kb_identity_articles,
    kb_membership_articles,
    kb_payment_articles,
    kb_plan_articles,
    kb_porting_articles,
    kb_roaming_articles,
    kb_suspension_articles,
    kb_value_added_articles,
)
from examsrv.demo.kb_answer_forms import synonyms, wrong_value_candidates
from examsrv.demo.kb_draft import ArticleDraft, Category, section
from examsrv.demo.kb_fact_labels import FactLabel, format_fact, parse_fact
from examsrv.itembank.specs import AnswerKind, ArticleSpec, TaskSpec

CATEGORIES: tuple[Category, ...] = (
    *kb_plan_articles.CATEGORIES,
    kb_roaming_articles.CATEGORY,
    kb_broadband_articles.CATEGORY,
    kb_porting_articles.CATEGORY,
    kb_12580_articles.CATEGORY,
    kb_complaint_articles.CATEGORY,
    kb_billing_articles.CATEGORY,
    kb_suspension_articles.CATEGORY,
    kb_identity_articles.CATEGORY,
    kb_membership_articles.CATEGORY,
    kb_handset_articles.CATEGORY,
    kb_5g_articles.CATEGORY,
    kb_value_added_articles.CATEGORY,
    kb_payment_articles.CATEGORY,
)

_CITIES = (
    "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉",
    "西安", "长沙", "郑州", "济南", "青岛", "合肥", "福州", "厦门", "南昌", "昆明",
    "贵阳", "南宁", "海口", "太原", "石家庄", "沈阳", "大连", "长春", "哈尔滨", "呼和浩特",
    "兰州", "西宁", "银川", "乌鲁木齐", "拉萨", "天津", "宁波", "无锡", "温州", "佛山",
    "东莞", "泉州", "烟台", "徐州", "洛阳", "绵阳", "桂林", "三亚", "珠海", "常州",
)  # fmt: skip
_DISTRICTS = ("主城区", "高新区", "经开区", "新区", "县域")

_T = TypeVar("_T")

_CHOICE_SHARE = 0.18
_LETTERS = "ABCD"
_AROUND_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def generate_articles(count: int = 320, seed: int = 2026) -> list[ArticleSpec]:
    """``count`` knowledge-base articles, keyed ``KB-0001`` onwards; the same for the same seed."""
    if count < 0:
        raise ValueError("count must not be negative")
    orders = {c.name: _shuffled(c.recipes, random.Random(f"{seed}:{c.name}")) for c in CATEGORIES}
    city_orders: dict[tuple[str, int], list[str]] = {}
    width = max(4, len(str(count)))
    articles: list[ArticleSpec] = []
    block_order: list[Category] = []
    for index in range(count):
        block, position = divmod(index, len(CATEGORIES))
        if position == 0:
            block_order = _shuffled(CATEGORIES, random.Random(f"{seed}:block:{block}"))
        category = block_order[position]
        recipes = orders[category.name]
        rounds, which = divmod(block, len(recipes))
        region = ""
        if rounds:
            # Each recipe visits the cities in its own order, so regions vary across articles.
            cities = city_orders.get((category.name, which))
            if cities is None:
                cities_rng = random.Random(f"{seed}:{category.name}:{which}:cities")
                cities = city_orders[category.name, which] = _shuffled(_CITIES, cities_rng)
            region = _region(rounds, cities)
        rng = random.Random(f"{seed}:{category.name}:{block}")
        key = f"KB-{index + 1:0{width}d}"
        articles.append(_article(key, category.name, region, recipes[which](rng), rng))
    return articles


def generate_tasks(
    articles: Sequence[ArticleSpec], count: int = 450, seed: int = 2026
) -> list[TaskSpec]:
    """``count`` lookup tasks over ``articles``, keyed ``T-0001`` onwards.

    Tasks go round the articles (in a seeded order) before any article gets a second
    one. About 18 % are choice tasks; a key fact that lists several items is only ever
    asked as a multi-select. Raises ValueError when the articles' key facts cannot
    supply ``count`` distinct tasks.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return []
    rng = random.Random(f"tasks:{seed}")
    choice_slots = set(rng.sample(range(count), round(count * _CHOICE_SHARE)))
    width = max(4, len(str(count)))
    tasks: list[TaskSpec] = []
    waiting: list[_Lookup] = []
    for lookup in _lookups(articles, rng):
        waiting.append(lookup)
        while len(tasks) < count:
            key = f"T-{len(tasks) + 1:0{width}d}"
            task = _next_task(key, waiting, len(tasks) in choice_slots, rng)
            if task is None:
                break
            tasks.append(task)
        if len(tasks) == count:
            return tasks
    raise ValueError(f"the articles' key facts yield only {len(tasks)} of {count} tasks")


# Articles -------------------------------------------------------------------------------


def _shuffled(items: Sequence[_T], rng: random.Random) -> list[_T]:
    result = list(items)
    rng.shuffle(result)
    return result


def _region(rounds: int, cities: Sequence[str]) -> str:
    """The region an article's terms apply to on its ``rounds``-th repetition ("" the first)."""
    if rounds == 0:
        return ""
    rest = rounds - 1
    if rest < len(cities):
        return f"{cities[rest]}地区"
    rest -= len(cities)
    city, district = cities[rest % len(cities)], rest // len(cities)
    if district < len(_DISTRICTS):
        return f"{city}{_DISTRICTS[district]}"
    return f"{city}第{district - len(_DISTRICTS) + 1}片区"


def _article(
    key: str, category: str, region: str, draft: ArticleDraft, rng: random.Random
) -> ArticleSpec:
    paragraphs = draft.paragraphs
    if region:
        scope = f"本文内容适用于{region}，其他地区的资费和规则以当地公告为准。"
        paragraphs = (section("适用范围", scope), *paragraphs)
    body = "\n\n".join(paragraphs)
    facts = draft.facts
    size = rng.randint(min(3, len(facts)), min(6, len(facts)))
    chosen = [facts[i] for i in sorted(rng.sample(range(len(facts)), size))]
    for label, value in chosen:
        if value not in body:
            raise AssertionError(f"{draft.subject}: fact {label} {value!r} is not in the body")
    title = " ".join(part for part in (region, draft.subject, draft.doc_type) if part)
    return ArticleSpec(
        key=key,
        category=category,
        title=title,
        body=body,
        key_facts=tuple(format_fact(label, value) for label, value in chosen),
    )


# Tasks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lookup:
    """One key fact of one article, with the question that asks for it."""

    article_key: str
    label: FactLabel
    value: str
    question: str


def _subject(title: str) -> str:
    """The subject named in a title: all but its last word, with spaces kept only in Latin."""
    head = title.rsplit(" ", 1)[0] if " " in title else title
    return _AROUND_CJK_SPACE.sub("", head)


def _article_lookups(article: ArticleSpec) -> list[_Lookup]:
    subject = _subject(article.title)
    lookups: list[_Lookup] = []
    for fact in article.key_facts:
        parsed = parse_fact(fact)
        if parsed is None:
            continue
        label, value = parsed
        question = label.question.format(s=subject)
        items = value.split("、") if label.is_list else [value]
        if value in question or not all(item in article.body for item in items):
            continue
        lookups.append(_Lookup(article.key, label, value, question))
    return lookups


def _lookups(articles: Sequence[ArticleSpec], rng: random.Random) -> list[_Lookup]:
    """Every askable fact, the first of each article before the second of any."""
    per_article = [_shuffled(_article_lookups(a), rng) for a in _shuffled(articles, rng)]
    deepest = max((len(lookups) for lookups in per_article), default=0)
    return [
        lookups[depth]
        for depth in range(deepest)
        for lookups in per_article
        if depth < len(lookups)
    ]


def _next_task(
    key: str, waiting: list[_Lookup], as_choice: bool, rng: random.Random
) -> TaskSpec | None:
    """A task of the wanted kind from the first waiting lookup that can make one."""
    for position, lookup in enumerate(waiting):
        if as_choice:
            task = _choice_task(key, lookup, rng)
        elif lookup.label.is_list:
            task = None
        else:
            task = TaskSpec(
                key=key,
                question=lookup.question,
                article_key=lookup.article_key,
                kind=AnswerKind.TEXT,
                answers=(lookup.value,),
                synonyms=synonyms(lookup.value),
            )
        if task is not None:
            del waiting[position]
            return task
    return None


def _choice_task(key: str, lookup: _Lookup, rng: random.Random) -> TaskSpec | None:
    question = lookup.question
    if lookup.label.is_list:
        items = lookup.value.split("、")
        wrong = [item for item in lookup.label.pool if item not in items]
        right = rng.sample(items, min(len(items), rng.choice((2, 3))))
        if not wrong or len(right) < 2:
            return None
        wrong = rng.sample(wrong, min(len(wrong), len(_LETTERS) - len(right)))
        question += "（多选）"
    else:
        candidates = wrong_value_candidates(lookup.label, lookup.value)
        if len(candidates) < 2:
            return None
        right = [lookup.value]
        wrong = rng.sample(candidates, min(len(candidates), rng.choice((2, 3, 3))))
    options = _shuffled([*right, *wrong], rng)
    letters = tuple(_LETTERS[i] for i, option in enumerate(options) if option in right)
    return TaskSpec(
        key=key,
        question=question,
        article_key=lookup.article_key,
        kind=AnswerKind.CHOICE,
        answers=letters,
        options=tuple(options),
    )
