"""The questions asked about a demo case, built from its laid-out dialogue.

Each builder writes one :class:`Question` of one kind, the way the centre's trainers ask them
(晋升客服经理工作计划范文第4篇): what does the customer's sentence mean; how would you answer
and why; is her answer wrong, what did she consider; what may the customer ask next; and, for
recordings, what was the tone and how did she calm the customer. Wrong options come from
other categories (:class:`Decoys`) or from tables of moods and bad habits, so they can never
also be right. ``text_questions`` and ``voice_questions`` choose the mix by level: higher
levels get more questions and more of them free text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from examsrv.demo.case_draft import FAR_MOODS, MANNERS, MOODS, CaseDraft, Close, Reply, Say, Slip
from examsrv.demo.case_moves import BAD_TECHNIQUES, GENERIC_SLIPS
from examsrv.itembank.case_specs import Question, QuestionKind

LETTERS = "ABCDEFGH"

# Readings of a customer line that are wrong whenever the customer goes on talking.
_MISREADINGS = (
    "对目前的答复已经完全满意，准备结束通话",
    "只是随便问问，并没有具体的诉求",
)

# Considerations a CSR must not act on: wrong options of "what did she consider".
_BAD_REASONS = (
    "尽快结束通话，缩短平均处理时长",
    "先推荐新业务完成营销指标，再处理客户的问题",
    "把责任推给其他部门，避免自己被投诉",
    "让客户自己去营业厅处理，减少热线的工作量",
    "先答应客户的所有要求，让客户先挂电话",
    "多用专业术语，显得更权威",
)

_STYLE = "语言要专业、简洁，不用口语词，也不用客户听不懂的专业词汇。"


@dataclass(frozen=True)
class Exchange:
    """A customer line that the CSR answers, with where both sit in the case."""

    ask_key: str
    say: Say
    reply_key: str
    reply: Reply
    topics: tuple[str, ...]  # the directions the customer takes after the reply
    depth: int


@dataclass(frozen=True)
class Decoys:
    """Wrong options drawn from the other categories' scenarios."""

    demands: tuple[str, ...]
    thoughts: tuple[str, ...]
    topics: tuple[str, ...]


