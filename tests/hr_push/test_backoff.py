"""The wait before a failed webhook is tried again."""

from __future__ import annotations

import random

import pytest

from examsrv.hr_push import backoff


def test_the_nominal_delay_doubles_from_the_base_up_to_the_cap() -> None:
    assert [backoff.nominal_delay_s(n, base_s=30, cap_s=300) for n in range(1, 7)] == [
        30,
        60,
        120,
        240,
        300,
        300,
    ]


def test_the_default_schedule_spreads_twelve_tries_over_about_fourteen_hours() -> None:
    waits = backoff.schedule(12)
    assert len(waits) == 11  # after the twelfth failure the event is parked, not retried
    assert waits[0] == backoff.BASE_S and waits[-1] == backoff.CAP_S
    assert 14 * 3600 < sum(waits) < 15 * 3600


def test_a_very_late_attempt_stays_at_the_cap() -> None:
    assert backoff.nominal_delay_s(10_000) == backoff.CAP_S


@pytest.mark.parametrize("attempt", [1, 2, 5, 11, 40])
def test_jitter_only_shortens_and_by_at_most_its_fraction(attempt: int) -> None:
    rng = random.Random(attempt)
    nominal = backoff.nominal_delay_s(attempt)
    for _ in range(200):
        delay = backoff.delay_s(attempt, rng)
        assert nominal * (1 - backoff.JITTER) <= delay <= nominal


def test_the_same_seed_gives_the_same_delays_and_another_seed_spreads_them() -> None:
    first = [backoff.delay_s(n, random.Random(42)) for n in range(1, 12)]
    again = [backoff.delay_s(n, random.Random(42)) for n in range(1, 12)]
    other = [backoff.delay_s(n, random.Random(43)) for n in range(1, 12)]
    assert first == again
    assert first != other


def test_no_jitter_gives_the_nominal_delay() -> None:
    assert backoff.delay_s(3, random.Random(1), jitter=0.0) == 120.0


@pytest.mark.parametrize(
    "bad",
    [
        {"attempt": 0},
        {"attempt": 1, "base_s": 0},
        {"attempt": 1, "base_s": 60, "cap_s": 30},
        {"attempt": 1, "jitter": 1.0},
        {"attempt": 1, "jitter": -0.1},
    ],
)
def test_nonsense_is_refused(bad: dict[str, float]) -> None:
    attempt = int(bad.pop("attempt"))
    with pytest.raises(ValueError):
        backoff.delay_s(attempt, random.Random(0), **bad)
