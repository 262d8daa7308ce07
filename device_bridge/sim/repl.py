"""The MicroPython REPL state machine, byte for byte as the firmware's `pyexec.c` behaves.

Friendly mode (`>>> `) echoes and runs lines; Ctrl-A enters raw mode, whose framing the bridge
speaks: code then Ctrl-D, answered `OK`, stdout, `\\x04`, stderr, `\\x04`, then `>`. Ctrl-B
leaves raw mode, Ctrl-C clears the line (or stops running code: see `console.py`), and Ctrl-D on
an empty line soft-reboots (globals cleared, files and time kept).

Raw-paste (`\\x05A\\x01`): the V2 imitation answers `R\\x00` (understood, refused), as a
firmware without it compiled in; the V1 imitation, like the real 1.9.2 firmware, does not know
it and prints the raw banner again. The bridge handles both.
"""

from __future__ import annotations

import codeop
from typing import Protocol

from .console import Console
from .firmware import version_text
from .microbit import ResetRequested
from .state import BoardState

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
SOFT_REBOOT = b"soft reboot\r\n"
CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = 1, 2, 3, 4, 5
BACKSPACES = (0x08, 0x7F)


class Engine(Protocol):
    """What runs pupil code for the REPL (wasm.board.WasmEngine)."""

    running: bool

    def boot(self) -> None:
        """A fresh interpreter: power-on or soft reboot (files and time are kept)."""

    def execute(self, source: str, mode: str = "exec") -> str:
        """The traceback text of `source` ('' when it ended normally); raises
        `ResetRequested` when the program reset the board."""
        ...


class Repl:
    def __init__(self, state: BoardState, console: Console, engine: Engine) -> None:
        self.state = state
        self.console = console
        self.engine = engine
        self.raw = False
        self._boot()

    def _boot(self) -> None:
        self.engine.boot()

    def friendly_banner(self) -> bytes:
        return (
            f"MicroPython {version_text(self.state.firmware)}\r\n"
            'Type "help()" for more information.\r\n'
        ).encode()

    def serve(self) -> None:
        """Run until the host closes the line."""
        self.console.write(self.friendly_banner())
        while True:
            step = self._raw_command() if self.raw else self._friendly_line()
            if step is None:
                return

    def _soft_reboot(self) -> None:
        self._boot()
        self.console.write(SOFT_REBOOT)
        if not self.raw:
            self.console.write(self.friendly_banner())

    def _hard_reset(self) -> None:
        """`microbit.reset()`: the board restarts in friendly mode, files kept."""
        self._boot()
        self.raw = False
        self.console.write(b"\r\n" + self.friendly_banner())

    def _run(self, source: str, mode: str) -> str | None:
        """Run code; its traceback text, or None when it reset the board."""
        try:
            return self.engine.execute(source, mode)
        except ResetRequested:
            self._hard_reset()
            return None

    # -- raw mode ----------------------------------------------------------------------------

    def _raw_command(self) -> bool | None:
        """Read and run one raw-mode command. None at end of input."""
        self.console.write(b">")
        line = bytearray()
        while True:
            byte = self.console.read_byte()
            if byte is None:
                return None
            if byte == CTRL_A:
                if bytes(line) == b"\x05A" and self.state.firmware != "v1":
                    self.console.write(b"R\x00>")
                    line.clear()
                    continue
                self.console.write(RAW_BANNER)
                return True
            if byte == CTRL_B:
                self.raw = False
                self.console.write(b"\r\n" + self.friendly_banner())
                return True
            if byte == CTRL_C:
                line.clear()
            elif byte == CTRL_D:
                break
            else:
                line.append(byte)
        if not line:
            self.console.write(b"\r\n")
            self._soft_reboot()
            self.console.write(RAW_BANNER)
            return True
        self.console.write(b"OK")
        error = self._run(line.decode("utf-8", "replace"), "exec")
        if error is not None:
            self.console.write(b"\x04" + error.encode("utf-8", "replace") + b"\x04")
        return True

    # -- friendly mode -----------------------------------------------------------------------

    def _friendly_line(self) -> bool | None:
        """Read and run one (possibly multi-line) statement at `>>> `. None at end of input."""
        self.console.write(b">>> ")
        lines: list[str] = []
        line = bytearray()
        while True:
            byte = self.console.read_byte()
            if byte is None:
                return None
            if byte == CTRL_A:
                self.console.write(b"\r\n" + RAW_BANNER)
                self.raw = True
                return True
            if byte == CTRL_B:
                self.console.write(b"\r\n" + self.friendly_banner())
                return True
            if byte == CTRL_C:
                self.console.write(b"\r\n")
                return True
            if byte == CTRL_D:
                if not line and not lines:
                    self.console.write(b"\r\n")
                    self._soft_reboot()
                    return True
                continue
            if byte in BACKSPACES:
                if line:
                    line.pop()
                    self.console.write(b"\x08 \x08")
                continue
            if byte == 0x0A:
                continue
            if byte != 0x0D:
                line.append(byte)
                self.console.write(bytes([byte]))
                continue
            self.console.write(b"\r\n")
            lines.append(line.decode("utf-8", "replace"))
            line.clear()
            source = "\n".join(lines)
            if self._incomplete(source, lines[-1]):
                self.console.write(b"... ")
                continue
            if source.strip():
                error = self._run(source + "\n", "single")
                if error:
                    self.console.write(error.encode("utf-8", "replace"))
            return True

    @staticmethod
    def _incomplete(source: str, last: str) -> bool:
        if len(source.splitlines()) > 1 and last.strip():
            return True  # a block goes on until an empty line, as at MicroPython's prompt
        try:
            return codeop.compile_command(source + "\n", "<stdin>", "single") is None
        except (SyntaxError, ValueError, OverflowError):
            return False
