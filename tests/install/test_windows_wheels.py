"""Every runtime dependency installs from wheels alone (no compiler, no admin) on Windows, for
each Python version we support, and on the Linux of Ubuntu 22.04 and 24.04.

pip cannot check this from Linux: `pip install --dry-run --platform win_amd64` still evaluates
environment markers for the machine it runs on, so it asks for bleak's Linux backend
(dbus-fast) and never sees the Windows one (winrt). uv resolves for a target triple, markers
included, and with `--only-binary :all:` refuses a package without a wheel for that target.
The dependencies published only as source (uflash) come as the pure-Python wheels that
scripts/bundle.py builds, as they would on the USB key."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

WINDOWS = "x86_64-pc-windows-msvc"
TARGETS = [(WINDOWS, version) for version in ("3.10", "3.11", "3.12", "3.13", "3.14")]
TARGETS += [("x86_64-manylinux_2_35", "3.10"), ("x86_64-manylinux_2_39", "3.12")]


def uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(found).exists():
        skip_or_fail("needs uv (the test extra: pip install -e '.[test]')")
    return found


@pytest.mark.parametrize(("platform", "version"), TARGETS)
def test_every_runtime_dependency_has_a_wheel(
    linux_bundle: Path, tmp_path: Path, platform: str, version: str
) -> None:
    (project,) = linux_bundle.glob("tne_robotique-*.whl")
    wanted = tmp_path / "requirements.in"
    wanted.write_text(f"{project}\n", encoding="utf-8")
    done = subprocess.run(
        [
            uv(),
            "pip",
            "compile",
            str(wanted),
            "--python-platform",
            platform,
            "--python-version",
            version,
            "--only-binary",
            ":all:",
            "--find-links",
            str(linux_bundle),
            "--no-header",
            "--no-annotate",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pinned = {line.split("==")[0].lower() for line in done.stdout.splitlines() if "==" in line}
    assert {"jupyterlab", "jupyterlab-language-pack-fr-fr", "pyserial", "bleak"} <= pinned
    assert {"uflash", "weasyprint", "psycopg-binary"} <= pinned
    if platform == WINDOWS:
        assert "winrt-runtime" in pinned and "dbus-fast" not in pinned  # Windows markers
    else:
        assert "dbus-fast" in pinned and "winrt-runtime" not in pinned
