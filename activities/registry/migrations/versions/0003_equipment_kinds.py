"""Equipment kinds become a controlled vocabulary (`activities.registry.kinds`): the free text
typed so far (« micro:bit », « microbit », « Maqueen Lite ») is mapped once to the known codes,
and what matches no known kind becomes « autre » with its text kept in the new `label` column.
Session devices are mapped the same way; two rows of one session that now name one kind are
merged, their quantities added. The texts that matched no known kind are handed back to
`migrate.upgrade` (config attribute `unmapped_kinds`), which reports them.

The mapping uses the vocabulary of the code that runs the migration: a later release that
knows more kinds maps more, and nothing here depends on a vocabulary frozen at this revision.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import context, op

from activities.registry.kinds import OTHER, equipment_kind

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _unmapped() -> set[str]:
    return context.config.attributes.setdefault("unmapped_kinds", set())


def _code(text: str) -> tuple[str, str | None]:
    code, label = equipment_kind(text) if text.strip() else (OTHER, "?")
    if code == OTHER:
        _unmapped().add(text)
    return code, label


def upgrade() -> None:
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=100), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, kind FROM equipment")).all()
    for row_id, kind in rows:
        code, label = _code(kind)
        connection.execute(
            sa.text("UPDATE equipment SET kind = :kind, label = :label WHERE id = :id"),
            {"kind": code, "label": label, "id": row_id},
        )
    devices = connection.execute(
        sa.text("SELECT session_id, kind, quantity FROM session_devices")
    ).all()
    merged: dict[tuple[int, str], int] = defaultdict(int)
    for session_id, kind, quantity in devices:
        merged[(session_id, _code(kind)[0])] += quantity
    if devices:
        connection.execute(sa.text("DELETE FROM session_devices"))
        connection.execute(
            sa.text(
                "INSERT INTO session_devices (session_id, kind, quantity) "
                "VALUES (:session_id, :kind, :quantity)"
            ),
            [{"session_id": s, "kind": k, "quantity": q} for (s, k), q in merged.items()],
        )


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.text("UPDATE equipment SET kind = SUBSTR(label, 1, 40) WHERE label IS NOT NULL")
    )
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.drop_column("label")
