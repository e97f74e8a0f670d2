"""The case editor's form: indexed fields (``turns-0-key``, ``questions-2-prompt``…) to a
``CaseSpec`` and back, and the row actions (add a reply, delete a turn…) that reshape it.

The form is kept as strings, exactly as typed, so a page with problems shows the author
what they wrote. ``to_spec`` turns it into a spec and reports what cannot even be read (a
level or a time that is not a number); the tree and question rules are
``itembank.case_tree.validate_case``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from examsrv.i18n import gettext as _
from examsrv.itembank.case_grading import FALSE_WORDS, TRUE_WORDS
from examsrv.itembank.case_specs import (
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)
from examsrv.itembank.case_tree import CaseProblem

_INDEXED = re.compile(r"(turns|questions)-(\d+)-(\w+)")
_SEPARATORS = re.compile(r"[\s,，、;；/→>]+")
MAX_ROWS = 500  # turns or questions one form may hold
MAX_DEPTH_SHOWN = 10


@dataclass
class TurnRow:
    key: str = ""
    parent: str = ""
    speaker: str = Speaker.CUSTOMER.value
    text: str = ""
    emotion: str = ""
    thought: str = ""
    reasons: str = ""  # one per line, most important first
    outcome: str = ""
    feeling: str = ""
    start_s: str = ""
    depth: int = field(default=0, compare=False)
    focus: bool = field(default=False, compare=False)


@dataclass
class QuestionRow:
    key: str = ""
    kind: str = QuestionKind.SINGLE.value
    prompt: str = ""
    turn_key: str = ""
    options: str = ""  # one per line
    answer: str = ""  # letters (A,C), or 对 / 错
    rubric: str = ""
    points: str = "1"
    focus: bool = field(default=False, compare=False)


_TURN_FIELDS = tuple(f.name for f in fields(TurnRow) if f.name not in ("depth", "focus"))
_QUESTION_FIELDS = tuple(f.name for f in fields(QuestionRow) if f.name != "focus")


@dataclass
class CaseForm:
    key: str = ""
    title: str = ""
    level: str = "1"
    category: str = ""
    pool: str = Pool.TRAINING.value
    kind: str = CaseKind.TEXT.value
    background: str = ""
    audio_file: str = ""
    play_once: bool = False
    turns: list[TurnRow] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)

    @classmethod
    def blank(cls) -> CaseForm:
        form = cls(turns=[TurnRow(key="t1")])
        return form.with_depths()

    @classmethod
    def from_spec(cls, spec: CaseSpec) -> CaseForm:
        return cls(
            key=spec.key,
            title=spec.title,
            level=str(spec.level),
            category=spec.category,
            pool=spec.pool.value,
            kind=spec.kind.value,
            background=spec.background,
            audio_file=spec.audio_file or "",
            play_once=spec.play_once,
            turns=[_turn_row(t) for t in spec.turns],
            questions=[_question_row(q) for q in spec.questions],
        ).with_depths()

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> CaseForm:
        """Read a posted form; missing fields are empty, extra fields ignored."""

        def text(name: str) -> str:
            value = data.get(name)
            return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""

        rows: dict[str, dict[int, dict[str, str]]] = {"turns": {}, "questions": {}}
        for name in data:
            match = _INDEXED.fullmatch(name)
            if match and int(match[2]) < 10 * MAX_ROWS:
                rows[match[1]].setdefault(int(match[2]), {})[match[3]] = text(name)
        turns = [TurnRow(**_only(row, _TURN_FIELDS)) for _i, row in sorted(rows["turns"].items())]
        questions = [
            QuestionRow(**_only(row, _QUESTION_FIELDS))
            for _i, row in sorted(rows["questions"].items())
        ]
        return cls(
            key=text("key"),
            title=text("title"),
            level=text("level"),
            category=text("category"),
            pool=text("pool"),
            kind=text("kind"),
            background=text("background"),
            audio_file=text("audio_file"),
            play_once=bool(data.get("play_once")),
            turns=[t for t in turns if t != TurnRow(speaker=t.speaker)][:MAX_ROWS],
            questions=[q for q in questions if q != QuestionRow(kind=q.kind)][:MAX_ROWS],
        ).with_depths()

    @property
    def voice(self) -> bool:
        return self.kind == CaseKind.VOICE.value

    def with_depths(self) -> CaseForm:
        """Each turn's depth in the tree as written (for indenting), cycles cut short."""
        parent_of = {t.key: t.parent for t in self.turns if t.key}
        for turn in self.turns:
            depth, key, seen = 0, turn.parent, {turn.key}
            while key and key in parent_of and key not in seen and depth < MAX_DEPTH_SHOWN:
                seen.add(key)
                depth += 1
                key = parent_of[key]
            turn.depth = depth
        return self

    # --- the row actions ------------------------------------------------------------------

    def apply(self, action: str) -> CaseForm:
        """Add or delete a row: ``csr:3`` / ``customer:3`` (a reply under turn 3),
        ``root``, ``delete-turn:3``, ``question``, ``delete-question:2``. Unknown: no-op."""
        name, _sep, index_text = action.partition(":")
        index = int(index_text) if index_text.isdigit() else -1
        turns, questions = list(self.turns), list(self.questions)
        if name in ("csr", "customer") and 0 <= index < len(turns) and len(turns) < MAX_ROWS:
            parent = turns[index].key
            new = TurnRow(key=_fresh("t", [t.key for t in turns]), parent=parent, speaker=name)
            new.focus = True
            turns.insert(_after_subtree(turns, index), new)
        elif name == "root" and len(turns) < MAX_ROWS:
            turns.insert(0, TurnRow(key=_fresh("t", [t.key for t in turns]), focus=True))
        elif name == "delete-turn" and 0 <= index < len(turns):
            del turns[index]
        elif name == "question" and len(questions) < MAX_ROWS:
            key = _fresh("q", [q.key for q in questions])
            questions.append(QuestionRow(key=key, focus=True))
        elif name == "delete-question" and 0 <= index < len(questions):
            del questions[index]
        return replace(self, turns=turns, questions=questions).with_depths()

    # --- to a spec ------------------------------------------------------------------------

    def to_spec(self) -> tuple[CaseSpec, list[CaseProblem]]:
        """The spec the form describes, and the fields that could not be read.

        Unreadable fields take a harmless value in the spec (level 0, no time), so
        ``validate_case`` can still report everything else.
        """
        problems: list[CaseProblem] = []
        level = _integer(self.level)
        if level is None:
            problems.append(CaseProblem("case", _("The level must be a whole number, 1 to 5.")))
        pool = Pool(self.pool) if self.pool in set(Pool) else None
        kind = CaseKind(self.kind) if self.kind in set(CaseKind) else None
        if pool is None or kind is None:
            problems.append(CaseProblem("case", _("Choose the pool and the kind of the case.")))
        voice = kind is CaseKind.VOICE
        turns = []
        for row in self.turns:
            start_s = _number(row.start_s) if voice else None
            if voice and row.start_s and start_s is None:
                message = _("The start time must be a number of seconds, such as 12.5.")
                problems.append(CaseProblem(f"turn {row.key}", message))
            speaker = Speaker(row.speaker) if row.speaker in set(Speaker) else Speaker.CUSTOMER
            turns.append(
                Turn(
                    key=row.key,
                    speaker=speaker,
                    text=row.text,
                    parent=row.parent or None,
                    emotion=row.emotion,
                    thought=row.thought,
                    reasons=_lines(row.reasons),
                    outcome=row.outcome,
                    feeling=row.feeling,
                    start_s=start_s,
                )
            )
        questions = []
        for q in self.questions:
            points = _number(q.points) if q.points else 1.0
            if points is None:
                message = _("The points must be a number, such as 2 or 1.5.")
                problems.append(CaseProblem(f"question {q.key}", message))
            qkind = QuestionKind(q.kind) if q.kind in set(QuestionKind) else QuestionKind.SINGLE
            questions.append(
                Question(
                    key=q.key,
                    kind=qkind,
                    prompt=q.prompt,
                    turn_key=q.turn_key or None,
                    options=_lines(q.options),
                    answer=parse_answer(qkind, q.answer),
                    rubric=q.rubric,
                    points=points if points is not None else 1.0,
                )
            )
        spec = CaseSpec(
            key=self.key,
            title=self.title,
            level=level if level is not None else 0,
            category=self.category,
            pool=pool or Pool.TRAINING,
            kind=kind or CaseKind.TEXT,
            background=self.background,
            turns=tuple(turns),
            questions=tuple(questions),
            audio_file=(self.audio_file or None) if voice else None,
            play_once=self.play_once if voice else False,
        )
        return spec, problems


