"""A throw-away PostgreSQL schema per test, on the server `scripts/setup_postgres.sh` starts.

Each test gets its own schema in one database, reached through a URL whose `search_path` names
it, so that the registry, Alembic and the `tne` subprocesses all land there; creating and
dropping a schema takes milliseconds, where a database per test would take a second.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV_VAR = "TNE_TEST_PG_URL"
DEFAULT_URL = "postgresql+psycopg://tne:tne@127.0.0.1/tne_test"


def server_url() -> str:
    return os.environ.get(ENV_VAR) or DEFAULT_URL


def unreachable_reason() -> str | None:
    """Why the test server cannot be used, or None when it can."""
    try:
        engine = create_engine(server_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as problem:  # no driver, no server, wrong password
        first_line = str(problem).strip().splitlines()[0] if str(problem).strip() else ""
        return (
            f"PostgreSQL not reachable at {make_url(server_url()).render_as_string()} "
            f"({type(problem).__name__}: {first_line}); start it with scripts/setup_postgres.sh "
            f"or set {ENV_VAR}"
        )
    return None


class Schema:
    """One fresh schema; `url` reaches it, `drop()` removes it with everything in it."""

    def __init__(self) -> None:
        self.name = "t_" + uuid.uuid4().hex[:16]
        self._admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {self.name}"))
        separator = "&" if "?" in server_url() else "?"
        self.url = f"{server_url()}{separator}options={quote(f'-csearch_path={self.name}')}"

    def drop(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {self.name} CASCADE"))
        self._admin.dispose()
