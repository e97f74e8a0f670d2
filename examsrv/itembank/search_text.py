"""Knowledge-base text search that works for Chinese, including one- and two-character queries.

Tokens. Text is folded (NFKC, casefold, NFKC) and cut into maximal runs of letters and digits;
everything else separates. A run splits further into CJK runs (Han, kana, hangul) and words
(every other letter or digit, so latin and digits: ``5g``, ``volte``, ``10086``). A document is
stored as two whitespace-separated token columns, for an engine that only splits on spaces
(SQLite FTS5 ``tokenize='unicode61'``, PostgreSQL ``to_tsvector('simple', …)``):

- ``g1``: every CJK character, and every word;
- ``g2``: every overlapping bigram of each CJK run (a one-character run gives that character),
  and every word, in document order, so the bigrams of a run are consecutive positions.

Query grammar (``parse_query``). The query is folded the same way. Whitespace and every other
non-letter, non-digit character separate terms; at most ``MAX_TERMS`` terms are kept, each cut to
``MAX_TERM_CHARS``; every term must match (AND). A term that is one CJK character matches ``g1``.
Any other term is a phrase of its ``g2`` tokens, which gives substring semantics for CJK
(``国际漫游`` → ``国际 际漫 漫游``). The last segment of a term is a prefix: a trailing word
(``volt`` matches ``volte``) or a trailing single CJK character (``5g卡`` matches ``5G卡号``). A
single CJK character opening a longer term (``卡5g``) cannot be a phrase token (the document may
hold it inside a bigram), so it becomes its own ``g1`` condition and the rest stays a phrase.
A query with nothing searchable gives None; no input raises.

Renderers turn a ``SearchQuery`` into an FTS5 MATCH expression (``to_fts5``) or PostgreSQL
tsquery texts (``to_tsquery``); every token is quoted, so user input never becomes syntax.
``highlight`` marks the matches in a text for display.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MAX_TERMS = 8
MAX_TERM_CHARS = 32
MAX_QUERY_CHARS = 1000  # longer input is cut before any work is done

Column = Literal["g1", "g2"]

_CJK_RANGES = (
    "[\u3005-\u3007\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_ALNUM = r"[^\W_]"
_CJK = f"(?:(?={_ALNUM}){_CJK_RANGES})"
_WORD = f"(?:(?!{_CJK_RANGES}){_ALNUM})"
_SEGMENT_RE = re.compile(f"(?P<cjk>{_CJK}+)|(?P<word>{_WORD}+)")
_TERM_RE = re.compile(f"{_ALNUM}+")
_SEPARATORS = r"[\W_]*"
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Token:
    """One indexed token to match; ``prefix`` also matches longer tokens starting with it."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive ``tokens`` in ``column``; ``text`` is the folded query text it stands for."""

    column: Column
    tokens: tuple[Token, ...]
    text: str


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: a document matches when every phrase matches.

    ``parse_query`` never makes one without phrases; renderers expect at least one.
    """

    phrases: tuple[Phrase, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _segments(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, segment) for every CJK run and word of already folded ``text``."""
    return [(m.lastgroup == "cjk", m[0]) for m in _SEGMENT_RE.finditer(text)]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


def document_columns(text: str) -> tuple[str, str]:
    """The ``(g1, g2)`` token columns of a document, each a space-separated token string."""
    g1: list[str] = []
    g2: list[str] = []
    for is_cjk, segment in _segments(_fold(text)):
        g1.extend(segment if is_cjk else [segment])
        g2.extend(_bigrams(segment) if is_cjk else [segment])
    return " ".join(g1), " ".join(g2)


def _term_phrases(term: str) -> list[Phrase]:
    segments = _segments(term)
    phrases: list[Phrase] = []
    if segments[0][0] and len(segments[0][1]) == 1:
        char = segments[0][1]
        phrases.append(Phrase("g1", (Token(char),), char))
        segments = segments[1:]
    tokens: list[Token] = []
    for i, (is_cjk, segment) in enumerate(segments):
        last = i == len(segments) - 1
        if is_cjk and len(segment) > 1:
            tokens.extend(Token(bigram) for bigram in _bigrams(segment))
        else:
            tokens.append(Token(segment, prefix=last))
    if tokens:
        phrases.append(Phrase("g2", tuple(tokens), "".join(s for _, s in segments)))
    return phrases


def parse_query(q: str) -> SearchQuery | None:
    """Parse a user's query (grammar in the module docstring); None when nothing is searchable."""
    if not isinstance(q, str):
        return None
    terms = [m[0][:MAX_TERM_CHARS] for m in _TERM_RE.finditer(_fold(q[:MAX_QUERY_CHARS]))]
    phrases: dict[Phrase, None] = {}
    for term in list(dict.fromkeys(terms))[:MAX_TERMS]:
        phrases.update(dict.fromkeys(_term_phrases(term)))
    return SearchQuery(tuple(phrases)) if phrases else None


def _fts5_string(token: Token) -> str:
    return '"' + token.text.replace('"', '""') + '"' + ("*" if token.prefix else "")


