"""The `Board` service: what every front end uses to run code and manage files on a board.

A front end never writes bytes to a transport; it calls `exec`, `eval`, `stream`, `interrupt`,
`reset`, `fs`. The board is kept in raw REPL mode between calls, so a call costs one round trip.
"""

from __future__ import annotations

import ast
import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any, Literal

from tne.i18n import _

from .address import DeviceAddress, parse_address
from .errors import BoardError, BridgeError, DeviceNotResponding, ExecTimeout, LinkLost
from .profiles import PROBE_CODE, BoardProfile, parse_probe
from .protocol import RawRepl, RunResult
from .protocol.raw_repl import READ_SLICE
from .transports import Transport, open_transport

#: How long to wait for a Ctrl-C to take effect before escalating.
INTERRUPT_GRACE = 0.5
DEFAULT_TIMEOUT = 10.0


def board_error(result: RunResult) -> BoardError:
    traceback = result.stderr.decode("utf-8", "replace").replace("\r\n", "\n")
    last = traceback.strip().splitlines()[-1] if traceback.strip() else ""
    return BoardError(
        _("The program raised an error on the board: {error}").format(error=last),
        traceback=traceback,
        stdout=result.stdout,
    )


class Board:
    """One connected MicroPython board.

    Use `Board.connect(address)` (or `connect()` from the package), and `close()` or a `with`
    block when done. Methods raise `device_bridge.errors` exceptions only."""

    def __init__(self, transport: Transport, address: DeviceAddress | None = None) -> None:
        self.transport = transport
        self.address = address
        self.repl = RawRepl(transport)
        self.banner = b""
        self.profile: BoardProfile | None = None
        self.name = ""  # the workshop label, when the board was named by it (`label:R7`)
        self._fs: Any = None

    # -- life cycle --------------------------------------------------------------------------

    @classmethod
    def connect(cls, address: str | DeviceAddress) -> Board:
        from .discovery import resolve_address, resolve_label

        asked = parse_address(address) if isinstance(address, str) else address
        name = ""
        if asked.kind == "label":  # keep the workshop label: people see it in `label`
            found = resolve_label(asked.target)
            address, name = found.parsed_address, found.name
        else:
            address = resolve_address(asked)
        board = cls.started(open_transport(address), address)
        board.name = name
        return board

    @classmethod
    def started(cls, transport: Transport, address: DeviceAddress | None = None) -> Board:
        """A board on `transport` (already open), started; closed again if the start fails."""
        board = cls(transport, address)
        try:
            board.start()
        except BaseException:
            board.close()
            raise
        return board

    def start(self) -> None:
        """Enter raw mode and probe the firmware."""
        if not self.transport.runs_python:
            from .errors import UsageError

            raise UsageError(
                _(
                    "{board} has no Python: it runs a MakeCode program with the Bluetooth UART "
                    "service. tne can only exchange text with it: use tne monitor. To run Python, "
                    "put MicroPython on a board that has Bluetooth for Python (an ESP32, say)."
                ).format(board=self.transport.label)
            )
        self.banner = self._enter()
        self.profile = parse_probe(self.exec(PROBE_CODE).stdout)

    @property
    def label(self) -> str:
        where = str(self.address) if self.address else self.transport.label
        kind = self.profile.label if self.profile else "?"
        return f"{self.name} · {kind} ({where})" if self.name else f"{kind} ({where})"

    def close(self) -> None:
        try:
            if self.transport is not None and self.repl.phase == "idle":
                self.repl.leave()
        except BridgeError:
            pass
        finally:
            self.transport.close()

    def __enter__(self) -> Board:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running code ------------------------------------------------------------------------

    def run(
        self,
        code: str | bytes,
        timeout: float | None = DEFAULT_TIMEOUT,
        on_stdout: Any = None,
        on_stderr: Any = None,
    ) -> RunResult:
        """Run code, stopping it (and escalating) when the board is silent for `timeout`."""
        self._resync_if_needed()
        try:
            return self.repl.run(code, timeout=timeout, on_stdout=on_stdout, on_stderr=on_stderr)
        except (ExecTimeout, KeyboardInterrupt):
            self.interrupt()
            raise

    def exec(self, code: str | bytes, timeout: float | None = DEFAULT_TIMEOUT) -> RunResult:
        """Run code; return its stdout and stderr apart. A board-side exception raises
        `BoardError` carrying the board's traceback."""
        result = self.run(code, timeout)
        if result.stderr:
            raise board_error(result)
        return result

    def eval(self, expression: str, timeout: float | None = DEFAULT_TIMEOUT) -> Any:
        """The value of a Python expression on the board (anything whose repr is a literal)."""
        output = self.exec(f"print(repr({expression}))", timeout).stdout
        text = output.decode("utf-8", "replace").strip()
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text

    def stream(self, code: str | bytes, timeout: float | None = None) -> Iterator[bytes]:
        """Yield the program's stdout as it arrives; raise `BoardError` at the end if it
        raised. Closing the iterator early (Ctrl-C, `break`) stops the program on the board."""
        chunks: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

        def worker() -> None:
            try:
                result = self.repl.run(
                    code, timeout=timeout, on_stdout=lambda data: chunks.put(("out", data))
                )
                chunks.put(("done", result))
            except BaseException as error:  # handed over to the consumer
                chunks.put(("error", error))

        self._resync_if_needed()
        thread = threading.Thread(target=worker, name="tne-stream", daemon=True)
        thread.start()
        finished = False
        try:
            while True:
                try:
                    # A timeout keeps Ctrl-C deliverable on Windows, where a blocking get is not
                    # interruptible.
                    kind, value = chunks.get(timeout=0.2)
                except queue.Empty:
                    continue
                if kind == "out":
                    yield value
                elif kind == "done":
                    finished = True
                    if value.stderr:
                        raise board_error(value)
                    return
                else:
                    finished = True
                    if isinstance(value, ExecTimeout):
                        self.interrupt()
                    raise value
        finally:
            if not finished:
                # The consumer went away: stop the program, then let the reader finish.
                self.repl.interrupt()
                thread.join(INTERRUPT_GRACE * 2)
                if thread.is_alive():
                    self.repl.cancel()  # one reader at a time: the escalation reads next
                    thread.join(READ_SLICE * 5)
                if self.repl.phase != "idle":
                    # No exception out of a generator's clean-up (it may run at garbage
                    # collection): a board that cannot be stopped stays marked "stuck", and the
                    # next call says so.
                    with contextlib.suppress(BridgeError):
                        self.interrupt()

    # -- control -----------------------------------------------------------------------------

    def interrupt(self) -> None:
        """Stop what runs: Ctrl-C, then a soft reboot, then a line reset. Raises
        `DeviceNotResponding` with advice for people when nothing worked."""
        self.repl.interrupt()
        if self.repl.finish_interrupted(INTERRUPT_GRACE) or self._at_prompt():
            return
        # Ctrl-C did not stop it (blocked in C code, such as temperature() on QEMU).
        if self.repl.try_soft_reboot(INTERRUPT_GRACE) and self._at_prompt():
            return
        if self.transport.reset_line():
            try:
                self._enter(attempts=2, wait=INTERRUPT_GRACE)
                return
            except BridgeError:
                pass
        self.repl.phase = "stuck"
        raise DeviceNotResponding(
            _(
                "The board no longer answers (it may be stuck in temperature() or a similar "
                "call). Press the reset button on the back of the board, then run your program "
                "again."
            )
        )

    def _enter(self, attempts: int = 6, wait: float = 0.5) -> bytes:
        """Raw mode, with nothing left over from before: a NUL byte (line noise, a serial
        break) leaves a KeyboardInterrupt pending on the micro:bit, which a throw-away
        statement absorbs so that it does not hit the next program."""
        seen = self.repl.enter(attempts=attempts, wait=wait)
        self.repl.phase = "idle"
        self.repl.run("pass", timeout=2.0)
        return seen

    def _at_prompt(self) -> bool:
        try:
            self._enter(attempts=1, wait=INTERRUPT_GRACE)
        except BridgeError:
            return False
        self.repl.phase = "idle"
        return True

    def _resync_if_needed(self) -> None:
        if self.repl.phase != "idle":
            self._enter()

    def reset(self, mode: Literal["soft", "hard"] = "soft") -> None:
        """Soft: reboot MicroPython (variables are lost, files stay). Hard: reset the chip as
        the reset button does (`machine.reset()`, or the serial line when that fails)."""
        self._resync_if_needed()
        if mode == "soft":
            self.repl.soft_reset()
            return
        code = (
            "import microbit\nmicrobit.reset()"
            if self._is_microbit()
            else ("import machine\nmachine.reset()")
        )
        with contextlib.suppress(ExecTimeout, LinkLost):
            self.repl.run(code, timeout=1.0)
        self.repl.phase = "idle"
        time.sleep(0.3)
        self._enter()

    def _is_microbit(self) -> bool:
        return bool(self.profile and self.profile.kind.startswith("microbit"))

    # -- interactive terminal ------------------------------------------------------------------

    def open_terminal(self) -> None:
        """Leave raw mode for the board's own friendly REPL (`tne repl`)."""
        self._resync_if_needed()
        self.repl.leave()
        self.repl.phase = "terminal"

    def terminal_write(self, data: bytes) -> None:
        self.repl.write(data)

    def terminal_read(self, timeout: float) -> bytes:
        return self.transport.read(timeout)

    def close_terminal(self) -> None:
        """Back to raw mode, whatever the person left running."""
        self._enter()

    # -- firmware ----------------------------------------------------------------------------

    def flash(self, hex_text: str | None = None, drive: Any = None, progress: Any = None) -> str:
        """Copy a MicroPython hex (by default the one that fits the board) to this micro:bit's
        `MICROBIT` drive, then reconnect and return the firmware version it announces."""
        from .flash import find_drives, flash_drive, wait_for_firmware

        if drive is None:
            drives = find_drives()
            if len(drives) != 1:
                from .errors import UsageError

                raise UsageError(
                    _("Found {count} MICROBIT drives; say which one with --drive.").format(
                        count=len(drives)
                    )
                )
            drive = drives[0]
        address = self.address or parse_address(f"serial:{self.transport.label}")
        self.close()
        flash_drive(drive, hex_text, progress)
        firmware = wait_for_firmware(address)
        self.transport = open_transport(address)
        self.repl = RawRepl(self.transport)
        self._fs = None
        self.start()
        return firmware

    # -- files -------------------------------------------------------------------------------

    @property
    def fs(self):  # -> BoardFS, imported lazily to keep the module graph one-way
        if self._fs is None:
            from .fs import BoardFS

            self._fs = BoardFS(self)
        return self._fs
