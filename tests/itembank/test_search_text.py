from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.itembank.search_text import (
    MAX_TERM_CHARS,
    MAX_TERMS,
    Phrase,
    SearchQuery,
    Token,
    document_columns,
    highlight,
    parse_query,
    to_fts5,
    to_tsquery,
)

POSTGRESQL_URL = os.environ.get("EXAMSRV_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

DOCS = {
    1: "国际漫游资费：开通国际漫游后，在境外接听电话每分钟2.99元。",
    2: "VoLTE高清通话需要终端支持，开通后通话质量更好。",
    3: "5G套餐每月包含40GB国内通用流量。",
    4: "宽带报装需要3个工作日，安装费100元。",
    5: "停机保号每月收取5元保号费。",
    6: "套餐变更次月生效，本月仍按原套餐计费。",
    7: "国内漫游已于2017年取消，全国接听免费。",
    8: "携号转网需满足在网时长要求，并结清费用。",
    9: "积分可兑换话费，每100积分兑换1元。",
    10: "家庭宽带故障报修请拨打10000号。",
    11: "VoWiFi通话在无信号的室内也可使用。",
    12: "流量包叠加：5G用户可叠加10GB夜间流量包。",
    13: "国际长途话费按目的地国家计费。",
}

# (query, ids of the documents it must return, exactly)
SEARCHES = [
    ("国", {1, 3, 7, 13}),
    ("卡", set()),
    ("漫游", {1, 7}),
    ("通话", {2, 11}),
    ("国际漫游", {1}),
    ("国内漫游", {7}),
    ("宽带报", {4}),
    ("漫游资费", {1}),
    ("漫游资费开通", set()),  # the text has "资费：开通": punctuation breaks a CJK run
    ("volt", {2}),
    ("VO", {2, 11}),
    ("ＶｏＬＴＥ", {2}),
    ("vowifi通话", {11}),
    ("5G套餐", {3}),
    ("5G", {3, 12}),
    ("40gb", {3}),
    ("10", {4, 9, 10, 12}),  # a trailing word is a prefix: 100, 10000, 10gb
    ("100", {4, 9, 10}),
    ("国际 话费", {13}),
    ("叠加 流量 5g", {12}),
    ("费100", {4, 9}),  # a leading lone character is its own condition, not adjacent
    ("火星", set()),
    # injection attempts: operators are separators, quotes and keywords are plain terms
    ('国际"', {1, 13}),
    ('国际" OR "宽带', set()),
    ("国际 OR 宽带", set()),
    ("NEAR(国际 漫游)", set()),
    ("g2:宽带", set()),
    ("{g1}:国", set()),
    ("宽带*", {4, 10}),
    ("^国际", {1, 13}),
    ("(国际)", {1, 13}),
    ("国际 -漫游", {1}),
    ("国际 & !漫游", {1}),
    ("国际 | 宽带", set()),
    ("国际<->漫游", {1}),
    ("漫游:*", {1, 7}),
    ("国际'漫游", {1}),
    ("国际\\", {1, 13}),
    ("'; DROP TABLE docs; --", set()),
]

NOTHING_TO_SEARCH = ["", "   ", "\u3000", "*", '""', "()", "&|!<->", "，。！", "\ud800"]


def test_document_columns_on_mixed_text() -> None:
    g1, g2 = document_columns("5G套餐：ＶｏＬＴＥ高清 卡 1.5GB")
    assert g1 == "5g 套 餐 volte 高 清 卡 1 5gb"
    assert g2 == "5g 套餐 volte 高清 卡 1 5gb"
    assert document_columns("国际漫游") == ("国 际 漫 游", "国际 际漫 漫游")
    assert document_columns("，。 ") == ("", "")


@pytest.mark.parametrize(
    ("q", "phrases"),
    [
        ("国", [Phrase("g1", (Token("国"),), "国")]),
        ("漫游", [Phrase("g2", (Token("漫游"),), "漫游")]),
        (
            "国际漫游",
            [Phrase("g2", (Token("国际"), Token("际漫"), Token("漫游")), "国际漫游")],
        ),
        ("VoLT", [Phrase("g2", (Token("volt", prefix=True),), "volt")]),
        ("5G套餐", [Phrase("g2", (Token("5g"), Token("套餐")), "5g套餐")]),
        ("套餐5G", [Phrase("g2", (Token("套餐"), Token("5g", prefix=True)), "套餐5g")]),
        ("5g卡", [Phrase("g2", (Token("5g"), Token("卡", prefix=True)), "5g卡")]),
        (
            "卡5g",
            [
                Phrase("g1", (Token("卡"),), "卡"),
                Phrase("g2", (Token("5g", prefix=True),), "5g"),
            ],
        ),
        ("国 国", [Phrase("g1", (Token("国"),), "国")]),
    ],
)
def test_parse_query(q: str, phrases: list[Phrase]) -> None:
    assert parse_query(q) == SearchQuery(tuple(phrases))


@pytest.mark.parametrize("q", NOTHING_TO_SEARCH)
def test_nothing_searchable_gives_none(q: str) -> None:
    assert parse_query(q) is None


def test_terms_and_their_length_are_capped() -> None:
    query = parse_query(" ".join(f"w{i}" for i in range(20)))
    assert query is not None and len(query.phrases) == MAX_TERMS
    query = parse_query("a" * 100)
    assert query is not None and query.phrases[0].tokens[0].text == "a" * MAX_TERM_CHARS


def test_renderers() -> None:
    query = parse_query("国 国际漫游 volt")
    assert query is not None
    assert to_fts5(query) == ('{g1} : "国" AND {g2} : "国际" + "际漫" + "漫游" AND {g2} : "volt"*')
    assert to_fts5(query, "c1", "c2").startswith('{c1} : "国" AND {c2} : ')
    assert to_tsquery(query) == ("('国')", "('国际' <-> '际漫' <-> '漫游') & ('volt':*)")
    only_g2 = parse_query("漫游")
    assert only_g2 is not None and to_tsquery(only_g2) == (None, "('漫游')")


def test_renderers_quote_tokens() -> None:
    # parse_query never yields such tokens; the renderers still quote whatever they get
    query = SearchQuery((Phrase("g2", (Token('a"b'), Token("c'\\d", prefix=True)), "x"),))
    assert to_fts5(query) == '{g2} : "a""b" + "c\'\\d"*'
    assert to_tsquery(query) == (None, "('a\"b' <-> 'c''\\\\d':*)")


@pytest.mark.parametrize("column", ["", "g1 OR", "g1}", "1g", "g-1"])
def test_fts5_refuses_odd_column_names(column: str) -> None:
    query = parse_query("国")
    assert query is not None
    with pytest.raises(ValueError, match="column"):
        to_fts5(query, g1_column=column)


@given(st.text(max_size=200))
def test_parse_and_render_never_raise(q: str) -> None:
    query = parse_query(q)
    if query is not None:
        assert to_fts5(query)
        assert any(to_tsquery(query))
        assert "".join(segment for segment, _ in highlight(q, query)) == q
        highlight(q, query, max_chars=20)


QUERY_SOUP = st.text(alphabet=st.characters() | st.sampled_from(list("国际漫游 \"'*^:()&|!<->")))


@pytest.fixture(scope="module")
def fts5() -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(g1, g2, tokenize='unicode61')")
    for doc_id, text in DOCS.items():
        db.execute(
            "INSERT INTO docs (rowid, g1, g2) VALUES (?, ?, ?)", (doc_id, *document_columns(text))
        )
    yield db
    db.close()


@pytest.mark.parametrize(("q", "expected"), SEARCHES)
def test_fts5_search(fts5: sqlite3.Connection, q: str, expected: set[int]) -> None:
    query = parse_query(q)
    assert query is not None
    rows = fts5.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (to_fts5(query),))
    assert {row[0] for row in rows} == expected


