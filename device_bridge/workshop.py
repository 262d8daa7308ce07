"""A workshop table: several boards driven as one, each on its own thread.

The trainer's view of the table is a list of rows, one per board: its label, port, firmware,
state, last lines of output and LED matrix. `Workshop` owns the rows and fans each action (run a
program, stop, reset) out to all of them; the terminal table (`tne workshop`) and the notebook
widget only draw `Workshop.views()` and call these actions.

Why one thread per board, each with its own command queue: a board that hangs (stuck in
`temperature()` on the emulated micro:bit), is unplugged, or answers slowly must never hold the
others back. Stopping is asked from outside the row's thread with `Board.request_stop()` (Ctrl-C,
then, if the program does not stop within `STOP_GRACE`, the escalation that `Board` makes on the
row's own thread: soft reboot, line reset), which ends in « ne répond plus » when nothing works.
A board whose link dropped is « perdue »; the next reset tries to connect to it again.

Each run that ends (finished, stopped, failed) is reported through `on_run_end`, so the front ends
can record usage without the bridge knowing the registry.

LEDs: a simulated board reports its display as it changes (the transport's side channel); a real
micro:bit has no such channel, so its matrix is read after each run and reset (`leds.PIXELS_CODE`).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tne.i18n import _

from .board import STOP_GRACE, Board
from .errors import (
    BridgeError,
    DeviceBusy,
    DeviceNotResponding,
    DeviceUnreachable,
    ExecTimeout,
    LinkLost,
)
from .leds import DARK, PIXELS_CODE, parse_pixels

#: Seconds between checks that an idle board is still there.
IDLE_CHECK = 1.0
#: Lines of output kept per board (the terminal shows the last few, the notebook all of them).
KEPT_LINES = 200
PIXELS_TIMEOUT = 3.0

#: States of a row; `state_text` gives the words people read.
STATES = ("connecting", "ready", "running", "error", "stuck", "lost", "busy")


def state_text(state: str) -> str:
    """The French (or English) word for a row's state."""
    return {
        "connecting": _("connecting"),
        "ready": _("ready"),
        "running": _("running"),
        "error": _("error"),
        "stuck": _("not responding"),
        "lost": _("lost"),
        "busy": _("busy"),
    }.get(state, state)


@dataclass(frozen=True)
class RowView:
    """What a front end draws for one board, taken at one instant."""

    name: str
    address: str
    port: str
    firmware: str
    state: str
    lines: tuple[str, ...]
    pixels: tuple[int, ...] | None
    simulated: bool
    message: str
    runs: int
    failures: int

    @property
    def state_text(self) -> str:
        return state_text(self.state)

    @property
    def failed(self) -> bool:
        """The board ended in a state the summary reports as a failure."""
        return self.state in ("error", "stuck", "lost", "busy") or self.failures > 0


@dataclass(frozen=True)
class EndedRun:
    """A run that ended on one row: what usage counting needs, nothing about its output."""

    profile_kind: str | None
    simulated: bool
    ok: bool


