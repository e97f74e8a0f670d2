from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examsrv.itembank.case_specs import (
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)
from examsrv.itembank.case_tree import (
    CaseProblem,
    children,
    depth_first,
    leaves,
    paths,
    root,
    validate_case,
)

CUSTOMER, CSR = Speaker.CUSTOMER, Speaker.CSR


def cust(key: str, parent: str | None, **fields: Any) -> Turn:
    return Turn(key, CUSTOMER, f"客户：{key}", parent, **fields)


def csr(key: str, parent: str | None, **fields: Any) -> Turn:
    return Turn(key, CSR, f"客户代表：{key}", parent, **{"reasons": ("先安抚情绪",), **fields})


def closing(key: str, parent: str | None) -> Turn:
    return cust(key, parent, outcome="问题已解决", feeling="满意")


QUESTIONS = (
    Question(
        "q1", QuestionKind.SINGLE, "客户这句话说明什么？", "t3", ("着急", "生气", "满意"), ("B",)
    ),
    Question(
        "q2", QuestionKind.MULTIPLE, "她考虑了什么？", "t2", ("情绪", "事实", "天气"), ("A", "B")
    ),
    Question("q3", QuestionKind.TRUE_FALSE, "她的回答有错吗？", "t5", answer=("false",)),
    Question("q4", QuestionKind.ORDERING, "按重要性排序", "t2", ("事实", "情绪"), ("B", "A")),
    Question("q5", QuestionKind.FREE_TEXT, "你会怎么回答？", rubric="先致歉，再查明细", points=5),
)

# Root customer → CSR → two customer follow-ups → a CSR reply to each → two closing lines.
BRANCHING = CaseSpec(
    key="C-001",
    title="国际漫游扣费争议",
    level=2,
    category="计费",
    pool=Pool.TRAINING,
    kind=CaseKind.TEXT,
    background="客户出差回来，发现话费多了三百元。",
    turns=(
        cust("t1", None, emotion="着急", thought="怀疑乱扣费"),
        csr("t2", "t1", reasons=("先安抚情绪", "用账单事实说明")),
        cust("t3", "t2", emotion="生气"),
        cust("t4", "t2", thought="想减少损失"),
        csr("t5", "t3"),
        csr("t6", "t4"),
        closing("t7", "t5"),
        closing("t8", "t6"),
    ),
    questions=QUESTIONS,
)

VOICE = dataclasses.replace(
    BRANCHING,
    key="V-001",
    kind=CaseKind.VOICE,
    audio_file="call-001.mp3",
    turns=(
        cust("t1", None, start_s=0.0),
        csr("t2", "t1", start_s=3.5),
        cust("t3", "t2", start_s=3.5),
        csr("t5", "t3", start_s=12),
        cust("t7", "t5", start_s=20.25, outcome="已解释", feeling="平静"),
    ),
)


def with_turn(spec: CaseSpec, which: str, /, **changes: Any) -> CaseSpec:
    turns = tuple(dataclasses.replace(t, **changes) if t.key == which else t for t in spec.turns)
    return dataclasses.replace(spec, turns=turns)


def plus(spec: CaseSpec, *turns: Turn) -> CaseSpec:
    return dataclasses.replace(spec, turns=spec.turns + turns)


def wheres(problems: list[CaseProblem]) -> list[str]:
    return sorted(p.where for p in problems)


def test_branching_case_and_voice_case_are_valid() -> None:
    assert validate_case(BRANCHING) == []
    assert validate_case(VOICE) == []


