"""Every module of the project imports where `fcntl`, `termios`, `pty` and `resource` do not
exist (Windows), so nothing outside the tests depends on them at import time.

The imports run in a fresh interpreter whose import system refuses those four names, as a
Windows Python would. Modules named `__main__` are skipped: importing one runs the program.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["device_bridge", "tne", "kernels", "activities"]
POSIX_ONLY = ["fcntl", "termios", "pty", "resource"]
#: Every module of the simulator's sealed engine (device_bridge/sim/wasm/; its guest/ folder is
#: MicroPython code run inside the engine, not a package of the host).
SEALED_ENGINE = sorted(
    path.stem
    for path in (ROOT / "device_bridge" / "sim" / "wasm").glob("*.py")
    if path.stem != "__init__"
)

IMPORT_EVERYTHING = textwrap.dedent(
    """
    import importlib, importlib.abc, json, pkgutil, sys, traceback

    BLOCKED = set(sys.argv[1].split(","))
    PACKAGES = sys.argv[2].split(",")


    class WindowsHasNoSuchModule(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"No module named {name!r} (blocked: not on Windows)")
            return None


    # IPython (under ipykernel and ipywidgets) picks its process helpers by platform when it
    # is imported: `_process_win32` on Windows, pexpect and so pty elsewhere. Imported before
    # the block, as its own platform check would have it, so that only our code is judged.
    importlib.import_module("IPython")

    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED:
            del sys.modules[name]
    sys.meta_path.insert(0, WindowsHasNoSuchModule())

    failures, imported = {}, []


    def record(name):
        failures[name] = traceback.format_exc()


    for package_name in PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except BaseException:
            record(package_name)
            continue
        imported.append(package_name)
        for module in pkgutil.walk_packages(
            package.__path__, package_name + ".", onerror=record
        ):
            if module.name.rsplit(".", 1)[-1] == "__main__":
                continue
            try:
                importlib.import_module(module.name)
            except BaseException:
                record(module.name)
            else:
                imported.append(module.name)

    leaked = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
    print(json.dumps({"imported": imported, "failures": failures, "leaked": leaked}))
    """
)


def import_everything(blocked: list[str], packages: list[str], cwd: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, ",".join(blocked), ",".join(packages)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_every_module_imports_without_fcntl_termios_pty_and_resource() -> None:
    report = import_everything(POSIX_ONLY, PACKAGES, ROOT)

    assert report["failures"] == {}, "\n\n".join(
        f"{name}:\n{trace}" for name, trace in report["failures"].items()
    )
    assert report["leaked"] == []
    assert "device_bridge.board" in report["imported"]
    assert "device_bridge.protocol.raw_repl" in report["imported"]
    assert "device_bridge.transports.serial" in report["imported"]
    assert "device_bridge.transports.ble" in report["imported"]
    assert "tne.cli.app" in report["imported"]
    # The simulator's sealed engine (wasmtime's ctypes bindings, epochs, the guest's memory).
    assert "device_bridge.transports.sim" in report["imported"]
    for module in SEALED_ENGINE:
        assert f"device_bridge.sim.wasm.{module}" in report["imported"]


def test_the_sealed_engine_is_found_by_the_check() -> None:
    assert {"vm", "door", "memory", "watch", "wasi", "interrupt", "artifact"} <= set(SEALED_ENGINE)


def test_the_check_catches_a_module_that_imports_termios(tmp_path: Path) -> None:
    # The same check on a throw-away package, to show that it does fail when it should.
    package = tmp_path / "posix_only_package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fine.py").write_text("import os\n")
    (package / "serial_port.py").write_text("import termios\n")

    report = import_everything(POSIX_ONLY, ["posix_only_package"], tmp_path)

    assert list(report["failures"]) == ["posix_only_package.serial_port"]
    assert "blocked: not on Windows" in report["failures"]["posix_only_package.serial_port"]
    assert "posix_only_package.fine" in report["imported"]


@pytest.mark.parametrize("name", POSIX_ONLY)
def test_each_blocked_module_really_is_unimportable_in_the_check(name: str, tmp_path: Path) -> None:
    package = tmp_path / "uses_it"
    package.mkdir()
    (package / "__init__.py").write_text(f"import {name}\n")

    report = import_everything(POSIX_ONLY, ["uses_it"], tmp_path)

    assert list(report["failures"]) == ["uses_it"]