@dataclass
class BoardRow:
    """One board of the table, served by its own thread. Front ends use `Workshop`."""

    name: str
    address: str
    on_change: Callable[[], None] = lambda: None
    on_run_end: Callable[[EndedRun], None] = lambda run: None
    simulated: bool = False
    state: str = "connecting"
    firmware: str = ""
    message: str = ""
    pixels: list[int] | None = None
    runs: int = 0
    failures: int = 0
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=KEPT_LINES))
    board: Board | None = None
    _partial: bytearray = field(default_factory=bytearray)
    _commands: queue.SimpleQueue[tuple[str, Any] | None] = field(default_factory=queue.SimpleQueue)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _unsubscribe: Callable[[], None] | None = None

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name=f"workshop-{self.name}")
        self._thread.daemon = True
        self._thread.start()

    def request_close(self) -> None:
        """Ask the row's thread to let the board go once its current command ends."""
        self._commands.put(None)

    def close(self, wait: float = 2.0) -> None:
        """Stop serving: the running program is stopped, the link closed. Never blocks for
        longer than `wait`: a hung board is left to its daemon thread."""
        self.stop()
        self.request_close()
        if self._thread is not None:
            self._thread.join(wait)
        if self._thread is not None and self._thread.is_alive() and self.board is not None:
            self.board.close_link()

    def view(self) -> RowView:
        with self._lock:
            lines = list(self.lines)
            if self._partial:
                lines.append(self._partial.decode("utf-8", "replace"))
            return RowView(
                name=self.name,
                address=self.address,
                port=_port_of(self.address),
                firmware=self.firmware,
                state=self.state,
                lines=tuple(lines),
                pixels=tuple(self.pixels) if self.pixels is not None else None,
                simulated=self.simulated,
                message=self.message,
                runs=self.runs,
                failures=self.failures,
            )

    # -- actions (any thread) ----------------------------------------------------------------

    def run(self, code: str) -> None:
        self._commands.put(("run", code))

    def reset(self) -> None:
        self.stop()
        self._commands.put(("reset", None))

    def switch_to_simulator(self) -> None:
        """Replace this row's board by a simulated board of the same kind (a board that will
        not connect should not keep a pair of teachers from the workshop)."""
        self.stop()
        self._commands.put(("simulate", None))

    def stop(self) -> None:
        """Stop the running program (`Board.request_stop`: it escalates on the row's thread
        if Ctrl-C is not enough)."""
        board = self.board
        if self.state != "running" or board is None:
            return
        board.request_stop()

    # -- the row's thread --------------------------------------------------------------------

    def _serve(self) -> None:
        self._connect()
        while True:
            try:
                command = self._commands.get(timeout=IDLE_CHECK)
            except queue.Empty:
                self._check_idle()
                continue
            if command is None:
                break
            kind, argument = command
            if kind == "run":
                self._run(argument)
            elif kind == "reset":
                self._reset()
            elif kind == "simulate":
                self._simulate()
        self._disconnect()

    def _connect(self) -> None:
        self._set(state="connecting", message="")
        try:
            self.board = Board.connect(self.address)
        except BridgeError as problem:
            self.board = None
            self._fail(problem)
            return
        profile = self.board.profile
        self.firmware = profile.label if profile is not None else "?"
        if self.board.sim is not None:
            self._unsubscribe = self.board.sim.subscribe(self._event)
            self.simulated = True
            self.pixels = self.pixels or list(DARK)  # it reports changes only
        self._set(state="ready")
        self._read_pixels()

    def _disconnect(self) -> None:
        if self._unsubscribe is not None:
            with contextlib.suppress(Exception):
                self._unsubscribe()
            self._unsubscribe = None
        if self.board is not None:
            with contextlib.suppress(Exception):
                self.board.close()
        self.board = None

    def _run(self, code: str) -> None:
        if self.board is None or self.state in ("lost", "stuck", "busy"):
            return  # a reset reconnects it first
        self.runs += 1
        with self._lock:
            self._partial.clear()
        self._set(state="running", message="")
        profile = self.board.profile
        failures = self.failures
        try:
            self._run_on_board(self.board, code)
        finally:
            kind = profile.kind if profile else None
            self.on_run_end(EndedRun(kind, self.simulated, ok=self.failures == failures))

    def _run_on_board(self, board: Board, code: str) -> None:
        errors = bytearray()
        try:
            result = board.run(code, timeout=None, on_stdout=self._output, on_stderr=errors.extend)
        except ExecTimeout:
            self._flush()
            self._set(state="ready", message=_("stopped"))  # Board.interrupt brought it back
        except BridgeError as problem:
            self._flush()
            self.failures += 1
            self._fail(problem)
            return
        else:
            self._flush()
            if result.stderr:
                last = result.stderr.decode("utf-8", "replace").strip().splitlines()
                if last and last[-1].startswith("KeyboardInterrupt"):
                    self._set(state="ready", message=_("stopped"))
                else:
                    self.failures += 1
                    self._set(state="error", message=last[-1] if last else "")
            else:
                self._set(state="ready", message=_("finished"))
        self._read_pixels()

    def _reset(self) -> None:
        if self.board is None or self.state in ("lost", "stuck", "busy"):
            self._disconnect()
            self._connect()
            return
        try:
            self.board.reset("soft")
        except BridgeError as problem:
            self._fail(problem)
            return
        self._set(state="ready", message=_("reset"))
        self._read_pixels()

    def _simulate(self) -> None:
        self._disconnect()
        kind = self.firmware.lower()
        self.address = "sim@v1" if "v1" in kind else "sim"
        self.simulated = True
        self._connect()

    def _check_idle(self) -> None:
        """A board unplugged while idle is seen within `IDLE_CHECK`, not at the next run."""
        board = self.board
        if board is None or self.state not in ("ready", "error"):
            return
        try:
            board.check_link()
        except LinkLost as problem:
            self._fail(problem)

    def _output(self, data: bytes) -> None:
        with self._lock:
            self._partial += data.replace(b"\r", b"")
            *complete, rest = bytes(self._partial).split(b"\n")
            self._partial[:] = rest
            for line in complete:
                self.lines.append(line.decode("utf-8", "replace"))
        if complete:
            self.on_change()

    def _flush(self) -> None:
        with self._lock:
            if self._partial:
                self.lines.append(self._partial.decode("utf-8", "replace"))
                self._partial.clear()

    def _event(self, event: dict) -> None:
        """A simulated board's event (on its transport's thread)."""
        if event.get("kind") == "display":
            pixels = parse_pixels(str(event.get("pixels", "")))
            if pixels is not None:
                self._set(pixels=pixels)

    def _read_pixels(self) -> None:
        """A real micro:bit's LEDs, read once it is idle (a simulated one reports them)."""
        board = self.board
        if board is None or self.simulated or self.state in ("lost", "stuck"):
            return
        if not (board.profile and board.profile.kind.startswith("microbit")):
            return
        try:
            result = board.exec(PIXELS_CODE, PIXELS_TIMEOUT)
        except BridgeError:
            return  # the LEDs are a nicety: the next action reports a real problem
        pixels = parse_pixels(result.stdout.decode("ascii", "replace"))
        self._set(pixels=pixels if pixels is not None else list(DARK))

    def _fail(self, problem: BridgeError) -> None:
        if isinstance(problem, LinkLost):
            state = "lost"
        elif isinstance(problem, DeviceBusy):
            state = "busy"
        elif isinstance(problem, DeviceUnreachable):
            state = "lost"
        elif isinstance(problem, DeviceNotResponding):
            state = "stuck"
        else:
            state = "error"
        self._set(state=state, message=problem.message.splitlines()[0] if problem.message else "")

    def _set(self, **values: Any) -> None:
        with self._lock:
            for key, value in values.items():
                setattr(self, key, value)
        self.on_change()


