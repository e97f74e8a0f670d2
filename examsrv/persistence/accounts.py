"""Accounts: creating users, checking passwords, and slowing down password guessing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from examsrv.persistence.models import Employee, LoginThrottle, Role, User

# argon2id at OWASP's recommended minimum (19 MiB, 2 passes): about 26 ms of CPU per login
# here instead of about 185 ms and 64 MiB with argon2-cffi's defaults, so a room of
# candidates logging in together does not exhaust the server. Hashes made with other
# parameters are re-hashed with these at the next successful login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A hash to verify against when the username does not exist, so that a login for an
# unknown user costs the same time as one for a known user.
_DUMMY_HASH = _hasher.hash("examsrv-no-such-user")


class AccountError(ValueError):
    """A user cannot be created as asked."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str,
    now: datetime,
    track: str = "呼入",
    level: int = 0,
    password_hash: str | None = None,
) -> User:
    """Create a staff user, or a candidate together with their employee record.

    ``password_hash`` (from ``hash_password``) saves hashing the same password again
    when many accounts share it, as the demo's do.
    """
    username = username.strip()
    if not username or len(username) > 60:
        raise AccountError("username must be 1–60 characters")
    if len(password) < 8:
        raise AccountError("password must be at least 8 characters")
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise AccountError(f"user {username} already exists")
    employee_id = None
    if role == Role.CANDIDATE:
        employee = session.exec(select(Employee).where(Employee.employee_no == username)).first()
        if employee is None:
            employee = Employee(
                employee_no=username,
                name=display_name,
                track=track,
                current_level=level,
                created_at=now,
            )
            session.add(employee)
            session.flush()
        employee_id = employee.id
    user = User(
        username=username,
        display_name=display_name,
        role=role.value,
        password_hash=password_hash or hash_password(password),
        employee_id=employee_id,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    retry_after_s: int = 0  # > 0: refused without checking, the account is locked for now


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    now: datetime,
    max_failures: int,
    lockout_s: int,
) -> LoginResult:
    """Check a password. After ``max_failures`` failures the account is locked for
    ``lockout_s`` seconds, doubling with each further failure; a success resets it."""
    username = username.strip()[:60]
    throttle = session.get(LoginThrottle, username)
    if throttle and throttle.locked_until and _aware(throttle.locked_until) > now:
        wait = int((_aware(throttle.locked_until) - now).total_seconds()) + 1
        return LoginResult(None, retry_after_s=wait)
    user = session.exec(select(User).where(User.username == username)).first()
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password)
    if ok and user is not None and user.active:
        if throttle is not None:
            session.delete(throttle)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            session.add(user)
        return LoginResult(user)
    if throttle is None:
        throttle = LoginThrottle(username=username, failures=0)
    throttle.failures += 1
    over = throttle.failures - max_failures
    if over >= 0:
        throttle.locked_until = now + timedelta(seconds=lockout_s * (2 ** min(over, 10)))
    session.add(throttle)
    return LoginResult(None)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
