"""The stored form of a case: a ``CaseSpec`` as plain JSON-able data and back.

This is how a case version is kept in the database. It is not an import format
(see ``case_json`` for that, which validates untrusted input); it trusts its
input, which examsrv itself wrote.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from examsrv.itembank.case_specs import (
    CaseKind,
    CaseSpec,
    Pool,
    Question,
    QuestionKind,
    Speaker,
    Turn,
)


def spec_to_data(spec: CaseSpec) -> dict[str, Any]:
    data = asdict(spec)
    for name in ("pool", "kind"):
        data[name] = str(data[name])
    for turn in data["turns"]:
        turn["speaker"] = str(turn["speaker"])
        turn["reasons"] = list(turn["reasons"])
    for question in data["questions"]:
        question["kind"] = str(question["kind"])
        question["options"] = list(question["options"])
        question["answer"] = list(question["answer"])
    data["turns"] = list(data["turns"])
    data["questions"] = list(data["questions"])
    return data


def spec_from_data(data: dict[str, Any]) -> CaseSpec:
    turns = tuple(
        Turn(
            key=t["key"],
            speaker=Speaker(t["speaker"]),
            text=t["text"],
            parent=t.get("parent"),
            emotion=t.get("emotion", ""),
            thought=t.get("thought", ""),
            reasons=tuple(t.get("reasons", ())),
            outcome=t.get("outcome", ""),
            feeling=t.get("feeling", ""),
            start_s=t.get("start_s"),
        )
        for t in data["turns"]
    )
    questions = tuple(
        Question(
            key=q["key"],
            kind=QuestionKind(q["kind"]),
            prompt=q["prompt"],
            turn_key=q.get("turn_key"),
            options=tuple(q.get("options", ())),
            answer=tuple(q.get("answer", ())),
            rubric=q.get("rubric", ""),
            points=float(q.get("points", 1.0)),
        )
        for q in data.get("questions", ())
    )
    return CaseSpec(
        key=data["key"],
        title=data["title"],
        level=int(data["level"]),
        category=data["category"],
        pool=Pool(data["pool"]),
        kind=CaseKind(data["kind"]),
        background=data["background"],
        turns=turns,
        questions=questions,
        audio_file=data.get("audio_file"),
        play_once=bool(data.get("play_once", False)),
    )
