"""An article of the demo knowledge base before it is given a key.

Each category module writes drafts from its own tables: a *subject* that names
exactly one product or procedure, the paragraphs of the body, and the facts the
body states, as ``(label, value)`` pairs. ``knowledge_base`` turns drafts into
``ArticleSpec`` values and derives lookup tasks from the facts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

# The invented operator and its service channels, shared by every article.
BRAND = "通达移动"
HOTLINE = "10087"
APP = "通达移动APP"
ONLINE_HALL = "通达移动网上营业厅"
STORE = "通达移动自有营业厅"
ROAMING_HOTLINE = "+86-20-8608-7000"


@dataclass(frozen=True)
class ArticleDraft:
    """The content of one article.

    ``subject`` names what the article is about, in words separated by single
    spaces (``"畅享5G套餐 128元档"``); the title is the subject followed by
    ``doc_type``, which holds no space. Every fact value occurs verbatim in the
    body; a fact whose value is a list joins its items with ``、``.
    """

    subject: str
    doc_type: str
    paragraphs: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]


Recipe = Callable[[random.Random], ArticleDraft]


@dataclass(frozen=True)
class Category:
    """A knowledge-base category and one recipe per distinct article it can hold."""

    name: str
    recipes: tuple[Recipe, ...]


def section(heading: str, text: str) -> str:
    """A body paragraph under a bracketed heading, the way the centre's articles are laid out."""
    return f"【{heading}】{text}"


def one(rng: random.Random, *choices: str) -> str:
    """One of several wordings of the same statement."""
    return rng.choice(choices)


def some(rng: random.Random, items: tuple[str, ...], low: int, high: int) -> tuple[str, ...]:
    """Between ``low`` and ``high`` of ``items``, kept in their original order."""
    count = rng.randint(low, min(high, len(items)))
    chosen = sorted(rng.sample(range(len(items)), count))
    return tuple(items[i] for i in chosen)


def listing(items: tuple[str, ...]) -> str:
    """Items joined the way a list fact stores them."""
    return "、".join(items)


CHANNELS = (STORE, APP, ONLINE_HALL, f"{HOTLINE}热线", "短信营业厅")
