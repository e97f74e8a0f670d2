"""points ledger and appeals

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "points_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("source_ref", sa.String(length=100), nullable=False),
        sa.Column("entered_by", sa.String(length=60), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("award_key", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["corrects_id"], ["points_entry.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("award_key"),
    )
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_entry_employee_id"), ["employee_id"])

    op.create_table(
        "mentorship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_level_at_start", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("ended_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["mentor_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["apprentice_id"], ["employee.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mentorship", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentorship_mentor_id"), ["mentor_id"])
        batch_op.create_index(batch_op.f("ix_mentorship_apprentice_id"), ["apprentice_id"])

    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("remedy", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=2000), nullable=False),
        sa.Column("filed_by", sa.String(length=60), nullable=False),
        sa.Column("filed_at", UTC, nullable=False),
        sa.Column("decided_by", sa.String(length=60), nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("regrade_evidence_id", sa.Integer(), nullable=True),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["regrade_evidence_id"], ["level_evidence.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_key"),
    )
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_employee_id"), ["employee_id"])
        batch_op.create_index(batch_op.f("ix_appeal_status"), ["status"])

    op.create_table(
        "appeal_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appeal_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_step_appeal_id"), ["appeal_id"])

    op.create_table(
        "retake_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("granted_at", UTC, nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.Column("used_attempt_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeal.id"]),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("appeal_id"),
    )
    with op.batch_alter_table("retake_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retake_grant_employee_id"), ["employee_id"])


def downgrade() -> None:
    op.drop_table("retake_grant")
    op.drop_table("appeal_step")
    op.drop_table("appeal")
    op.drop_table("mentorship")
    op.drop_table("points_entry")
