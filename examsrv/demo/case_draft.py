"""A demo case before it is laid out as turns: the pieces scenario modules write.

A scenario (one ``case_*`` table module holds the scenarios of one category) writes a
:class:`CaseDraft` for a :class:`CaseContext`: the background, the customer's opening line,
the CSR's first answer, and the scenario's own follow-up directions, each a complete
:class:`Branch` (customer asks, CSR replies, customer closes). ``case_bank`` then grows the
tree to the level's size with more directions (the scenario's and the generic ones of
``case_moves``) and asks the questions of ``case_questions``.

Customer lines carry a *mood*, a word of :data:`MOODS`, so that questions about the customer's
emotion can offer clearly different moods as wrong options; the *manner* says how the mood
shows (the tone of voice in a recording).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

# The invented operator, as in the knowledge-base demo.
BRAND = "通达移动"
HOTLINE = "10087"
APP = "通达移动APP"
STORE = "通达移动自有营业厅"

_T = TypeVar("_T")

# mood word -> mood family
MOODS: dict[str, str] = {
    "平静": "平和",
    "疑惑": "平和",
    "着急": "焦虑",
    "焦虑": "焦虑",
    "担心": "焦虑",
    "慌张": "焦虑",
    "不满": "不满",
    "生气": "不满",
    "愤怒": "不满",
    "激动": "不满",
    "不耐烦": "不满",
    "委屈": "低落",
    "伤心": "低落",
    "无助": "低落",
    "满意": "满意",
    "感激": "满意",
    "放心": "满意",
    "开心": "满意",
    "怀疑": "怀疑",
    "戒备": "怀疑",
    "犹豫": "怀疑",
}

# How each family of moods shows in the voice.
MANNERS: dict[str, tuple[str, ...]] = {
    "平和": ("语气平和，语速正常", "说话客气，不紧不慢", "语气平稳"),
    "焦虑": ("语速很快，反复追问", "声音发紧，语气急切", "说话有些乱，不停催促"),
    "不满": (
        "音量提高，语气很冲",
        "语速很快，带着火气",
        "语气强硬，几次打断",
        "嗓门很大，用词尖锐",
    ),
    "低落": ("声音低沉，说话断断续续", "语气无力，几次停顿", "带着哭腔，声音发颤"),
    "满意": ("语气轻松，连声道谢", "声音明显放松下来", "语气缓和，带着笑意"),
    "怀疑": ("语气迟疑，话里带着戒备", "说话谨慎，反复确认", "语气冷淡，将信将疑"),
}

# Moods far enough from each family that, as wrong options, they cannot also be right.
FAR_MOODS: dict[str, tuple[str, ...]] = {
    "平和": ("愤怒", "激动", "感激", "伤心", "开心"),
    "焦虑": ("平静", "开心", "感激", "满意"),
    "不满": ("平静", "开心", "感激", "满意"),
    "低落": ("开心", "激动", "满意", "平静"),
    "满意": ("愤怒", "焦虑", "委屈", "怀疑"),
    "怀疑": ("开心", "感激", "伤心", "激动"),
}


@dataclass(frozen=True)
class Customer:
    """Who calls: ``name`` is how the CSR addresses them (王女士, 李叔叔)."""

    surname: str
    title: str
    elderly: bool = False

    @property
    def name(self) -> str:
        return self.surname + self.title

    @property
    def pronoun(self) -> str:
        return "她" if self.title in ("女士", "阿姨") else "他"


@dataclass(frozen=True)
class Say:
    """A customer line that the CSR answers: what it says, the mood, and what it means."""

    text: str
    mood: str
    manner: str
    thought: str


@dataclass(frozen=True)
class Reply:
    """A CSR line and its reasons (考虑因素), the most important first."""

    text: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Close:
    """A customer closing line (a leaf): how the problem was solved and how they felt."""

    text: str
    mood: str
    manner: str
    outcome: str
    feeling: str


@dataclass(frozen=True)
class Branch:
    """A direction of the dialogue: the customer asks, the CSR replies, and what follows.

    ``topic`` names the direction in a few words (追问退费多久到账); it is an option of the
    question "what may the customer ask next".
    """

    topic: str
    ask: Say
    reply: Reply
    then: tuple[Branch | Close, ...]


@dataclass(frozen=True)
class Issue:
    """What is at stake, in words the generic directions of ``case_moves`` fit in.

    ``subject`` as the customer names it (这笔38元的彩铃费); ``remedy`` what the CSR does
    about it, to follow "为您" (退订彩铃并提交退费核查); ``wait`` how long until the customer
    hears the result (3个工作日), empty when nothing is pending; ``resolution`` the
    outcome of the problem, as a leaf's outcome starts; ``prevent`` the CSR's advice on
    avoiding the problem in future, as a whole sentence.
    """

    subject: str
    remedy: str
    wait: str
    resolution: str
    prevent: str


@dataclass(frozen=True)
class Slip:
    """A flawed CSR answer to the opening: the line, what is wrong, why she said it, and how
    the customer hits back (in a voice case)."""

    text: str
    fault: str
    motive: str
    retort: str


@dataclass(frozen=True)
class CaseDraft:
    title: str
    background: str
    opening: Say
    answer: Reply
    directions: tuple[Branch, ...]
    issue: Issue
    slips: tuple[Slip, ...] = ()
    demand: str = ""  # the customer's main demand, in general words
    unfit: frozenset[str] = frozenset()  # generic moves (by name) that make no sense here


@dataclass
class CaseContext:
    """What a scenario needs to write one case: chance, the level and the customer.

    ``heat`` (1 calm, 2 upset, 3 angry) grows with the level. ``soothe`` is False when the
    first answer follows lines that already calmed the customer (voice cases), so it should
    not open with words of comfort again.
    """

    rng: random.Random
    level: int
    customer: Customer
    heat: int
    soothe: bool = True
    used: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.customer.name

    def one(self, *choices: str) -> str:
        return self.rng.choice(choices)

    def pick(self, items: Sequence[_T]) -> _T:
        return self.rng.choice(items)

    def by_heat(self, calm: str, upset: str, angry: str) -> str:
        return (calm, upset, angry)[self.heat - 1]

    def say(self, text: str, mood: str, thought: str) -> Say:
        return Say(text, mood, self.manner(mood), thought)

    def reply(self, text: str, *reasons: str) -> Reply:
        if not 1 <= len(reasons) <= 4 or len(set(reasons)) != len(reasons):
            raise ValueError(f"a reply needs 1 to 4 distinct reasons: {text}")
        return Reply(text, reasons)

    def close(self, text: str, mood: str, outcome: str, feeling: str) -> Close:
        return Close(text, mood, self.manner(mood), outcome, feeling)

    def manner(self, mood: str) -> str:
        return self.rng.choice(MANNERS[MOODS[mood]])

    def comfort(self, apologise: bool = True) -> tuple[str, str | None]:
        """Words that open the first answer, and the reason for them (None when calm).

        ``apologise`` False when the answer apologises itself or the company is not at
        fault (a stolen phone), so the comfort must not apologise.
        """
        name = self.name
        if not self.soothe:
            return f"{name}，", None
        if self.heat == 1:
            return self.one(f"{name}您好，", f"您好{name}，"), None
        if self.heat == 2:
            words = self.one(f"{name}，您先别着急，", f"{name}，理解您的心情，")
            return words, "客户有些着急，先稳住情绪再说明情况"
        if not apologise:
            words = self.one(
                f"{name}，您的心情我完全理解。", f"{name}，您别急，这件事我来帮您处理。"
            )
            return words, "客户情绪激动，先接住客户的情绪，让客户愿意听下去"
        words = self.one(
            f"{name}，非常抱歉给您添麻烦了，您的心情我完全理解。",
            f"{name}，真的很抱歉让您这么生气，这件事我来帮您处理。",
        )
        return words, "客户情绪激动，先道歉安抚，让客户愿意听下去"

    def answer(self, text: str, *reasons: str, apologise: bool = True) -> Reply:
        """The first answer: words of comfort fitting the heat, then ``text``."""
        words, why = self.comfort(apologise)
        return self.reply(words + text, *([why] if why else []), *reasons)

    def history(self) -> str:
        """A sentence of background on earlier calls about the same problem, by level."""
        if self.level <= 2:
            return ""
        if self.level == 3:
            return "客户前天已为此事来电一次，当时被告知会有人联系，但至今没有回音。"
        if self.level == 4:
            return "客户此前已两次来电反映，均只登记未解决，对热线已经失去耐心。"
        return (
            "客户此前已三次来电并到营业厅反映过，问题仍未解决，"
            "已在网上发帖抱怨，并表示要向通信管理局申诉。"
        )

    def once(self, key: str) -> bool:
        """True the first time ``key`` is asked for in this case (keeps moves from repeating)."""
        if key in self.used:
            return False
        self.used.add(key)
        return True


ScenarioBuild = Callable[[CaseContext], CaseDraft]


@dataclass(frozen=True)
class Scenario:
    """A situation a case can be written about, at the levels ``levels`` (lowest, highest);
    ``elderly`` asks for an elderly caller."""

    name: str
    build: ScenarioBuild
    elderly: bool = False
    levels: tuple[int, int] = (1, 5)


def branch(topic: str, ask: Say, reply: Reply, *then: Branch | Close) -> Branch:
    return Branch(topic, ask, reply, then)


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"


def make_customer(rng: random.Random, elderly: bool) -> Customer:
    surname = rng.choice(_SURNAMES)
    if elderly:
        return Customer(surname, rng.choice(("阿姨", "叔叔")), elderly=True)
    return Customer(surname, rng.choice(("女士", "先生")))


def money(rng: random.Random, low: int, high: int, step: int = 1) -> int:
    return rng.randrange(low, high + 1, step)
