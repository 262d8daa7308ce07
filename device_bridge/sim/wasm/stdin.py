"""The door op `input`: the simulated board's `input()` (device_bridge/protocol/stdin.py).

The guest's `input(prompt)` calls the op; on the host side the prompt goes out as the program's
output, then the mark that says « this board waits for a line » (on the serial line only: the
trace's printed text keeps the prompt alone), then the op reads the host's answer from the
serial line. It waits in short slices so that a Ctrl-C (the ■ button, Ctrl-C in a terminal)
stops the program where it waits, as on the board.
"""

from __future__ import annotations

from collections.abc import Callable

from ...protocol.stdin import END, INPUT_MARK, read_answer
from ..console import Console
from .door import RESULT_CAP

#: Seconds between two looks at a pending Ctrl-C while the program waits for a line.
SLICE_S = 0.05
#: Longest answer handed to the program, in bytes of UTF-8 (it must fit, tagged, in the door's
#: large result buffer); the rest of a longer line is dropped.
MAX_ANSWER = RESULT_CAP - 8


class SerialInput:
    """Reads the host's answers to `input()` on the board's serial line."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def ask(self, prompt: str, write: Callable[[str], None], checkpoint: Callable[[], None]) -> str:
        """`input(prompt)`: the line the host answered; `RuntimeError` with the host's message
        when it refused; `KeyboardInterrupt` (from `checkpoint`) on a Ctrl-C."""
        write(prompt)
        self.console.write(INPUT_MARK)
        line = bytearray()
        while True:
            checkpoint()
            try:
                byte = self.console.read_byte(SLICE_S)
            except TimeoutError:
                continue
            if byte is None:
                raise RuntimeError("the serial line was closed")
            if byte == END[0]:
                break
            line.append(byte)
        refused, text = read_answer(bytes(line))
        if refused:
            raise RuntimeError(text)
        return text.encode("utf-8")[:MAX_ANSWER].decode("utf-8", "ignore")
