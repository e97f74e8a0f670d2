from __future__ import annotations

import pytest

from examsrv.certification.titles import DEFAULT_TITLES, is_level, title_for


def test_default_titles_are_the_source_series() -> None:
    assert DEFAULT_TITLES == {
        0: "小学生",
        1: "大学生",
        2: "教师",
        3: "高级教师",
        4: "导师",
        5: "大师",
    }


def test_title_for_uses_the_configured_titles() -> None:
    assert title_for(3, {3: "Senior teacher"}) == "Senior teacher"


def test_title_for_falls_back_to_the_default_for_a_missing_title() -> None:
    assert title_for(5, {3: "Senior teacher"}) == "大师"
    assert title_for(0, {0: ""}) == "小学生"


@pytest.mark.parametrize("level", [-1, 6, True, 2.0])
def test_title_for_refuses_a_level_outside_0_to_5(level: object) -> None:
    with pytest.raises(ValueError, match="level must be an integer from 0 to 5"):
        title_for(level, DEFAULT_TITLES)  # type: ignore[arg-type]


def test_is_level() -> None:
    assert [n for n in range(-2, 8) if is_level(n)] == [0, 1, 2, 3, 4, 5]
    assert not is_level(False)
    assert not is_level("1")