def _port_of(address: str) -> str:
    kind, _colon, rest = address.partition(":")
    return rest if kind == "serial" else address


class Workshop:
    """The boards of a table, driven as one. `boards` pairs each board's name with its address
    (see `device_bridge.discovery`: `FoundDevice.name or .label`, `.address`)."""

    def __init__(
        self,
        boards: list[tuple[str, str]],
        on_run_end: Callable[[EndedRun], None] = lambda run: None,
    ) -> None:
        self.changed = threading.Event()
        self.rows = [
            BoardRow(name, address, on_change=self.changed.set, on_run_end=on_run_end)
            for name, address in boards
        ]

    def start(self) -> Workshop:
        for row in self.rows:
            row.start()
        return self

    def run(self, code: str) -> None:
        for row in self.rows:
            row.run(code)

    def stop(self) -> None:
        for row in self.rows:
            row.stop()

    def reset(self) -> None:
        for row in self.rows:
            row.reset()

    def simulate_failed(self) -> int:
        """Put a simulated board in every row whose board is lost, stuck or held by another
        program; returns how many rows were switched."""
        failed = [row for row in self.rows if row.state in ("lost", "stuck", "busy")]
        for row in failed:
            row.switch_to_simulator()
        return len(failed)

    def views(self) -> list[RowView]:
        return [row.view() for row in self.rows]

    def close(self) -> None:
        """Stop every board at once, then close them (a hung one does not delay the rest)."""
        for row in self.rows:
            row.stop()
        for row in self.rows:
            row.request_close()
        for row in self.rows:
            row.close(wait=STOP_GRACE + 1.0)

    def __enter__(self) -> Workshop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def choose_boards(device: str = "all", ble: bool = False) -> list[tuple[str, str]]:
    """(name, address) of each board of a table: `device` is `all` (every board plugged in) or
    addresses separated by commas (`label:R1,label:R2,sim`); `ble` adds the Bluetooth boards
    heard in a scan."""
    from .address import parse_address
    from .discovery import (
        FoundDevice,
        find_ble_devices,
        identity_of,
        named,
        resolve_all,
        resolve_label,
    )

    found: list[FoundDevice] = []
    for text in device.split(","):
        address = parse_address(text)
        if address.kind in ("all", "auto"):
            found += resolve_all()
        elif address.kind == "label":
            found.append(resolve_label(address.target))
        else:
            plain = FoundDevice(str(address), "unknown", str(address), "", busy=False)
            found.append(named(plain, identity_of(str(address))))
    if ble:
        found += find_ble_devices()
    boards: list[tuple[str, str]] = []
    for item in found:
        if all(item.address != address for _name, address in boards):
            boards.append((item.short_name, item.address))
    return boards
