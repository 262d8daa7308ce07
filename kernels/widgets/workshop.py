"""The workshop table in a notebook: every board of the table, its state, LEDs and output pane,
with buttons to run, stop and reset them all, and to put a simulated board in a row whose board
will not connect.

The boards are driven by `device_bridge.workshop.Workshop` (one thread per board), as in
`tne workshop`; this module only turns its `views()` into the widget's `rows` trait, a few
times a second while something changes. It needs no micro:bit kernel: `show_workshop()` works
in any notebook whose Python has `tne` (a `%%host` cell of a micro:bit notebook, or a plain
Python notebook), as long as the boards it drives are not the one the notebook's kernel holds.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import traitlets

from device_bridge.errors import BridgeError
from device_bridge.workshop import RowView, Workshop, choose_boards
from tne.i18n import _
from tne.os_errors import unreadable

from .views import _View, module

#: Seconds between two pushes of the table to the browser while boards change.
PUSH_EVERY = 0.3


class WorkshopView(_View):
    """One row per board (name, port, firmware, state, message, LEDs, output lines) and the
    buttons; the view sends `run` (with the code typed in it), `stop`, `reset`, `simulate`."""

    _esm = module("workshop.js")
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)

    def make_texts(self) -> dict[str, str]:
        return {
            "title": _("Workshop table"),
            "run": _("Run on every board"),
            "stop": _("Stop all"),
            "reset": _("Reset all"),
            "simulate": _("Use a simulated board"),
            "simulated": _("simulated"),
            "code": _("Program run on every board"),
        }


def row_data(view: RowView) -> dict[str, Any]:
    """What the browser needs of one row (plain JSON)."""
    return {
        "name": view.name,
        "port": view.port,
        "firmware": view.firmware,
        "state": view.state,
        "state_text": view.state_text,
        "message": view.message,
        "pixels": list(view.pixels) if view.pixels is not None else None,
        "lines": list(view.lines[-40:]),
        "simulated": view.simulated,
    }


class WorkshopTable:
    """A `Workshop` shown in a `WorkshopView`: the buttons call the workshop, a daemon thread
    pushes its rows when they change. `close()` ends both."""

    def __init__(self, boards: list[tuple[str, str]], file: str | Path | None = None) -> None:
        self.file = Path(file) if file else None
        from activities.registry.usage import record_workshop_run

        self.workshop = Workshop(boards, on_run_end=record_workshop_run)
        self.view = WorkshopView(code=self._read_file() or "")
        self.view.actions = {
            "run": self._run,
            "stop": lambda _message: self.workshop.stop(),
            "reset": lambda _message: self.workshop.reset(),
            "simulate": self._simulate,
        }
        self._closed = threading.Event()
        self._pusher = threading.Thread(target=self._push, name="workshop-view", daemon=True)

    def start(self) -> WorkshopTable:
        self.workshop.start()
        self.push()
        self._pusher.start()
        return self

    def push(self) -> None:
        self.view.rows = [row_data(view) for view in self.workshop.views()]

    def close(self) -> None:
        self._closed.set()
        self.workshop.close()
        self.push()

    def _push(self) -> None:
        while not self._closed.is_set():
            if self.workshop.changed.wait(PUSH_EVERY):
                self.workshop.changed.clear()
                with contextlib.suppress(Exception):  # a closed comm must not kill the thread
                    self.push()

    def _read_file(self) -> str | None:
        if self.file is None:
            return None
        try:
            return self.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as problem:
            self.view.note = _("Cannot read '{path}': {error}").format(
                path=self.file, error=unreadable(problem)
            )
            return None

    def _run(self, message: dict) -> None:
        code = str(message.get("code", "")) or self.view.code
        if not code.strip():
            self.view.note = _("Type a program to run, or give a file to show_workshop.")
            return
        self.view.code = code
        self.view.note = ""
        self.workshop.run(code)

    def _simulate(self, message: dict) -> None:
        index = message.get("row")
        if isinstance(index, int) and 0 <= index < len(self.workshop.rows):
            self.workshop.rows[index].switch_to_simulator()


def show_workshop(
    device: str = "all", file: str | Path | None = None, ble: bool = False
) -> WorkshopTable:
    """Show the workshop table of the boards `device` names (`all`: every board plugged in;
    `label:R1,label:R2`: some of them), with `file` as the program to run. Returns the table,
    whose `close()` lets the boards go."""
    from IPython.display import display

    try:
        boards = choose_boards(device, ble)
    except BridgeError as problem:
        raise RuntimeError(problem.message) from None
    table = WorkshopTable(boards, file).start()
    display(table.view)
    return table
