"""Fixtures of the install tests: the Linux offline bundle (made once per session by
scripts/bundle.py, as on a connected machine) and an ordinary account that installed tne from
it with the network refused, on the distribution's Python with `ensurepip` hidden (Debian and
Ubuntu without python3-venv).

Hiding ensurepip: a module `ensurepip` on the account's PYTHONPATH that raises the same
ModuleNotFoundError as on a Debian without python3-venv, whose ensurepip package is simply
absent. Everything else (the account, /usr/bin/python3, pip, the bundle) is real.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.helpers.unprivileged import DISTRIBUTION_PYTHON, REPO, OrdinaryUser, require_root

NO_ENSUREPIP = 'raise ModuleNotFoundError("No module named \'ensurepip\'", name="ensurepip")\n'


def readme_commands() -> list[str]:
    """The two commands at the top of the README, without their comments."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def python_version(python: Path) -> str:
    return subprocess.run(
        [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture(scope="session")
def shared_folder() -> Iterator[Path]:
    """A folder every account may read (pytest's own temporary folders are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="tne-install-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def linux_bundle(shared_folder: Path) -> Path:
    """The offline folder for the distribution's Python, made with the README's command."""
    if not DISTRIBUTION_PYTHON.exists():
        skip_or_fail(f"needs the distribution's Python, {DISTRIBUTION_PYTHON}")
    folder = shared_folder / "paquets"
    version = python_version(DISTRIBUTION_PYTHON)
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "bundle.py"),
            "--platform",
            "linux",
            "--python-version",
            version,
            str(folder),
        ],
        check=True,
        timeout=900,
        capture_output=True,
    )
    subprocess.run(["chmod", "-R", "a+rX", str(folder)], check=True)  # for the accounts
    return folder


@dataclass
class Installed:
    user: OrdinaryUser
    project: Path
    offline: subprocess.CompletedProcess[str]  # `bash scripts/setup.sh --from BUNDLE`
    bundle: Path

    @property
    def venv(self) -> Path:
        return self.project / ".venv"


@pytest.fixture(scope="module")
def installed(linux_bundle: Path, shared_folder: Path) -> Iterator[Installed]:
    """An ordinary account that ran the README's offline command in a network namespace with no
    network at all (`unshare -n`), without ensurepip."""
    require_root()
    user = OrdinaryUser()
    try:
        project = user.copy_project()
        hidden = shared_folder / "sans-ensurepip"
        hidden.mkdir(exist_ok=True)
        (hidden / "ensurepip.py").write_text(NO_ENSUREPIP)
        hidden.chmod(0o755)
        (hidden / "ensurepip.py").chmod(0o644)
        offline = user.run(
            f"cd ~/tne-robotique && bash scripts/setup.sh --from {linux_bundle}",
            extra={"PYTHONPATH": str(hidden)},
            prefix=["unshare", "--net"],
            timeout=900,
        )
        yield Installed(user, project, offline, linux_bundle)
    finally:
        user.delete()