@given(QUERY_SOUP)
def test_fts5_accepts_every_rendered_query(fts5: sqlite3.Connection, q: str) -> None:
    query = parse_query(q)
    if query is not None:
        fts5.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (to_fts5(query),)).fetchall()


@pytest.fixture(scope="module")
def postgresql() -> Iterator[psycopg.Connection[tuple[int]] | str]:
    try:
        db: psycopg.Connection[tuple[int]] = psycopg.connect(
            POSTGRESQL_URL, connect_timeout=5, autocommit=True
        )
    except psycopg.OperationalError as error:
        yield f"PostgreSQL at {POSTGRESQL_URL} is unreachable: {error}"
        return
    db.execute("CREATE TEMP TABLE docs (id integer PRIMARY KEY, g1 tsvector, g2 tsvector)")
    for doc_id, text in DOCS.items():
        db.execute(
            "INSERT INTO docs VALUES (%s, to_tsvector('simple', %s), to_tsvector('simple', %s))",
            (doc_id, *document_columns(text)),
        )
    yield db
    db.close()  # the TEMP table goes with the session


def require_postgresql(db: psycopg.Connection[tuple[int]] | str) -> psycopg.Connection[tuple[int]]:
    if isinstance(db, str):
        if os.environ.get("CI"):
            pytest.fail(f"{db}; CI must provide it")
        print(db)
        pytest.skip(db)
    return db


