"""A real ordinary account for the install tests: made with `useradd`, a fresh home from
/etc/skel (Debian's ~/.profile puts ~/.local/bin on the PATH), run with `runuser` in a clean
environment whose only Python is the distribution's /usr/bin/python3, and deleted afterwards.

Making accounts needs root: CI runs as root; elsewhere these tests skip (see `require_root`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.conftest import skip_or_fail

#: The only folders on the account's PATH: the distribution's Python is /usr/bin/python3.
SYSTEM_PATH = "/usr/bin:/bin"
DISTRIBUTION_PYTHON = Path("/usr/bin/python3")
REPO = Path(__file__).resolve().parents[2]


def require_root() -> None:
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        skip_or_fail("needs root, useradd and runuser to create an ordinary account")
    if not DISTRIBUTION_PYTHON.exists():
        skip_or_fail(f"needs the distribution's Python, {DISTRIBUTION_PYTHON}")


class OrdinaryUser:
    """An account with no sudo and no group beyond its own."""

    def __init__(self) -> None:
        self.name = "tne-" + uuid.uuid4().hex[:8]
        self._top = Path(tempfile.mkdtemp(prefix="tne-user-"))
        self._top.chmod(0o755)  # the account must be able to reach its home
        self.home = self._top / self.name
        subprocess.run(
            [
                "useradd",
                "--create-home",
                "--home-dir",
                str(self.home),
                "--shell",
                "/bin/bash",
                "--user-group",
                self.name,
            ],
            check=True,
        )

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """What a fresh login would have: no variable of ours leaks in (no PYTHONPATH, no
        virtual environment, no proxy), only the distribution's PATH."""
        environ = {
            "HOME": str(self.home),
            "USER": self.name,
            "LOGNAME": self.name,
            "PATH": SYSTEM_PATH,
            "LANG": "C.UTF-8",
            "TNE_LANG": "fr",
        }
        environ.update(extra or {})
        return environ

    def command(
        self, script: str, extra: Mapping[str, str] | None = None, login: bool = False
    ) -> list[str]:
        """`bash -c script` as this account (`bash -lc` reads ~/.profile, as a terminal does)."""
        assignments = [f"{key}={value}" for key, value in self.environment(extra).items()]
        shell = ["bash", "-lc" if login else "-c", script]
        return ["runuser", "-u", self.name, "--", "env", "-i", *assignments, *shell]

    def run(
        self,
        script: str,
        extra: Mapping[str, str] | None = None,
        login: bool = False,
        timeout: float = 120,
        prefix: Sequence[str] = (),
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *self.command(script, extra, login)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.home,
        )

    def copy_project(self) -> Path:
        """The project's files as a teacher would download them, owned by the account."""
        target = self.home / "tne-robotique"
        listed = (
            subprocess.run(
                ["git", "ls-files", "-co", "--exclude-standard", "-z"],
                cwd=REPO,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
        for name in filter(None, listed):
            source = REPO / name
            if source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
        subprocess.run(["chown", "-R", f"{self.name}:{self.name}", str(target)], check=True)
        return target

    def delete(self) -> None:
        """The tests stop what they started (by process group); `--force` still removes the
        account if a process of it lingers."""
        subprocess.run(
            ["userdel", "--force", "--remove", self.name], capture_output=True, check=False
        )
        shutil.rmtree(self._top, ignore_errors=True)
