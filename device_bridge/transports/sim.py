"""The simulated board as a transport: a child process (`python -m device_bridge.sim`) whose
stdin and stdout are the board's serial line.

A thread reads the child's stdout into a queue, so `read(timeout)` waits on the queue and works
the same on every platform (pipes cannot be polled on Windows). `reset_line()` restarts the
child, as the reset button restarts a board. The board's files live in a temporary folder owned
by the transport, so they survive a restart, and go when the transport is closed.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from pathlib import Path

from tne.i18n import _

from ..errors import DeviceUnreachable, LinkLost, UsageError
from .base import Transport

#: Robots the simulator can carry the micro:bit on (none yet: `sim` is a bare micro:bit).
ROBOTS: frozenset[str] = frozenset()
#: The folder that holds the `device_bridge` package, so the child finds it from any cwd.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class SimTransport(Transport):
    def __init__(self, firmware: str = "v2", robot: str = "", seed: int = 0) -> None:
        self.firmware = firmware or "v2"
        self.robot = robot
        self.seed = seed
        self.label = "sim" + (f":{robot}" if robot else "") + f"@{self.firmware}"
        self._process: subprocess.Popen[bytes] | None = None
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._ended = False
        self._errors: deque[bytes] = deque(maxlen=20)
        self._store: str | None = None  # the board's flash, kept across restarts

    def command(self) -> list[str]:
        return [
            sys.executable, "-u", "-m", "device_bridge.sim",
            "--firmware", self.firmware, "--robot", self.robot, "--seed", str(self.seed),
        ] + (["--state", self._store] if self._store else [])  # fmt: skip

    def open(self) -> None:
        if self.robot and self.robot not in ROBOTS:
            raise UsageError(
                _(
                    "The simulator cannot carry the micro:bit on a robot '{robot}' yet. Use "
                    "--device sim for a micro:bit alone."
                ).format(robot=self.robot)
            )
        if self._store is None:
            self._store = tempfile.mkdtemp(prefix="tne-sim-")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PACKAGE_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
        )
        env["PYTHONIOENCODING"] = "utf-8"
        try:
            process = subprocess.Popen(
                self.command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
                env=env,
            )
        except OSError as error:
            raise DeviceUnreachable(
                _("The simulated board could not be started."), detail=str(error)
            ) from error
        self._process = process
        self._queue = queue.SimpleQueue()
        self._ended = False
        for target, stream in ((self._pump, process.stdout), (self._keep_errors, process.stderr)):
            threading.Thread(target=target, args=(stream,), name="tne-sim", daemon=True).start()

    def _pump(self, stream) -> None:
        queue_ = self._queue
        while True:
            try:
                chunk = stream.read(4096)
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                queue_.put(None)
                return
            queue_.put(chunk)

    def _keep_errors(self, stream) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in iter(stream.readline, b""):
                self._errors.append(line)

    def _lost(self, detail: str = "") -> LinkLost:
        errors = b"".join(self._errors).decode("utf-8", "replace")
        return LinkLost(_("The simulated board stopped."), detail=(detail + "\n" + errors).strip())

    def write(self, data: bytes) -> None:
        process = self._process
        if process is None or process.stdin is None:
            raise LinkLost(_("The connection to the board is closed."))
        try:
            process.stdin.write(data)
            process.stdin.flush()
        except (OSError, ValueError) as error:
            raise self._lost(str(error)) from error

    def read(self, timeout: float) -> bytes:
        if self._process is None:
            raise LinkLost(_("The connection to the board is closed."))
        data = bytearray()
        try:
            first = self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            first = b""
        chunk: bytes | None = first
        while True:
            if chunk is None:
                self._ended = True
                break
            data += chunk
            try:
                chunk = self._queue.get_nowait()
            except queue.Empty:
                break
        if not data and self._ended:
            raise self._lost()
        return bytes(data)

    def close(self) -> None:
        self._stop()
        store, self._store = self._store, None
        if store is not None:
            shutil.rmtree(store, ignore_errors=True)

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout, process.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)

    def reset_line(self) -> bool:
        """The reset button: a fresh child process; globals are lost, files are kept."""
        self._stop()
        self.open()
        return True
