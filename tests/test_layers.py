"""The layers of docs/architecture.md, kept by walking the imports."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "examsrv"
DOMAIN = ("timing", "itembank", "certification", "proctoring")
FORBIDDEN_FOR_DOMAIN = ("examsrv.web", "examsrv.persistence", "examsrv.app", "examsrv.cli")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_packages_import_neither_web_nor_persistence() -> None:
    offending = []
    for package in DOMAIN:
        for path in (PACKAGE / package).rglob("*.py"):
            for name in imports_of(path):
                if name.startswith(FORBIDDEN_FOR_DOMAIN):
                    offending.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offending == []


def test_persistence_does_not_import_the_web_layer() -> None:
    offending = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / "persistence").rglob("*.py")
        for name in imports_of(path)
        if name.startswith("examsrv.web")
    ]
    assert offending == []


def test_domain_packages_read_no_clock_and_no_global_random() -> None:
    offending = []
    for package in DOMAIN:
        for path in (PACKAGE / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for needle in ("time.time(", "time.monotonic", "datetime.now(", "random.random("):
                if needle in source:
                    offending.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert offending == []