def pg_search(db: psycopg.Connection[tuple[int]], query: SearchQuery) -> set[int]:
    conditions, params = [], []
    for column, tsquery in zip(("g1", "g2"), to_tsquery(query), strict=True):
        if tsquery is not None:
            conditions.append(f"{column} @@ to_tsquery('simple', %s)")
            params.append(tsquery)
    rows = db.execute("SELECT id FROM docs WHERE " + " AND ".join(conditions), params)
    return {row[0] for row in rows}


@pytest.mark.postgresql
@pytest.mark.parametrize(("q", "expected"), SEARCHES)
def test_postgresql_search(
    postgresql: psycopg.Connection[tuple[int]] | str, q: str, expected: set[int]
) -> None:
    db = require_postgresql(postgresql)
    query = parse_query(q)
    assert query is not None
    assert pg_search(db, query) == expected


@pytest.mark.postgresql
@given(QUERY_SOUP)
def test_postgresql_accepts_every_rendered_query(
    postgresql: psycopg.Connection[tuple[int]] | str, q: str
) -> None:
    db = require_postgresql(postgresql)
    query = parse_query(q)
    if query is not None:
        pg_search(db, query)


def test_highlight_marks_every_hit_ignoring_case_and_width() -> None:
    query = parse_query("漫游 volt 5g")
    assert query is not None
    assert highlight("开通国际漫游后，ＶｏＬＴＥ通话和5G 网络；漫游费", query) == [
        ("开通国际", False),
        ("漫游", True),
        ("后，", False),
        ("ＶｏＬＴＥ", True),
        ("通话和", False),
        ("5G", True),
        (" 网络；", False),
        ("漫游", True),
        ("费", False),
    ]


def test_highlight_follows_token_boundaries() -> None:
    query = parse_query("5g套餐 10")
    assert query is not None
    assert highlight("15G套餐、5G 套餐、2010年、10GB", query) == [
        ("15G套餐、", False),
        ("5G 套餐", True),
        ("、2010年、", False),
        ("10GB", True),
    ]


def test_highlight_without_hits_or_query() -> None:
    query = parse_query("火星")
    assert query is not None
    assert highlight("国际漫游", query) == [("国际漫游", False)]
    assert highlight("国际漫游", None) == [("国际漫游", False)]
    assert highlight("", query) == []


def test_highlight_window_around_first_hit() -> None:
    query = parse_query("漫游")
    assert query is not None
    text = "甲" * 50 + "国际漫游" + "乙" * 50
    assert highlight(text, query, max_chars=20) == [
        ("…", False),
        ("甲" * 3 + "国际", False),
        ("漫游", True),
        ("乙" * 13, False),
        ("…", False),
    ]
    assert highlight("国际漫游" + "乙" * 50, query, max_chars=10) == [
        ("国际", False),
        ("漫游", True),
        ("乙" * 6, False),
        ("…", False),
    ]
    assert highlight("乙" * 50 + "漫游", query, max_chars=10)[-1] == ("漫游", True)
    assert highlight("国际漫游", query, max_chars=10) == [("国际", False), ("漫游", True)]
    with pytest.raises(ValueError):
        highlight("国际漫游", query, max_chars=0)


def test_highlight_segments_cover_the_text() -> None:
    query = parse_query("ﬁ 漫游")
    assert query is not None
    text = "ﬁle：国际漫游①"
    segments = highlight(text, query)
    assert "".join(segment for segment, _ in segments) == text
    assert [segment for segment, hit in segments if hit] == ["ﬁle", "漫游"]


