"""The demo case bank: deterministic, valid, balanced, and harder at higher levels."""

from __future__ import annotations

import re
from collections import Counter
from statistics import mean

import pytest

from examsrv.demo.case_bank import CATEGORIES, LEVELS, generate_cases, voice_count
from examsrv.demo.case_draft import MOODS
from examsrv.itembank.case_specs import CaseKind, CaseSpec, Pool, QuestionKind, Speaker, Turn
from examsrv.itembank.case_tree import children, leaves, validate_case

CASES = generate_cases()
CATEGORY_NAMES = {name for name, _ in CATEGORIES}
REQUIRED_CATEGORIES = {"账单争议", "网络故障", "投诉升级", "营销推荐", "情绪安抚"}
KEY = re.compile(r"C-L[1-5]-[PT]V?-\d{3,}")


def texts(cases: list[CaseSpec]) -> list[CaseSpec]:
    return [case for case in cases if case.kind is CaseKind.TEXT]


def voices(cases: list[CaseSpec]) -> list[CaseSpec]:
    return [case for case in cases if case.kind is CaseKind.VOICE]


def turn(case: CaseSpec, key: str | None) -> Turn:
    return next(t for t in case.turns if t.key == key)


def test_generation_is_deterministic() -> None:
    assert generate_cases() == CASES
    assert generate_cases(seed=7) != CASES


def test_default_counts_per_level_and_pool() -> None:
    assert len(CASES) == 120
    counts = Counter((case.level, case.pool) for case in CASES)
    assert counts == {(level, pool): 12 for level in LEVELS for pool in Pool}


def test_categories_are_spread_evenly() -> None:
    assert CATEGORY_NAMES == REQUIRED_CATEGORIES
    assert Counter(case.category for case in CASES) == {name: 24 for name in CATEGORY_NAMES}
    for level in LEVELS:
        for pool in Pool:
            counts = Counter(c.category for c in CASES if (c.level, c.pool) == (level, pool))
            assert set(counts) == CATEGORY_NAMES
            assert max(counts.values()) - min(counts.values()) <= 1


def test_keys_are_unique_and_well_formed() -> None:
    assert len({case.key for case in CASES}) == len(CASES)
    for case in CASES:
        assert KEY.fullmatch(case.key), case.key
        assert case.key.startswith(f"C-L{case.level}-{'T' if case.pool is Pool.TEST else 'P'}")
        assert ("V-" in case.key) == (case.kind is CaseKind.VOICE)


def test_every_case_passes_the_bank_rules() -> None:
    problems = {case.key: validate_case(case) for case in CASES}
    assert {key: found for key, found in problems.items() if found} == {}


def test_a_realistic_bank_is_valid_with_unique_keys() -> None:
    bank = generate_cases(100)
    assert len(bank) == 1000
    assert len({case.key for case in bank}) == 1000
    assert all(validate_case(case) == [] for case in bank)
    assert Counter(case.category for case in bank) == {name: 200 for name in CATEGORY_NAMES}
    assert Counter((c.level, c.pool, c.kind) for c in bank)[3, Pool.TEST, CaseKind.VOICE] == 17


def test_a_case_does_not_depend_on_the_size_of_the_bank() -> None:
    # With 24 per level and pool, the voice slots of 12 stay voice slots.
    def content(case: CaseSpec) -> tuple[object, ...]:
        return (case.title, case.background, case.turns, case.questions)

    larger = {content(case) for case in generate_cases(24)}
    assert all(content(case) in larger for case in CASES)


def test_sizes_at_the_edges() -> None:
    assert generate_cases(0) == []
    assert len(generate_cases(1)) == 10
    with pytest.raises(ValueError):
        generate_cases(-1)


def test_voice_cases_in_both_pools_at_every_level() -> None:
    counts = Counter((case.level, case.pool) for case in voices(CASES))
    for level in LEVELS:
        assert counts[level, Pool.TEST] == voice_count(Pool.TEST, 12) == 2
        assert counts[level, Pool.TRAINING] == voice_count(Pool.TRAINING, 12) == 1


def test_voice_cases_are_timed_linear_recordings() -> None:
    for case in voices(CASES):
        assert case.audio_file == f"{case.key}.wav"
        assert case.play_once is (case.pool is Pool.TEST)
        replies = children(case)
        assert all(len(found) <= 1 for found in replies.values()), case.key
        speakers = [t.speaker for t in case.turns]
        assert speakers[::2] == [Speaker.CUSTOMER] * len(speakers[::2])
        assert speakers[1::2] == [Speaker.CSR] * len(speakers[1::2])
        assert all(t.start_s is not None for t in case.turns)
        starts = [t.start_s or 0.0 for t in case.turns]
        assert starts == sorted(starts), case.key
        last = case.turns[-1]
        assert last.speaker is Speaker.CUSTOMER and last.outcome and last.feeling
        prompts = " ".join(q.prompt for q in case.questions)
        assert "语气" in prompts and "平复" in prompts


