"""Grading of lookup-task answers: measure the lookup, not typing or formatting.

``normalise`` maps an answer to a canonical string; two answers are the same when their
canonical strings are equal. It applies, in order:

1. NFKC (full-width letters, digits and punctuation become half-width) and casefold.
2. Whitespace (including U+3000), control and format characters are removed.
3. Punctuation is removed: every Unicode ``P*`` character and every ASCII punctuation
   character, except ``%``, which is kept. Between two digits, ``.`` stays a decimal point,
   ``:`` and ``/`` stay, ``- ~ – —`` become ``-``, ``、`` becomes ``,``, and ``,`` is dropped
   when it groups thousands (exactly three digits follow) and kept otherwise.
4. A currency sign before a number moves behind it: ``¥30``, ``rmb30`` and ``人民币30`` become
   ``30元``.
5. Chinese numerals (``零〇一二两三四五六七八九十百千万亿``) become digits only where they form a
   number: (a) ``百分之`` + numeral becomes ``N%``; (b) a well-formed numeral directly followed by
   a unit or counter word (``元 块 gb 兆 小时 天 个月 个 次 条 年 折 %``…, the full list is
   ``_COUNTERS`` plus every unit alias); (c) a numeral that is the whole answer. Digits
   before one or two multipliers are a number too (``1.5万`` → ``15000``, ``3千万``). Well-formed
   means the usual grammar (``三十``, ``一百零八``, ``两万五`` = 25000); a run of bare digits
   such as ``一零零八六`` is read digit by digit, but only under rule (c), so ``三五天``
   ("a few days") stays as it is.
   A bare ``分`` after a Chinese numeral is not a unit (``十分`` means "very"): write ``十分钟``.
   So ``一般``, ``统一``, ``十分满意`` and ``万一`` are left alone.
6. Decimals lose trailing zeros (``30.00`` → ``30``, ``1.50`` → ``1.5``).
7. A unit alias directly after a digit becomes its canonical token (see ``_UNIT_ALIASES``);
   latin aliases only when no latin letter follows (``100mbps`` is left alone). In a date
   (``3月15日``: ``月`` followed by a digit, ``日`` after ``月`` and a day) both stay; ``分``
   followed by ``之 钱 贝`` is not a minute.

``AnswerKey`` precomputes the canonical forms of a task's answers so that ``accepts`` is one
normalisation and a set lookup. It never raises on a string, and treats any answer longer than
``MAX_GIVEN_CHARS`` as wrong.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from dataclasses import dataclass

from examsrv.itembank.specs import AnswerKind, TaskSpec

MAX_GIVEN_CHARS = 200

_UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "元": ("块钱", "块", "元", "圆", "人民币", "rmb", "yuan", "¥"),
    "gb": ("吉字节", "吉", "gb", "g"),
    "mb": ("兆字节", "兆", "mb", "m"),
    "分钟": ("分钟", "minutes", "minute", "mins", "min", "分"),
    "小时": ("个小时", "个钟头", "小时", "钟头", "hours", "hour", "hrs", "hr", "h"),
    "天": ("天", "日", "days", "day"),
    "个月": ("个月", "月", "months", "month"),
    "工作日": ("个工作日", "工作日"),
    "周": ("个星期", "个礼拜", "星期", "礼拜", "周", "weeks", "week"),
}
# Counter and measure words: a Chinese numeral before one of these is a number.
_COUNTERS = frozenset("个次条张位名人岁年秒折倍档项种期级号家台部角%") | {"毫秒"}
_UNIT_TOKENS = frozenset(_UNIT_ALIASES) | _COUNTERS

_KEPT_BETWEEN_DIGITS = {".": ".", ":": ":", "/": "/", "-": "-", "~": "-", "–": "-", "—": "-"}
_KEPT_BETWEEN_DIGITS["、"] = ","
_ASCII_DIGITS = frozenset(string.digits)
_ASCII_PUNCTUATION = frozenset(string.punctuation)

_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
_NUMERAL = "[" + "".join(_DIGITS) + "".join(_MULTIPLIERS) + "]++"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _alias_pattern(alias: str) -> str:
    pattern = re.escape(alias)
    if alias.isascii() and alias.isalpha():
        pattern += "(?![a-z])"
    elif alias == "月":
        pattern += r"(?![0-9])"
    elif alias == "日":
        pattern = "(?<!月[0-9])(?<!月[0-9][0-9])" + pattern
    elif alias == "分":
        pattern += "(?![之钱贝])"
    return pattern


_ALIAS_CANONICAL = {alias: unit for unit, aliases in _UNIT_ALIASES.items() for alias in aliases}
_ALIASES_LONGEST_FIRST = sorted(_ALIAS_CANONICAL, key=len, reverse=True)
_UNIT_RE = re.compile(
    f"(?<=[0-9])(?=[{re.escape(''.join(sorted({a[0] for a in _ALIASES_LONGEST_FIRST})))}])(?:"
    + "|".join(f"(?P<u{i}>{_alias_pattern(a)})" for i, a in enumerate(_ALIASES_LONGEST_FIRST))
    + ")"
)
_UNIT_BY_GROUP = {f"u{i}": _ALIAS_CANONICAL[a] for i, a in enumerate(_ALIASES_LONGEST_FIRST)}
_FOLLOWERS = _alternation([a for a in _ALIAS_CANONICAL if a != "分"] + list(_COUNTERS))
_NUMBER = r"[0-9]++(?:\.[0-9]++)?+"
# Possessive quantifiers and the look-behind keep these linear on long runs of digits.
_NUMERAL_RE = re.compile(
    f"(?:(?<![0-9.])(?P<digits>{_NUMBER}))?(?P<cjk>{_NUMERAL})(?=(?:{_FOLLOWERS}))"
)
_STANDALONE_RE = re.compile(f"(?P<digits>{_NUMBER})?(?P<cjk>{_NUMERAL})")
_PERCENT_RE = re.compile(f"百分之(?P<digits>{_NUMBER})?(?P<cjk>{_NUMERAL})?")
_CURRENCY_RE = re.compile(f"(?:¥|rmb|人民币)({_NUMBER})(?:块钱|块|元|rmb|¥)?")
_DECIMAL_RE = re.compile(r"(?<![0-9.])([0-9]+)\.([0-9]+)(?![0-9.])")
_BARE_NUMBER_RE = re.compile(f"({_NUMBER})(?:{_alternation(list(_UNIT_TOKENS))})")
_CHOICE_SEPARATORS = frozenset("和与及")


def _chinese_value(cjk: str, standalone: bool) -> str | None:
    """The digits of a Chinese numeral, or None when it is not a well-formed number."""
    if all(ch in _DIGITS for ch in cjk):
        if len(cjk) == 1 or standalone:
            return "".join(str(_DIGITS[ch]) for ch in cjk)  # 零二一 stays 021
        return None
    total = section = 0
    digit: int | None = None
    last = last_block = 10**9  # previous multiplier inside the section, previous 万/亿
    previous_multiplier = 0  # multiplier right before the current character, else 0
    for ch in cjk:
        if ch in _DIGITS:
            if digit not in (None, 0):
                return None
            digit, previous_multiplier = _DIGITS[ch], 0 if ch in "零〇" else previous_multiplier
            continue
        value = _MULTIPLIERS[ch]
        if value >= 10**4:
            if (section == 0 and digit is None) or value >= last_block:
                return None
            block = section + (digit or 0)
            total = (total + block) * value if value == 10**8 else total + block * value
            section, digit, last, last_block = 0, None, 10**9, value
        else:
            if value >= last:
                return None
            if digit is None and ch != "十":  # only 十 may stand for 一十: 千万 is not a number
                return None
            section += (1 if digit is None else digit) * value
            digit, last = None, value
        previous_multiplier = value
    if digit is not None and previous_multiplier >= 10:  # 一百五 = 150, 两万五 = 25000
        digit *= previous_multiplier // 10
    return str(total + section + (digit or 0))


def _numeral_text(digits: str | None, cjk: str, standalone: bool) -> str | None:
    """A numeral as digits: Chinese (``一百二十八``) or digits and multipliers (``1.5万``)."""
    if digits is None:
        return _chinese_value(cjk, standalone)
    if len(cjk) > 2 or any(ch not in _MULTIPLIERS for ch in cjk):
        return None
    shift = sum(len(str(_MULTIPLIERS[ch])) - 1 for ch in cjk)
    whole, _, fraction = digits.partition(".")
    fraction = fraction.ljust(shift, "0")
    return _number_text(whole + fraction[:shift], fraction[shift:])


def _number_text(whole: str, fraction: str) -> str:
    """``whole.fraction`` without leading zeros in ``whole`` or trailing zeros in ``fraction``."""
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _replace_numeral(match: re.Match[str]) -> str:
    converted = _numeral_text(match["digits"], match["cjk"], standalone=False)
    return match[0] if converted is None else converted


def _replace_percent(match: re.Match[str]) -> str:
    if match["cjk"] is None:
        return match[0] if match["digits"] is None else match["digits"] + "%"
    converted = _numeral_text(match["digits"], match["cjk"], standalone=True)
    return match[0] if converted is None else converted + "%"


@functools.lru_cache(maxsize=4096)
def _char_kind(ch: str) -> int:
    """0: dropped (space, control, format), 1: kept, 2: punctuation."""
    category = unicodedata.category(ch)
    if ch.isspace() or category[0] in "CZ":
        return 0
    if ch != "%" and (ch in _ASCII_PUNCTUATION or category[0] == "P"):
        return 2
    return 1


def _strip(text: str) -> str:
    """Steps 2 and 3 of the module docstring: whitespace and punctuation."""
    kept = [ch for ch in text if _char_kind(ch)]
    out: list[str] = []
    for i, ch in enumerate(kept):
        if _char_kind(ch) == 1:
            out.append(ch)
        elif (
            0 < i < len(kept) - 1 and kept[i - 1] in _ASCII_DIGITS and kept[i + 1] in _ASCII_DIGITS
        ):
            if ch == ",":
                following = "".join(kept[i + 1 : i + 5])
                if not re.fullmatch(r"[0-9]{3}(?:[^0-9].*)?", following):
                    out.append(",")
            elif ch in _KEPT_BETWEEN_DIGITS:
                out.append(_KEPT_BETWEEN_DIGITS[ch])
    return "".join(out)


def normalise(text: str) -> str:
    """The canonical form of an answer; the rules are in the module docstring."""
    text = _strip(unicodedata.normalize("NFKC", text).casefold())
    text = _CURRENCY_RE.sub(r"\1元", text)
    text = _PERCENT_RE.sub(_replace_percent, text)
    whole = _STANDALONE_RE.fullmatch(text)
    if whole is not None:
        text = _numeral_text(whole["digits"], whole["cjk"], standalone=True) or text
    text = _NUMERAL_RE.sub(_replace_numeral, text)
    text = _DECIMAL_RE.sub(lambda m: _number_text(m[1], m[2]), text)
    return _UNIT_RE.sub(lambda m: _UNIT_BY_GROUP[m.lastgroup or ""], text)


def _choice_letters(given: str) -> frozenset[str] | None:
    """The option letters in ``given`` (lower-case), or None when anything else is there."""
    letters = _strip(unicodedata.normalize("NFKC", given).casefold())
    letters = "".join(ch for ch in letters if ch not in _CHOICE_SEPARATORS)
    if not letters or not all("a" <= ch <= "z" for ch in letters):
        return None
    return frozenset(letters)


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """The precomputed grading rule of one lookup task.

    For TEXT tasks ``accepted`` holds the canonical form of every answer and synonym, plus the
    bare number of each form that is a number and a unit (``40gb`` also accepts ``40``).
    For CHOICE tasks ``letters`` holds the correct letters (lower-case) and ``option_count``
    the number of options.
    """

    kind: AnswerKind
    accepted: frozenset[str] = frozenset()
    letters: frozenset[str] = frozenset()
    option_count: int = 0

    @classmethod
    def from_spec(cls, spec: TaskSpec) -> AnswerKey:
        """Build the key; raises ValueError when the spec cannot be graded."""
        if spec.kind is AnswerKind.CHOICE:
            if not 1 <= len(spec.options) <= 26:
                raise ValueError(f"task {spec.key}: a choice task needs 1 to 26 options")
            letters: set[str] = set()
            for answer in spec.answers:
                parsed = _choice_letters(answer)
                if parsed is None:
                    raise ValueError(f"task {spec.key}: {answer!r} is not option letters")
                letters |= parsed
            if not letters or max(ord(ch) - ord("a") for ch in letters) >= len(spec.options):
                raise ValueError(f"task {spec.key}: correct letters must name existing options")
            return cls(spec.kind, letters=frozenset(letters), option_count=len(spec.options))
        forms = {normalise(text) for text in spec.answers + spec.synonyms} - {""}
        if not any(normalise(text) for text in spec.answers):
            raise ValueError(f"task {spec.key}: a text task needs a non-empty answer")
        bare = {m[1] for m in map(_BARE_NUMBER_RE.fullmatch, forms) if m is not None}
        return cls(spec.kind, accepted=frozenset(forms | bare))

    def accepts(self, given: str) -> bool:
        """Whether ``given`` is a correct answer. Never raises on a string."""
        if not isinstance(given, str) or len(given) > MAX_GIVEN_CHARS:
            return False
        if self.kind is AnswerKind.CHOICE:
            letters = _choice_letters(given)
            return letters is not None and letters == self.letters
        return normalise(given) in self.accepted
