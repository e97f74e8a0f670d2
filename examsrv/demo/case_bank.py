"""Deterministic demo data for the graded case bank (案例库).

``generate_cases`` writes ``per_level_pool`` cases for each level (1–5) and pool (training,
test), spread evenly over five categories. Each case is one scenario of a category module
(``case_billing`` …) written for a customer, a level and a seeded ``random.Random``; the level
decides how angry the customer is (``heat``), how far the tree branches, which generic
follow-ups may appear (compensation, a manager, the regulator, the press) and how many
questions are asked, more of them free text. About one case in six of the test pool and one
in twelve of the training pool (at least two and one) is a voice case: a recording's
transcript with start times, whose recording ``case_audio`` writes as ``<key>.wav``.

Keys read ``C-L3-T-007``: level, pool (``P`` training 培训, ``T`` test 测试; ``PV`` and
``TV`` for voice cases), then a number. A case depends on the seed, its level, pool and slot,
and on the cases before it in its level: the first slots of both pools are written before
the next, and a case whose background repeats an earlier one of its level is redrawn. So a
larger bank starts with the cases of a smaller one wherever their slots hold the same kind.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, partial

from examsrv.demo import case_billing, case_complaint, case_emotion, case_marketing, case_outage
from examsrv.demo.case_draft import (
    Branch,
    CaseContext,
    CaseDraft,
    Close,
    Reply,
    Say,
    Scenario,
    make_customer,
)
from examsrv.demo.case_moves import GENERIC_SLIPS, MOVES, Move
from examsrv.demo.case_questions import Decoys, Exchange, QuestionWriter
from examsrv.demo.case_voice import Script, start_times, voice_script
from examsrv.itembank.case_specs import (
    MAX_LEVEL,
    MIN_LEVEL,
    CaseKind,
    CaseSpec,
    Pool,
    Speaker,
    Turn,
)

CATEGORIES: tuple[tuple[str, tuple[Scenario, ...]], ...] = (
    (case_billing.CATEGORY, case_billing.SCENARIOS),
    (case_outage.CATEGORY, case_outage.SCENARIOS),
    (case_complaint.CATEGORY, case_complaint.SCENARIOS),
    (case_marketing.CATEGORY, case_marketing.SCENARIOS),
    (case_emotion.CATEGORY, case_emotion.SCENARIOS),
)
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))
POOL_CODES = {Pool.TRAINING: "P", Pool.TEST: "T"}

# level -> how the tree grows: scenario directions and generic moves under the first answer,
# how many of those get a further follow-up, and how many follow-ups get one more.
_SHAPES = {1: (2, 0, 0, 0), 2: (2, 0, 1, 0), 3: (2, 1, 1, 0), 4: (2, 1, 2, 1), 5: (1, 2, 3, 2)}
_ROOT_MOVE_LEVEL = {3: 2, 4: 3, 5: 3}  # the least min_level of a move under the first answer
_HEATS = {1: (1,), 2: (1, 2), 3: (2,), 4: (3,), 5: (3,)}
_VOICE_FOLLOW_UPS = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3}
_VOICE_NOTE = "录音选自热线来电，号码等个人信息已做脱敏处理。"
_ATTEMPTS = 20  # redraws of a case whose background repeats another of its level


def voice_count(pool: Pool, per_level_pool: int) -> int:
    """How many of a level and pool's cases are voice cases: 1 in 6 test, 1 in 12 training."""
    if per_level_pool <= 0:
        return 0
    share, least = (6, 2) if pool is Pool.TEST else (12, 1)
    return min(per_level_pool, max(least, round(per_level_pool / share)))


def generate_cases(per_level_pool: int = 12, seed: int = 2026) -> list[CaseSpec]:
    """``per_level_pool`` cases for each level and pool; the same for the same seed.

    Cases are listed by level, then pool (training first), then number. A case whose
    background repeats an earlier one of its level is redrawn (up to 20 times; none repeat
    even at 300 per level and pool), so a test case never retells a training case.
    """
    if per_level_pool < 0:
        raise ValueError("per_level_pool must not be negative")
    width = max(3, len(str(per_level_pool)))
    pools = (Pool.TRAINING, Pool.TEST)
    cases: list[CaseSpec] = []
    for level in LEVELS:
        voice_slots = {pool: _voice_slots(pool, per_level_pool) for pool in pools}
        numbers: Counter[tuple[Pool, CaseKind]] = Counter()
        stories: set[str] = set()
        by_pool: dict[Pool, list[CaseSpec]] = {pool: [] for pool in pools}
        for slot in range(per_level_pool):
            for pool in pools:
                kind = CaseKind.VOICE if slot in voice_slots[pool] else CaseKind.TEXT
                numbers[pool, kind] += 1
                code = POOL_CODES[pool] + ("V" if kind is CaseKind.VOICE else "")
                key = f"C-L{level}-{code}-{numbers[pool, kind]:0{width}d}"
                by_pool[pool].append(_new_case(key, level, pool, kind, slot, seed, stories))
        cases += [case for pool in pools for case in by_pool[pool]]
    return cases


