"""Validation and navigation of a case's dialogue tree (案例对话树).

``validate_case`` reports every problem of a :class:`CaseSpec`, each as a :class:`CaseProblem`
whose message is in Chinese, because item-bank authors read it. The rules:

- Keys of the case, its turns and its questions: 1 to 40 of ``A-Z a-z 0-9 - _``; turn keys and
  question keys are unique within the case. Title, category and background are not blank;
  the level is 1 to 5; there is at least one turn.
- The tree: exactly one root (``parent`` None), spoken by the customer; every parent exists;
  no cycle (reported once, as a path in dialogue order, at its first turn in spec order);
  every turn is reachable from the root (each cut-off part is reported once, at its top);
  customer and CSR alternate along every edge.
- Annotations: every CSR reply has at least one reason and no blank one; every leaf is a
  customer closing line with an outcome and a feeling, so a case always ends with the customer
  and has at least one leaf. A field written on the wrong kind of turn is an error too:
  reasons only on CSR replies, emotion and thought only on customer turns, outcome and feeling
  only on leaves. Turn text is 1 to 2,000 characters, each note at most 500.
- Voice cases name their recording (a file name, not a path) and give every turn a finite
  ``start_s`` >= 0 that never decreases from a turn to its reply; text cases name no recording.
- Questions: see :func:`examsrv.itembank.case_grading.question_problems`.

Every walk is iterative and visits a turn once, so a cycle or a 10,000-turn chain is safe.
The navigation helpers (``children`` … ``depth_first``) assume a spec without problems; on any
other spec they still terminate, but what they return is unspecified.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from examsrv.itembank.bank_validation import (
    MAX_CATEGORY_CHARS,
    MAX_KEY_CHARS,
    MAX_TITLE_CHARS,
    short,
)
from examsrv.itembank.case_grading import question_problems
from examsrv.itembank.case_specs import MAX_LEVEL, MIN_LEVEL, CaseKind, CaseSpec, Speaker, Turn

MAX_BACKGROUND_CHARS = 5000
MAX_TURN_CHARS = 2000
MAX_NOTE_CHARS = 500  # emotion, thought, each reason, outcome, feeling
LISTED_KEYS = 10  # turn keys named in one message; the rest are counted

_KEY_RE = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_KEY_CHARS}}}")
_SPEAKERS = {Speaker.CUSTOMER: "客户", Speaker.CSR: "客户代表"}
_NOTES = (
    ("emotion", "情绪"),
    ("thought", "想法"),
    ("outcome", "解决结果"),
    ("feeling", "客户感受"),
)


@dataclass(frozen=True)
class CaseProblem:
    """One problem; ``where`` is ``"case"``, ``"turn <key>"`` or ``"question <key>"``."""

    where: str
    message: str


def key_problem(key: str) -> str | None:
    """The message for a malformed key, or None when the key is well formed."""
    if _KEY_RE.fullmatch(key):
        return None
    return f"编号“{short(key)}”格式不正确：只能包含字母、数字、- 和 _，最多{MAX_KEY_CHARS}个字符"


def _listing(keys: list[str], separator: str = "、", count: int | None = None) -> str:
    shown = separator.join(keys[:LISTED_KEYS])
    more = f"{separator}…（共{count or len(keys)}句）"
    return shown if len(keys) <= LISTED_KEYS else shown + more


def _first_by_key(turns: tuple[Turn, ...]) -> dict[str, Turn]:
    by_key: dict[str, Turn] = {}
    for turn in turns:
        by_key.setdefault(turn.key, turn)
    return by_key


def _anchors(by_key: dict[str, Turn]) -> tuple[dict[str, str], list[list[str]]]:
    """The top of each turn's part of the graph, and every cycle as a path in dialogue order.

    Following ``parent`` from a turn ends at a root, at a turn whose parent does not exist, or
    in a cycle: that turn (for a cycle, its first member in spec order) is the anchor. Each
    turn joins one walk only, so this is linear.
    """
    anchor: dict[str, str] = {}
    cycles: list[list[str]] = []
    order = {key: i for i, key in enumerate(by_key)}
    for start in by_key:
        walk: list[str] = []
        on_walk: dict[str, int] = {}
        key: str | None = start
        while key is not None and key in by_key and key not in anchor and key not in on_walk:
            on_walk[key] = len(walk)
            walk.append(key)
            key = by_key[key].parent
        if key is not None and key in on_walk:  # the walk closed a new cycle
            cycle = walk[on_walk[key] :][::-1]  # parent before child
            top = min(cycle, key=order.__getitem__)
            at = cycle.index(top)
            cycles.append([*cycle[at:], *cycle[:at], top])
            del walk[on_walk[key] :]
            for member in cycle:
                anchor[member] = top
        else:  # a root, a turn whose parent is missing, or a part anchored before
            top = anchor[key] if key is not None and key in anchor else walk[-1]
        for member in walk:
            anchor[member] = top
    return anchor, cycles


def _case_problems(spec: CaseSpec) -> list[str]:
    messages = [m for m in [key_problem(spec.key)] if m]
    for value, name, limit in (
        (spec.title, "标题", MAX_TITLE_CHARS),
        (spec.category, "分类", MAX_CATEGORY_CHARS),
        (spec.background, "背景", MAX_BACKGROUND_CHARS),
    ):
        if not value.strip():
            messages.append(f"{name}不能为空")
        elif len(value) > limit:
            messages.append(f"{name}过长：{len(value)}个字符，最多{limit}个字符")
    if not MIN_LEVEL <= spec.level <= MAX_LEVEL:
        messages.append(f"级别应为{MIN_LEVEL}到{MAX_LEVEL}，而不是{spec.level}")
    if not spec.turns:
        messages.append("案例没有对话")
    audio = (spec.audio_file or "").strip()
    if spec.kind is CaseKind.VOICE:
        if not audio:
            messages.append("语音案例应指定录音文件")
        elif any(ch in audio for ch in "/\\") or audio in (".", ".."):
            messages.append(f"录音文件“{short(audio)}”应是文件名，不能含路径")
    elif audio:
        messages.append("文字案例不能有录音文件")
    return messages


def _tree_problems(
    spec: CaseSpec, by_key: dict[str, Turn], replies: dict[str | None, list[Turn]]
) -> list[CaseProblem]:
    problems: list[CaseProblem] = []
    roots = [turn.key for turn in by_key.values() if turn.parent is None]
    if spec.turns and not roots:
        problems.append(CaseProblem("case", "对话树没有根：第一句（客户的问题）不应有上一句"))
    if len(roots) > 1:
        message = f"对话树只能有一个根（第一句），现有{len(roots)}个：{_listing(roots)}"
        problems.append(CaseProblem("case", message))
    if roots and by_key[roots[0]].speaker != Speaker.CUSTOMER:
        problems.append(CaseProblem(f"turn {roots[0]}", "第一句（根）应是客户的问题"))
    anchor, cycles = _anchors(by_key)
    for cycle in cycles:
        message = f"对话树有环：{_listing(cycle, ' → ', len(cycle) - 1)}"
        problems.append(CaseProblem(f"turn {cycle[0]}", message))
    if roots:
        cut_off: dict[str, list[str]] = {}
        for key in by_key:  # spec order
            if (top := anchor[key]) != roots[0]:
                cut_off.setdefault(top, []).append(key)
        for top, keys in cut_off.items():
            message = f"这部分对话与根 {roots[0]} 不相连：{_listing(keys)}"
            problems.append(CaseProblem(f"turn {top}", message))
    if spec.turns and not any(turn.key not in replies for turn in by_key.values()):
        problems.append(CaseProblem("case", "案例至少要有一句客户的结束语（叶）"))
    return problems


def _turn_problems(spec: CaseSpec, turn: Turn, by_key: dict[str, Turn], leaf: bool) -> list[str]:
    messages = [m for m in [key_problem(turn.key)] if m]
    if by_key[turn.key] is not turn:
        return [*messages, f"轮次编号重复：{turn.key}"]
    if turn.speaker not in _SPEAKERS:
        messages.append(f"说话人“{short(turn.speaker)}”无效：应为 customer 或 csr")
    parent = by_key.get(turn.parent) if turn.parent is not None else None
    if turn.parent is not None and parent is None:
        messages.append(f"上一句 {short(turn.parent)} 不存在")
    if parent is not None and parent.speaker == turn.speaker:
        name = _SPEAKERS.get(turn.speaker, str(turn.speaker))
        messages.append(f"{name}的话不能紧接在{name}的话 {parent.key} 之后：双方应轮流说话")
    if not turn.text.strip():
        messages.append("这一句没有内容")
    elif len(turn.text) > MAX_TURN_CHARS:
        messages.append(f"内容过长：{len(turn.text)}个字符，最多{MAX_TURN_CHARS}个字符")
    for field, name in _NOTES:
        if len(getattr(turn, field)) > MAX_NOTE_CHARS:
            messages.append(f"{name}过长：最多{MAX_NOTE_CHARS}个字符")
    if any(len(reason) > MAX_NOTE_CHARS for reason in turn.reasons):
        messages.append(f"考虑因素过长：每条最多{MAX_NOTE_CHARS}个字符")
    if turn.speaker == Speaker.CSR:
        if not turn.reasons:
            messages.append("客户代表的回复应注明考虑因素")
        elif not all(reason.strip() for reason in turn.reasons):
            messages.append("考虑因素不能有空项")
        if turn.emotion.strip() or turn.thought.strip():
            messages.append("情绪和想法只写在客户的话上")
    elif turn.reasons:
        messages.append("考虑因素只写在客户代表的回复上")
    if leaf and turn.speaker == Speaker.CSR:
        messages.append("客户代表的回复之后没有客户的话：案例应以客户的结束语（叶）收尾")
    elif leaf:
        messages += [
            f"结束语应写明{name}" for f, name in _NOTES[2:] if not getattr(turn, f).strip()
        ]
    if not leaf and (turn.outcome.strip() or turn.feeling.strip()):
        messages.append("解决结果和客户感受只写在客户的结束语（叶）上")
    if spec.kind is CaseKind.VOICE:
        messages += _timing_problems(turn, parent)
    return messages


def _timing_problems(turn: Turn, parent: Turn | None) -> list[str]:
    start = turn.start_s
    if start is None:
        return ["语音案例的每一句都应有开始时间（start_s）"]
    if not math.isfinite(start) or start < 0:
        return [f"开始时间应是不小于0的秒数，而不是{start}"]
    before = parent.start_s if parent is not None else None
    if before is not None and math.isfinite(before) and start < before:
        return [f"开始时间{start}秒早于上一句 {parent.key if parent else ''} 的{before}秒"]
    return []


def validate_case(spec: CaseSpec) -> list[CaseProblem]:
    """Every problem of ``spec`` (the rules are in the module docstring); empty when valid."""
    problems = [CaseProblem("case", message) for message in _case_problems(spec)]
    by_key = _first_by_key(spec.turns)
    replies = children(spec)
    problems += _tree_problems(spec, by_key, replies)
    for turn in spec.turns:
        leaf = turn.key not in replies
        problems += [
            CaseProblem(f"turn {turn.key}", m) for m in _turn_problems(spec, turn, by_key, leaf)
        ]
    seen: set[str] = set()
    for question in spec.questions:
        messages = [] if question.key not in seen else [f"题目编号重复：{question.key}"]
        seen.add(question.key)
        messages += [m for m in [key_problem(question.key)] if m]
        if question.turn_key is not None and question.turn_key not in by_key:
            messages.append(f"所问的轮次 {short(question.turn_key)} 不存在")
        messages += question_problems(question)
        problems += [CaseProblem(f"question {question.key}", m) for m in messages]
    return problems


def children(spec: CaseSpec) -> dict[str | None, list[Turn]]:
    """The replies to each turn, keyed by the parent's key (None for the root), in spec order."""
    by_parent: dict[str | None, list[Turn]] = {}
    for turn in _first_by_key(spec.turns).values():
        by_parent.setdefault(turn.parent, []).append(turn)
    return by_parent


