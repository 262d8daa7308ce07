"""Single key presses for full-screen commands (`tne workshop`), with a time-out.

Platform code behind one class: `msvcrt` on Windows, `termios` cbreak mode elsewhere (cbreak,
not raw: the terminal keeps turning `\\n` into a new line for rich's drawing, and Ctrl-C still
raises `KeyboardInterrupt`). Both are imported only where they exist. When stdin is not a
terminal (a pipe), its bytes are read as keys as they come.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import Any

#: What `msvcrt.getwch` gives first for a key that is not a character; its scan code follows.
SPECIAL_PREFIXES = ("\x00", "\xe0")


class KeyReader:
    """`with KeyReader() as keys: key = keys.get(0.25)` gives one key, or "" after 0.25 s."""

    def __init__(self) -> None:
        self._saved: list | None = None
        self._ended = False

    def __enter__(self) -> KeyReader:
        if os.name != "nt" and sys.stdin.isatty():
            import termios
            import tty

            fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def get(self, timeout: float) -> str:
        if os.name == "nt":
            return self._get_windows(timeout)
        if self._ended:
            time.sleep(timeout)
            return ""
        import select

        fd = sys.stdin.fileno()
        ready, _unused, _unused2 = select.select([fd], [], [], timeout)
        if not ready:
            return ""
        data = os.read(fd, 1)
        if not data:
            self._ended = True  # a pipe that ended: no more keys, the table goes on
            return ""
        return data.decode("utf-8", "replace")

    def _get_windows(self, timeout: float, console: Any = None) -> str:
        """`console` is `msvcrt` (a parameter so that the tests can play a Windows console)."""
        if console is None:
            import msvcrt as console
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if console.kbhit():
                key = console.getwch()
                if key in SPECIAL_PREFIXES:
                    # An arrow, a function key, Delete: a prefix then a scan code that reads as a
                    # letter (Delete is "\xe0S", which must not stop every board).
                    console.getwch()
                    return ""
                return key
            time.sleep(0.02)
        return ""