def _voice_slots(pool: Pool, per_level_pool: int) -> set[int]:
    """The slots of voice cases, spread evenly over the level and pool."""
    voices = voice_count(pool, per_level_pool)
    return {(2 * i + 1) * per_level_pool // (2 * voices) for i in range(voices)}


def _new_case(
    key: str, level: int, pool: Pool, kind: CaseKind, slot: int, seed: int, stories: set[str]
) -> CaseSpec:
    """The slot's case, redrawn while its background repeats one of ``stories``."""
    for attempt in range(_ATTEMPTS):
        case = _case(key, level, pool, kind, slot, seed, attempt)
        story = case.background.removesuffix(_VOICE_NOTE)
        if story not in stories:
            break
    stories.add(story)
    return case


# Choosing the scenario ----------------------------------------------------------------------


def _scenario(seed: int, level: int, pool: Pool, slot: int) -> tuple[str, Scenario]:
    """Each block of slots visits every category once, starting two further on from one
    block or pool to the next, so a pool's last, partial block favours no category. Training
    and test take turns through a category's scenarios, reshuffled on every round."""
    block, position = divmod(slot, len(CATEGORIES))
    pools = 2 * (level - MIN_LEVEL) + (pool is Pool.TEST)
    category, every = CATEGORIES[(2 * (pools + block) + position) % len(CATEGORIES)]
    scenarios = [s for s in every if s.levels[0] <= level <= s.levels[1]]
    turn = 2 * block + (pool is Pool.TEST)
    rounds, which = divmod(turn, len(scenarios))
    shuffled = list(scenarios)
    random.Random(f"{seed}:{level}:{category}:round:{rounds}").shuffle(shuffled)
    return category, shuffled[which]


def _case(
    key: str, level: int, pool: Pool, kind: CaseKind, slot: int, seed: int, attempt: int
) -> CaseSpec:
    category, scenario = _scenario(seed, level, pool, slot)
    rng = random.Random(f"{seed}:{level}:{pool}:{slot}" + (f":{attempt}" if attempt else ""))
    customer = make_customer(rng, scenario.elderly)
    heat = rng.choice(_HEATS[level])
    voice = kind is CaseKind.VOICE
    ctx = CaseContext(rng, level, customer, heat, soothe=not voice)
    draft = scenario.build(ctx)
    writer = QuestionWriter(rng, level)
    decoys = _decoys(category)
    if voice:
        turns = _voice_case(ctx, draft, writer, decoys)
        return CaseSpec(
            key=key,
            title=f"【录音】{customer.name}：{draft.title}",
            level=level,
            category=category,
            pool=pool,
            kind=kind,
            background=draft.background + _VOICE_NOTE,
            turns=turns,
            questions=tuple(writer.questions),
            audio_file=f"{key}.wav",
            play_once=pool is Pool.TEST,
        )
    turns = _text_case(ctx, draft, writer, decoys)
    return CaseSpec(
        key=key,
        title=f"{customer.name}：{draft.title}",
        level=level,
        category=category,
        pool=pool,
        kind=kind,
        background=draft.background,
        turns=turns,
        questions=tuple(writer.questions),
    )


# Text cases ---------------------------------------------------------------------------------


def _grow(ctx: CaseContext, draft: CaseDraft) -> Branch:
    """The dialogue tree: the first answer, the directions under it, and follow-ups."""
    rng, issue = ctx.rng, draft.issue
    n_specific, n_moves, n_extended, n_nested = _SHAPES[ctx.level]
    specific = list(draft.directions)
    rng.shuffle(specific)
    moves = _moves(ctx.level, draft)
    rng.shuffle(moves)
    least = _ROOT_MOVE_LEVEL.get(ctx.level, 1)
    at_root = [move for move in moves if move.min_level >= least][:n_moves]
    n_specific += n_moves - len(at_root)  # too few moves fit: take more of the scenario's
    directions = specific[:n_specific] + [move.build(ctx, issue) for move in at_root]
    rng.shuffle(directions)
    extras: list[Callable[[], Branch]] = [partial(_same, b) for b in specific[n_specific:]]
    extras += [partial(m.build, ctx, issue) for m in moves if m not in at_root]
    rng.shuffle(extras)

    def extend(direction: Branch, times: int) -> Branch:
        if not extras:
            return direction
        extra = extras.pop()()
        if times > 1:
            extra = extend(extra, times - 1)
        after = (*direction.then, extra) if rng.random() < 0.6 else (extra, *direction.then)
        return replace(direction, then=after)

    chosen = rng.sample(range(len(directions)), min(n_extended, len(directions)))
    for i, at in enumerate(chosen):
        directions[at] = extend(directions[at], 2 if i < n_nested else 1)
    return Branch("开场", draft.opening, draft.answer, tuple(directions))


def _same(direction: Branch) -> Branch:
    return direction


def _moves(level: int, draft: CaseDraft) -> list[Move]:
    """The generic moves that may appear at ``level`` and fit ``draft``."""
    return [
        move
        for move in MOVES
        if move.min_level <= level
        and move.name not in draft.unfit
        and (draft.issue.wait or not move.needs_wait)
    ]


@dataclass
class _Layout:
    turns: list[Turn]
    exchanges: list[Exchange]
    endings: list[Close]
    first_path: list[str]  # the customer's moods from the opening to the first ending


def _lay_out(root: Branch) -> _Layout:
    layout = _Layout([], [], [], [])
    moods: list[str] = []

    def key() -> str:
        return f"t{len(layout.turns) + 1:02d}"

    def visit(node: Branch | Close, parent: str | None, depth: int) -> None:
        if isinstance(node, Close):
            layout.turns.append(_close_turn(key(), node, parent))
            if not layout.endings:
                layout.first_path = [*moods, node.mood]
            layout.endings.append(node)
            return
        ask_key, say = key(), node.ask
        layout.turns.append(_ask_turn(ask_key, say, parent))
        reply_key = key()
        layout.turns.append(_reply_turn(reply_key, node.reply, ask_key))
        topics = tuple(child.topic for child in node.then if isinstance(child, Branch))
        layout.exchanges.append(Exchange(ask_key, say, reply_key, node.reply, topics, depth))
        moods.append(say.mood)
        for child in node.then:
            visit(child, reply_key, depth + 1)
        moods.pop()

    visit(root, None, 0)
    return layout


def _ask_turn(key: str, say: Say, parent: str | None, start_s: float | None = None) -> Turn:
    emotion = f"{say.mood}，{say.manner}"
    return Turn(key, Speaker.CUSTOMER, say.text, parent, emotion, say.thought, start_s=start_s)


def _reply_turn(key: str, reply: Reply, parent: str, start_s: float | None = None) -> Turn:
    return Turn(key, Speaker.CSR, reply.text, parent, reasons=reply.reasons, start_s=start_s)


def _close_turn(key: str, close: Close, parent: str | None, start_s: float | None = None) -> Turn:
    return Turn(
        key,
        Speaker.CUSTOMER,
        close.text,
        parent,
        f"{close.mood}，{close.manner}",
        outcome=close.outcome,
        feeling=close.feeling,
        start_s=start_s,
    )


def _text_case(
    ctx: CaseContext, draft: CaseDraft, writer: QuestionWriter, decoys: Decoys
) -> tuple[Turn, ...]:
    layout = _lay_out(_grow(ctx, draft))
    rng, level = ctx.rng, ctx.level
    first, later = layout.exchanges[0], layout.exchanges[1:]
    writer.meaning(first, decoys)
    if level >= 2:
        writer.mood(rng.choice(later))
    writer.next_topics(first, decoys)
    if level >= 3:
        writer.reasons(rng.choice(later))
    ordered = [ex for ex in later if len(ex.reply.reasons) >= 3] if level >= 5 else []
    ordered_ex = rng.choice(ordered) if ordered else first
    writer.ordering(ordered_ex.reply, ordered_ex.reply_key)
    writer.slip(first.ask_key, rng.choice(draft.slips or GENERIC_SLIPS), said=False)
    if level >= 3:
        writer.first_reason(rng.choice([ex for ex in later if len(ex.reply.reasons) >= 2]))
    if level <= 2:
        writer.demand(draft, decoys)
    for ex in rng.sample(later, min(len(later), 1 if level <= 3 else 2)):
        writer.how_to_answer(ex)
    if level >= 3:
        writer.review(layout.first_path, layout.endings)
    if level >= 5:
        writer.hold_out(draft)
    return tuple(layout.turns)


# Voice cases --------------------------------------------------------------------------------


def _voice_case(
    ctx: CaseContext, draft: CaseDraft, writer: QuestionWriter, decoys: Decoys
) -> tuple[Turn, ...]:
    rng, level = ctx.rng, ctx.level
    follow_ups = _follow_ups(ctx, draft, _VOICE_FOLLOW_UPS[level])
    script = voice_script(ctx, draft, follow_ups)
    lines: list[tuple[Speaker, str, str]] = []
    for say, reply, _topic in script.pairs:
        lines += [(Speaker.CUSTOMER, say.text, say.mood), (Speaker.CSR, reply.text, "")]
    lines.append((Speaker.CUSTOMER, script.close.text, script.close.mood))
    starts = iter(start_times(rng, lines))
    turns: list[Turn] = []
    exchanges: list[Exchange] = []
    parent: str | None = None
    for i, (say, reply, _topic) in enumerate(script.pairs):
        ask_key, reply_key = f"t{2 * i + 1:02d}", f"t{2 * i + 2:02d}"
        turns.append(_ask_turn(ask_key, say, parent, next(starts)))
        turns.append(_reply_turn(reply_key, reply, ask_key, next(starts)))
        following = script.pairs[i + 1][2] if i + 1 < len(script.pairs) else ""
        topics = (following,) if following else ()
        exchanges.append(Exchange(ask_key, say, reply_key, reply, topics, i))
        parent = reply_key
    turns.append(_close_turn(f"t{len(turns) + 1:02d}", script.close, parent, next(starts)))
    _voice_questions(ctx, draft, script, exchanges, writer, decoys)
    return tuple(turns)


def _follow_ups(ctx: CaseContext, draft: CaseDraft, count: int) -> list[Branch]:
    """The directions the call takes after the first answer: the scenario's, then a move."""
    specific = list(draft.directions)
    ctx.rng.shuffle(specific)
    if count == 1:
        return specific[:1]
    moves = _moves(ctx.level, draft)
    if not moves:
        return specific[:count]
    return [*specific[: count - 1], ctx.rng.choice(moves).build(ctx, draft.issue)]


def _voice_questions(
    ctx: CaseContext,
    draft: CaseDraft,
    script: Script,
    exchanges: list[Exchange],
    writer: QuestionWriter,
    decoys: Decoys,
) -> None:
    rng, level = ctx.rng, ctx.level
    first = exchanges[0]
    answered = exchanges[script.calming + 1]  # the softened customer and the first answer
    calming = exchanges[script.calming]
    writer.tone(first.ask_key, first.say)
    if script.slip is not None:
        writer.angered(script.slip)
        writer.slip(first.reply_key, script.slip, said=True)
    else:
        writer.first_move(script.techniques[0])
        writer.fit(calming)
    writer.calmed(script.techniques)
    writer.ordering(answered.reply, answered.reply_key)
    later = exchanges[script.calming + 2 :]
    if level >= 2 and later:
        writer.meaning(rng.choice(later), decoys)
    if level >= 3:
        writer.first_reason(answered)
    angry = exchanges[1] if script.slip is not None else first
    writer.keep_calm(angry.ask_key, calming.reply.text, script.techniques, calming.reply.reasons)
    if level >= 3:
        moods = [ex.say.mood for ex in exchanges] + [script.close.mood]
        writer.review(moods, [script.close])
    if level >= 5:
        writer.hold_out(draft)


# Wrong options from the other categories --------------------------------------------------


@cache
def _decoys(category: str) -> Decoys:
    demands: list[str] = []
    thoughts: list[str] = []
    topics: list[str] = []
    for name, scenarios in CATEGORIES:
        if name == category:
            continue
        for scenario in scenarios:
            rng = random.Random(f"decoys:{scenario.name}")
            ctx = CaseContext(rng, 3, make_customer(rng, scenario.elderly), 2)
            draft = scenario.build(ctx)
            demands.append(draft.demand)
            thoughts.append(draft.opening.thought)
            topics += [direction.topic for direction in draft.directions]
    return Decoys(tuple(demands), tuple(thoughts), tuple(topics))