class QuestionWriter:
    """Numbers the questions of one case and shuffles their options with ``rng``."""

    def __init__(self, rng: random.Random, level: int) -> None:
        self.rng = rng
        self.level = level
        self.questions: list[Question] = []

    def _add(self, question: Question) -> None:
        self.questions.append(question)

    def _key(self) -> str:
        return f"Q{len(self.questions) + 1:02d}"

    def choice(
        self,
        prompt: str,
        right: Sequence[str],
        wrong: Sequence[str],
        turn_key: str | None,
        kind: QuestionKind,
        points: float,
    ) -> None:
        options = [*right, *wrong]
        if len(set(options)) != len(options) or not 2 <= len(options) <= len(LETTERS):
            raise ValueError(f"bad options for {prompt!r}: {options}")
        self.rng.shuffle(options)
        answer = tuple(LETTERS[i] for i, option in enumerate(options) if option in right)
        self._add(
            Question(self._key(), kind, prompt, turn_key, tuple(options), answer, points=points)
        )

    def single(self, prompt: str, right: str, wrong: Sequence[str], turn_key: str | None) -> None:
        self.choice(prompt, [right], wrong, turn_key, QuestionKind.SINGLE, 1.0)

    def multiple(
        self, prompt: str, right: Sequence[str], wrong: Sequence[str], turn_key: str | None
    ) -> None:
        self.choice(prompt + "（多选）", right, wrong, turn_key, QuestionKind.MULTIPLE, 2.0)

    def true_false(self, prompt: str, truth: bool, turn_key: str | None) -> None:
        answer = ("true",) if truth else ("false",)
        self._add(Question(self._key(), QuestionKind.TRUE_FALSE, prompt, turn_key, (), answer))

    def ordering(self, reply: Reply, turn_key: str) -> None:
        reasons = list(reply.reasons)
        order = list(range(len(reasons)))
        self.rng.shuffle(order)
        if order == sorted(order):  # never show them already in order
            order = order[1:] + order[:1]
        options = tuple(reasons[i] for i in order)
        answer = tuple(LETTERS[order.index(i)] for i in range(len(reasons)))
        prompt = "客户代表的这句答复有几方面的考虑，请按重要性从高到低排列。"
        self._add(
            Question(self._key(), QuestionKind.ORDERING, prompt, turn_key, options, answer, "", 2.0)
        )

    def free_text(self, prompt: str, rubric: str, turn_key: str | None) -> None:
        points = 3.0 + self.level // 2
        self._add(
            Question(self._key(), QuestionKind.FREE_TEXT, prompt, turn_key, (), (), rubric, points)
        )

    # The questions of the case bank --------------------------------------------------------

    def meaning(self, ex: Exchange, decoys: Decoys) -> None:
        wrong = [self.rng.choice(_MISREADINGS), *self.rng.sample(decoys.thoughts, 2)]
        self.single(
            f"客户说：“{ex.say.text}”这句话表明客户是什么意思？", ex.say.thought, wrong, ex.ask_key
        )

    def mood(self, ex: Exchange) -> None:
        wrong = self.rng.sample(FAR_MOODS[MOODS[ex.say.mood]], 3)
        self.single("客户说这句话时的情绪是怎样的？", ex.say.mood, wrong, ex.ask_key)

    def tone(self, key: str, say: Say) -> None:
        far = self.rng.sample(FAR_MOODS[MOODS[say.mood]], 3)
        wrong = [f"{mood}，{self.rng.choice(MANNERS[MOODS[mood]])}" for mood in far]
        self.single("录音里客户这句话的语气是怎样的？", f"{say.mood}，{say.manner}", wrong, key)

    def next_topics(self, ex: Exchange, decoys: Decoys) -> None:
        wrong = self.rng.sample(decoys.topics, min(len(decoys.topics), 6 - len(ex.topics)))
        self.multiple(
            "听了客户代表的这句答复，客户接下来可能从哪些方面追问？", ex.topics, wrong, ex.reply_key
        )

    def reasons(self, ex: Exchange) -> None:
        wrong = self.rng.sample(_BAD_REASONS, 2)
        self.multiple("客户代表的这句答复出于哪些考虑？", ex.reply.reasons, wrong, ex.reply_key)

    def slip(self, key: str, slip: Slip, *, said: bool) -> None:
        if said:
            prompt = "判断：客户代表的这句答复没有问题。"
        else:
            prompt = f"客户说完这句话，如果客户代表这样答复：“{slip.text}”判断：这样答复没有问题。"
        self.true_false(prompt, False, key)

    def fit(self, ex: Exchange) -> None:
        self.true_false("判断：客户代表的这句答复没有问题。", True, ex.reply_key)

    def first_reason(self, ex: Exchange) -> None:
        truth = self.rng.random() < 0.5
        reason = ex.reply.reasons[0] if truth else ex.reply.reasons[-1]
        self.true_false(f"判断：客户代表这句答复最重要的考虑是“{reason}”。", truth, ex.reply_key)

    def demand(self, draft: CaseDraft, decoys: Decoys) -> None:
        wrong = self.rng.sample(decoys.demands, 3)
        self.single("本案例中，客户最主要的诉求是什么？", draft.demand, wrong, None)

    def how_to_answer(self, ex: Exchange) -> None:
        points = "\n".join(f"{i}. {reason}" for i, reason in enumerate(ex.reply.reasons, 1))
        rubric = (
            f"参考答复：{ex.reply.text}\n考虑因素（按重要性）：\n{points}\n"
            "评分：答复切中客户的诉求，并说出主要的考虑因素；考虑因素排序合理的酌情加分。" + _STYLE
        )
        prompt = f"客户说：“{ex.say.text}”如果你是客户代表，你会怎样回答？出于哪些考虑？"
        self.free_text(prompt, rubric, ex.ask_key)

    def review(self, moods: Sequence[str], endings: Sequence[Close]) -> None:
        outcomes = "\n".join(f"- {end.outcome}（客户感受：{end.feeling}）" for end in endings)
        rubric = (
            f"情绪变化：{' → '.join(moods)}。\n各个结局：\n{outcomes}\n"
            "评分：说清客户情绪变化的几个节点；指出客户代表先稳住情绪、再查清事实、"
            "给出办法和时限的做法；能结合客户的话外之意分析的酌情加分。"
        )
        prompt = "请结合整个案例，说明客户的情绪是怎样变化的，客户代表又是怎样一步步解决问题的。"
        self.free_text(prompt, rubric, None)

    def hold_out(self, draft: CaseDraft) -> None:
        rubric = (
            f"本案的处理：{draft.issue.resolution}。\n要点：\n"
            "1. 继续表达理解，不与客户争辩；\n"
            "2. 说明自己能做的和不能做的，不做超出权限的承诺；\n"
            "3. 按规定升级处理：登记值班经理回电或转投诉处理，并告知时限；\n"
            "4. 告知客户申诉渠道，尊重客户的权利。\n" + _STYLE
        )
        prompt = (
            f"如果听完这些答复，客户仍不接受，坚持要求“{draft.demand}”并一定要当场解决，"
            "你会怎样处理？为什么？"
        )
        self.free_text(prompt, rubric, None)

    # Voice ----------------------------------------------------------------------------------

    def angered(self, slip: Slip) -> None:
        others = [s.fault for s in GENERIC_SLIPS if s.fault != slip.fault]
        self.single(
            "录音中，客户代表是怎样激怒客户的？", slip.fault, self.rng.sample(others, 3), None
        )

    def calmed(self, techniques: Sequence[str]) -> None:
        wrong = self.rng.sample(BAD_TECHNIQUES, 3)
        self.multiple("录音中，客户代表用了哪些方法平复客户的情绪？", techniques, wrong, None)

    def first_move(self, technique: str) -> None:
        wrong = self.rng.sample(BAD_TECHNIQUES, 3)
        self.single("客户一开口就很激动，录音中的客户代表首先做了什么？", technique, wrong, None)

    def keep_calm(
        self, key: str, line: str, techniques: Sequence[str], reasons: Sequence[str]
    ) -> None:
        rubric = (
            f"参考答复：{line}\n做法：{'；'.join(techniques)}。\n考虑：{'；'.join(reasons)}。\n"
            "评分：先控制住自己的情绪，不反驳、不辩解；先道歉或认同客户的感受，再把话题引回解决问题。"
            + _STYLE
        )
        prompt = "听到客户这句话，如果你是客户代表，你会怎样控制自己的情绪并回应？"
        self.free_text(prompt, rubric, key)
