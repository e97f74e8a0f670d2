"""The migrations build the tables, columns and indexes the table classes declare.

Column types are not compared: SQLite reports its own type names for the same columns.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

from examsrv.persistence import (  # noqa: F401  (registers every table, as migrations/env.py does)
    case_tables,
    ledger_tables,
    models,
    outbox_tables,
    record_tables,
    sitting_tables,
)

UNMANAGED = ("article_fts", "article_search", "alembic_version")


def _managed(name: str | None, type_: str, _parents: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(UNMANAGED))


def test_migrated_schema_matches_the_table_classes(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": _managed, "compare_type": False}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
