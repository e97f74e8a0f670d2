"""The start-cost harness, small: every start is made and written, and a cost is read.

No figure of speed is asserted (docs/performance.md has those).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_start_is_connected_once_and_costed(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "loadtests.start_cost", "--starts", "6", "--parallel", "2"]
    done = subprocess.run(
        [*argv, "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["starts"] == 6
    assert report["database"] == {"attempts connected once": 6, "connected events": 6}
    for phase in ("POST /trial/start", "connect to first task"):
        assert report[phase]["cpu_ms_each"] > 0
    whole = report["whole start"]["cpu_ms_each"]
    parts = (
        report["POST /trial/start"]["cpu_ms_each"] + report["connect to first task"]["cpu_ms_each"]
    )
    assert abs(whole - parts) < 0.05
