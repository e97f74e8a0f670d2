"""Password hashes: the current argon2 parameters, and upgrading older hashes at login."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlmodel import Session, select

from examsrv.clock import SystemClock
from examsrv.persistence.accounts import authenticate, create_user
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role, User


def test_an_older_hash_is_upgraded_at_the_next_login(engine: Engine) -> None:
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024).hash("password-1")
    with session_scope(engine) as s:
        create_user(
            s,
            username="10001",
            password="password-1",
            role=Role.CANDIDATE,
            display_name="张三",
            now=SystemClock().now(),
            password_hash=old,
        )
    with session_scope(engine) as s:
        result = authenticate(
            s, "10001", "password-1", now=SystemClock().now(), max_failures=5, lockout_s=30
        )
        assert result.user is not None
    with Session(engine) as s:
        stored = s.exec(select(User.password_hash)).one()
    assert stored != old and "m=19456,t=2,p=1" in stored
