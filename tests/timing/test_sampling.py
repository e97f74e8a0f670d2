from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.timing.sampling import PoolTask, apportion, draw_form, new_seed


def make_pool(sizes: dict[str, int], start: int = 1) -> list[PoolTask]:
    """Tasks numbered from ``start``, ``sizes[category]`` of each category."""
    pool: list[PoolTask] = []
    next_id = start
    for category, size in sizes.items():
        for _ in range(size):
            pool.append(PoolTask(task_id=next_id, category=category))
            next_id += 1
    return pool


POOL = make_pool({"billing": 120, "plans": 60, "roaming": 20})


def categories_of(ids: list[int], pool: list[PoolTask]) -> Counter[str]:
    category = {t.task_id: t.category for t in pool}
    return Counter(category[i] for i in ids)


def test_same_seed_gives_the_same_form() -> None:
    first = draw_form(POOL, 100, random.Random(42))
    again = draw_form(POOL, 100, random.Random(42))
    assert first == again


def test_different_seeds_give_different_forms() -> None:
    forms = {tuple(draw_form(POOL, 100, random.Random(seed))) for seed in range(5)}
    assert len(forms) == 5


def test_form_does_not_depend_on_pool_order() -> None:
    shuffled = list(POOL)
    random.Random(7).shuffle(shuffled)
    recent = {1, 2, 3, 150}
    assert draw_form(shuffled, 100, random.Random(9), recent) == draw_form(
        POOL, 100, random.Random(9), recent
    )


def test_form_is_count_distinct_ids_from_the_pool() -> None:
    ids = draw_form(POOL, 100, random.Random(1))
    assert len(ids) == 100
    assert len(set(ids)) == 100
    assert set(ids) <= {t.task_id for t in POOL}


def test_order_is_shuffled_not_grouped_by_category() -> None:
    ids = draw_form(POOL, 100, random.Random(3))
    assert ids != sorted(ids)


def test_categories_are_spread_in_proportion() -> None:
    # 200 tasks: 60 % billing, 30 % plans, 10 % roaming.
    ids = draw_form(POOL, 100, random.Random(5))
    assert categories_of(ids, POOL) == {"billing": 60, "plans": 30, "roaming": 10}


def test_largest_remainder_apportionment() -> None:
    # 10 seats over 7 / 2 / 1 of 10: exact.  7 seats over 5 / 3 / 2: 3.5, 2.1, 1.4 -> 4, 2, 1.
    assert apportion([7, 2, 1], 10, random.Random(0)) == [7, 2, 1]
    assert apportion([5, 3, 2], 7, random.Random(0)) == [4, 2, 1]
    assert apportion([3, 3, 3], 0, random.Random(0)) == [0, 0, 0]
    assert apportion([], 0, random.Random(0)) == []


def test_tied_remainders_are_broken_by_the_seed() -> None:
    # 10 seats over three equal groups: 3 each and one extra, given by the rng.
    winners = set()
    for seed in range(30):
        quotas = apportion([10, 10, 10], 10, random.Random(seed))
        assert sorted(quotas) == [3, 3, 4]
        winners.add(quotas.index(4))
    assert winners == {0, 1, 2}


def test_apportion_rejects_too_many_seats() -> None:
    with pytest.raises(ValueError, match="cannot take 5"):
        apportion([2, 2], 5, random.Random(0))


def test_recent_tasks_are_avoided_when_possible() -> None:
    recent = set(range(1, 101))  # half the pool was seen recently
    ids = draw_form(POOL, 100, random.Random(11), recent)
    assert not set(ids) & recent


def test_spread_follows_the_eligible_pool() -> None:
    # With billing tasks 1-120 seen recently, only plans and roaming remain: 60 / 20.
    ids = draw_form(POOL, 40, random.Random(2), recent=range(1, 121))
    assert categories_of(ids, POOL) == {"plans": 30, "roaming": 10}


def test_shortfall_is_filled_from_recent_tasks() -> None:
    recent = set(range(1, 151))  # only 50 tasks were not seen recently
    ids = draw_form(POOL, 100, random.Random(13), recent)
    assert len(set(ids)) == 100
    fresh = {t.task_id for t in POOL} - recent
    assert fresh <= set(ids)  # every unseen task is used
    assert len(set(ids) & recent) == 50


def test_recent_ids_outside_the_pool_are_ignored() -> None:
    assert draw_form(POOL, 10, random.Random(4), {9_999}) == draw_form(POOL, 10, random.Random(4))


def test_whole_pool_when_count_equals_pool_size() -> None:
    ids = draw_form(POOL, 200, random.Random(8), recent={5})
    assert sorted(ids) == [t.task_id for t in POOL]


def test_too_small_pool_raises() -> None:
    with pytest.raises(ValueError, match="holds 200 tasks, fewer than the 201 needed"):
        draw_form(POOL, 201, random.Random(0))


def test_repeated_task_id_raises() -> None:
    with pytest.raises(ValueError, match="repeats a task id"):
        draw_form([PoolTask(1, "a"), PoolTask(1, "b")], 1, random.Random(0))


def test_negative_count_raises_and_zero_is_empty() -> None:
    with pytest.raises(ValueError, match="count"):
        draw_form(POOL, -1, random.Random(0))
    assert draw_form(POOL, 0, random.Random(0)) == []


def test_new_seed_is_63_bit_and_comes_from_the_given_source() -> None:
    seeds = [new_seed(random.Random(n)) for n in range(50)]
    assert all(0 <= s < 2**63 for s in seeds)
    assert new_seed(random.Random(1)) == new_seed(random.Random(1))
    assert len(set(seeds)) == 50
    assert 0 <= new_seed(random.SystemRandom()) < 2**63


pools = st.lists(
    st.builds(PoolTask, st.integers(-(2**40), 2**40), st.sampled_from("abcde")),
    max_size=40,
    unique_by=lambda t: t.task_id,
)


@given(pool=pools, data=st.data(), seed=st.integers(0, 2**63 - 1))
def test_draw_form_returns_count_distinct_pool_ids(
    pool: list[PoolTask], data: st.DataObject, seed: int
) -> None:
    count = data.draw(st.integers(0, len(pool)))
    ids_in_pool = [t.task_id for t in pool]
    recent = data.draw(st.sets(st.sampled_from(ids_in_pool)) if pool else st.just(set()))
    ids = draw_form(pool, count, random.Random(seed), recent)
    assert len(ids) == count == len(set(ids))
    assert set(ids) <= {t.task_id for t in pool}
    fresh = {t.task_id for t in pool} - recent
    assert len(set(ids) & fresh) == min(count, len(fresh))


@given(pool=pools, seed=st.integers(0, 2**63 - 1), order_seed=st.integers())
def test_draw_form_ignores_pool_order(pool: list[PoolTask], seed: int, order_seed: int) -> None:
    shuffled = list(pool)
    random.Random(order_seed).shuffle(shuffled)
    count = len(pool) // 2
    assert draw_form(shuffled, count, random.Random(seed)) == draw_form(
        pool, count, random.Random(seed)
    )