def parse_answer(kind: QuestionKind, text: str) -> tuple[str, ...]:
    """``A, C`` / ``AC`` / ``C → A → B`` to letters; 对 / 错 (true, 是…) for true or false."""
    text = text.strip()
    if not text:
        return ()
    if kind is QuestionKind.TRUE_FALSE:
        word = text.casefold()
        return ("true",) if word in TRUE_WORDS else ("false",) if word in FALSE_WORDS else (text,)
    parts = [p for p in _SEPARATORS.split(text.upper()) if p]
    if len(parts) == 1 and parts[0].isalpha() and parts[0].isascii():
        parts = list(parts[0])
    return tuple(parts)


def show_answer(question: Question) -> str:
    """The answer as the editor shows it, which ``parse_answer`` reads back."""
    if question.kind is QuestionKind.TRUE_FALSE and question.answer == ("true",):
        return "对"
    if question.kind is QuestionKind.TRUE_FALSE and question.answer == ("false",):
        return "错"
    return ",".join(question.answer)


def _only(row: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name in names}


def _turn_row(turn: Turn) -> TurnRow:
    return TurnRow(
        key=turn.key,
        parent=turn.parent or "",
        speaker=turn.speaker.value,
        text=turn.text,
        emotion=turn.emotion,
        thought=turn.thought,
        reasons="\n".join(turn.reasons),
        outcome=turn.outcome,
        feeling=turn.feeling,
        start_s="" if turn.start_s is None else f"{turn.start_s:g}",
    )


def _question_row(q: Question) -> QuestionRow:
    return QuestionRow(
        key=q.key,
        kind=q.kind.value,
        prompt=q.prompt,
        turn_key=q.turn_key or "",
        options="\n".join(q.options),
        answer=show_answer(q),
        rubric=q.rubric,
        points=f"{q.points:g}",
    )


def _fresh(prefix: str, keys: list[str]) -> str:
    taken = set(keys)
    numbers = [int(k[len(prefix) :]) for k in keys if re.fullmatch(rf"{prefix}\d{{1,6}}", k)]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _after_subtree(turns: list[TurnRow], index: int) -> int:
    """Where a new reply to ``turns[index]`` goes: after the last row below that turn."""
    parent_of = {t.key: t.parent for t in turns if t.key}
    top = turns[index].key

    def below(key: str) -> bool:
        seen: set[str] = set()
        while key and key not in seen:
            if key == top:
                return True
            seen.add(key)
            key = parent_of.get(key, "")
        return False

    position = index + 1
    for i, turn in enumerate(turns):
        if i > index and turn.key and below(turn.key):
            position = i + 1
    return position


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.splitlines() if line.strip())


def _integer(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


def _number(value: str) -> float | None:
    try:
        number = float(value.strip().replace("，", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None
