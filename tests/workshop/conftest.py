"""Workshop tests: a private configuration folder per test, so that labels never leak between
tests or into the developer's own configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import clean_environment


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The configuration folder of this test (`TNE_CONFIG_DIR`), for this process too."""
    folder = tmp_path / "config"
    monkeypatch.setenv("TNE_CONFIG_DIR", str(folder))
    monkeypatch.delenv("TNE_TEST_SERIAL_NUMBERS", raising=False)
    monkeypatch.delenv("TNE_EXTRA_DEVICES", raising=False)
    return folder


def workshop_environment(config: Path, boards: list[str], **variables: str) -> dict[str, str]:
    """`tne`'s environment for a table of `boards` (addresses listed in TNE_EXTRA_DEVICES)."""
    return clean_environment(
        TNE_CONFIG_DIR=str(config), TNE_EXTRA_DEVICES=",".join(boards), **variables
    )
