"""knowledge-base search index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

The index holds, per article, two columns of tokens made by
``examsrv.itembank.search_text.document_columns``: single characters (g1) and
overlapping bigrams (g2). SQLite keeps them in an FTS5 table whose rowid is the
article id; PostgreSQL keeps them as two ``tsvector`` columns with GIN indexes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE article_fts USING fts5("
            "g1, g2, tokenize = 'unicode61 remove_diacritics 0')"
        )
        return
    op.create_table(
        "article_search",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("g1", sa.dialects.postgresql.TSVECTOR(), nullable=False),
        sa.Column("g2", sa.dialects.postgresql.TSVECTOR(), nullable=False),
    )
    op.execute("CREATE INDEX ix_article_search_g1 ON article_search USING gin (g1)")
    op.execute("CREATE INDEX ix_article_search_g2 ON article_search USING gin (g2)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE article_fts")
    else:
        op.drop_table("article_search")
