"""Initial registry schema: schools, dossiers and their equipment lines, projects with their
teachers (initials), dossiers, equipment, groups (counts only), sessions and usage events.

Revision ID: 0001
Revises: none
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("uai", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("commune", sa.String(length=200), nullable=False),
        sa.Column("degree", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.CheckConstraint("degree IN (1, 2)", name=op.f("ck_schools_degree")),
        sa.PrimaryKeyConstraint("uai", name=op.f("pk_schools")),
    )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schools_department"), ["department"], unique=False)

    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("demarche", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("school_uai", sa.String(length=8), nullable=True),
        sa.Column("deposited_on", sa.Date(), nullable=True),
        sa.Column("processed_on", sa.Date(), nullable=True),
        sa.Column("requested_cents", sa.BigInteger(), nullable=True),
        sa.Column("granted_cents", sa.BigInteger(), nullable=True),
        sa.Column("cofinancer", sa.String(length=200), nullable=True),
        sa.Column("cofinancing_cents", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "state IN ('brouillon', 'en_construction', 'en_instruction', "
            "'accepte', 'refuse', 'sans_suite')",
            name=op.f("ck_dossiers_state"),
        ),
        sa.ForeignKeyConstraint(
            ["school_uai"], ["schools.uai"], name=op.f("fk_dossiers_school_uai_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("number", name=op.f("uq_dossiers_number")),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossiers_demarche"), ["demarche"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_uai"], ["schools.uai"], name=op.f("fk_projects_school_uai_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_school_uai"), ["school_uai"], unique=False)

    op.create_table(
        "dossier_equipment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost_cents", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_dossier_equipment_lines_quantity")),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_equipment_lines_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_equipment_lines")),
    )
    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("identifier", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_equipment_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment")),
        sa.UniqueConstraint("project_id", "kind", "identifier", name="uq_equipment"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("girls", sa.Integer(), nullable=False),
        sa.CheckConstraint("girls >= 0 AND girls <= size", name=op.f("ck_groups_girls")),
        sa.CheckConstraint("size > 0", name=op.f("ck_groups_size")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_groups_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("project_id", "name", name="uq_groups_project_name"),
    )
    op.create_table(
        "project_dossiers",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_project_dossiers_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_dossiers_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "dossier_id", name=op.f("pk_project_dossiers")),
    )
    op.create_table(
        "project_teachers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("initials", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_teachers_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_teachers")),
    )
    op.create_table(
        "usage_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=True),
        sa.Column("device_kind", sa.String(length=40), nullable=True),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cells >= 0 AND errors >= 0", name=op.f("ck_usage_events_counts")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_usage_events_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_events")),
    )
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_events_project_time", ["project_id", "occurred_at"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_sessions_minutes")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_sessions_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sessions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_project_date", ["project_id", "date"], unique=False)

    op.create_table(
        "session_devices",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_session_devices_quantity")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_devices_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "kind", name=op.f("pk_session_devices")),
    )


def downgrade() -> None:
    op.drop_table("session_devices")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_project_date")

    op.drop_table("sessions")
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_events_project_time")

    op.drop_table("usage_events")
    op.drop_table("project_teachers")
    op.drop_table("project_dossiers")
    op.drop_table("groups")
    op.drop_table("equipment")
    op.drop_table("dossier_equipment_lines")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_school_uai"))

    op.drop_table("projects")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_demarche"))

    op.drop_table("dossiers")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schools_department"))

    op.drop_table("schools")
