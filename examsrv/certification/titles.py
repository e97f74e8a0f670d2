"""Levels and their titles (称号).

CSRs hold levels 0 to 5; a new hire is level 0. The source document gives a
series of titles "at random" (随意给出一个称号序列), so the titles are an
editable part of :class:`~examsrv.certification.policy.CertificationPolicy`;
:data:`DEFAULT_TITLES` is the example.
"""

from __future__ import annotations

from collections.abc import Mapping

MIN_LEVEL = 0
MAX_LEVEL = 5
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))

DEFAULT_TITLES: dict[int, str] = {
    0: "小学生",
    1: "大学生",
    2: "教师",
    3: "高级教师",
    4: "导师",
    5: "大师",
}
"""The source's example titles, level by level."""


def is_level(value: object) -> bool:
    """Whether ``value`` is an integer level from 0 to 5 (``bool`` is not)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in LEVELS


def title_for(level: int, titles: Mapping[int, str]) -> str:
    """The title of ``level`` in ``titles``, falling back to :data:`DEFAULT_TITLES`.

    Raises ValueError for a level outside 0 to 5.
    """
    if not is_level(level):
        raise ValueError(f"level must be an integer from {MIN_LEVEL} to {MAX_LEVEL}, got {level!r}")
    title = titles.get(level)
    return title if title else DEFAULT_TITLES[level]