def root(spec: CaseSpec) -> Turn:
    """The customer's first question; raises ValueError when no turn lacks a parent."""
    for turn in spec.turns:
        if turn.parent is None:
            return turn
    raise ValueError(f"case {spec.key}: no root turn")


def leaves(spec: CaseSpec) -> list[Turn]:
    """The turns without a reply (the customer's closing lines), in spec order."""
    parents = children(spec)
    return [turn for turn in _first_by_key(spec.turns).values() if turn.key not in parents]


def depth_first(spec: CaseSpec) -> list[tuple[int, Turn]]:
    """The turns reachable from the root in outline order, each with its depth (root 0)."""
    replies = children(spec)
    outline: list[tuple[int, Turn]] = []
    visited: set[str] = set()
    stack = [(0, root(spec))]
    while stack:
        depth, turn = stack.pop()
        if turn.key in visited:
            continue
        visited.add(turn.key)
        outline.append((depth, turn))
        stack.extend((depth + 1, reply) for reply in reversed(replies.get(turn.key, [])))
    return outline


def paths(spec: CaseSpec) -> list[list[Turn]]:
    """Every root-to-leaf path, in outline order."""
    found: list[list[Turn]] = []
    path: list[Turn] = []
    replies = children(spec)
    for depth, turn in depth_first(spec):
        del path[depth:]
        path.append(turn)
        if not replies.get(turn.key):
            found.append(list(path))
    return found