def to_fts5(query: SearchQuery, g1_column: str = "g1", g2_column: str = "g2") -> str:
    """An FTS5 MATCH expression for ``query``.

    Use it as a bound parameter: ``WHERE docs MATCH ?`` on an FTS5 table (``tokenize=
    'unicode61'``) whose ``g1_column`` and ``g2_column`` hold ``document_columns``. Each phrase
    becomes ``{col} : "tok" + "tok" + "tok"*`` and phrases are joined with ``AND``. Column names
    are code, not user input: anything but a plain identifier raises ValueError.
    """
    for column in (g1_column, g2_column):
        if not _IDENTIFIER_RE.fullmatch(column):
            raise ValueError(f"not a plain column name: {column!r}")
    parts = []
    for phrase in query.phrases:
        column = g1_column if phrase.column == "g1" else g2_column
        parts.append(f"{{{column}}} : " + " + ".join(map(_fts5_string, phrase.tokens)))
    return " AND ".join(parts)


def _ts_lexeme(token: Token) -> str:
    quoted = token.text.replace("\\", "\\\\").replace("'", "''")
    return f"'{quoted}'" + (":*" if token.prefix else "")


def to_tsquery(query: SearchQuery) -> tuple[str | None, str | None]:
    """PostgreSQL tsquery texts ``(for g1, for g2)``; None where a column has no condition.

    The table stores ``to_tsvector('simple', g1)`` and ``to_tsvector('simple', g2)``; pass each
    non-None text as a bound parameter to ``to_tsquery('simple', %s)`` and AND the matches:
    ``g1_tsv @@ to_tsquery('simple', %s) AND g2_tsv @@ to_tsquery('simple', %s)``. A phrase is
    ``('tok' <-> 'tok' <-> 'tok':*)``, phrases are joined with ``&``; every lexeme is quoted.
    """
    columns: dict[Column, list[str]] = {"g1": [], "g2": []}
    for phrase in query.phrases:
        columns[phrase.column].append("(" + " <-> ".join(map(_ts_lexeme, phrase.tokens)) + ")")
    g1, g2 = (" & ".join(columns[c]) or None for c in ("g1", "g2"))
    return g1, g2


# Compiled once; a phrase's own pattern holds only its escaped segments and separators.
_WORD_CHAR_RE = re.compile(_WORD)
_WORD_RUN_RE = re.compile(f"{_WORD}+")


@dataclass(frozen=True, slots=True)
class _PhraseMatcher:
    """What a phrase matches in folded text (made by ``_phrase_pattern``)."""

    pattern: re.Pattern[str]
    whole_leading_word: bool
    trailing_word: bool

    def spans(self, folded: str) -> list[tuple[int, int]]:
        """``(start, end)`` in ``folded`` of every match, left to right, not overlapping."""
        found: list[tuple[int, int]] = []
        search, pos = self.pattern.search, 0
        while (m := search(folded, pos)) is not None:
            start, end = m.span()
            if self.whole_leading_word and start > 0 and _WORD_CHAR_RE.match(folded, start - 1):
                pos = start + 1  # inside a longer word: look again from the next character
                continue
            if self.trailing_word and (word := _WORD_RUN_RE.match(folded, end)) is not None:
                end = word.end()
            found.append((start, end))
            pos = end
        return found


@functools.lru_cache(maxsize=256)
def _phrase_pattern(phrase: Phrase) -> _PhraseMatcher:
    """What ``phrase`` matches in folded text: its segments, separators allowed between them.

    In ``g2``, a leading word must be a whole word (no letter or digit of a word before it) and
    a trailing word is a prefix, so the match runs on to the end of that word.
    """
    segments = _segments(phrase.text)
    pattern = re.compile(_SEPARATORS.join(re.escape(segment) for _, segment in segments))
    in_g2 = phrase.column == "g2"
    return _PhraseMatcher(pattern, in_g2 and not segments[0][0], in_g2 and not segments[-1][0])


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character at a time (``_fold``), filled as needed."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = _fold(chr(codepoint))
        return folded


_FOLD_TABLE = _FoldTable()


def _folded_with_positions(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded character by character, and the original index of each folded char.

    The positions are None when every character folded to exactly one (the usual case): then a
    folded index is the original one. No character folds to nothing, so equal lengths mean that.
    """
    if text.isascii():
        return text.lower(), None
    folded = text.translate(_FOLD_TABLE)
    if len(folded) == len(text):
        return folded, None
    positions: list[int] = []
    for i, char in enumerate(text):
        positions.extend([i] * len(_FOLD_TABLE[ord(char)]))
    return folded, positions


def _hit_spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    folded, positions = _folded_with_positions(text)
    found = [span for phrase in query.phrases for span in _phrase_pattern(phrase).spans(folded)]
    if positions is not None:
        found = [(positions[start], positions[end - 1] + 1) for start, end in found]
    spans = sorted(found)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(
    text: str, query: SearchQuery | None, max_chars: int | None = None
) -> list[tuple[str, bool]]:
    """``text`` cut into ``(segment, is_hit)`` pairs, for a template to escape and mark.

    Matching ignores case and width (NFKC). With ``max_chars``, only a window of that many
    characters is returned, starting a quarter of the window before the first hit (or at the
    start when nothing matched), with an ``("…", False)`` segment where text was cut.
    """
    if max_chars is not None and max_chars < 1:
        raise ValueError("max_chars must be positive")
    spans = _hit_spans(text, query) if query is not None and text else []
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        anchor = spans[0][0] if spans else 0
        start = max(0, min(anchor - max_chars // 4, len(text) - max_chars))
        end = start + max_chars
    segments: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    cursor = start
    for hit_start, hit_end in spans:
        hit_start, hit_end = max(hit_start, start), min(hit_end, end)
        if hit_start >= hit_end:
            continue
        if hit_start > cursor:
            segments.append((text[cursor:hit_start], False))
        segments.append((text[hit_start:hit_end], True))
        cursor = hit_end
    if cursor < end:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append(("…", False))
    return segments
