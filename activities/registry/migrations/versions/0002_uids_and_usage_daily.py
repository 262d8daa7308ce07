"""Stable uids for projects and sessions (report files are merged on them), the
`usage_daily` table, where a department registry keeps the usage totals that schools send, and
an index that covers the report's GROUP BY over usage events.

Existing rows get a fresh uid each, before the column becomes required and unique.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("projects", "sessions")
REPORT_INDEX = (
    "kind",
    "activity",
    "device_kind",
    "project_id",
    "occurred_at",
    "cells",
    "errors",
)


def _fill_uids(table: str) -> None:
    connection = op.get_bind()
    ids = connection.execute(sa.text(f"SELECT id FROM {table} WHERE uid IS NULL")).scalars()
    for row_id in list(ids):
        connection.execute(
            sa.text(f"UPDATE {table} SET uid = :uid WHERE id = :id"),
            {"uid": uuid.uuid4().hex, "id": row_id},
        )


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
        _fill_uids(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("uid", existing_type=sa.String(length=32), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_uid"), ["uid"])

    op.create_table(
        "usage_daily",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("device_kind", sa.String(length=40), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("cells", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "events >= 0 AND cells >= 0 AND errors >= 0", name=op.f("ck_usage_daily_counts")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_usage_daily_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "day", "kind", "activity", "device_kind", name=op.f("pk_usage_daily")
        ),
    )

    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.create_index("ix_usage_events_report", list(REPORT_INDEX), unique=False)


def downgrade() -> None:
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_events_report")
    op.drop_table("usage_daily")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_uid"), type_="unique")
            batch_op.drop_column("uid")
