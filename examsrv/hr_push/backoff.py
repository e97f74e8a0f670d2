"""How long to wait before the next try of a webhook that failed.

Pure: the chance comes from the ``random.Random`` passed in. The delay doubles
with every failed try, from ``BASE_S`` up to ``CAP_S``, and is then shortened by
up to ``JITTER`` (a fraction) so that many events failing together do not all
come back at the same second.
"""

from __future__ import annotations

import random

BASE_S = 30.0
CAP_S = 6 * 3600.0
JITTER = 0.2
_MAX_EXPONENT = 40  # 2**40 * 30 s is far beyond any cap; avoids huge floats


def nominal_delay_s(attempt: int, *, base_s: float = BASE_S, cap_s: float = CAP_S) -> float:
    """The delay after failed try number ``attempt`` (1 for the first), before jitter."""
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if base_s <= 0 or cap_s < base_s:
        raise ValueError("the base delay must be positive and no greater than the cap")
    return min(cap_s, base_s * 2.0 ** min(attempt - 1, _MAX_EXPONENT))


def delay_s(
    attempt: int,
    rng: random.Random,
    *,
    base_s: float = BASE_S,
    cap_s: float = CAP_S,
    jitter: float = JITTER,
) -> float:
    """The delay after failed try number ``attempt``: the nominal delay less up to
    ``jitter`` of it, drawn from ``rng``; always within [(1 - jitter) x nominal, nominal]."""
    if not 0.0 <= jitter < 1.0:
        raise ValueError(f"jitter must be in [0, 1), got {jitter}")
    nominal = nominal_delay_s(attempt, base_s=base_s, cap_s=cap_s)
    return nominal * (1.0 - jitter * rng.random())


def schedule(max_attempts: int, *, base_s: float = BASE_S, cap_s: float = CAP_S) -> list[float]:
    """The nominal waits between the ``max_attempts`` tries of one event (one fewer
    than the tries: after the last failure the event is parked, not retried)."""
    return [nominal_delay_s(n, base_s=base_s, cap_s=cap_s) for n in range(1, max_attempts)]
