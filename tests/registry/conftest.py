"""A fresh registry for each test that asks for one, on a temporary SQLite file AND on a fresh
schema of the real PostgreSQL server: every registry test runs on both.

Without the server the PostgreSQL half skips on a developer's machine (saying why) and fails
when `CI=true`, where `scripts/setup.sh` installs and starts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.registry.service import Registry
from tests.conftest import skip_or_fail
from tests.helpers import postgres

_pg_problem: list[str | None] = []


def _pg_unreachable() -> str | None:
    if not _pg_problem:  # asked once per test run
        _pg_problem.append(postgres.unreachable_reason())
    return _pg_problem[0]


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The machine's link to a project lives here during a test, never in the tester's own
    configuration folder (subprocesses inherit the variable)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("TNE_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    problem = _pg_unreachable()
    if problem:
        skip_or_fail(problem)
    schema = postgres.Schema()
    try:
        yield schema.url
    finally:
        schema.drop()


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    opened = Registry.open(db_url)
    opened.init()
    try:
        yield opened
    finally:
        opened.close()
