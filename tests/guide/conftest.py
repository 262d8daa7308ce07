"""Fixtures of the guide tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tne.cli.guide_site import PROJECT, GuideSources


@pytest.fixture
def sources_copy(tmp_path: Path) -> GuideSources:
    """A copy of the project's guide sources (mkdocs.yml and teacher_guides/), for a test to
    change or break without touching the real ones."""
    shutil.copy(PROJECT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(PROJECT / "teacher_guides", tmp_path / "teacher_guides")
    return GuideSources.of_project(tmp_path)
