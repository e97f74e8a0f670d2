"""Other acceptable wordings of a fact's value, and plausible wrong values for choice tasks."""

from __future__ import annotations

import math
import re

from examsrv.demo.kb_fact_labels import FactLabel

_DIGITS = "零一二三四五六七八九"
_PLACES = ("", "十", "百", "千")

# Values people actually choose, by unit: wrong options are drawn from the nearest of these.
_LADDERS: dict[str, tuple[int, ...]] = {
    "元": (
        1, 2, 3, 5, 6, 8, 9, 10, 12, 15, 18, 19, 20, 25, 28, 29, 30, 35, 38, 39, 40, 45, 49, 50,
        58, 59, 60, 68, 69, 78, 79, 80, 88, 98, 99, 100, 120, 128, 138, 150, 158, 168, 188, 198,
        200, 238, 248, 258, 288, 298, 300, 330, 398, 400, 500, 550, 600, 800, 1000, 1100, 1200,
        1500, 2000, 3000, 5000,
    ),
    "小时": (1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 72, 96),
    "天": (1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 150, 180, 365),
    "个工作日": (1, 2, 3, 5, 7, 10, 15, 20, 30),
    "个月": (1, 2, 3, 4, 6, 9, 10, 12, 18, 24, 36),
    "年": (1, 2, 3, 5),
    "分钟": (
        5, 10, 15, 20, 30, 45, 60, 90, 100, 120, 150, 200, 300, 500, 700, 1000, 1200, 1500,
        2000, 3000, 5000,
    ),
    "GB": (
        1, 2, 3, 5, 6, 8, 10, 15, 20, 30, 40, 50, 60, 64, 80, 100, 120, 128, 150, 200, 256,
        300, 500, 512,
    ),
    "次": (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20),
    "个": (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 80, 100, 150, 200),
    "台": (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 32, 64, 128),
    "张": (1, 2, 3, 4, 5, 6, 8, 10),
    "位": (4, 6, 8, 11, 12, 16, 18, 19, 20),
    "%": (10, 15, 20, 25, 30, 40, 50),
    "周岁": (12, 14, 16, 18, 22, 24, 25, 28, 30, 55, 60, 65, 70),
    "积分": (100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000, 10000, 20000),
    "日": (1, 3, 5, 8, 10, 12, 15, 18, 20, 25, 28),
}  # fmt: skip
_ROUND_LADDER: tuple[int, ...] = (
    1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 16, 18, 20, 24, 25, 30, 32, 36, 40, 45, 48, 50, 60, 64,
    72, 80, 90, 100, 120, 128, 150, 180, 200, 240, 256, 300, 360, 400, 500, 512, 600, 700, 800,
    1000, 1200, 1500, 2000, 2500, 3000, 5000, 8000, 10000, 20000,
)  # fmt: skip
_DECIMAL_LADDER = (
    "0.05", "0.1", "0.15", "0.19", "0.2", "0.25", "0.29", "0.3", "0.36", "0.39", "0.49", "0.5",
    "0.59", "0.69", "0.79", "0.99", "1.29", "1.49", "1.99", "2.49", "2.99", "3.99", "4.99",
)  # fmt: skip
_CODE_PREFIXES = ("KT", "QX", "CX", "BL")

_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LEADING_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(.*)")
_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]+")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_MONTH_DAY = re.compile(r"每月(\d+)日")
_COUNTERS = ("次", "张", "个", "台", "位", "倍")


def chinese_numeral(n: int) -> str:
    """``n`` (0 to 9999) in Chinese numerals as spoken: 12 → 十二, 105 → 一百零五."""
    if not 0 <= n < 10000:
        raise ValueError(f"{n} is out of range")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    digits = str(n)
    out: list[str] = []
    pending_zero = False
    for position, char in enumerate(digits):
        digit = int(char)
        if digit == 0:
            pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _PLACES[len(digits) - 1 - position])
    return "".join(out)


def _spoken(number: str, *, counted: bool = False) -> str | None:
    if not number.isdigit() or int(number) >= 10000:
        return None
    if counted and number == "2":
        return "两"
    return chinese_numeral(int(number))


