"""The examsrv command, run in-process with click's runner on a temporary database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from examsrv.cli import main
from examsrv.itembank.specs import ArticleSpec, TaskSpec
from examsrv.itembank.spreadsheet import write_bank_xlsx
from examsrv.persistence.engine import make_engine
from examsrv.persistence.models import Article, TrialAttempt, User


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("EXAMSRV_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return url


def run(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_a_usable_bank_and_prints_logins(env: str) -> None:
    output = run("demo")
    assert "demo-2026" in output and "10001" in output and "admin" in output
    with Session(make_engine(env)) as s:
        assert s.exec(select(func.count()).select_from(Article)).one() >= 300
        assert s.exec(select(func.count()).select_from(TrialAttempt)).one() > 0
    assert "already loaded" in run("demo")  # a second run changes nothing


def test_create_user_and_import(env: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    run(
        "create-user",
        "10009",
        "--role",
        "candidate",
        "--name",
        "王五",
        input="s3cret-pw\ns3cret-pw\n",
    )
    with Session(make_engine(env)) as s:
        user = s.exec(select(User).where(User.username == "10009")).one()
        assert user.role == "candidate" and user.employee_id is not None
    bank = tmp_path / "bank.xlsx"
    bank.write_bytes(
        write_bank_xlsx(
            [ArticleSpec("KB-1", "家庭宽带", "宽带移机", "移机费50元。")],
            [TaskSpec("T-1", "宽带移机费多少？", "KB-1", answers=("50元",))],
        )
    )
    assert "articles: 1 added" in run("import", str(bank))


def test_errors_are_reported_without_a_traceback(env: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    bad = tmp_path / "bad.json"
    bad.write_text('{"articles": [{"key": "KB-1"}]}', encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    result = CliRunner().invoke(
        main, ["create-user", "x", "--role", "admin"], input="short\nshort\n"
    )
    assert result.exit_code == 1 and "at least 8" in result.output


def test_settings_lists_every_variable(env: str) -> None:
    output = run("settings")
    assert "EXAMSRV_DATABASE_URL=" + env in output