def test_text_cases_are_trees_that_branch() -> None:
    for case in texts(CASES):
        replies = children(case)
        csr = [t for t in case.turns if t.speaker is Speaker.CSR]
        assert any(len(replies[t.key]) >= 2 for t in csr), case.key
        assert len(leaves(case)) >= 2
        assert case.audio_file is None and all(t.start_s is None for t in case.turns)


def test_annotations() -> None:
    for case in CASES:
        ends = {t.key for t in leaves(case)}
        for t in case.turns:
            if t.speaker is Speaker.CSR:
                assert 2 <= len(t.reasons) <= 4, (case.key, t.key)
                assert len(set(t.reasons)) == len(t.reasons)
            else:
                assert MOODS.get(t.emotion.split("，")[0]), (case.key, t.emotion)
                assert t.key in ends or t.thought, (case.key, t.key)


def test_every_question_kind_on_every_case() -> None:
    for case in CASES:
        kinds = {q.kind for q in case.questions}
        assert kinds == set(QuestionKind), case.key
        attached = [q.turn_key is not None for q in case.questions]
        assert any(attached) and not all(attached), case.key


def test_ordering_questions_order_a_replys_reasons() -> None:
    for case in CASES:
        for q in case.questions:
            if q.kind is QuestionKind.ORDERING:
                reasons = turn(case, q.turn_key).reasons
                assert sorted(q.options) == sorted(reasons)
                assert [q.options["ABCDEFGH".index(a)] for a in q.answer] == list(reasons)
                assert list(q.options) != list(reasons)  # shown shuffled


def test_choice_answers_point_at_the_annotations() -> None:
    checked = Counter[str]()
    for case in CASES:
        for q in case.questions:
            if q.kind is QuestionKind.TRUE_FALSE:
                if "这样答复没有问题" in q.prompt:
                    assert q.answer == ("false",)
                    checked["slip"] += 1
                continue
            chosen = [q.options["ABCDEFGH".index(a)] for a in q.answer]
            if "表明客户是什么意思" in q.prompt:
                assert chosen == [turn(case, q.turn_key).thought]
                checked["meaning"] += 1
            elif "出于哪些考虑" in q.prompt:
                assert chosen == [r for r in q.options if r in turn(case, q.turn_key).reasons]
                assert len(chosen) == len(turn(case, q.turn_key).reasons)
                checked["reasons"] += 1
            elif "可能从哪些方面追问" in q.prompt:
                ends = {end.key for end in leaves(case)}
                follow_ups = [t for t in children(case)[q.turn_key] if t.key not in ends]
                assert len(chosen) == len(follow_ups) >= 1
                checked["next"] += 1
            elif q.prompt.startswith("客户说这句话时的情绪"):
                assert turn(case, q.turn_key).emotion.startswith(chosen[0] + "，")
                checked["mood"] += 1
    assert min(checked.values()) >= 10 and len(checked) == 5


def test_higher_levels_are_harder() -> None:
    def per_level(measure: str) -> list[float]:
        values = []
        for level in LEVELS:
            cases = texts([c for c in CASES if c.level == level])
            if measure == "turns":
                values.append(mean(len(c.turns) for c in cases))
            elif measure == "leaves":
                values.append(mean(len(leaves(c)) for c in cases))
            elif measure == "free_text":
                values.append(
                    mean(sum(q.kind is QuestionKind.FREE_TEXT for q in c.questions) for c in cases)
                )
            else:  # how often the customer opens angry
                angry = [MOODS[c.turns[0].emotion.split("，")[0]] == "不满" for c in cases]
                values.append(mean(angry))
        return values

    for measure in ("turns", "leaves", "free_text", "anger"):
        values = per_level(measure)
        assert values == sorted(values), (measure, values)
        assert values[-1] > values[0], (measure, values)


def test_the_content_is_varied() -> None:
    assert len({case.title for case in CASES}) >= 0.9 * len(CASES)
    assert len({case.turns[0].text for case in CASES}) >= 0.8 * len(CASES)
    bank = generate_cases(100)
    assert len({case.background for case in bank}) >= 0.95 * len(bank)
    for level in LEVELS:  # a test case never repeats a training case
        training = {c.background for c in bank if c.level == level and c.pool is Pool.TRAINING}
        tests = [c for c in bank if c.level == level and c.pool is Pool.TEST]
        assert not any(c.background in training for c in tests)


def test_cases_name_the_invented_operator_only() -> None:
    text = "".join(
        case.background + "".join(t.text for t in case.turns) for case in generate_cases(30)
    )
    assert "10087" in text and "通达移动" in text
    for real in ("中国移动", "中国联通", "中国电信", "10086", "10010", "10000号"):
        assert real not in text
