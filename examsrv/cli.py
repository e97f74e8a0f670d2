"""The ``examsrv`` command: ``serve``, ``db upgrade``, ``demo``, ``import``,
``create-user`` and ``settings``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from examsrv import __version__
from examsrv.clock import SystemClock
from examsrv.persistence.engine import make_engine, session_scope
from examsrv.persistence.migrate import upgrade
from examsrv.persistence.models import Role
from examsrv.settings import Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _settings_help() -> str:
    lines = ["Settings (environment variables):", ""]
    for env, _value, help_text in Settings().describe():
        lines.append(f"\b\n  {env}\n      {help_text}")
    return "\n".join(lines)


@click.group(epilog=_settings_help())
@click.version_option(__version__, prog_name="examsrv")
def main() -> None:
    """examsrv: timed exams and lookup-speed trials for CSR certification."""


@main.command()
@click.option("--host", default=None, help="Listen address (default: EXAMSRV_HOST).")
@click.option("--port", default=None, type=int, help="Port (default: EXAMSRV_PORT).")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Log every request (turn off on exam days to save CPU).",
)
@click.option(
    "--ws",
    "ws_impl",
    type=click.Choice(["auto", "websockets", "websockets-sansio", "wsproto"]),
    default="auto",
    show_default=True,
    help="uvicorn's websocket implementation (auto: websockets-sansio; see docs/performance.md).",
)
def serve(
    host: str | None, port: int | None, workers: int, reload: bool, access_log: bool, ws_impl: str
) -> None:
    """Serve examsrv over HTTP and websockets."""
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "examsrv.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        ws_max_size=64 * 1024,
        proxy_headers=True,
        access_log=access_log,
        ws=ws_impl,
    )


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring its schema to the newest version."""
    settings = _settings()
    upgrade(make_engine(settings.database_url))
    click.echo("database is up to date")


@main.command()
@click.option("--reset", is_flag=True, help="Replace the bank even if one is loaded already.")
def demo(reset: bool) -> None:
    """Load realistic demo data and print the demo logins."""
    from examsrv.demo.loader import load_demo

    settings = _settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    report = load_demo(engine, clock=SystemClock(), reset=reset)
    click.echo(report)


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True, help="Recorded as the author.")
def import_bank(path: Path, actor: str) -> None:
    """Import knowledge-base articles and lookup tasks from an .xlsx or .json file."""
    from examsrv.itembank.bank_json import read_bank_json
    from examsrv.itembank.spreadsheet import read_bank_xlsx
    from examsrv.persistence.knowledge import apply_bank, article_keys

    settings = _settings()
    engine = make_engine(settings.database_url)
    data = path.read_bytes()
    if len(data) > settings.upload_max_bytes:
        raise click.ClickException(f"{path} is larger than {settings.upload_max_bytes} bytes")
    with session_scope(engine) as s:
        known = article_keys(s)
        parsed = (read_bank_json if path.suffix.lower() == ".json" else read_bank_xlsx)(data, known)
        if not parsed.ok:
            for e in parsed.errors:
                where = f"{e.sheet} row {e.row}" + (f" [{e.column}]" if e.column else "")
                click.echo(f"{where}: {e.message}", err=True)
            raise click.ClickException(f"{len(parsed.errors)} error(s); nothing was imported")
        change = apply_bank(s, parsed.articles, parsed.tasks, actor=actor, now=SystemClock().now())
    click.echo(
        f"articles: {change.articles_added} added, {change.articles_updated} updated; "
        f"tasks: {change.tasks_added} added, {change.tasks_updated} updated"
    )


@main.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: username).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--level", default=0, show_default=True, help="Current level (candidates).")
def create_user_cmd(
    username: str, role: str, display_name: str | None, password: str, level: int
) -> None:
    """Create a user. A candidate's USERNAME is their employee id (工号)."""
    from examsrv.persistence.accounts import AccountError, create_user

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as s:
            create_user(
                s,
                username=username,
                password=password,
                role=Role(role),
                display_name=display_name or username,
                now=SystemClock().now(),
                level=level,
            )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} {username}")


@main.command("settings")
def settings_cmd() -> None:
    """Print every setting with its current value and help."""
    for env, value, help_text in _settings().describe():
        click.echo(f"{env}={value}\n    {help_text}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
