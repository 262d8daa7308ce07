"""The `Board` service: what every front end uses to run code and manage files on a board.

A front end never writes bytes to a transport; it calls `exec`, `eval`, `stream`, `interrupt`,
`reset`, `fs`. The board is kept in raw REPL mode between calls, so a call costs one round trip.

Run state: one thread runs a call at a time; any other thread stops it with `request_stop()` (the
■ button, Ctrl-C in a terminal, a workshop's Stop), and asks `phase` or `stuck`. A stop is
Ctrl-C, then, if the call has not ended after `STOP_GRACE`, the call's read gives up and the call
escalates by itself (`interrupt()`: soft reboot, line reset, then `DeviceNotResponding`). That is
the one path from a Stop to the board.
"""

from __future__ import annotations

import ast
import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

from tne.i18n import _

from .address import DeviceAddress, parse_address
from .errors import (
    BridgeError,
    DeviceBusy,
    DeviceNotResponding,
    ExecTimeout,
    LinkLost,
    UsageError,
)
from .flash import find_drives, flash_drive
from .fs import BoardFS
from .profiles import PROBE_CODE, BoardProfile, parse_probe
from .protocol import Phase, RawRepl, RunResult, board_error
from .protocol.raw_repl import READ_SLICE
from .protocol.stdin import (
    ANSWER_PIECE,
    FIRMWARE_INPUT,
    FIRMWARE_INPUT_BUILTIN,
    InputWatch,
    answer_line,
    file_modules,
    files_mention_input,
    may_change_files,
    mentions_input,
    refusal_line,
    without_marks,
)
from .transports import Transport, open_transport
from .transports.base import SimControls

#: How long to wait for a Ctrl-C to take effect before escalating.
INTERRUPT_GRACE = 0.5
#: Seconds between the Ctrl-C of `request_stop()` and cancelling the running call's read.
STOP_GRACE = 1.0
DEFAULT_TIMEOUT = 10.0
#: How far the board's own `input()` is defined (`Board._define_input`).
INPUT_IN_MAIN, INPUT_IN_BUILTINS = 1, 2

#: What answers a program's `input()`: the line typed (without its end), None when the run was
#: stopped meanwhile; it raises `EOFError` when nothing can be typed (its message, if any, is
#: what the program's `input()` raises). Called on a thread of its own.
OnInput = Callable[[], "str | None"]


