"""The emulated Bluetooth rig as a test resource: `python -m tests.helpers.ble_peripheral` in a
child process, and the environment that points bleak (in this process or in a `tne` child) at it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from device_bridge.transports.ble import BACKEND_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
BACKEND = "tests.helpers.bumble_bleak:Backend"
HCI_VARIABLE = "TNE_BUMBLE_HCI"  # read by tests.helpers.bumble_bleak


def available() -> bool:
    try:
        import bumble  # noqa: F401
    except ImportError:
        return False
    return True


class BleRig:
    """Peripherals on a virtual radio; `env` reaches them. `close()` (or `with`) stops all."""

    def __init__(self, *arguments: str) -> None:
        self.arguments = list(arguments)
        self.process: subprocess.Popen[str] | None = None
        self.hci = ""
        self.peripherals: list[dict[str, Any]] = []

    def start(self, timeout: float = 60.0) -> BleRig:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.ble_peripheral",
                "--exit-on-eof",
                *self.arguments,
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # the helper prints once ready
        if not line:
            self.close()
            raise RuntimeError("the BLE peripheral helper did not start")
        ready = json.loads(line)
        self.hci, self.peripherals = ready["hci"], ready["peripherals"]
        return self

    @property
    def env(self) -> dict[str, str]:
        """Variables for bleak to reach the rig (for `os.environ` or a child's environment)."""
        return {BACKEND_VARIABLE: BACKEND, HCI_VARIABLE: self.hci}

    def child_env(self) -> dict[str, str]:
        """A whole environment for a `tne` child: the rig, the repository on the path, French."""
        env = dict(os.environ, **self.env)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        env.pop("TNE_DEVICE", None)
        env.pop("TNE_LANG", None)
        return env

    def address(self, index: int = 0) -> str:
        return self.peripherals[index]["address"]

    def cut(self, index: int = 0) -> None:
        """The board goes out of range: its connections end as after a supervision timeout."""
        self._command("cut", index)

    def hide(self, index: int = 0) -> None:
        """The board stays out of range: it stops advertising."""
        self._command("hide", index)

    def show(self, index: int = 0) -> None:
        """The board is back in range and advertises again."""
        self._command("show", index)

    def _command(self, word: str, index: int) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(f"{word} {index}\n")
        self.process.stdin.flush()
        assert self.process.stdout is not None
        assert json.loads(self.process.stdout.readline()) == {word: index}

    def close(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            assert process.stdin is not None
            process.stdin.write("quit\n")
            process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def __enter__(self) -> BleRig:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
