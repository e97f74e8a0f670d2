"""The transcript of a demo voice case (语音案例): one call, from the first word to the last.

Recordings are chosen because the CSR either made a mistake or turned an angry caller round
(the essay's two reasons for keeping a call). So a transcript is one path through a written
case with the lines a recording adds: a *slip* that angers the customer and the apology that
recovers from it, or words that calm a caller who opens angry. Every line gets the second it
starts at, from a speaking rate that follows the speaker's mood.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from examsrv.demo.case_draft import (
    MOODS,
    Branch,
    CaseContext,
    CaseDraft,
    Close,
    Reply,
    Say,
    Slip,
)
from examsrv.demo.case_moves import GENERIC_SLIPS, RECOVERIES, SOFTENED, SOOTHING
from examsrv.itembank.case_specs import Speaker

CSR_RATE = 4.3  # characters a second
_CUSTOMER_RATES = {"不满": 5.0, "焦虑": 4.8, "低落": 3.2, "怀疑": 3.8, "平和": 4.0, "满意": 4.2}


@dataclass(frozen=True)
class Script:
    """A call as pairs of customer line and CSR answer, then the customer's last line.

    ``slip`` is set when the second line is a flawed answer (a defect call); ``techniques``
    are what the CSR did to calm the customer, in the line at ``calming`` (a pair index).
    """

    pairs: tuple[tuple[Say, Reply, str], ...]  # (customer, CSR, topic of the customer line)
    close: Close
    slip: Slip | None
    calming: int
    techniques: tuple[str, ...]


def voice_script(ctx: CaseContext, draft: CaseDraft, follow_ups: Sequence[Branch]) -> Script:
    """The call: ``draft``'s opening and answer, then each follow-up, ending as the last ends."""
    name, subject = ctx.name, draft.issue.subject
    pairs: list[tuple[Say, Reply, str]] = []
    slip: Slip | None = None
    angry = MOODS[draft.opening.mood] == "不满"
    if ctx.rng.random() < 0.5 or not angry:  # a defect call: she angers the customer first
        slip = ctx.pick([*draft.slips, *GENERIC_SLIPS])
        slip_reply = ctx.reply(slip.text, slip.motive, "只顾说清自己这边的情况，没有顾及客户的感受")
        retort = ctx.say(
            slip.retort, ctx.pick(("生气", "愤怒", "激动")), f"觉得客户代表{slip.fault}"
        )
        pairs.append((draft.opening, slip_reply, "开场"))
        line, techniques = ctx.pick(RECOVERIES)
        calming = ctx.reply(
            line.format(name=name, subject=subject),
            "自己的话激怒了客户，先诚恳道歉，止住情绪升级",
            "把话题拉回到解决问题上",
        )
        pairs.append((retort, calming, "被激怒"))
    else:  # a turnaround call: the customer opens angry and she calms them
        line, techniques = ctx.pick(SOOTHING)
        calming = ctx.reply(
            line.format(name=name, subject=subject),
            "客户情绪激动，先处理情绪，再处理问题",
            "让客户感到被重视、被倾听",
        )
        pairs.append((draft.opening, calming, "开场"))
    softened_text, softened_mood = ctx.pick(SOFTENED)
    softened = ctx.say(
        softened_text.format(subject=subject), softened_mood, "火气消了一些，愿意听客户代表解释"
    )
    pairs.append((softened, draft.answer, "情绪缓和"))
    calming_at = len(pairs) - 2
    for follow_up in follow_ups:
        pairs.append((follow_up.ask, follow_up.reply, follow_up.topic))
    close = next(end for end in follow_ups[-1].then if isinstance(end, Close))
    return Script(tuple(pairs), close, slip, calming_at, techniques)


def start_times(rng: random.Random, lines: Sequence[tuple[Speaker, str, str]]) -> list[float]:
    """When each ``(speaker, text, mood)`` line starts, in seconds; angry callers cut in."""
    times: list[float] = []
    at = rng.uniform(0.6, 1.6)
    for speaker, text, mood in lines:
        times.append(round(at, 1))
        family = MOODS[mood] if mood else ""
        rate = CSR_RATE if speaker == Speaker.CSR else _CUSTOMER_RATES[family]
        gap = rng.uniform(0.2, 0.5) if family == "不满" else rng.uniform(0.5, 1.2)
        at += len(text) / rate + gap
    return times