class Board:
    """One connected MicroPython board.

    Use `Board.connect(address)` (or `connect()` from the package), and `close()` or a `with`
    block when done. Methods raise `device_bridge.errors` exceptions only."""

    def __init__(
        self,
        transport: Transport,
        address: DeviceAddress | None = None,
        allow_input: bool = True,
    ) -> None:
        self.transport = transport
        #: False for a grading run: a program's `input()` fails at once, with a French message.
        self.allow_input = allow_input
        self._input_defined = 0  # or INPUT_IN_MAIN, INPUT_IN_BUILTINS
        #: Modules whose files the board said do not mention `input`, since its files last
        #: may have changed (`_define_input`).
        self._files_without_input: set[str] = set()
        #: What is left to write of an answer to `input()`, sent a piece at each mark.
        self._answer_rest = b""
        self.address = address
        self.repl = RawRepl(transport)
        self.banner = b""
        self.profile: BoardProfile | None = None
        self.name = ""  # the workshop label, when the board was named by it (`label:R7`)
        self._fs: BoardFS | None = None
        self._state = threading.Lock()  # guards the three fields below
        self._running = False  # a call is on the board (run, exec, eval, stream)
        self._run_number = 0  # which call: a late escalation never cancels a later call
        self._escalation_for = 0  # the call a stop escalation is already armed for

    # -- life cycle --------------------------------------------------------------------------

    @classmethod
    def connect(cls, address: str | DeviceAddress, allow_input: bool = True) -> Board:
        from .discovery import resolve_address, resolve_label

        asked = parse_address(address) if isinstance(address, str) else address
        name = ""
        if asked.kind == "label":  # keep the workshop label: people see it in `label`
            found = resolve_label(asked.target)
            address, name = found.parsed_address, found.name
        else:
            address = resolve_address(asked)
        board = cls.started(open_transport(address), address, allow_input)
        board.name = name
        return board

    @classmethod
    def started(
        cls, transport: Transport, address: DeviceAddress | None = None, allow_input: bool = True
    ) -> Board:
        """A board on `transport` (already open), started; closed again if the start fails."""
        board = cls(transport, address, allow_input)
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
    def sim(self) -> SimControls | None:
        """The simulator's controls (events, inputs, seed, world); None on a real board."""
        return self.transport.sim_controls

    @property
    def phase(self) -> Phase:
        """Where the board's raw REPL is (any thread may ask)."""
        return self.repl.phase

    @property
    def stuck(self) -> bool:
        """Whether the last stop failed: the board answers nothing until it is reset (the next
        call tries raw mode again first)."""
        return self.repl.phase == Phase.STUCK

    @property
    def label(self) -> str:
        where = str(self.address) if self.address else self.transport.label
        kind = self.profile.label if self.profile else "?"
        return f"{self.name} · {kind} ({where})" if self.name else f"{kind} ({where})"

    def close(self) -> None:
        try:
            if self.transport is not None and self.repl.phase == Phase.IDLE:
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
        on_input: OnInput | None = None,
    ) -> RunResult:
        """Run code, stopping it (and escalating) when the board is silent for `timeout`.
        `on_input` answers the program's `input()` (without it, `input()` raises)."""
        self._resync_if_needed()
        self._define_input(code)
        self._answer_rest = b""
        watch = InputWatch(on_stdout, lambda: self._answer_input(on_input))
        with self._call():
            try:
                result = self.repl.run(
                    code, timeout=timeout, on_stdout=watch.feed, on_stderr=on_stderr
                )
            except (ExecTimeout, KeyboardInterrupt):
                self.interrupt()
                raise
            finally:
                watch.flush()
        return RunResult(without_marks(result.stdout), result.stderr)

    # -- input() -------------------------------------------------------------------------------

    def _define_input(self, code: str | bytes) -> None:
        """Real firmware gives no sign that `input()` waits: define one that does
        (protocol/stdin.py), once per boot, before the first code that may call `input()`:
        that says it (defined in `__main__`), or imports a module whose file on the board says
        it (in the builtins too, where the module looks it up).

        The board is asked about a module's file once, until its files may have changed: a
        robot's program imports `maqueen` at every run, and on the V1 the question is about
        500 bytes paced at 8 KB/s, then a round trip."""
        if self._input_defined == INPUT_IN_BUILTINS or self.sim is not None:
            return
        if may_change_files(code):
            self._files_without_input.clear()
        modules = tuple(m for m in file_modules(code) if m not in self._files_without_input)
        if modules:
            said = self.repl.run(files_mention_input(modules), timeout=DEFAULT_TIMEOUT)
            if said.stdout.strip() == b"1":
                definition = "" if self._input_defined else FIRMWARE_INPUT
                self.repl.run(definition + FIRMWARE_INPUT_BUILTIN, timeout=DEFAULT_TIMEOUT)
                self._input_defined = INPUT_IN_BUILTINS
                return
            self._files_without_input.update(modules)
        if not self._input_defined and mentions_input(code):
            self.repl.run(FIRMWARE_INPUT, timeout=DEFAULT_TIMEOUT)
            self._input_defined = INPUT_IN_MAIN

    def _answer_input(self, on_input: OnInput | None) -> None:
        """The board waits in `input()` (on the reading thread): send it a line, or a refusal
        that it raises at once, or nothing if the run is being stopped. Real firmware takes a
        long line a piece at a time, asking for each (protocol/stdin.py)."""
        if self._answer_rest:
            self._write_answer_piece()
            return
        if not self.allow_input:
            reply = refusal_line(
                _(
                    "input() cannot be used while your program is graded: write the values "
                    "in your program instead."
                )
            )
        elif on_input is None:
            reply = refusal_line(_("Nobody can type an answer to input() here."))
        else:
            try:
                text = self._wait_for_answer(on_input)
            except EOFError as error:  # its message, if any, says why to the pupil
                reply = refusal_line(
                    str(error) or _("input() got no answer: nothing more can be typed.")
                )
            else:
                if text is None:
                    return  # stopped: the Ctrl-C is already on its way
                reply = answer_line(text)
        self._answer_rest = reply
        self._write_answer_piece()

    def _write_answer_piece(self) -> None:
        piece = len(self._answer_rest) if self.sim is not None else ANSWER_PIECE
        reply, self._answer_rest = self._answer_rest[:piece], self._answer_rest[piece:]
        self.repl.write_paced(reply)  # the board reads it while it waits: paced as code is

    def _wait_for_answer(self, on_input: OnInput) -> str | None:
        """`on_input()` on a thread of its own, so that a stop (`request_stop`) or a Ctrl-C in
        this thread ends the wait even when the person never answers."""
        box: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()

        def ask() -> None:
            try:
                box.put((True, on_input()))
            except BaseException as error:  # handed over to the waiting thread
                box.put((False, error))

        threading.Thread(target=ask, name="tne-input", daemon=True).start()
        while True:
            try:
                answered, value = box.get(timeout=0.1)
            except queue.Empty:
                if self._stop_asked():
                    return None
                continue
            if not answered:
                raise value
            return value

    def _stop_asked(self) -> bool:
        with self._state:
            return self._running and self._escalation_for == self._run_number

    @contextlib.contextmanager
    def _call(self) -> Iterator[None]:
        """Mark a call as running on the board, for `request_stop()`."""
        with self._state:
            self._running = True
            self._run_number += 1
        try:
            yield
        finally:
            with self._state:
                self._running = False

    def request_stop(self) -> bool:
        """Stop the running call, from any thread; False when none runs.

        Ctrl-C at once; if the call has not ended `STOP_GRACE` later, its read gives up and the
        call escalates on its own thread (soft reboot, line reset), ending with the error that
        says what happened (`ExecTimeout` when the board was brought back by force,
        `DeviceNotResponding` when nothing worked). Never blocks, never raises."""
        with self._state:
            if not self._running:
                return False
            number = self._run_number
            arm = self._escalation_for != number
            self._escalation_for = number
        with contextlib.suppress(BridgeError, OSError):
            self.repl.interrupt()
        if arm:
            timer = threading.Timer(STOP_GRACE, self._escalate, args=(number,))
            timer.daemon = True
            timer.start()
        return True

    def _escalate(self, number: int) -> None:
        with self._state:
            if self._running and self._run_number == number:
                self.repl.cancel()  # the call's read gives up; `run` then escalates

    def check_link(self) -> None:
        """Raise `LinkLost` if the link has gone (a cable pulled while no call runs; what the
        board printed meanwhile is dropped)."""
        with self._state:
            if self._running:
                return
        self.transport.read(0)

    def close_link(self) -> None:
        """Close the link at once, from any thread, whatever runs: a call blocked on it ends
        with `LinkLost`. For a board that did not stop when asked; `close()` otherwise."""
        with contextlib.suppress(BridgeError, OSError):
            self.transport.close()

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

        self._answer_rest = b""
        watch = InputWatch(lambda data: chunks.put(("out", data)), lambda: self._answer_input(None))

        def worker() -> None:
            try:
                with self._call():
                    result = self.repl.run(code, timeout=timeout, on_stdout=watch.feed)
                    watch.flush()
                chunks.put(("done", result))
            except BaseException as error:  # handed over to the consumer
                chunks.put(("error", error))

        self._resync_if_needed()
        self._define_input(code)
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
                if self.repl.phase != Phase.IDLE:
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
        self.repl.give_up()
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
        self._input_defined = 0  # the board may have rebooted meanwhile
        self._files_without_input.clear()  # or been given other files
        self.repl.run("pass", timeout=2.0)
        return seen

    def _at_prompt(self) -> bool:
        try:
            self._enter(attempts=1, wait=INTERRUPT_GRACE)
        except BridgeError:
            return False
        return True

    def _resync_if_needed(self) -> None:
        if self.repl.phase != Phase.IDLE:
            self._enter()

    def reset(self, mode: Literal["soft", "hard"] = "soft") -> None:
        """Soft: reboot MicroPython (variables are lost, files stay). Hard: reset the chip as
        the reset button does (`machine.reset()`, or the serial line when that fails)."""
        self._resync_if_needed()
        if mode == "soft":
            self._input_defined = 0
            self.repl.soft_reset()
            return
        code = (
            "import microbit\nmicrobit.reset()"
            if self._is_microbit()
            else ("import machine\nmachine.reset()")
        )
        with contextlib.suppress(ExecTimeout, LinkLost):
            self.repl.run(code, timeout=1.0)
        time.sleep(0.3)
        self._enter()

    def _is_microbit(self) -> bool:
        return bool(self.profile and self.profile.kind.startswith("microbit"))

    # -- interactive terminal ------------------------------------------------------------------

    def open_terminal(self) -> None:
        """Leave raw mode for the board's own friendly REPL (`tne repl`)."""
        self._resync_if_needed()
        self.repl.leave()

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
        if drive is None:
            drives = find_drives()
            if len(drives) != 1:
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
    def fs(self) -> BoardFS:
        if self._fs is None:
            self._fs = BoardFS(self)
        return self._fs


def wait_for_firmware(address: str | DeviceAddress, timeout: float = 30.0) -> str:
    """After a flash the board reboots: connect as soon as it answers, and return the firmware
    version it announces (for example `MicroPython v1.9.2-34-gd64154c73 on 2017-09-01`)."""
    deadline = time.monotonic() + timeout
    last_error: BridgeError | None = None
    while time.monotonic() < deadline:
        try:
            board = Board.connect(address)
        except DeviceBusy:
            raise  # waiting will not free a port another program holds
        except BridgeError as error:
            last_error = error
            time.sleep(0.5)
            continue
        try:
            return board.profile.firmware if board.profile else ""
        finally:
            board.close()
    raise DeviceNotResponding(
        _(
            "The micro:bit did not answer within {seconds} s after flashing. Unplug it, plug it "
            "in again, then check with: tne devices"
        ).format(seconds=round(timeout)),
        detail=str(last_error.detail or last_error) if last_error else "",
    )
