"""Drawing the form of a lookup-speed trial: which tasks, in which order.

The draw is a pure function of the pool, the count, the tasks to avoid and a
seeded ``random.Random``. The seed (from :func:`new_seed`) is stored with the
attempt, so any form can be drawn again exactly. The result does not depend on
the order the pool is given in: the pool is sorted by task id first.

Rules:

- Tasks the candidate saw in recent attempts (``recent``) are avoided. When the
  rest of the pool is too small, every other task is taken and the shortfall is
  drawn from the recent ones (still without repeats).
- The tasks are spread across categories in proportion to each category's share
  of the tasks drawn from (largest-remainder apportionment; ties in the
  remainder are broken at random by the seeded generator).
- The final order is shuffled.

Changing this algorithm changes the form a stored seed gives; bump
:data:`FORM_ALGORITHM` when doing so, and store it with the seed.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

FORM_ALGORITHM: Final = 1
"""Version of the drawing algorithm, to store beside the seed of each attempt."""

SEED_BITS: Final = 63  # fits a signed 64-bit database integer


@dataclass(frozen=True)
class PoolTask:
    """A task that may be drawn, with the category it is spread by."""

    task_id: int
    category: str


def new_seed(rng: random.Random) -> int:
    """A fresh 63-bit seed from ``rng`` (a ``random.SystemRandom`` in production)."""
    return rng.getrandbits(SEED_BITS)


def apportion(sizes: Sequence[int], count: int, rng: random.Random) -> list[int]:
    """Split ``count`` across groups of ``sizes`` in proportion (largest remainder).

    Each group gets ``count * size / total`` rounded down; the seats left over go
    to the groups with the largest remainders, ties broken at random by
    ``rng``. No group gets more than its size. Requires ``0 <= count <= total``.
    """
    total = sum(sizes)
    if not 0 <= count <= total:
        raise ValueError(f"cannot take {count} from groups holding {total}")
    if total == 0:
        return [0] * len(sizes)
    quotas = [count * size // total for size in sizes]
    remainders = [count * size % total for size in sizes]
    left = count - sum(quotas)
    # Random tie-break order first, then a stable sort by remainder, largest first.
    order = list(range(len(sizes)))
    rng.shuffle(order)
    order.sort(key=lambda i: remainders[i], reverse=True)
    for i in order[:left]:
        quotas[i] += 1
    return quotas


def _spread(tasks: Sequence[PoolTask], count: int, rng: random.Random) -> list[int]:
    """``count`` task ids from ``tasks`` (sorted by id), spread across categories."""
    by_category: dict[str, list[int]] = {}
    for task in tasks:
        by_category.setdefault(task.category, []).append(task.task_id)
    categories = sorted(by_category)
    quotas = apportion([len(by_category[c]) for c in categories], count, rng)
    chosen: list[int] = []
    for category, quota in zip(categories, quotas, strict=True):
        chosen.extend(rng.sample(by_category[category], quota))
    return chosen


def draw_form(
    pool: Sequence[PoolTask],
    count: int,
    rng: random.Random,
    recent: Collection[int] = (),
) -> list[int]:
    """Draw ``count`` distinct task ids from ``pool``, in the order they are asked.

    Raises ValueError if ``count`` is negative, the pool repeats a task id, or
    the pool holds fewer than ``count`` tasks.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    ordered = sorted(pool, key=lambda t: t.task_id)
    ids = [t.task_id for t in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("the pool repeats a task id")
    if len(ordered) < count:
        raise ValueError(f"the pool holds {len(ordered)} tasks, fewer than the {count} needed")

    avoid = set(recent)
    fresh = [t for t in ordered if t.task_id not in avoid]
    if len(fresh) >= count:
        chosen = _spread(fresh, count, rng)
    else:
        seen = [t for t in ordered if t.task_id in avoid]
        chosen = [t.task_id for t in fresh] + _spread(seen, count - len(fresh), rng)
    rng.shuffle(chosen)
    return chosen
