"""A fresh registry on a temporary SQLite file for each test that asks for one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.registry.service import Registry


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    opened = Registry.open(db_url)
    opened.init()
    try:
        yield opened
    finally:
        opened.close()
