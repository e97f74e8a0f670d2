from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.itembank.case_upkeep import (
    RATING_LABELS,
    RATING_TERMS,
    RATINGS,
    CaseUsage,
    ClassicWeights,
    age_days,
    classic_score,
    over_capacity,
    restored,
    retirement_order,
    room_left,
    staleness,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def case(
    case_id: int,
    days_old: float = 100,
    *,
    level: int = 2,
    category: str = "complaints",
    studies: int = 0,
    test_uses: int = 0,
    excellent: int = 0,
    average: int = 0,
    poor: int = 0,
) -> CaseUsage:
    return CaseUsage(
        case_id=case_id,
        level=level,
        category=category,
        constant_time=NOW - timedelta(days=days_old),
        studies=studies,
        test_uses=test_uses,
        excellent=excellent,
        average=average,
        poor=poor,
    )


def test_classic_score_formula() -> None:
    # 1 x 30 studies + 2 x 4 test uses + 5 x 3 excellent + 0 x 2 average - 5 x 1 poor = 48
    usage = case(1, studies=30, test_uses=4, excellent=3, average=2, poor=1)
    assert classic_score(usage) == 48.0
    assert classic_score(case(2)) == 0.0


def test_classic_score_never_goes_below_zero() -> None:
    assert classic_score(case(1, studies=2, poor=10)) == 0.0


def test_weights_are_configurable_and_checked() -> None:
    usage = case(1, studies=10, test_uses=10, average=4)
    assert classic_score(usage, ClassicWeights(study=0.5, test_use=1, average=1)) == 19.0
    with pytest.raises(ValueError, match="lower"):
        ClassicWeights(study=-1)
    with pytest.raises(ValueError, match="better rating"):
        ClassicWeights(excellent=1, average=2)
    with pytest.raises(ValueError, match="finite"):
        ClassicWeights(poor=float("-inf"))


counts = st.integers(min_value=0, max_value=500)


@given(s=counts, t=counts, e=counts, a=counts, p=counts)
def test_classic_score_is_monotone(s: int, t: int, e: int, a: int, p: int) -> None:
    base = classic_score(case(1, studies=s, test_uses=t, excellent=e, average=a, poor=p))
    more_use = [
        case(1, studies=s + 1, test_uses=t, excellent=e, average=a, poor=p),
        case(1, studies=s, test_uses=t + 1, excellent=e, average=a, poor=p),
        case(1, studies=s, test_uses=t, excellent=e + 1, average=a, poor=p),
    ]
    assert all(classic_score(u) >= base for u in more_use)
    assert (
        classic_score(case(1, studies=s, test_uses=t, excellent=e, average=a, poor=p + 1)) <= base
    )
    if p > 0:  # one poor rating becomes average
        better = case(1, studies=s, test_uses=t, excellent=e, average=a + 1, poor=p - 1)
        assert classic_score(better) >= base
    if a > 0:  # one average rating becomes excellent
        better = case(1, studies=s, test_uses=t, excellent=e + 1, average=a - 1, poor=p)
        assert classic_score(better) >= base


def test_age_and_staleness() -> None:
    assert age_days(case(1, days_old=365), NOW) == 365.0
    assert age_days(case(1, days_old=-2), NOW) == 0.0  # a constant time in the future
    # 365 days over 1 + 9 classic points: 36.5 days per point.
    assert staleness(case(1, days_old=365, studies=9), NOW) == 36.5


def test_retirement_order_old_and_little_used_first() -> None:
    cases = [
        case(1, days_old=700, studies=200, excellent=10),  # old but classic: 700 / 251
        case(2, days_old=700, studies=5),  # old and little used: 700 / 6
        case(3, days_old=7),  # brand new, never used: 7 / 1
        case(4, days_old=300, studies=5),  # younger than 2, same use: 300 / 6
        case(5, days_old=300, studies=20, poor=4),  # 300 / (1 + 20 - 20) = 300
    ]
    assert retirement_order(cases, NOW) == [5, 2, 4, 3, 1]


def test_a_new_case_is_not_retired_before_an_old_unused_one() -> None:
    new, old = case(1, days_old=3), case(2, days_old=400, studies=10)
    assert retirement_order([new, old], NOW) == [2, 1]


def test_ties_go_to_the_older_case_then_the_lower_score_then_the_lower_id() -> None:
    # 200 / (1 + 1) == 100 / (1 + 0): equal staleness, the older (id 2) goes first.
    assert retirement_order([case(1, days_old=100), case(2, days_old=200, studies=1)], NOW) == [
        2,
        1,
    ]
    # Identical in everything but the id.
    assert retirement_order([case(9, days_old=50), case(3, days_old=50)], NOW) == [3, 9]


def test_retirement_order_does_not_depend_on_input_order() -> None:
    cases = [case(i, days_old=10 * i, studies=i % 4) for i in range(1, 30)]
    assert retirement_order(cases, NOW) == retirement_order(list(reversed(cases)), NOW)


def test_over_capacity_groups_by_level_and_category() -> None:
    cases = [
        # level 2 complaints: 5 cases, limit 3, so the 2 stalest go.
        case(1, days_old=10, studies=50),
        case(2, days_old=900),
        case(3, days_old=500, studies=1),
        case(4, days_old=20),
        case(5, days_old=600, studies=300),
        # level 2 billing: 3 cases, at the limit.
        case(6, days_old=900, category="billing"),
        case(7, days_old=900, category="billing"),
        case(8, days_old=900, category="billing"),
        # level 3 complaints: 4 cases, one too many.
        case(9, days_old=40, level=3),
        case(10, days_old=41, level=3),
        case(11, days_old=42, level=3),
        case(12, days_old=43, level=3),
    ]
    assert over_capacity(cases, NOW, limit=3) == {
        (2, "complaints"): [2, 3],
        (3, "complaints"): [12],
    }
    assert over_capacity(cases, NOW, limit=5) == {}
    assert over_capacity(cases, NOW) == {}  # the default limit is 120


def test_default_limit_is_120() -> None:
    cases = [case(i, days_old=i) for i in range(1, 123)]
    assert over_capacity(cases, NOW) == {(2, "complaints"): [122, 121]}


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="repeat"):
        retirement_order([case(1), case(1)], NOW)
    with pytest.raises(ValueError, match="limit"):
        over_capacity([case(1)], NOW, limit=0)
    with pytest.raises(ValueError, match="studies"):
        case(1, studies=-1)
    with pytest.raises(ValueError, match="timezone"):
        CaseUsage(1, 1, "a", datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        age_days(case(1), datetime(2026, 1, 1))


def test_room_left() -> None:
    cases = [case(1), case(2), case(3, category="billing"), case(4, level=3)]
    assert room_left(cases, 2, "complaints", limit=3) == 1
    assert room_left(cases, 2, "complaints", limit=1) == -1
    assert room_left(cases, 5, "complaints") == 120


def test_restore_re_enters_the_case_now_and_keeps_its_counts() -> None:
    old = case(1, days_old=800, studies=40, excellent=2)
    back = restored(old, NOW)
    assert back.constant_time == NOW
    assert (back.studies, back.excellent) == (40, 2)
    assert staleness(back, NOW) == 0.0


def test_ratings_and_labels() -> None:
    assert RATINGS == ("excellent", "average", "poor")
    assert [RATING_TERMS[r] for r in RATINGS] == ["优秀", "一般", "差"]
    assert set(RATING_LABELS) == set(RATINGS)
    usage = case(1, excellent=3, average=2, poor=1)
    assert [usage.count_of(r) for r in RATINGS] == [3, 2, 1]
