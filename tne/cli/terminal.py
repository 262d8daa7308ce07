"""`tne repl`: the board's own Python prompt in this terminal.

Keys go to the board as they are typed (Ctrl-C included, so it stops the board's program);
Ctrl-] leaves. Reading single keys is platform code: `msvcrt` on Windows, `termios` raw mode
elsewhere, both imported only where they exist. When stdin is not a terminal (a pipe, a test),
its bytes are sent as they come and the command ends once the board has gone quiet.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from device_bridge import Board
from device_bridge.errors import BridgeError, DeviceNotResponding
from tne.i18n import _

from .output import BoardOutput, say
from .runner import EXIT_OK, report

EXIT_KEY = b"\x1d"  # Ctrl-]
QUIET_AFTER_EOF = 1.0


def terminal_action(
    timeout: float | None, newline: bytes = b"\r"
) -> Callable[[Board, BoardOutput, str], int]:
    """The terminal on `board` (a `Board`, or a `device_bridge.monitor.TextLink`); piped input
    has its line ends sent as `newline`."""

    def action(board: Board, out: BoardOutput, prefix: str) -> int:
        interactive = sys.stdin.isatty()
        if interactive:
            say(_("Connected to {label}. Ctrl-] leaves.").format(label=board.label))
        board.open_terminal()
        state = {"last_output": time.monotonic(), "last_input": 0.0, "error": None}
        stop = threading.Event()

        def pump() -> None:
            try:
                while not stop.is_set():
                    data = board.terminal_read(0.05)
                    if data:
                        state["last_output"] = time.monotonic()
                        out.write(data)
            except BridgeError as problem:
                state["error"] = problem
                stop.set()

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            for key in _keys(interactive, stop, newline):
                if key == EXIT_KEY:
                    break
                if interactive:
                    key = key.replace(b"\r", newline)  # the Enter key
                board.terminal_write(key)
                state["last_input"] = time.monotonic()
                if timeout is not None and _silent_for(state, timeout):
                    raise DeviceNotResponding(_("The board does not answer."))
            if not interactive:
                _wait_quiet(state, stop, timeout)
        finally:
            stop.set()
            reader.join(1.0)
        if state["error"] is not None:
            return report(state["error"], prefix)
        board.close_terminal()
        return EXIT_OK

    return action


def _silent_for(state: dict, timeout: float) -> bool:
    return state["last_input"] - state["last_output"] > timeout


def _wait_quiet(state: dict, stop: threading.Event, timeout: float | None) -> None:
    """After piped input ends, wait until the board has been quiet for a moment."""
    limit = time.monotonic() + (timeout if timeout is not None else 3600.0)
    while not stop.is_set() and time.monotonic() < limit:
        if time.monotonic() - state["last_output"] > QUIET_AFTER_EOF:
            return
        time.sleep(0.05)


def _keys(interactive: bool, stop: threading.Event, newline: bytes) -> Iterator[bytes]:
    if not interactive:
        stream = sys.stdin.buffer
        while not stop.is_set():
            data = stream.read1(1024) if hasattr(stream, "read1") else stream.read(1)
            if not data:
                return
            yield data.replace(b"\n", newline)
        return
    if os.name == "nt":
        import msvcrt

        while not stop.is_set():
            if msvcrt.kbhit():
                yield msvcrt.getwch().encode("utf-8")
            else:
                time.sleep(0.01)
        return
    with _raw_terminal():
        while not stop.is_set():
            data = os.read(sys.stdin.fileno(), 64)
            if not data:
                return
            yield data


@contextmanager
def _raw_terminal() -> Iterator[None]:
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
