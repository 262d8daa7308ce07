"""Open the registry's database from one URL: a SQLite file by default, PostgreSQL at scale.

The URL comes from `--db URL`, else `TNE_DB_URL`, else a SQLite file in the user's data folder.
SQLite runs in WAL mode with a busy timeout, and write transactions start with
`BEGIN IMMEDIATE`: two processes recording sessions at once then wait for each other instead of
failing with "database is locked" (a deferred transaction that upgrades to a writer mid-way
cannot wait, SQLite refuses it at once).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_VAR = "TNE_DB_URL"
BUSY_TIMEOUT_SECONDS = 30
_BEGIN_OPTION = "tne_sqlite_begin"


def default_url() -> str:
    """A SQLite file in the user data folder (created on first use)."""
    folder = Path(platformdirs.user_data_dir("tne-robotique", appauthor=False))
    return f"sqlite:///{folder / 'registry.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """The database URL: the one given, else `TNE_DB_URL`, else the default SQLite file. A
    plain file path (`registre.sqlite3`, `C:\\TNE\\registre.db`) names a SQLite file."""
    given = url or os.environ.get(ENV_VAR)
    if not given:
        return default_url()
    if "://" not in given:
        return f"sqlite:///{Path(given).expanduser().absolute()}"
    return given


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def shown_url(url: str) -> str:
    """The URL as it can be printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for `url`, tuned for several processes writing on one SQLite file."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's `begin` event emit BEGIN itself (the driver's own is DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions take SQLite's write lock from their start."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
