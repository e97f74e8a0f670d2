"""Small, valid cases for tests, made live through the real review path."""

from __future__ import annotations

from sqlalchemy import Engine

from examsrv.clock import SystemClock
from examsrv.itembank.case_specs import (
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)
from examsrv.itembank.case_tree import validate_case
from examsrv.persistence.case_bank import review, save_version
from examsrv.persistence.engine import session_scope

C, S = Speaker.CUSTOMER, Speaker.CSR


def branching_case(
    key: str,
    level: int = 1,
    pool: Pool = Pool.TEST,
    category: str = "账单争议",
    voice: bool = False,
) -> CaseSpec:
    """Root question → reply → two follow-ups → replies → two closing lines."""
    timed = voice
    turns = (
        Turn(
            "t1",
            C,
            "我这个月话费怎么多了30元？",
            None,
            emotion="不满",
            thought="怀疑被乱扣费",
            start_s=0.0 if timed else None,
        ),
        Turn(
            "t2",
            S,
            "您好，我帮您查一下本月的账单明细。",
            "t1",
            reasons=("先安抚情绪", "核实账单"),
            start_s=4.0 if timed else None,
        ),
        Turn(
            "t3",
            C,
            "是不是给我开了什么业务？",
            "t2",
            emotion="着急",
            start_s=9.0 if timed else None,
        ),
        Turn(
            "t4",
            S,
            "查到您上月订购了视频彩铃，每月5元。",
            "t3",
            reasons=("说明原因", "给出依据"),
            start_s=13.0 if timed else None,
        ),
        Turn(
            "t5",
            C,
            "那帮我退订吧。",
            "t4",
            outcome="当场退订并说明次月生效",
            feeling="满意",
            start_s=18.0 if timed else None,
        ),
    )
    if not voice:
        turns = (
            *turns,
            Turn("t6", C, "你们就是乱扣费！", "t2", emotion="愤怒"),
            Turn(
                "t7",
                S,
                "非常理解您的心情，我马上为您核实每一笔费用。",
                "t6",
                reasons=("共情", "承诺核实", "避免争辩"),
            ),
            Turn(
                "t8",
                C,
                "好吧，那你查清楚。",
                "t7",
                outcome="逐笔核实后退还误扣费用",
                feeling="情绪平复",
            ),
        )
    questions = (
        Question(
            "q1",
            QuestionKind.SINGLE,
            "客户第一句话表明了什么？",
            "t1",
            ("想办新业务", "怀疑被多扣费", "要销户"),
            ("B",),
            points=2,
        ),
        Question(
            "q2",
            QuestionKind.MULTIPLE,
            "客户接下来可能问什么？",
            None,
            ("怎么退订", "什么时候生效", "天气如何"),
            ("A", "B"),
            points=2,
        ),
        Question("q3", QuestionKind.TRUE_FALSE, "客服第二句回答有误。", "t4", answer=("false",)),
        Question(
            "q4",
            QuestionKind.ORDERING,
            "按重要性排列t2的考虑因素。",
            "t2",
            ("核实账单", "先安抚情绪"),
            ("B", "A"),
        ),
        Question(
            "q5",
            QuestionKind.FREE_TEXT,
            "你会怎样回答客户，为什么？",
            None,
            rubric="先安抚，再核实，说明依据",
            points=5,
        ),
    )
    spec = CaseSpec(
        key=key,
        title=f"话费多扣争议 {key}",
        level=level,
        category=category,
        pool=pool,
        kind=CaseKind.VOICE if voice else CaseKind.TEXT,
        background="客户张女士发现本月话费比上月多了30元，来电询问。",
        turns=turns,
        questions=questions,
        audio_file=f"{key}.wav" if voice else None,
        play_once=voice and pool == Pool.TEST,
    )
    problems = validate_case(spec)
    assert problems == [], problems
    return spec


def make_live(engine: Engine, specs: list[CaseSpec]) -> None:
    now = SystemClock().now()
    with session_scope(engine) as s:
        for spec in specs:
            version = save_version(s, spec, actor="author", now=now, submit=True)
            assert version is not None and version.id is not None
            review(
                s, version.id, reviewer="reviewer", approve=True, comment="", required=1, now=now
            )


def level_bank(engine: Engine, level: int = 1, per_pool: int = 12) -> None:
    categories = ["账单争议", "网络故障", "投诉升级", "营销推荐", "情绪安抚"]
    specs = [
        branching_case(f"C{level}-{pool.value[:2]}-{i}", level, pool, categories[i % 5])
        for pool in (Pool.TEST, Pool.TRAINING)
        for i in range(per_pool)
    ]
    make_live(engine, specs)
