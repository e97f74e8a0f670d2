"""proctored sittings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 19:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _utc(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sitting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("test", sa.String(length=10), nullable=False),
        sa.Column("case_level", sa.Integer(), nullable=True),
        sa.Column("room", sa.String(length=80), nullable=False),
        _utc("opens_at", nullable=False),
        _utc("closes_at", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("release_rule", sa.String(length=12), nullable=False),
        _utc("released_at"),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sitting_status", "sitting", ["status"])
    op.create_table(
        "sitting_proctor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), sa.ForeignKey("sitting.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sitting_id", "user_id", name="uq_sitting_proctor"),
    )
    op.create_index("ix_sitting_proctor_sitting_id", "sitting_proctor", ["sitting_id"])
    op.create_index("ix_sitting_proctor_user_id", "sitting_proctor", ["user_id"])
    op.create_table(
        "seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), sa.ForeignKey("sitting.id"), nullable=False),
        sa.Column("employee_id", sa.Integer(), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        _utc("checked_in_at"),
        sa.Column("attempt_kind", sa.String(length=10), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        _utc("started_at"),
        _utc("paused_at"),
        sa.Column("pause_reason", sa.String(length=200), nullable=False),
        sa.Column("paused_ms", sa.Integer(), nullable=False),
        sa.Column("extra_ms", sa.Integer(), nullable=False),
        _utc("finished_at"),
        _utc("voided_at"),
        sa.Column("void_reason", sa.String(length=200), nullable=False),
        sa.Column("moves", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sitting_id", "employee_id", name="uq_seat_employee"),
    )
    op.create_index("ix_seat_sitting_id", "seat", ["sitting_id"])
    op.create_index("ix_seat_employee_id", "seat", ["employee_id"])
    op.create_index("ix_seat_attempt", "seat", ["attempt_kind", "attempt_id"])
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("seat_id", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_event_seat_id", ["seat_id"])
    with op.batch_alter_table("trial_attempt") as batch:
        batch.add_column(sa.Column("carry_seq", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("carry_ms", sa.Float(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("trial_attempt") as batch:
        batch.drop_column("carry_ms")
        batch.drop_column("carry_seq")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_index("ix_audit_event_seat_id")
        batch.drop_column("seat_id")
    op.drop_table("seat")
    op.drop_table("sitting_proctor")
    op.drop_table("sitting")
