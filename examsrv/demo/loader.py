"""Loading the demo: the generated knowledge base and tasks, staff and candidate
accounts, and a history of past trials so that every page has something to show.

Everything is deterministic (fixed seeds); only ``now`` comes from the clock.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import select

from examsrv.clock import Clock
from examsrv.demo import ledger_loader, record_loader, sitting_loader
from examsrv.demo.case_loader import load_case_bank, simulate_case_tests
from examsrv.demo.knowledge_base import generate_articles, generate_tasks
from examsrv.persistence.accounts import create_user, hash_password
from examsrv.persistence.engine import session_scope
from examsrv.persistence.knowledge import apply_bank
from examsrv.persistence.models import AttemptStatus, Role, TrialAnswer, User
from examsrv.persistence.trials import finish_attempt, start_attempt, tasks_by_id

DEMO_PASSWORD = "demo-2026"
STAFF = (
    ("admin", Role.ADMIN, "系统管理员 王敏"),
    ("author", Role.AUTHOR, "内训师 李静"),
    ("proctor", Role.PROCTOR, "值班经理 赵强"),
    ("hr", Role.HR, "人力资源部 陈芳"),
    ("reviewer", Role.AUTHOR, "认证评审组 周伟"),
    ("approver", Role.APPROVER, "认证领导小组 孙宏"),
)
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ("丽", "娜", "敏", "静", "婷", "雪", "磊", "洋", "杰", "鹏", "慧", "颖", "晨", "宇", "欣")
CANDIDATES = 30
PAST_TRIALS = 24


def load_demo(engine: Engine, *, clock: Clock, reset: bool = False) -> str:
    now = clock.now()
    with session_scope(engine) as s:
        loaded = s.exec(select(User).where(User.username == "admin")).first() is not None
    if loaded and not reset:
        return _logins("The demo data was already loaded; logins:")
    articles = generate_articles()
    tasks = generate_tasks(articles)
    with session_scope(engine) as s:
        apply_bank(s, articles, tasks, actor="demo", now=now)
        if not loaded:
            shared_hash = hash_password(DEMO_PASSWORD)  # one hash: every account shares it
            for username, role, name in STAFF:
                create_user(
                    s,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    display_name=name,
                    now=now,
                    password_hash=shared_hash,
                )
            rng = random.Random(7)
            for i in range(CANDIDATES):
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                create_user(
                    s,
                    username=str(10001 + i),
                    password=DEMO_PASSWORD,
                    role=Role.CANDIDATE,
                    display_name=name,
                    now=now,
                    level=rng.choice((0, 0, 1, 1, 2, 3)),
                    password_hash=shared_hash,
                )
    cases = load_case_bank(engine, now=now)
    case_tests = 0
    if not loaded:
        _past_trials(engine, clock)
        case_tests = simulate_case_tests(engine, now=now)
        # The certification record, the points ledger and the sittings, in that order: the
        # ledger reads the record's level changes, the sittings need nothing of either.
        for loader in (record_loader, ledger_loader, sitting_loader):
            with session_scope(engine) as s:
                loader.load(s, now=now, rng=random.Random(2026))
    return _logins(
        f"Demo data loaded: {len(articles)} articles, {len(tasks)} lookup tasks, "
        f"{cases} cases, {len(STAFF)} staff, {CANDIDATES} candidates, {PAST_TRIALS} past "
        f"trials, {case_tests} past case tests; certification records, points, appeals and "
        f"three proctored sittings (one open now, run by `proctor`)."
    )


def _past_trials(engine: Engine, clock: Clock) -> None:
    """Simulate finished trials with plausible timings (about 1.5 s a task)."""
    rng = random.Random(11)
    for n in range(PAST_TRIALS):
        employee_no = str(10001 + n % 20)
        # Calibrated on DOMAIN.md: about 70 % finish within 150 s, about 15 % within 120 s.
        speed = min(max(rng.gauss(1.2, 0.13), 0.9), 1.7)  # mean seconds per task
        accuracy = rng.uniform(0.92, 1.0)
        when = clock.now() - timedelta(days=rng.randint(3, 60), minutes=rng.randint(0, 600))
        with session_scope(engine) as s:
            user = s.exec(select(User).where(User.username == employee_no)).one()
            assert user.employee_id is not None
            attempt = start_attempt(
                s,
                user.employee_id,
                task_count=100,
                recent_attempts=3,
                now=when,
                seed_source=rng,
            )
            assert attempt.id is not None
            by_id = tasks_by_id(s, attempt.form)
            for seq, task_id in enumerate(attempt.form, start=1):
                raw = max(rng.lognormvariate(0, 0.25) * speed * 1000, 350.0)
                correct = rng.random() < accuracy
                key = by_id[task_id].answers[0] if by_id[task_id].answers else ""
                s.add(
                    TrialAnswer(
                        attempt_id=attempt.id,
                        seq=seq,
                        task_id=task_id,
                        given=key if correct else "不清楚",
                        correct=correct,
                        raw_ms=round(raw, 3),
                        network_ms=0.8,
                        resumed=False,
                        received_at=when + timedelta(seconds=seq * speed),
                    )
                )
            s.flush()
            finish_attempt(
                s,
                attempt.id,
                status=AttemptStatus.FINISHED,
                now=when + timedelta(seconds=100 * speed),
            )


def _logins(title: str) -> str:
    lines = [title, "", "Demo logins (password for every account: " + DEMO_PASSWORD + "):"]
    for username, role, name in STAFF:
        lines.append(f"  {role.value:<10} {username:<10} {name}")
    lines.append(f"  {'candidate':<10} 10001 … {10000 + CANDIDATES} (employee ids, 工号)")
    lines.append("")
    lines.append("Open http://127.0.0.1:8000 and log in.")
    return "\n".join(lines)
