"""Settings: read from the environment, each one documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from examsrv.cli import main
from examsrv.settings import Settings, env_name

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_values_come_from_the_environment_and_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("EXAMSRV_PORT=9001\nEXAMSRV_TRIAL_TASK_COUNT=50\n# comment\n")
    s = Settings.from_env(
        {
            "EXAMSRV_PORT": "9002",
            "EXAMSRV_HTTPS_ONLY": "yes",
            "EXAMSRV_NETWORK_ALLOWANCE_CAP_MS": "12.5",
        },
        env_file=env_file,
    )
    assert s.port == 9002  # the environment wins over the file
    assert s.trial_task_count == 50
    assert s.https_only is True
    assert s.network_allowance_cap_ms == 12.5


def test_a_bad_value_names_its_variable() -> None:
    with pytest.raises(ValueError, match="EXAMSRV_PORT"):
        Settings.from_env({"EXAMSRV_PORT": "eighty"}, env_file=None)
    with pytest.raises(ValueError, match="EXAMSRV_HTTPS_ONLY"):
        Settings.from_env({"EXAMSRV_HTTPS_ONLY": "perhaps"}, env_file=None)


def test_every_setting_is_documented_with_its_default() -> None:
    text = DOCS.read_text(encoding="utf-8")
    defaults = Settings()
    missing = []
    for f in fields(Settings):
        row = next((line for line in text.splitlines() if f"`{env_name(f)}`" in line), None)
        default = getattr(defaults, f.name)
        if row is None or (default != "" and f"`{default}`" not in row):
            missing.append(env_name(f))
    assert missing == []


def test_documented_settings_all_exist() -> None:
    text = DOCS.read_text(encoding="utf-8")
    declared = {env_name(f) for f in fields(Settings)}
    documented = set(re.findall(r"EXAMSRV_[A-Z0-9_]+", text))
    assert documented <= declared


def test_secrets_are_masked_and_help_lists_every_setting() -> None:
    rows = Settings(secret_key="hush").describe()
    assert rows[1][:2] == ("EXAMSRV_SECRET_KEY", "(set)")
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for f in fields(Settings):
        assert env_name(f) in result.output
