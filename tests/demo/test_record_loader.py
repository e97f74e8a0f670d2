"""The demo's certification record: every step of the procedure has an application, the
certificates cover valid, superseded and revoked, and loading twice adds nothing."""

from __future__ import annotations

import random

from sqlalchemy import Engine
from sqlmodel import select

from examsrv.demo.record_loader import load
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Employee
from examsrv.persistence.record_tables import Application, Certificate, LevelChange
from tests.record_fixtures import NOW, add_candidate


def test_the_demo_record_shows_every_state(engine: Engine) -> None:
    levels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 3]
    with session_scope(engine) as s:
        for i, level in enumerate(levels):
            add_candidate(s, str(10001 + i), name=f"员工{i}", level=level)
        add_candidate(s, "10030", name="试用", level=0)
    for _ in range(2):
        with session_scope(engine) as s:
            load(s, now=NOW, rng=random.Random(3))
    with session_scope(engine) as s:
        statuses = sorted(a.status for a in s.exec(select(Application)).all())
        assert statuses == ["courses", "passed", "passed", "passed", "review", "submitted", "tests"]
        certs = sorted(c.status for c in s.exec(select(Certificate)).all())
        assert certs == ["revoked", "superseded", "valid"]
        kinds = [c.kind for c in s.exec(select(LevelChange)).all()]
        assert kinds.count("initial") == 11 and kinds.count("correction") == 1
        probationer = s.exec(select(Employee).where(Employee.employee_no == "10030")).one()
        assert probationer.on_probation and probationer.hire_date is not None
