"""Every runtime dependency installs on Windows from wheels alone (no compiler, no admin), for
each Python version we support: pip resolves the project's wheel for `win_amd64` without
installing anything (`--dry-run --report`). The dependencies published only as source (uflash)
come as the pure-Python wheels scripts/bundle.py builds, as they would on the USB key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

VERSIONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_runtime_dependency_has_a_windows_wheel(
    linux_bundle: Path, tmp_path: Path, version: str
) -> None:
    (project,) = linux_bundle.glob("tne_robotique-*.whl")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--dry-run",
            "--ignore-installed",
            "--report",
            str(report),
            "--platform",
            "win_amd64",
            "--python-version",
            version,
            "--only-binary=:all:",
            "--target",
            str(tmp_path / "cible"),
            "--find-links",
            str(linux_bundle),
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    names = {item["metadata"]["name"].lower() for item in installs}
    assert {"tne-robotique", "jupyterlab", "pyserial", "bleak", "weasyprint"} <= names
    assert any(name.startswith("winrt") for name in names)  # bleak's Windows backend: markers ran
    for item in installs:
        wheel = item["download_info"]["url"].rsplit("/", 1)[-1]
        assert wheel.endswith(".whl"), wheel
        assert wheel[: -len(".whl")].rsplit("-", 1)[-1] in ("any", "win_amd64"), wheel
