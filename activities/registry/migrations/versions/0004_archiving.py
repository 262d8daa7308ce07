"""What went out in a report file is archived, never deleted: schools, projects, groups,
sessions and equipment get `exported_at` (set by `export-report`) and `archived_at` (set when
such a row is deleted). Existing rows are neither: nothing says they were ever exported.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("schools", "projects", "groups", "sessions", "equipment")
COLUMNS = ("exported_at", "archived_at")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in COLUMNS:
                batch_op.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in COLUMNS:
                batch_op.drop_column(column)
