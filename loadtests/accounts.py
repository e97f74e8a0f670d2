"""Candidate accounts for a load test, created in bulk.

``examsrv.persistence.accounts.create_user`` hashes each password with argon2
(about 0.3 s of CPU here), which would take half an hour for 5,000 candidates. So
the password is hashed once and the same hash is stored for every account; the
rows are the ones ``create_user`` would write (an ``employee`` and a ``user``).

A login verifies that hash on the server (argon2 again, about 0.2 s of CPU), so
thousands of logins take minutes on two cores. ``with_sessions`` therefore also
makes each candidate's session cookie in advance, signed with the server's secret
key exactly as Starlette's ``SessionMiddleware`` does, for runs that model
candidates who logged in before the load under test (``--login cookie``).
"""

from __future__ import annotations

import json
import secrets
from base64 import b64encode
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import itsdangerous
from sqlalchemy import Engine, insert, select

from examsrv.persistence.accounts import hash_password
from examsrv.persistence.models import Employee, Role, User
from examsrv.web.security import SessionUser
from loadtests.trial_client import Account

PASSWORD = "loadtest-2026"


def create_candidates(engine: Engine, count: int, *, now: datetime) -> list[SessionUser]:
    """``count`` candidates ``lt00000``…, all with the password ``PASSWORD``."""
    hashed = hash_password(PASSWORD)
    names = [f"lt{i:05d}" for i in range(count)]
    employees = Employee.__table__  # type: ignore[attr-defined]
    users = User.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            insert(employees),
            [
                {
                    "employee_no": n,
                    "name": f"压测{n}",
                    "track": "呼入",
                    "current_level": 0,
                    "created_at": now,
                }
                for n in names
            ],
        )
        ids: dict[str, int] = dict(
            conn.execute(select(employees.c.employee_no, employees.c.id)).all()
        )
        conn.execute(
            insert(users),
            [
                {
                    "username": n,
                    "display_name": f"压测{n}",
                    "role": Role.CANDIDATE.value,
                    "password_hash": hashed,
                    "employee_id": ids[n],
                    "active": True,
                    "created_at": now,
                }
                for n in names
            ],
        )
        rows = conn.execute(
            select(users.c.id, users.c.username, users.c.display_name, users.c.employee_id)
            .where(users.c.username.in_(names))
            .order_by(users.c.username)
        ).all()
    return [
        SessionUser(uid, name, Role.CANDIDATE, display, emp) for uid, name, display, emp in rows
    ]


def session_cookie(user: SessionUser, secret_key: str) -> tuple[str, str]:
    """A signed ``examsrv_session`` cookie for ``user`` and the CSRF token inside it."""
    csrf = secrets.token_urlsafe(24)
    data = b64encode(json.dumps({"user": user.to_session(), "csrf": csrf}).encode())
    return itsdangerous.TimestampSigner(secret_key).sign(data).decode(), csrf


def write_accounts(
    path: Path, users: list[SessionUser], *, secret_key: str, with_sessions: bool
) -> None:
    """JSON lines of accounts for the Locust users (``--accounts-file``)."""
    with path.open("w", encoding="utf-8") as f:
        for user in users:
            cookie, csrf = session_cookie(user, secret_key) if with_sessions else ("", "")
            account = Account(user.username, PASSWORD, cookie, csrf)
            f.write(json.dumps(asdict(account)) + "\n")
