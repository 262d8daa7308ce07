"""The simulated board's serial line: bytes in on stdin, bytes out on stdout, unbuffered.

A thread reads stdin all the time, as the board's UART does, so that a Ctrl-C reaches code that
is running (it calls `on_interrupt` instead of queueing the byte). Everything else waits in a
queue for the REPL. Pupil code prints through `TextOut`, which ends lines with `\\r\\n` as the
board does.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from .channel import EventChannel

CTRL_C = 0x03
#: Seconds a running program may go on once the host closed the line.
HOST_GONE_GRACE = 1.0


class Console:
    def __init__(
        self,
        infile: BinaryIO,
        outfile: BinaryIO,
        interrupting: Callable[[], bool],
        on_interrupt: Callable[[], None],
    ) -> None:
        self._in = infile
        self._out = outfile
        self._interrupting = interrupting
        self._on_interrupt = on_interrupt
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._pump, name="sim-uart", daemon=True).start()

    def _pump(self) -> None:
        while True:
            try:
                chunk = os.read(self._in.fileno(), 4096)
            except OSError:
                chunk = b""
            if not chunk:
                # The host is gone. The REPL ends when it reads this; a program still running
                # would keep an orphan process busy for ever, so it is cut short.
                self._queue.put(None)
                time.sleep(HOST_GONE_GRACE)
                os._exit(0)
            for byte in chunk:
                if byte == CTRL_C and self._interrupting():
                    self._on_interrupt()
                else:
                    self._queue.put(byte)

    def read_byte(self, timeout: float | None = None) -> int | None:
        """The next byte from the host; None once the host closed the line. Raises
        `TimeoutError` when none came within `timeout` seconds (None: wait for ever)."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None

    def write(self, data: bytes) -> None:
        if not data:
            return
        with self._lock:
            self._out.write(data)
            self._out.flush()


class TextOut:
    """The text stream `print()` writes to in pupil code: UTF-8, `\\n` sent as `\\r\\n`."""

    encoding = "utf-8"

    def __init__(self, console: Console, channel: EventChannel | None = None) -> None:
        self._console = console
        self._channel = channel

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("can't convert to str implicitly")
        if self._channel is not None and self._channel.enabled and text:
            self._channel.emit("stdout", text=text)
        self._console.write(text.replace("\n", "\r\n").encode("utf-8", "replace"))
        return len(text)

    def flush(self) -> None:
        pass


def binary_stdio() -> tuple[BinaryIO, BinaryIO]:
    """stdin and stdout as raw bytes (Windows: no newline translation)."""
    if sys.platform == "win32":
        import msvcrt

        for stream in (sys.stdin, sys.stdout):
            msvcrt.setmode(stream.fileno(), os.O_BINARY)  # type: ignore[attr-defined]
    return sys.stdin.buffer, sys.stdout.buffer
