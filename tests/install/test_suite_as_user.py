"""The CLI, kernel and lab tests, run as an ordinary account when the suite runs as root (CI):
see `tests.helpers.as_user` for why, and for how they leave the root run (never run twice)."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import as_user
from tests.helpers.unprivileged import OrdinaryUser, require_root


@contextlib.contextmanager
def traversable(*targets: Path) -> Iterator[None]:
    """Let any account reach `targets` (the search bit on each folder above them), as on a
    machine where Python is installed for everyone; the folders get their modes back after.
    Root's own Python may live in root's home (pyenv), which no other account may enter."""
    changed: dict[Path, int] = {}
    try:
        for target in targets:
            for folder in reversed(target.parents):
                mode = folder.stat().st_mode
                if not mode & stat.S_IXOTH and folder not in changed:
                    changed[folder] = stat.S_IMODE(mode)
                    folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
        yield
    finally:
        for folder, mode in changed.items():
            folder.chmod(mode)


def test_the_cli_kernel_and_lab_tests_pass_as_an_ordinary_user() -> None:
    if not as_user.applies():
        pytest.skip("not root: those tests already run as this ordinary account")
    require_root()
    python = Path(sys.executable)
    user = OrdinaryUser()
    try:
        copy = user.copy_project()
        environ = user.environment({"PYTHONPATH": str(copy), "CI": os.environ.get("CI", "")})
        environ.pop("TNE_LANG")  # as in the root run: each test chooses its language
        assignments = [f"{key}={value}" for key, value in environ.items()]
        folders = [folder.rstrip("/") for folder in as_user.FOLDERS]
        command = [
            "runuser",
            "-u",
            user.name,
            "--",
            "env",
            "-i",
            *assignments,
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *folders,
        ]
        with traversable(python, python.resolve()):
            done = subprocess.run(
                command, cwd=copy, capture_output=True, text=True, timeout=40 * 60
            )
    finally:
        user.delete()
    print(done.stdout[-4000:])
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-4000:]
    assert " passed" in done.stdout.strip().splitlines()[-1]