B = BRANCHING
CSR_ROOT = dataclasses.replace(B, turns=(csr("t1", None), closing("t2", "t1")), questions=())
RULES: list[tuple[str, CaseSpec, list[str], str]] = [
    ("case key format", dataclasses.replace(B, key="C 001"), ["case"], "格式不正确"),
    ("case key length", dataclasses.replace(B, key="C" * 41), ["case"], "最多40个字符"),
    ("blank title", dataclasses.replace(B, title=" "), ["case"], "标题不能为空"),
    ("long title", dataclasses.replace(B, title="题" * 201), ["case"], "标题过长"),
    ("blank category", dataclasses.replace(B, category=""), ["case"], "分类不能为空"),
    ("blank background", dataclasses.replace(B, background="\n"), ["case"], "背景不能为空"),
    ("level 0", dataclasses.replace(B, level=0), ["case"], "级别应为1到5"),
    ("level 6", dataclasses.replace(B, level=6), ["case"], "级别应为1到5"),
    ("no turns", dataclasses.replace(B, turns=(), questions=()), ["case"], "没有对话"),
    ("turn key", with_turn(B, "t8", key="t 8"), ["turn t 8"], "格式不正确"),
    ("duplicate turn", plus(B, closing("t7", "t5")), ["turn t7"], "轮次编号重复：t7"),
    ("two roots", plus(B, closing("t9", None)), ["case", "turn t9"], "只能有一个根"),
    ("csr root", CSR_ROOT, ["turn t1"], "第一句（根）应是客户的问题"),
    ("missing parent", plus(B, closing("t9", "t99")), ["turn t9"] * 2, "上一句 t99 不存在"),
    ("customer after customer", plus(B, closing("t9", "t1")), ["turn t9"], "双方应轮流"),
    ("csr after csr", plus(B, csr("t9", "t2"), closing("t10", "t9")), ["turn t9"], "轮流"),
    ("unknown speaker", with_turn(B, "t8", speaker="boss"), ["turn t8"], "说话人“boss”无效"),
    ("no reasons", with_turn(B, "t5", reasons=()), ["turn t5"], "应注明考虑因素"),
    ("blank reason", with_turn(B, "t5", reasons=("先道歉", " ")), ["turn t5"], "空项"),
    ("long reason", with_turn(B, "t5", reasons=("因" * 501,)), ["turn t5"], "考虑因素过长"),
    ("csr leaf", plus(B, csr("t9", "t7")), ["turn t7", "turn t9"], "应以客户的结束语"),
    ("leaf without outcome", with_turn(B, "t7", outcome=""), ["turn t7"], "写明解决结果"),
    ("leaf without feeling", with_turn(B, "t8", feeling=" "), ["turn t8"], "写明客户感受"),
    ("reasons on customer", with_turn(B, "t3", reasons=("x",)), ["turn t3"], "只写在客户代表"),
    ("emotion on csr", with_turn(B, "t2", emotion="急"), ["turn t2"], "只写在客户的话上"),
    ("outcome before leaf", with_turn(B, "t3", outcome="好"), ["turn t3"], "只写在客户的结束语"),
    ("blank text", with_turn(B, "t4", text=" "), ["turn t4"], "没有内容"),
    ("long text", with_turn(B, "t4", text="字" * 2001), ["turn t4"], "内容过长"),
    ("long emotion", with_turn(B, "t4", emotion="情" * 501), ["turn t4"], "情绪过长"),
    ("long feeling", with_turn(B, "t8", feeling="感" * 501), ["turn t8"], "客户感受过长"),
    ("text with audio", dataclasses.replace(B, audio_file="a.mp3"), ["case"], "不能有录音"),
    ("voice without audio", dataclasses.replace(VOICE, audio_file=None), ["case"], "录音文件"),
    ("voice audio path", dataclasses.replace(VOICE, audio_file="../a.mp3"), ["case"], "不能含路径"),
    ("voice no start", with_turn(VOICE, "t5", start_s=None), ["turn t5"], "开始时间"),
    ("voice negative", with_turn(VOICE, "t1", start_s=-1.0), ["turn t1"], "不小于0"),
    ("voice nan", with_turn(VOICE, "t3", start_s=float("nan")), ["turn t3"], "不小于0"),
    ("voice backwards", with_turn(VOICE, "t5", start_s=3.0), ["turn t5"], "早于上一句 t3"),
]


@pytest.mark.parametrize(
    ("spec", "expected", "fragment"),
    [rule[1:] for rule in RULES],
    ids=[rule[0] for rule in RULES],
)
def test_each_case_rule(spec: CaseSpec, expected: list[str], fragment: str) -> None:
    problems = validate_case(spec)
    assert wheres(problems) == sorted(expected)
    assert any(fragment in p.message for p in problems), problems


def test_long_fields_at_the_limit_are_accepted() -> None:
    spec = with_turn(B, "t4", text="字" * 2000, emotion="情" * 500)
    assert validate_case(dataclasses.replace(spec, title="题" * 200)) == []


def q(kind: QuestionKind, /, **fields: Any) -> CaseSpec:
    defaults: dict[str, Any] = {"options": ("甲", "乙", "丙", "丁"), "answer": ("A",)}
    if kind is QuestionKind.TRUE_FALSE:
        defaults = {"answer": ("true",)}
    elif kind is QuestionKind.FREE_TEXT:
        defaults = {"rubric": "要点"}
    elif kind is QuestionKind.ORDERING:
        defaults["answer"] = ("D", "C", "B", "A")
    question = Question(**{"key": "q9", "kind": kind, "prompt": "问题", **defaults, **fields})
    return dataclasses.replace(B, questions=(question,))


