"""Alembic's entry point: runs on the connection `migrate.upgrade` hands over (online), or
writes SQL for a database administrator (offline, `sqlalchemy.url` set in the config).

This folder is shipped as package data, not as a Python package: its files are scripts that
only Alembic runs, so that importing every module of the project never executes them.
"""

from __future__ import annotations

from alembic import context

from activities.registry.models import Base

config = context.config

if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    context.configure(
        connection=config.attributes["connection"],
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()
