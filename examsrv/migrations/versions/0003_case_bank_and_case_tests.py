"""case bank and case tests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 17:06:41.396688
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("live_version_id", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("pool", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("constant_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("studies", sa.Integer(), nullable=False),
        sa.Column("test_uses", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_item_key"), ["key"], unique=True)
        batch_op.create_index(batch_op.f("ix_case_item_level"), ["level"], unique=False)

    op.create_table(
        "case_test_policy",
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("cut_mode", sa.String(length=10), nullable=False),
        sa.Column("cut_value", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("level"),
    )
    op.create_table(
        "media_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_file_name"), ["name"], unique=True)

    op.create_table(
        "case_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("earned", sa.Float(), nullable=True),
        sa.Column("possible", sa.Float(), nullable=True),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("released", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_attempt_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_attempt_status"), ["status"], unique=False)

    op.create_table(
        "case_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "number", name="uq_case_version_number"),
    )
    with op.batch_alter_table("case_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_version_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_version_status"), ["status"], unique=False)

    op.create_table(
        "case_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("given", sa.String(length=2000), nullable=False),
        sa.Column("earned", sa.Float(), nullable=True),
        sa.Column("possible", sa.Float(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("graded_by", sa.String(length=60), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["case_attempt.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["case_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "version_id", "question_key", name="uq_case_answer"),
    )
    with op.batch_alter_table("case_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_answer_attempt_id"), ["attempt_id"], unique=False)

    op.create_table(
        "case_listening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("plays", sa.Integer(), nullable=False),
        sa.Column("listened_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["case_attempt.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["case_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "version_id", name="uq_case_listening"),
    )
    with op.batch_alter_table("case_listening", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_listening_attempt_id"), ["attempt_id"], unique=False
        )

    op.create_table(
        "case_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "user_id", name="uq_case_rating_once"),
    )
    with op.batch_alter_table("case_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_rating_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=60), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["case_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "reviewer", name="uq_case_review_once"),
    )
    with op.batch_alter_table("case_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_review_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_review_version_id"))

    op.drop_table("case_review")
    with op.batch_alter_table("case_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_rating_case_id"))

    op.drop_table("case_rating")
    with op.batch_alter_table("case_listening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_listening_attempt_id"))

    op.drop_table("case_listening")
    with op.batch_alter_table("case_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_answer_attempt_id"))

    op.drop_table("case_answer")
    with op.batch_alter_table("case_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_version_status"))
        batch_op.drop_index(batch_op.f("ix_case_version_case_id"))

    op.drop_table("case_version")
    with op.batch_alter_table("case_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_attempt_status"))
        batch_op.drop_index(batch_op.f("ix_case_attempt_employee_id"))

    op.drop_table("case_attempt")
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_file_name"))

    op.drop_table("media_file")
    op.drop_table("case_test_policy")
    with op.batch_alter_table("case_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_item_level"))
        batch_op.drop_index(batch_op.f("ix_case_item_key"))

    op.drop_table("case_item")
