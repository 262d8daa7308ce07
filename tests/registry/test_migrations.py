"""`init` builds the schema from the shipped Alembic history; `migrate` after it changes nothing;
and the history describes exactly the models (a model change without a revision fails here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from activities.registry.errors import DatabaseUnavailable
from activities.registry.migrate import head_revision
from activities.registry.models import Base
from activities.registry.service import Registry


def test_init_then_migrate_is_idempotent(db_url: str) -> None:
    registry = Registry.open(db_url)
    try:
        created = registry.init()
        assert (created.before, created.after) == (None, head_revision())
        assert not registry.migrate().changed
        assert not registry.init().changed
        assert registry.status().revision == head_revision()
    finally:
        registry.close()


def test_the_migrations_match_the_models(registry) -> None:
    with registry.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    registry.init()
    with registry.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    registry.close()


def test_migrate_without_a_database_says_to_run_init(tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'absent.sqlite3'}")
    with pytest.raises(DatabaseUnavailable, match="init"):
        registry.migrate()
    assert not (tmp_path / "absent.sqlite3").exists()


def test_init_creates_the_folder_of_the_sqlite_file(tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'a' / 'b' / 'registry.sqlite3'}")
    registry.init()
    registry.close()
    assert (tmp_path / "a" / "b" / "registry.sqlite3").exists()


def test_upgrading_a_0001_registry_keeps_its_rows_and_gives_them_uids(db_url: str) -> None:
    from alembic import command
    from sqlalchemy import text

    from activities.registry.database import make_engine, writer
    from activities.registry.migrate import alembic_config

    engine = make_engine(db_url)
    with writer(engine).begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO schools (uai, name, commune, degree, department) "
                "VALUES ('0180005H', 'École Jean Zay', 'Bourges', 1, '018')"
            )
        )
        for title in ("Robots", "Drones"):
            connection.execute(
                text(
                    "INSERT INTO projects (school_uai, title, level, created_at) "
                    "VALUES ('0180005H', :title, 'CM2', CURRENT_TIMESTAMP)"
                ),
                {"title": title},
            )
    engine.dispose()
    registry = Registry.open(db_url)
    try:
        done = registry.migrate()
        assert (done.before, done.after) == ("0001", head_revision())
        projects = registry.projects()
        assert [p.title for p in projects] == ["Robots", "Drones"]
        with registry.reading() as session:
            uids = session.execute(text("SELECT uid FROM projects")).scalars().all()
        assert len(set(uids)) == 2 and all(len(u) == 32 for u in uids)
        with registry.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        registry.close()
