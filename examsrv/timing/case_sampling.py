"""Drawing a promotion case test: which cases, in which order.

A level-N candidate who has studied the level-(N+1) training cases takes a test
of 10 to 20 cases drawn at random from the level-(N+1) **test** cases
(测试案例); passing promotes exactly one level. This module draws the cases;
which cases form the pool (level N+1, test pool, live) is the caller's query.

The draw is a pure function of the pool, the count and a seeded
``random.Random``. The seed (from :func:`new_seed`, reused from
:mod:`examsrv.timing.sampling`) is stored with the attempt, so the test can be
drawn again exactly. The result does not depend on the order the pool is given
in: the pool is sorted by case id first.

Rules:

- **Even spread across categories** (stratified, not proportional: a test is
  short and should touch every category). Each category gets ``count / k``
  cases rounded down or up, ``k`` being the number of categories. A category
  holding fewer cases than its share gives all it has, and the shortfall is
  shared evenly by the others, again rounded down or up. Which categories get
  the extra case when the count does not divide evenly is decided by the
  seeded generator.
- Within a category the cases are drawn uniformly at random without repeats.
- The final order is shuffled, so categories are mixed.

Changing this algorithm changes the test a stored seed gives; bump
:data:`CASE_ALGORITHM` when doing so, and store it with the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from examsrv.timing.sampling import new_seed

__all__ = [
    "CASE_ALGORITHM",
    "DEFAULT_MAX_CASES",
    "DEFAULT_MIN_CASES",
    "PoolCase",
    "check_case_count",
    "draw_cases",
    "even_quotas",
    "new_seed",
    "promotion_test_level",
]

CASE_ALGORITHM: Final = 1
"""Version of the drawing algorithm, to store beside the seed of each case test."""

DEFAULT_MIN_CASES: Final = 10
DEFAULT_MAX_CASES: Final = 20
"""The source's range for a case test: "抽取10~20条进行测试" (configurable)."""

LOWEST_LEVEL: Final = 0  # a new hire
HIGHEST_LEVEL: Final = 5


@dataclass(frozen=True)
class PoolCase:
    """A test case that may be drawn, with the category it is spread by."""

    case_id: int
    category: str


def check_case_count(
    count: int, minimum: int = DEFAULT_MIN_CASES, maximum: int = DEFAULT_MAX_CASES
) -> int:
    """``count`` if it is a whole number within ``minimum`` to ``maximum`` inclusive.

    Raises ValueError otherwise, or if the range itself is wrong (the minimum
    must be 1 or more and not above the maximum).
    """
    for name, value in (("count", count), ("minimum", minimum), ("maximum", maximum)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if minimum < 1:
        raise ValueError(f"the minimum number of cases must be 1 or more, got {minimum}")
    if maximum < minimum:
        raise ValueError(
            f"the maximum number of cases ({maximum}) is below the minimum ({minimum})"
        )
    if not minimum <= count <= maximum:
        raise ValueError(f"a case test has {minimum} to {maximum} cases, got {count}")
    return count


def promotion_test_level(current_level: int) -> int:
    """The level of the only case test a candidate at ``current_level`` may take: one above.

    Raises ValueError for a level outside 0 to 5, and for level 5 (nothing above).
    """
    if isinstance(current_level, bool) or not isinstance(current_level, int):
        raise ValueError(f"level must be a whole number, got {current_level!r}")
    if not LOWEST_LEVEL <= current_level <= HIGHEST_LEVEL:
        raise ValueError(f"level {current_level} is outside {LOWEST_LEVEL} to {HIGHEST_LEVEL}")
    if current_level == HIGHEST_LEVEL:
        raise ValueError(f"level {HIGHEST_LEVEL} is the highest: there is no case test above it")
    return current_level + 1


def even_quotas(sizes: Sequence[int], count: int, rng: random.Random) -> list[int]:
    """Split ``count`` as evenly as possible across groups of ``sizes``.

    Groups too small for an even share give all they hold; the rest of the
    count is then shared evenly by the other groups (each gets the share
    rounded down, and ``rng`` picks which of them get one more). No group gets
    more than its size. Requires ``0 <= count <= sum(sizes)``.
    """
    if any(size < 0 for size in sizes):
        raise ValueError("group sizes must be 0 or more")
    total = sum(sizes)
    if not 0 <= count <= total:
        raise ValueError(f"cannot take {count} from groups holding {total}")
    quotas = [0] * len(sizes)
    open_groups = list(range(len(sizes)))
    left = count
    # Take whole groups while some group cannot fill an even share of what is left.
    while open_groups:
        short = [i for i in open_groups if sizes[i] * len(open_groups) <= left]
        if not short:
            break
        for i in short:
            quotas[i] = sizes[i]
            left -= sizes[i]
        open_groups = [i for i in open_groups if i not in short]
    if open_groups:
        # Every open group holds more than left / len(open_groups), so each can take
        # the share rounded up; rng picks which groups get the extra case.
        share, extra = divmod(left, len(open_groups))
        lucky = set(rng.sample(open_groups, extra))
        for i in open_groups:
            quotas[i] = share + (1 if i in lucky else 0)
    return quotas


def draw_cases(pool: Sequence[PoolCase], count: int, rng: random.Random) -> list[int]:
    """Draw ``count`` distinct case ids from ``pool``, in the order they are asked.

    Raises ValueError if ``count`` is below 1, the pool repeats a case id, or
    the pool holds fewer than ``count`` cases. The count range (10 to 20 by
    default) is checked separately by :func:`check_case_count`.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a whole number of 1 or more, got {count!r}")
    ordered = sorted(pool, key=lambda c: c.case_id)
    ids = [c.case_id for c in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("the pool repeats a case id")
    if len(ordered) < count:
        raise ValueError(f"the pool holds {len(ordered)} cases, fewer than the {count} needed")

    by_category: dict[str, list[int]] = {}
    for case in ordered:
        by_category.setdefault(case.category, []).append(case.case_id)
    categories = sorted(by_category)
    quotas = even_quotas([len(by_category[c]) for c in categories], count, rng)
    chosen: list[int] = []
    for category, quota in zip(categories, quotas, strict=True):
        chosen.extend(rng.sample(by_category[category], quota))
    rng.shuffle(chosen)
    return chosen
