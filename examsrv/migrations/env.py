"""Alembic environment: runs migrations on the connection examsrv hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from examsrv.persistence import (  # noqa: F401  (registers the tables)
    case_tables,
    ledger_tables,
    models,
    outbox_tables,
    record_tables,
    sitting_tables,
)

config = context.config
target_metadata = SQLModel.metadata
# The search index (FTS5 tables and their shadows, or article_search) is made by hand in
# migration 0002 and is not in the metadata: autogenerate must leave it alone.
UNMANAGED = ("article_fts", "article_search")


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(UNMANAGED))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