def _number_forms(number: str, unit: str) -> list[str]:
    spoken = _spoken(number)
    counted = _spoken(number, counted=True)
    forms: list[str] = []
    if unit == "元":
        forms += [number, f"{number}块", f"{number}块钱"]
    elif unit.startswith("元/"):
        per = unit[2:]
        forms += [f"{number}元每{per}", f"每{per}{number}元"]
        if per == "GB":
            forms.append(f"{number}元/G")
    elif unit == "GB":
        forms += [f"{number}G", f"{number}吉", f"{number}个G"]
    elif unit in ("MB", "Mbps"):
        forms += [f"{number}M", f"{number}兆"]
    elif unit == "M":
        forms += [f"{number}兆", f"{number}Mbps"] + (["千兆"] if number == "1000" else [])
    elif unit == "kbps":
        forms += [f"{number}K", f"{number}kb/s"]
    elif unit == "分钟":
        forms += [f"{number}分"] + ([f"{spoken}分钟"] if spoken else [])
    elif unit == "小时":
        forms += [f"{number}个小时", f"{number}h"] + ([f"{counted}个小时"] if counted else [])
    elif unit == "天":
        forms += [f"{number}日"] + ([f"{counted}天"] if counted else [])
    elif unit == "个工作日":
        forms += [f"{number}工作日"] + ([f"{counted}个工作日"] if counted else [])
    elif unit == "个月":
        forms += [f"{number}月"] + ([f"{counted}个月"] if counted else [])
        forms += {"6": ["半年"], "12": ["一年"], "24": ["两年"]}.get(number, [])
    elif unit == "年":
        forms += [f"{counted}年"] if counted else []
    elif unit == "周岁":
        forms += [f"{number}岁"] + ([f"{spoken}周岁"] if spoken else [])
    elif unit in _COUNTERS:
        forms += [number] + ([f"{counted}{unit}"] if counted else [])
    elif unit == "积分":
        forms += [number, f"{number}分"]
    elif unit == "%":
        forms += [f"百分之{spoken}"] if spoken else []
    return forms


def synonyms(value: str) -> tuple[str, ...]:
    """Other wordings of ``value`` that a grader should accept (``40GB`` → ``40G``, ``40吉``…)."""
    forms: list[str] = []
    if clock := _CLOCK.fullmatch(value):
        hour, minute = clock.groups()
        forms += [f"{hour}点"] if minute == "00" else [f"{hour}点{minute}分"]
        forms += [f"{hour}点半"] if minute == "30" else []
    elif month_day := _MONTH_DAY.fullmatch(value):
        day = month_day.group(1)
        forms += [f"{day}日", f"{day}号", f"每月{day}号"]
    elif _CODE.fullmatch(value) or re.fullmatch(r"[A-Z]+-[A-Z]+|[A-Z]\d+", value):
        forms += [value.lower(), value.replace("-", "")]
    elif leading := _LEADING_NUMBER.fullmatch(value):
        forms += _number_forms(*leading.groups())
    return tuple(dict.fromkeys(form for form in forms if form != value))


def _nearest(ladder: tuple[float, ...], x: float) -> list[float]:
    others = [c for c in ladder if c != x]
    return sorted(others, key=lambda c: abs(math.log(c / x)))


def _numeric_variants(number: str, unit: str) -> list[str]:
    if "." in number:
        x = float(number)
        ladder = tuple(float(c) for c in _DECIMAL_LADDER)
        return [f"{c:g}" for c in _nearest(ladder, x)[:6]]
    n = int(number)
    if n <= 0:
        return []
    ladder_ints = _ROUND_LADDER
    for prefix, ladder in _LADDERS.items():
        if unit.startswith(prefix):
            ladder_ints = ladder
            break
    if n in ladder_ints:
        return [str(int(c)) for c in _nearest(tuple(float(c) for c in ladder_ints), n)[:5]]
    step = max(1, 10 ** (len(number) - 1) // 2)
    near = (n - step, n + step, n - 2 * step, n + 2 * step, n + 3 * step)
    return [str(c) for c in near if c > 0]


def wrong_value_candidates(label: FactLabel, value: str) -> list[str]:
    """Plausible but wrong values for a choice task, nearest first; empty when none can be made."""
    if label.pool:
        candidates = [v for v in label.pool if v != value]
    elif _CODE.fullmatch(value):
        candidates = [p + value[2:] for p in _CODE_PREFIXES if p != value[:2]]
    elif number := _FIRST_NUMBER.search(value):
        head, tail = value[: number.start()], value[number.end() :]
        candidates = [f"{head}{v}{tail}" for v in _numeric_variants(number.group(), tail)]
    else:
        candidates = []
    return list(dict.fromkeys(c for c in candidates if c != value))
