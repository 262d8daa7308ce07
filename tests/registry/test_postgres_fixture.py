"""Without a PostgreSQL server, the PostgreSQL half of the registry tests skips with its reason on a
developer's machine and fails on CI (`CI=true`), where scripts/setup.sh starts the server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.registry.test_cli import ROOT

TEST = "tests/registry/test_migrations.py::test_init_then_migrate_is_idempotent[postgresql]"


def run_without_server(ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TNE_TEST_PG_URL"] = "postgresql+psycopg://tne:tne@127.0.0.1:1/absent"
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TEST],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.parametrize(("ci", "outcome"), [(None, "1 skipped"), ("true", "1 failed")])
def test_a_missing_server_skips_locally_and_fails_on_ci(ci, outcome) -> None:
    done = run_without_server(ci)
    assert outcome in done.stdout, done.stdout
    assert "PostgreSQL not reachable" in done.stdout