S, M, TF = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE
ORD, F = QuestionKind.ORDERING, QuestionKind.FREE_TEXT
QUESTION_RULES: list[tuple[str, CaseSpec, str]] = [
    ("key format", q(S, key="问1"), "格式不正确"),
    ("missing turn", q(S, turn_key="t99"), "所问的轮次 t99 不存在"),
    ("blank prompt", q(S, prompt=""), "题目没有内容"),
    ("long prompt", q(S, prompt="问" * 2001), "题目过长"),
    ("zero points", q(S, points=0), "分值"),
    ("negative points", q(S, points=-1), "分值"),
    ("too many points", q(S, points=101), "分值"),
    ("nan points", q(S, points=float("nan")), "分值"),
    ("single one option", q(S, options=("甲",)), "应有2到8个选项"),
    ("single nine options", q(S, options=tuple("甲乙丙丁戊己庚辛壬")), "应有2到8个选项"),
    ("single two letters", q(S, answer=("A", "B")), "恰好是一个字母"),
    ("single no letter", q(S, answer=()), "恰好是一个字母"),
    ("single outside options", q(S, answer=("E",)), "不是选项字母（A–D）"),
    ("single lower case", q(S, answer=("a",)), "不是选项字母"),
    ("blank option", q(S, options=("甲", " ")), "选项B没有内容"),
    ("long option", q(S, options=("甲", "乙" * 501)), "选项B过长"),
    ("multiple empty", q(M, answer=()), "至少要有一个"),
    ("multiple repeat", q(M, answer=("A", "A")), "重复：A"),
    ("multiple one option", q(M, options=("甲",)), "应有2到8个选项"),
    ("true false options", q(TF, options=("对", "错")), "不能有选项"),
    ("true false answer", q(TF, answer=("yes",)), "true 或 false"),
    ("true false empty", q(TF, answer=()), "true 或 false"),
    ("ordering missing letter", q(ORD, answer=("D", "C", "B")), "恰好排一次"),
    ("ordering one option", q(ORD, options=("甲",), answer=("A",)), "应有2到8个选项"),
    ("free text no rubric", q(F, rubric=" "), "评分要点"),
    ("free text answer", q(F, answer=("A",)), "不能有选项或标准答案"),
    ("free text options", q(F, options=("甲", "乙")), "不能有选项或标准答案"),
    ("unknown kind", q(S, kind="essay"), "题型"),
]


@pytest.mark.parametrize(
    ("spec", "fragment"), [r[1:] for r in QUESTION_RULES], ids=[r[0] for r in QUESTION_RULES]
)
def test_each_question_rule(spec: CaseSpec, fragment: str) -> None:
    problems = validate_case(spec)
    assert {p.where for p in problems} == {f"question {spec.questions[0].key}"}
    assert any(fragment in p.message for p in problems), problems


def test_duplicate_question_key_is_reported_once_at_the_question() -> None:
    spec = dataclasses.replace(B, questions=(*QUESTIONS, dataclasses.replace(QUESTIONS[2])))
    problems = validate_case(spec)
    assert [(p.where, p.message) for p in problems] == [("question q3", "题目编号重复：q3")]


def test_valid_question_of_every_kind() -> None:
    for kind in QuestionKind:
        assert validate_case(q(kind)) == [], kind


def test_every_problem_is_reported_not_just_the_first() -> None:
    spec = dataclasses.replace(with_turn(B, "t5", reasons=()), title="", level=9)
    assert wheres(validate_case(spec)) == ["case", "case", "turn t5"]


def test_cycle_is_reported_once_as_a_path_in_dialogue_order() -> None:
    spec = plus(B, csr("t9", "t12"), cust("t10", "t9"), csr("t11", "t10"), cust("t12", "t11"))
    spec = plus(spec, closing("t13", "t11"))  # hangs off the cycle
    problems = validate_case(spec)
    assert [(p.where, p.message) for p in problems] == [
        ("turn t9", "对话树有环：t9 → t10 → t11 → t12 → t9"),
        ("turn t9", "这部分对话与根 t1 不相连：t9、t10、t11、t12、t13"),
    ]


def test_two_turn_cycle_without_root() -> None:
    spec = dataclasses.replace(B, turns=(cust("t3", "t5"), csr("t5", "t3")), questions=())
    messages = [(p.where, p.message) for p in validate_case(spec)]
    assert ("turn t3", "对话树有环：t3 → t5 → t3") in messages
    assert wheres(validate_case(spec)) == ["case", "case", "turn t3"]  # no root, no leaf


def test_disconnected_subtree_is_reported_at_its_top() -> None:
    spec = plus(B, cust("t9", "gone"), csr("t10", "t9"), closing("t11", "t10"))
    assert [(p.where, p.message) for p in validate_case(spec)] == [
        ("turn t9", "这部分对话与根 t1 不相连：t9、t10、t11"),
        ("turn t9", "上一句 gone 不存在"),
    ]


