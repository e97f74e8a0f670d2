"""Every setting of examsrv, declared once: a field with its default and a line of help.

Settings are read from ``EXAMSRV_<NAME>`` environment variables (and from a
``.env`` file in the working directory, if there is one; the environment wins).
``examsrv settings`` prints them all; ``docs/settings.md`` documents them and a
test fails when the two drift apart.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any

PREFIX = "EXAMSRV_"


def setting(default: Any, help: str, *, secret: bool = False) -> Any:
    """Declare one setting: its default and the line of help shown to operators."""
    return field(default=default, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    """The resolved settings. Build with ``Settings.from_env()``, or directly in tests."""

    database_url: str = setting(
        "sqlite:///examsrv.db",
        "SQLAlchemy URL of the database: sqlite:///path.db (the embedded default) or "
        "postgresql+psycopg://user@host:5432/db.",
    )
    secret_key: str = setting(
        "",
        "Key that signs session cookies. Empty: a random key per process, so sessions do not "
        "survive a restart and several workers cannot share them. Set it in production.",
        secret=True,
    )
    host: str = setting("127.0.0.1", "Address `examsrv serve` listens on.")
    port: int = setting(8000, "Port `examsrv serve` listens on.")
    https_only: bool = setting(False, "Mark session cookies Secure (set when served over HTTPS).")
    default_locale: str = setting(
        "zh_CN", "Interface language when the user has not chosen one: zh_CN or en."
    )
    trial_task_count: int = setting(100, "Number of lookup tasks in a trial.")
    trial_recent_attempts: int = setting(
        3,
        "Tasks seen in this many of the candidate's latest trials are avoided when a new "
        "form is drawn.",
    )
    trial_max_minutes: int = setting(
        30,
        "A trial whose connected time passes this many minutes is ended and graded as incomplete.",
    )
    network_allowance_cap_ms: float = setting(
        50.0,
        "Upper bound of the per-task network share subtracted from a task's raw server time, "
        "whatever round-trip time the connection showed.",
    )
    max_frame_bytes: int = setting(
        4096, "Largest websocket message a candidate may send; larger ones are refused."
    )
    writer_batch_max: int = setting(
        512, "Most answers the durable writer commits in one transaction."
    )
    sqlite_synchronous: str = setting(
        "FULL",
        "SQLite `synchronous` pragma: FULL survives power loss; NORMAL survives a crashed "
        "process but may lose the last commits on power loss.",
    )
    login_max_failures: int = setting(
        5, "Failed logins for one account before further attempts are slowed down."
    )
    login_lockout_seconds: int = setting(
        30, "First lockout after too many failed logins; it doubles with each further failure."
    )
    case_reviewers_required: int = setting(
        3, "Approvals a new or changed case needs from reviewers before it goes live."
    )
    case_capacity: int = setting(
        120, "Most live cases a level-and-category holds before upkeep suggests retiring some."
    )
    media_max_bytes: int = setting(
        20 * 1024 * 1024, "Largest call recording accepted for a voice case, in bytes."
    )
    case_deadline_sweep_seconds: int = setting(
        15, "How often the server submits case tests whose deadline has passed."
    )
    upload_max_bytes: int = setting(
        20 * 1024 * 1024, "Largest spreadsheet or JSON file accepted for import, in bytes."
    )
    redis_url: str = setting(
        "",
        "Redis URL (redis://host:6379/0) through which several server processes share live "
        "events: proctor actions, candidate progress and the one-connection-per-attempt rule. "
        "Empty: one process works alone.",
    )
    redis_prefix: str = setting(
        "examsrv:",
        "Prefix of every Redis key and channel examsrv uses. Servers sharing live events must "
        "have the same prefix; two deployments sharing one Redis (say, staging and "
        "production) must have different ones.",
    )
    self_start_tests: bool = setting(
        True,
        "Let candidates start a lookup trial or case test on their own, outside a proctored "
        "sitting. Set false where every test must be taken in a sitting.",
    )
    answer_floor_ms: int = setting(
        500,
        "A lookup answer given faster than this many milliseconds after its task was shown is "
        "reported to the proctor as faster than a human could find it. Keep it well below "
        "the fastest level band's time per task (120 s for 100 tasks: 1.2 s each).",
    )
    hr_webhook_url: str = setting(
        "",
        "HR endpoint that receives every final result and level change as a signed JSON POST. "
        "Empty: events are kept in the outbox and not sent.",
    )
    hr_webhook_secret: str = setting(
        "", "Shared key of the HMAC-SHA256 signature on every HR webhook body.", secret=True
    )
    hr_webhook_timeout_s: float = setting(
        10.0, "Seconds to wait for the HR endpoint before a delivery counts as failed."
    )
    hr_webhook_max_attempts: int = setting(
        12,
        "Deliveries of one event before it is parked as failed for an administrator to replay.",
    )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update(_read_env_file(env_file))
        values.update(os.environ if environ is None else environ)
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            name = env_name(f)
            if name in values:
                try:
                    kwargs[f.name] = _parse(f, values[name])
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from exc
        return cls(**kwargs)

    def describe(self) -> list[tuple[str, str, str]]:
        """(environment variable, current value, help) for each setting; secrets masked."""
        rows = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata["secret"]:
                shown = "(set)" if value else "(unset)"
            else:
                shown = str(value)
            rows.append((env_name(f), shown, str(f.metadata["help"])))
        return rows


def env_name(f: Field[Any]) -> str:
    return PREFIX + f.name.upper()


def _parse(f: Field[Any], raw: str) -> Any:
    kind = f.type if isinstance(f.type, str) else f.type.__name__
    if kind == "bool":
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"not a boolean: {raw!r}")
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    return raw


def _read_env_file(path: Path) -> dict[str, str]:
    result: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        result[key.strip()] = value.strip().strip('"').strip("'")
    return result
