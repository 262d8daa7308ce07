"""Where the CLI writes: the board's bytes to stdout, everything of ours to stderr.

The board's output goes to stdout byte for byte, except that `\\r\\n` becomes `\\n` (even when
the two bytes arrive in different chunks); bytes that are not valid UTF-8 pass through unchanged.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import TYPE_CHECKING, BinaryIO

from tne.i18n import _

if TYPE_CHECKING:
    from rich.console import Console

_lock = threading.Lock()


@functools.cache
def stderr_console() -> Console:
    """Where our messages (which board, progress, warnings, errors) go, in French: made on
    first use, since importing rich's console is a twentieth of a second of a command's start
    and most `tne exec` runs say nothing of their own. No markup, no highlighting and no emoji
    codes: a name such as `robot_:fire:.py` is shown as it is written."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class BoardOutput:
    """Writes one board's output to a binary stream, with an optional per-line prefix (for
    `--device all`, where several boards share one terminal)."""

    def __init__(self, stream: BinaryIO | None = None, prefix: str = "") -> None:
        self.stream = stream or sys.stdout.buffer
        self.prefix = prefix.encode("utf-8")
        self._held_cr = False
        self._line_start = True
        self._partial = bytearray()

    def write(self, data: bytes) -> None:
        if self._held_cr:
            data = b"\r" + data
            self._held_cr = False
        if data.endswith(b"\r"):
            data = data[:-1]
            self._held_cr = True
        data = data.replace(b"\r\n", b"\n")
        if not data:
            return
        if self.prefix:
            self._write_prefixed(data)
        else:
            with _lock:
                self.stream.write(data)
                self.stream.flush()

    def _write_prefixed(self, data: bytes) -> None:
        # Whole lines only, so that boards printing at once do not mix within a line.
        self._partial += data
        *lines, rest = bytes(self._partial).split(b"\n")
        self._partial[:] = rest
        if lines:
            with _lock:
                for line in lines:
                    self.stream.write(self.prefix + line + b"\n")
                self.stream.flush()

    def close(self) -> None:
        if self._held_cr:
            self._held_cr = False
            self.write(b"\r")
        if self.prefix and self._partial:
            with _lock:
                self.stream.write(self.prefix + bytes(self._partial) + b"\n")
                self.stream.flush()
            self._partial.clear()


def say(message: str, prefix: str = "") -> None:
    """One message of ours for people, on stderr."""
    with _lock:
        stderr_console().print(f"{prefix}{message}", markup=False)


def say_lines(lines: list[str], prefix: str = "") -> None:
    """Several lines of ours as one block, on stderr: another board's messages cannot come
    between them (a picture of the LEDs)."""
    with _lock:
        for line in lines:
            stderr_console().print(f"{prefix}{line}", markup=False)


def error(message: str, prefix: str = "") -> None:
    with _lock:
        stderr_console().print(f"{prefix}{message}", style="bold red", markup=False)


def boxed(message: str, title: str) -> None:
    """A framed message with a title, on stderr: how a usage error is shown (typer's own look)."""
    from rich.panel import Panel
    from rich.text import Text

    with _lock:
        panel = Panel(Text(message), title=title, title_align="left", border_style="red")
        stderr_console().print(panel, soft_wrap=False)


def labelled(label: str, value: object) -> str:
    """`label: value` as the reader writes it (a no-break space before the colon in French)."""
    return _("{label}: {value}").format(label=label, value=value)