def chain(count: int, voice: bool = False) -> CaseSpec:
    turns = []
    for i in range(count):
        parent = f"t{i - 1}" if i else None
        start = {"start_s": float(i)} if voice else {}
        if i == count - 1:
            turns.append(cust(f"t{i}", parent, outcome="解决", feeling="满意", **start))
        else:
            turns.append((cust if i % 2 == 0 else csr)(f"t{i}", parent, **start))
    kind: dict[str, Any] = {"kind": CaseKind.VOICE, "audio_file": "long.mp3"} if voice else {}
    return dataclasses.replace(B, turns=tuple(turns), questions=(), **kind)


def test_ten_thousand_turn_chain_validates_and_navigates_without_recursion() -> None:
    spec = chain(10_001)
    assert validate_case(spec) == []
    assert validate_case(chain(10_001, voice=True)) == []
    outline = depth_first(spec)
    assert len(outline) == 10_001 and outline[-1][0] == 10_000
    assert [len(path) for path in paths(spec)] == [10_001]
    assert leaves(spec) == [spec.turns[-1]]


def test_ten_thousand_turn_cycle_is_reported_with_a_shortened_path() -> None:
    turns = tuple(
        (cust if i % 2 == 0 else csr)(f"t{i}", f"t{(i - 1) % 10_000}") for i in range(10_000)
    )
    problems = validate_case(dataclasses.replace(B, turns=turns, questions=()))
    assert sorted((p.where, p.message[:6]) for p in problems) == [
        ("case", "对话树没有根"),
        ("case", "案例至少要有"),
        ("turn t0", "对话树有环："),
    ]
    cycle = next(p.message for p in problems if p.where == "turn t0")
    assert cycle == "对话树有环：" + " → ".join(f"t{i}" for i in range(10)) + " → …（共10000句）"


def keys(turns: list[Turn]) -> list[str]:
    return [t.key for t in turns]


def test_navigation_on_the_branching_case() -> None:
    by_parent = {parent: keys(turns) for parent, turns in children(B).items()}
    assert by_parent == {
        None: ["t1"],
        "t1": ["t2"],
        "t2": ["t3", "t4"],
        "t3": ["t5"],
        "t4": ["t6"],
        "t5": ["t7"],
        "t6": ["t8"],
    }
    assert root(B).key == "t1"
    assert keys(leaves(B)) == ["t7", "t8"]
    assert [keys(p) for p in paths(B)] == [
        ["t1", "t2", "t3", "t5", "t7"],
        ["t1", "t2", "t4", "t6", "t8"],
    ]
    assert [(d, t.key) for d, t in depth_first(B)] == [
        (0, "t1"), (1, "t2"), (2, "t3"), (3, "t5"), (4, "t7"), (2, "t4"), (3, "t6"), (4, "t8"),
    ]  # fmt: skip


def test_root_of_a_case_without_root_raises() -> None:
    with pytest.raises(ValueError, match="no root"):
        root(dataclasses.replace(B, turns=(cust("t1", "t2"), csr("t2", "t1"))))


def test_navigation_terminates_on_a_self_loop_under_a_duplicate_key() -> None:
    spec = dataclasses.replace(B, turns=(cust("t1", None), csr("t1", "t1")))
    assert [t.key for _, t in depth_first(spec)] == ["t1"]


KEYS = st.sampled_from(["a", "b", "c", "d", "e"])


@given(
    st.lists(
        st.tuples(KEYS, st.one_of(st.none(), KEYS, st.just("zz")), st.sampled_from(Speaker)),
        max_size=8,
    )
)
def test_validation_never_raises_and_valid_trees_navigate(
    rows: list[tuple[str, str | None, Speaker]],
) -> None:
    parents = {parent for _, parent, _ in rows}
    turns = tuple(
        Turn(
            key,
            speaker,
            "话",
            parent,
            reasons=("因素",) if speaker is CSR else (),
            outcome="解决" if speaker is CUSTOMER and key not in parents else "",
            feeling="满意" if speaker is CUSTOMER and key not in parents else "",
        )
        for key, parent, speaker in rows
    )
    spec = dataclasses.replace(B, turns=turns, questions=())
    problems = validate_case(spec)
    assert all(p.where == "case" or p.where.startswith("turn ") for p in problems)
    if not problems:
        assert len(depth_first(spec)) == len(turns)  # every turn reachable from the root
        assert {t.key for path in paths(spec) for t in path} == {t.key for t in turns}
        assert sorted(keys([path[-1] for path in paths(spec)])) == sorted(keys(leaves(spec)))
        assert all(t.speaker is CUSTOMER for t in leaves(spec))
