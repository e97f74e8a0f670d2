"""The case-bank part of the demo: generated cases made live through three reviewers'
approvals, their call recordings, and a history of graded case tests so that the
grading queue, the cohort's pass score and the item statistics have data."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from examsrv.demo.case_audio import write_voice_audio
from examsrv.demo.case_bank import generate_cases
from examsrv.itembank.case_specs import Question, QuestionKind
from examsrv.itembank.recordings import wav_duration_s
from examsrv.persistence.case_bank import review, save_version, store_media
from examsrv.persistence.case_tables import CaseAnswer
from examsrv.persistence.case_tests import (
    FormCase,
    form_of,
    grade_free_text,
    save_answer,
    start_case_test,
    submit,
)
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee

REVIEWERS = ("admin", "author", "reviewer")  # three approvals, as the bank requires
PAST_CASE_TESTS = 16


def load_case_bank(engine: Engine, *, now: datetime, per_level_pool: int = 12) -> int:
    """Load the demo cases, approve them and store their recordings; returns the count."""
    cases = generate_cases(per_level_pool)
    with tempfile.TemporaryDirectory() as tmp, session_scope(engine) as s:
        for spec in cases:
            version = save_version(s, spec, actor="demo", now=now, submit=True)
            if version is None or version.id is None:
                continue  # already loaded, unchanged
            for reviewer in REVIEWERS:
                review(
                    s,
                    version.id,
                    reviewer=reviewer,
                    approve=True,
                    comment="",
                    required=len(REVIEWERS),
                    now=now,
                )
            if spec.audio_file:
                data = write_voice_audio(spec, Path(tmp)).read_bytes()
                store_media(
                    s,
                    spec.audio_file,
                    data,
                    content_type="audio/wav",
                    duration_s=wav_duration_s(data),
                    actor="demo",
                    now=now,
                )
    return len(cases)


def simulate_case_tests(engine: Engine, *, now: datetime) -> int:
    """Past promotion tests of level-0 and level-1 candidates, answered and graded."""
    rng = random.Random(23)
    with session_scope(engine) as s:
        employees = s.exec(
            select(Employee).where(Employee.current_level <= 1).order_by(col(Employee.id))
        ).all()
        candidates = [(e.id or 0, e.current_level) for e in employees][:PAST_CASE_TESTS]
    for employee_id, level in candidates:
        when = now - timedelta(days=rng.randint(5, 40))
        skill = rng.uniform(0.45, 0.95)
        with session_scope(engine) as s:
            attempt = start_case_test(s, employee_id, level + 1, now=when, seed_source=rng)
            form = form_of(s, attempt)
            for case in form:
                for question in case.spec.questions:
                    given = _answer(question, rng, skill)
                    save_answer(s, attempt, form, case.version_id, question.key, given, now=when)
            submit(s, attempt.id or 0, now=when + timedelta(minutes=40), by="candidate")
            _grade_free_text(s, attempt.id or 0, form, rng, skill, when + timedelta(days=1))
    return len(candidates)


def _answer(question: Question, rng: random.Random, skill: float) -> str:
    if question.kind == QuestionKind.FREE_TEXT:
        return "先安抚客户情绪，再核实情况，给出解决方案并确认客户满意。"
    if rng.random() < skill:
        return "".join(question.answer)
    if question.kind == QuestionKind.TRUE_FALSE:
        return "false" if question.answer == ("true",) else "true"
    return rng.choice("ABCDEFGH"[: len(question.options)])


def _grade_free_text(
    s: Session,
    attempt_id: int,
    form: Sequence[FormCase],
    rng: random.Random,
    skill: float,
    when: datetime,
) -> None:
    points = {(c.version_id, q.key): q.points for c in form for q in c.spec.questions}
    pending = s.exec(
        select(CaseAnswer)
        .where(CaseAnswer.attempt_id == attempt_id)
        .where(col(CaseAnswer.earned).is_(None))
    ).all()
    for answer in pending:
        top = points[(answer.version_id, answer.question_key)]
        awarded = round(top * min(1.0, max(0.0, rng.gauss(skill, 0.15))))
        grade_free_text(s, answer.id or 0, awarded, grader="reviewer", now=when)
