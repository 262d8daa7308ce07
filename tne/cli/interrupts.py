"""Ctrl-C for the commands that promise it (`tne run`, `repl`, `monitor`, `lab`).

A process started with SIGINT ignored (a background job of a non-interactive shell, as a CI
runner or a launcher script may start it) inherits that, and Python then installs no handler
of its own: Ctrl-C would do nothing. These commands take Ctrl-C back at start, so that it
raises `KeyboardInterrupt` whatever the parent did. On Windows the same inheritance exists as a
console flag (a process group created with Ctrl-C disabled), which is cleared too.
"""

from __future__ import annotations

import signal
import sys
import threading


def take_ctrl_c() -> None:
    """Make Ctrl-C raise `KeyboardInterrupt` in this process (main thread only: Python
    installs signal handlers there alone)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.platform == "win32":
        import ctypes

        # NULL handler, FALSE: the process handles Ctrl-C again (undoes an inherited ignore).
        ctypes.windll.kernel32.SetConsoleCtrlHandler(None, False)  # type: ignore[attr-defined]