# Known outputs of ``highlight`` (folding one character at a time, as before it used a
# translate table): characters that fold to another width or case, to several characters
# (ligatures, ß, İ, circled numbers), astral CJK, and words that start or end a phrase.
HIGHLIGHTS = [
    (
        "volte 5g",
        "ＶｏＬＴＥ和５Ｇ，VoLTE",
        [("ＶｏＬＴＥ", True), ("和", False), ("５Ｇ", True), ("，", False), ("VoLTE", True)],
    ),
    (
        "file",
        "ﬁle、FILE、ﬁlename",
        [("ﬁle", True), ("、", False), ("FILE", True), ("、", False), ("ﬁlename", True)],
    ),
    ("strasse", "Straße und STRASSE", [("Straße", True), (" und ", False), ("STRASSE", True)]),
    ("ss", "ßẞ ss", [("ßẞ", True), (" ", False), ("ss", True)]),
    ("𠀀𠀁", "甲𠀀𠀁乙𠀀", [("甲", False), ("𠀀𠀁", True), ("乙𠀀", False)]),
    ("𠀀", "ß𠀀ß", [("ß", False), ("𠀀", True), ("ß", False)]),
    # a leading word is whole: not after "1" nor after the "ss" of ß
    (
        "5g套餐",
        "15G套餐、5G 套餐、ß5g套餐",
        [("15G套餐、", False), ("5G 套餐", True), ("、ß5g套餐", False)],
    ),
    # a trailing word is a prefix and is marked to its end
    (
        "套餐5g",
        "套餐5GB、套餐 5g卡、套餐15G",
        [("套餐5GB", True), ("、", False), ("套餐 5g", True), ("卡、套餐15G", False)],
    ),
    # İ folds to i and a combining dot, which is no letter: "vol" after it starts a word
    (
        "vol 漫游",
        "İvol、ﬁvolte、国际漫游",
        [("İ", False), ("vol", True), ("、ﬁvolte、国际", False), ("漫游", True)],
    ),
    ("gb", "10GB、GB、ǅgb", [("10GB、", False), ("GB", True), ("、ǅgb", False)]),
    ("10", "①⑩10、２０１０", [("①⑩10、２０１０", False)]),  # folds to 11010 and 2010
    ("i", "İstanbul ı i", [("İ", True), ("stanbul ı ", False), ("i", True)]),
]


@pytest.mark.parametrize(("q", "text", "segments"), HIGHLIGHTS)
def test_highlight_known_outputs(q: str, text: str, segments: list[tuple[str, bool]]) -> None:
    query = parse_query(q)
    assert query is not None
    assert highlight(text, query) == segments


def test_highlight_window_after_characters_that_fold_to_several() -> None:
    query = parse_query("漫游")
    assert query is not None
    assert highlight("ßﬁ" * 5 + "国际漫游" + "乙" * 20, query, max_chars=10) == [
        ("…", False),
        ("国际", False),
        ("漫游", True),
        ("乙" * 6, False),
        ("…", False),
    ]


_CJK = (
    "[\u3005-\u3007\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_WORD = rf"(?:(?!{_CJK})[^\W_])"


def reference_hits(text: str, query: SearchQuery) -> list[str]:
    """The marked pieces of ``text``, found the slow, plain way: fold each character on its
    own, then one regular expression per phrase with the word rules written into it."""
    folded, positions = "", []
    for i, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())
        folded += piece
        positions += [i] * len(piece)
    spans = []
    for phrase in query.phrases:
        segments = re.findall(rf"{_CJK}+|{_WORD}+", phrase.text)
        pattern = r"[\W_]*".join(map(re.escape, segments))
        if phrase.column == "g2" and not re.match(_CJK, segments[0]):
            pattern = rf"(?<!{_WORD})" + pattern
        if phrase.column == "g2" and not re.match(_CJK, segments[-1]):
            pattern += f"{_WORD}*"
        spans += [
            (positions[m.start()], positions[m.end() - 1] + 1) for m in re.finditer(pattern, folded)
        ]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(end, merged[-1][1])
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


TRICKY = st.text(
    alphabet=st.sampled_from(
        [*"国际漫游套餐卡5gG1０ＶｏＬ ，-_ﬁﬃßẞİıǅΣσς①⑩\u0301\u3000", "𠀀", "𠀁", "ŉ", "㎏"]
    ),
    max_size=40,
)


@given(TRICKY, TRICKY)
def test_highlight_marks_what_the_plain_way_finds(text: str, q: str) -> None:
    query = parse_query(q)
    if query is not None:
        segments = highlight(text, query)
        assert "".join(segment for segment, _ in segments) == text
        assert [segment for segment, hit in segments if hit] == reference_hits(text, query)
