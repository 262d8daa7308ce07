"""The kernel's board, owned by one worker thread.

Every board call (a cell, a magic, a completion) runs on the single worker thread of a
`BoardLink`, one after the other, so the kernel's event loop and its control thread are never
blocked by a board that is slow, hangs (`temperature()` on the emulated micro:bit) or vanishes (a
pulled cable). `interrupt()` is the one method meant for other threads: it is the board's own
`Board.request_stop()` (Ctrl-C, then, if the board still runs, the escalation that `Board.run`
makes by itself: soft reboot, then line reset, then `DeviceNotResponding`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from device_bridge import Board, parse_address
from device_bridge.errors import BridgeError, DeviceUnreachable, LinkLost
from device_bridge.protocol import RunResult
from tne.i18n import _

#: How fast a simulated board runs in the kernel, in times real time: a pupil's `sleep(1000)`
#: takes a second, as on the board (and a `while True:` loop with a sleep does not flood the
#: notebook). The grading kernelspec sets 0: as fast as possible. `%sim --speed X` and the
#: simulator view change it.
SIM_SPEED_VAR = "TNE_SIM_SPEED"
DEFAULT_SIM_SPEED = 1.0


#: Simulated seconds after which a cell's program is stopped (the ■ button's interrupt) on a
#: simulated board that runs as fast as it can with nobody watching: the grading kernelspecs
#: set it (device_bridge/sim/run_limit.py says why). Unset: no limit.
SIM_RUN_LIMIT_VAR = "TNE_SIM_RUN_LIMIT"


def sim_run_limit() -> float:
    try:
        seconds = float(os.environ.get(SIM_RUN_LIMIT_VAR, "0"))
    except ValueError:
        return 0.0
    return seconds if 0 < seconds < float("inf") else 0.0


def sim_speed() -> float:
    try:
        return max(0.0, float(os.environ.get(SIM_SPEED_VAR, DEFAULT_SIM_SPEED)))
    except ValueError:
        return DEFAULT_SIM_SPEED


T = TypeVar("T")
Notify = Callable[[str | None, bool], None]


class NotConnected(BridgeError):
    """No board is connected: the pupil is told how to connect one."""


class BoardLink:
    def __init__(self, on_connection: Notify | None = None) -> None:
        self.board: Board | None = None
        self.address = ""  # the address asked for last (what `%connect` said, or TNE_DEVICE)
        self.interrupted = threading.Event()  # the running call was stopped by a Stop
        self._on_connection = on_connection or (lambda label, connected: None)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tne-board")
        self._running = threading.Lock()  # held while a board call runs
        self._closed = False

    # -- the worker --------------------------------------------------------------------------

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """Run `function(*args)` on the worker thread, after the calls already queued."""

        def call() -> T:
            with self._running:
                self.interrupted.clear()
                return function(*args)

        return self._executor.submit(call)

    @property
    def busy(self) -> bool:
        return self._running.locked()

    # -- connection (worker thread) ------------------------------------------------------------

    def connect(self, address: str) -> list[str]:
        """Connect to `address` (closing the current board first); return notices for the
        pupil. `auto` with no free board falls back to the simulator, and says so."""
        parsed = parse_address(address)  # a typing mistake keeps the current board
        self.disconnect()
        self.address = address
        notices: list[str] = []
        if parsed.kind in ("auto", "all"):
            from device_bridge.discovery import resolve_auto

            try:
                parsed = resolve_auto().parsed_address
            except DeviceUnreachable as error:
                notices.append(
                    str(error)
                    + "\n"
                    + _(
                        "Your cells run on the simulated micro:bit for now. Plug in a board, "
                        "then type %connect auto."
                    )
                )
                parsed = parse_address("sim")
        self.attach(Board.connect(parsed))
        return notices

    def attach(self, board: Board) -> None:
        """Make an already connected board the kernel's board (a simulated one paced at
        `sim_speed()`, each run limited to `sim_run_limit()`)."""
        self.disconnect()
        self.board = board
        speed, limit = sim_speed(), sim_run_limit()
        inputs = [{"kind": "speed", "factor": speed}] if speed > 0 else []
        inputs += [{"kind": "run_limit", "seconds": limit}] if limit else []
        if board.sim is not None and inputs:
            with contextlib.suppress(BridgeError):
                for message in inputs:
                    board.sim.send_input(message)
                board.sim.sync_events()  # applied before the first cell's code arrives
        self._notify(board.label, True)

    def disconnect(self) -> None:
        board, self.board = self.board, None
        if board is not None:
            with contextlib.suppress(BridgeError, OSError):
                board.close()
            self._notify(board.label, False)

    def require(self) -> Board:
        """The board, or `NotConnected` with what to do."""
        if self.board is None:
            raise NotConnected(
                _(
                    "No board is connected. Plug the micro:bit in with a USB data cable, then type "
                    "%connect auto (or %connect sim for the simulated micro:bit)."
                )
            )
        return self.board

    def run(self, code: str, on_stdout: Any, on_stderr: Any, on_input: Any = None) -> RunResult:
        """Run a cell's code with no silence limit (a pupil's loop may print nothing); a lost
        link forgets the board, so that the next cell says how to connect one. `on_input`
        answers the program's `input()` (the notebook's input box)."""
        board = self.require()
        try:
            return board.run(
                code, timeout=None, on_stdout=on_stdout, on_stderr=on_stderr, on_input=on_input
            )
        except LinkLost:
            self.disconnect()
            raise

    def _notify(self, label: str | None, connected: bool) -> None:
        with contextlib.suppress(Exception):  # the widgets must never break the kernel
            self._on_connection(label, connected)

    # -- any thread ------------------------------------------------------------------------------

    def interrupt(self) -> bool:
        """Stop the running call (the Stop button). False when nothing runs on the board."""
        board = self.board
        if not self.busy or board is None:
            return False
        self.interrupted.set()
        board.request_stop()
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Stop what runs, close the board, end the worker; never waits more than `timeout`."""
        if self._closed:
            return
        self._closed = True
        self.interrupt()
        try:
            self.submit(self.disconnect).result(timeout)
        except Exception:  # noqa: BLE001 - at interpreter exit the worker may be gone already
            with contextlib.suppress(Exception):
                self.disconnect()
        self._executor.shutdown(wait=False, cancel_futures=True)
