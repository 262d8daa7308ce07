"""The terminal's input for a program's `input()` (`tne run`, `tne exec`): one line of this
process's stdin per call, one board at a time (`--device all` shares one terminal)."""

from __future__ import annotations

import sys
import threading

from tne.i18n import _

_turn = threading.Lock()


def terminal_line() -> str:
    """The next line typed (without its end); `EOFError` once stdin is closed or at its end."""
    with _turn:
        line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise EOFError(_("input() got no answer: the terminal's input is closed."))
    return line.rstrip("\r\n")
