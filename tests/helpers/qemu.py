"""Start the real micro:bit MicroPython firmware under QEMU, as a board the bridge can open.

`qemu-system-arm -M microbit` runs Debian's `firmware-microbit-micropython` hex. With
`serial="pty"` QEMU prints the pty it made (`char device redirected to /dev/pts/N`), which the
bridge opens like a USB serial port; with `serial="socket"` the UART is a TCP server
(`-chardev socket`), reached as `serial:socket://127.0.0.1:PORT`, whose connection a test can
drop while the board keeps running.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.helpers.ports import free_port

FIRMWARE = Path("/usr/share/firmware-microbit-micropython/firmware.hex")
QEMU = "qemu-system-arm"


def available() -> bool:
    return shutil.which(QEMU) is not None and FIRMWARE.exists()


class QemuMicrobit:
    """One emulated micro:bit V1. `address` is what `Board.connect` takes."""

    def __init__(self, serial: str = "pty") -> None:
        self.serial = serial
        self.process: subprocess.Popen[bytes] | None = None
        self.address = ""
        self.pty = ""
        self.port = 0

    def start(self, timeout: float = 10.0) -> QemuMicrobit:
        command = [QEMU, "-M", "microbit", "-device", f"loader,file={FIRMWARE}", "-nographic"]
        command += ["-monitor", "none"]
        if self.serial == "pty":
            command += ["-serial", "pty"]
        else:
            self.port = free_port()
            command += [
                "-chardev",
                f"socket,id=uart,host=127.0.0.1,port={self.port},server=on,wait=off",
                "-serial",
                "chardev:uart",
            ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        if self.serial == "pty":
            assert self.process.stdout is not None
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                line = self.process.stdout.readline().decode(errors="replace")
                match = re.search(r"(/dev/pts/\d+)", line)
                if match:
                    self.pty = match.group(1)
                    self.address = f"serial:{self.pty}"
                    return self
                if not line and self.process.poll() is not None:
                    break
            self.stop()
            raise RuntimeError("QEMU did not report its pty")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.address = f"serial:socket://127.0.0.1:{self.port}"
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def __enter__(self) -> QemuMicrobit:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def environment_without_board() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TNE_DEVICE", None)
    return env
