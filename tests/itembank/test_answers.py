from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.itembank.answers import MAX_GIVEN_CHARS, AnswerKey, normalise
from examsrv.itembank.specs import AnswerKind, TaskSpec


def text_key(*answers: str, synonyms: tuple[str, ...] = ()) -> AnswerKey:
    return AnswerKey.from_spec(TaskSpec("T-1", "问题", "KB-1", answers=answers, synonyms=synonyms))


def choice_key(answers: tuple[str, ...], options: int = 4) -> AnswerKey:
    spec = TaskSpec(
        "T-2",
        "问题",
        "KB-1",
        kind=AnswerKind.CHOICE,
        answers=answers,
        options=tuple(f"选项{i}" for i in range(options)),
    )
    return AnswerKey.from_spec(spec)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("４０ＧＢ", "40gb"),
        ("VoLTE", "volte"),
        ("ＶｏＬＴＥ", "volte"),
        (" 国际\u3000漫游\t", "国际漫游"),
        ("“国际漫游”（已开通）。", "国际漫游已开通"),
        ("《服务协议》【第3条】…", "服务协议第3条"),
        ("1,000元", "1000元"),
        ("1，000，000", "1000000"),
        ("1,2", "1,2"),
        ("1、2", "1,2"),
        ("30.00元", "30元"),
        ("1.50G", "1.5gb"),
        ("1.0.3", "1.0.3"),
        ("10～20天", "10-20天"),
        ("9：00", "9:00"),
        ("100Mbps", "100mbps"),
        ("3月15日", "3月15日"),
        ("百分之三十", "30%"),
        ("30％", "30%"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("canonical", "aliases"),
    [
        (
            "30元",
            [
                "30元",
                "30块",
                "30块钱",
                "30RMB",
                "30rmb",
                "¥30",
                "￥30",
                "RMB30",
                "人民币30",
                "30圆",
            ],
        ),
        ("40gb", ["40GB", "40G", "40g", "40吉", "40吉字节", "40 GB"]),
        ("500mb", ["500MB", "500M", "500兆", "500兆字节"]),
        ("5分钟", ["5分钟", "5min", "5mins", "5分", "5 minutes"]),
        ("2小时", ["2小时", "2h", "2hr", "2个小时", "2个钟头"]),
        ("7天", ["7天", "7日", "7days"]),
        ("3个月", ["3个月", "3月", "3 months"]),
        ("5工作日", ["5个工作日", "5工作日"]),
        ("2周", ["2周", "2个星期", "2星期"]),
    ],
)
def test_unit_aliases(canonical: str, aliases: list[str]) -> None:
    assert {normalise(alias) for alias in aliases} == {canonical}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("三十元", "30元"),
        ("一百二十八", "128"),
        ("两小时", "2小时"),
        ("两个小时", "2小时"),
        ("十分钟", "10分钟"),
        ("一百零八元", "108元"),
        ("两万五", "25000"),
        ("一亿二千万", "120000000"),
        ("1.5万元", "15000元"),
        ("八折", "8折"),
        ("一零零八六", "10086"),
        ("零", "0"),
    ],
)
def test_chinese_numerals_become_digits(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("word", ["一般", "十分满意", "十分", "万一", "统一", "千万不要", "三五天"])
def test_words_with_numeral_characters_are_left_alone(word: str) -> None:
    assert normalise(word) == word


def test_text_answer_ignores_width_case_space_and_punctuation() -> None:
    key = text_key("VoLTE高清通话")
    for typed in [
        "volte高清通话",
        "ＶｏＬＴＥ 高清通话",
        "“VoLTE”高清通话。",
        " VOLTE，高清 通话 ",
    ]:
        assert key.accepts(typed), typed
    assert not key.accepts("VoWiFi高清通话")


def test_text_answer_with_unit() -> None:
    key = text_key("40GB")
    for typed in ["40GB", "40 gb", "４０Ｇ", "40吉", "四十G", "40", "四十", "40.0GB"]:
        assert key.accepts(typed), typed
    for typed in ["40MB", "40兆", "4GB", "400", "40GB流量包"]:
        assert not key.accepts(typed), typed


def test_money_answers() -> None:
    key = text_key("30元")
    for typed in ["三十元", "30块钱", "¥30", "￥30.00", "RMB 30", "30"]:
        assert key.accepts(typed), typed
    assert not key.accepts("30分钟")
    assert text_key("1,000元").accepts("1000块")


def test_duration_answers() -> None:
    assert text_key("2小时").accepts("两小时")
    assert text_key("2小时").accepts("2h")
    assert text_key("5个工作日").accepts("五个工作日")
    assert text_key("3个月").accepts("三个月")
    assert not text_key("3个月").accepts("3天")


def test_synonyms_are_accepted() -> None:
    key = text_key("携号转网", synonyms=("携转", "号码携带"))
    assert key.accepts("携转")
    assert key.accepts("号码 携带")
    assert not key.accepts("转网")


def test_empty_and_overlong_answers_are_wrong() -> None:
    key = text_key("10086")
    assert not key.accepts("")
    assert not key.accepts("   ")
    assert key.accepts(" " * (MAX_GIVEN_CHARS - 5) + "10086")
    assert not key.accepts(" " * (MAX_GIVEN_CHARS - 4) + "10086")


@pytest.mark.parametrize("given", ["b", "B", "Ｂ", " b ", "B."])
def test_single_choice(given: str) -> None:
    assert choice_key(("B",)).accepts(given)


@pytest.mark.parametrize(
    "given", ["A,C", "ac", "CA", "c a", "A C", "Ａ，Ｃ", "A、C", "A和C", "a;c", "AAC"]
)
def test_multiple_choice_any_format(given: str) -> None:
    assert choice_key(("A", "C")).accepts(given)


@pytest.mark.parametrize("given", ["A", "C", "ABC", "ACD", "B", "", "  ", "A1C", "选AC", "ACZ"])
def test_multiple_choice_wrong_missing_or_extra_letters(given: str) -> None:
    assert not choice_key(("A", "C")).accepts(given)


def test_choice_letter_outside_the_options_is_wrong() -> None:
    key = choice_key(("A",), options=2)
    assert not key.accepts("E")
    assert not key.accepts("AE")
    assert key.accepts("a")


def test_choice_answers_may_be_one_string() -> None:
    assert choice_key(("A,C",)).accepts("CA")


@pytest.mark.parametrize(
    "spec",
    [
        TaskSpec("T", "q", "KB", answers=()),
        TaskSpec("T", "q", "KB", answers=("。。",)),
        TaskSpec("T", "q", "KB", kind=AnswerKind.CHOICE, answers=("A",), options=()),
        TaskSpec("T", "q", "KB", kind=AnswerKind.CHOICE, answers=("E",), options=("x", "y")),
        TaskSpec("T", "q", "KB", kind=AnswerKind.CHOICE, answers=(), options=("x", "y")),
        TaskSpec("T", "q", "KB", kind=AnswerKind.CHOICE, answers=("A1",), options=("x", "y")),
    ],
)
def test_ungradable_specs_are_refused(spec: TaskSpec) -> None:
    with pytest.raises(ValueError, match="task T"):
        AnswerKey.from_spec(spec)


@pytest.mark.parametrize(
    "given", ["\ud800", "\x00", "\u200b", "\U0010ffff", "①②", "ﬁ", "一" * 200, "¥" * 50]
)
def test_odd_strings_are_simply_wrong(given: str) -> None:
    assert not text_key("40GB").accepts(given)
    assert not choice_key(("A",)).accepts(given)


@pytest.mark.parametrize(
    "text", ["一亿" * 3000, "1" + "万" * 3000, "九" * 6000, "1" * 6000 + ".50", "百分之" * 2000]
)
def test_normalise_survives_huge_numbers(text: str) -> None:
    assert normalise(text)


def test_digit_prefix_and_multipliers_are_exact() -> None:
    assert normalise("12345678901234567890.5万") == "123456789012345678905000"
    assert normalise("0.125万元") == "1250元"
    assert normalise("零二一") == "021"


@given(st.text(max_size=300))
def test_never_raises_on_any_text(given_text: str) -> None:
    normalise(given_text)
    assert isinstance(text_key("40GB", synonyms=("四十吉",)).accepts(given_text), bool)
    assert isinstance(choice_key(("A", "C")).accepts(given_text), bool)


@given(
    st.text(
        alphabet=st.sampled_from("零一二两三四五六七八九十百千万亿0123456789.,元分月日个"),
        max_size=40,
    )
)
def test_never_raises_on_numeral_soup(given_text: str) -> None:
    assert isinstance(text_key("128元").accepts(given_text), bool)
