from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from examsrv.timing import sampling
from examsrv.timing.case_sampling import (
    PoolCase,
    check_case_count,
    draw_cases,
    even_quotas,
    new_seed,
    promotion_test_level,
)


def make_pool(sizes: dict[str, int], start: int = 1) -> list[PoolCase]:
    """Cases numbered from ``start``, ``sizes[category]`` of each category."""
    pool: list[PoolCase] = []
    next_id = start
    for category, size in sizes.items():
        for _ in range(size):
            pool.append(PoolCase(case_id=next_id, category=category))
            next_id += 1
    return pool


# 50 test cases of a level, unevenly spread over four categories.
POOL = make_pool({"billing": 20, "complaints": 15, "plans": 10, "roaming": 5})


def categories_of(ids: list[int], pool: list[PoolCase]) -> Counter[str]:
    category = {c.case_id: c.category for c in pool}
    return Counter(category[i] for i in ids)


def test_even_spread_when_the_count_divides() -> None:
    ids = draw_cases(POOL, 20, random.Random(1))
    assert categories_of(ids, POOL) == {"billing": 5, "complaints": 5, "plans": 5, "roaming": 5}


def test_even_spread_is_stratified_not_proportional() -> None:
    # 12 cases over 4 categories: 3 each, although billing holds four times as many as roaming.
    ids = draw_cases(POOL, 12, random.Random(2))
    assert categories_of(ids, POOL) == {"billing": 3, "complaints": 3, "plans": 3, "roaming": 3}


def test_uneven_count_gives_floor_or_ceil_to_each_category() -> None:
    for seed in range(20):
        counts = categories_of(draw_cases(POOL, 14, random.Random(seed)), POOL)
        assert sorted(counts.values()) == [3, 3, 4, 4]


def test_short_category_gives_what_it_has_and_the_others_share_the_rest() -> None:
    # 20 over 3 categories: 6.67 each, but roaming holds 2; the other 18 split 9 / 9.
    pool = make_pool({"billing": 30, "plans": 30, "roaming": 2})
    ids = draw_cases(pool, 20, random.Random(3))
    assert categories_of(ids, pool) == {"billing": 9, "plans": 9, "roaming": 2}


def test_shortfall_cascades_through_several_short_categories() -> None:
    # 19 over 4: roaming (1) is short; 18 over 3 is 6 each, but plans (4) is short too;
    # then 14 over 2: 7 each.
    pool = make_pool({"billing": 10, "complaints": 10, "plans": 4, "roaming": 1})
    ids = draw_cases(pool, 19, random.Random(4))
    assert categories_of(ids, pool) == {"billing": 7, "complaints": 7, "plans": 4, "roaming": 1}


def test_the_whole_pool_can_be_drawn() -> None:
    pool = make_pool({"a": 3, "b": 7})
    assert sorted(draw_cases(pool, 10, random.Random(5))) == list(range(1, 11))


def test_even_quotas_examples() -> None:
    rng = random.Random(0)
    assert even_quotas([10, 10, 10], 9, rng) == [3, 3, 3]
    assert even_quotas([10, 2, 10], 12, rng) == [5, 2, 5]
    assert even_quotas([0, 5], 3, rng) == [0, 3]
    assert even_quotas([4, 4], 0, rng) == [0, 0]
    assert even_quotas([], 0, rng) == []
    with pytest.raises(ValueError, match="cannot take"):
        even_quotas([1, 1], 3, rng)


def test_the_extra_case_goes_to_categories_chosen_by_the_seed() -> None:
    winners = {tuple(even_quotas([9, 9, 9], 10, random.Random(seed))) for seed in range(30)}
    assert winners == {(4, 3, 3), (3, 4, 3), (3, 3, 4)}


def test_same_seed_gives_the_same_test() -> None:
    assert draw_cases(POOL, 15, random.Random(42)) == draw_cases(POOL, 15, random.Random(42))


def test_different_seeds_give_different_tests() -> None:
    tests = {tuple(draw_cases(POOL, 15, random.Random(seed))) for seed in range(5)}
    assert len(tests) == 5


def test_test_does_not_depend_on_pool_order() -> None:
    shuffled = list(POOL)
    random.Random(7).shuffle(shuffled)
    assert draw_cases(shuffled, 17, random.Random(9)) == draw_cases(POOL, 17, random.Random(9))


def test_order_is_shuffled_not_grouped_by_category() -> None:
    ids = draw_cases(POOL, 20, random.Random(3))
    assert ids != sorted(ids)


def test_errors() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError, match="fewer than the 51 needed"):
        draw_cases(POOL, 51, rng)
    with pytest.raises(ValueError, match="1 or more"):
        draw_cases(POOL, 0, rng)
    with pytest.raises(ValueError, match="1 or more"):
        draw_cases(POOL, -3, rng)
    with pytest.raises(ValueError, match="repeats a case id"):
        draw_cases([PoolCase(1, "a"), PoolCase(1, "b")], 1, rng)
    with pytest.raises(ValueError, match="fewer than"):
        draw_cases([], 1, rng)


def test_check_case_count() -> None:
    assert check_case_count(10) == 10
    assert check_case_count(20) == 20
    assert check_case_count(5, minimum=5, maximum=5) == 5
    for bad in (9, 21, 0):
        with pytest.raises(ValueError, match="10 to 20 cases"):
            check_case_count(bad)
    with pytest.raises(ValueError, match="below the minimum"):
        check_case_count(12, minimum=15, maximum=12)
    with pytest.raises(ValueError, match="1 or more"):
        check_case_count(0, minimum=0, maximum=10)
    with pytest.raises(ValueError, match="whole number"):
        check_case_count(True)


def test_promotion_test_level_is_one_above() -> None:
    assert [promotion_test_level(level) for level in range(5)] == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="highest"):
        promotion_test_level(5)
    for bad in (-1, 6):
        with pytest.raises(ValueError, match="outside"):
            promotion_test_level(bad)


def test_new_seed_is_the_lookup_trials_one() -> None:
    assert new_seed is sampling.new_seed


pools = st.dictionaries(
    st.sampled_from(["billing", "complaints", "plans", "roaming", "12580"]),
    st.integers(min_value=0, max_value=12),
    min_size=1,
).map(make_pool)


@given(pool=pools, data=st.data(), seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_draw_returns_count_distinct_ids_from_the_pool(
    pool: list[PoolCase], data: st.DataObject, seed: int
) -> None:
    assume(pool)
    count = data.draw(st.integers(min_value=1, max_value=len(pool)))
    ids = draw_cases(pool, count, random.Random(seed))
    assert len(ids) == count
    assert len(set(ids)) == count
    assert set(ids) <= {c.case_id for c in pool}


@given(pool=pools, data=st.data(), seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_spread_is_as_even_as_the_pool_allows(
    pool: list[PoolCase], data: st.DataObject, seed: int
) -> None:
    assume(pool)
    count = data.draw(st.integers(min_value=1, max_value=len(pool)))
    sizes = Counter(c.category for c in pool)
    taken = categories_of(draw_cases(pool, count, random.Random(seed)), pool)
    # A category that got two or more fewer cases than another must have given all it has.
    for a in sizes:
        for b in sizes:
            if taken[b] >= taken[a] + 2:
                assert taken[a] == sizes[a]
