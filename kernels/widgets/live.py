"""What the kernel calls as things happen (`on_connection`, `on_output`, `on_cell_start`,
`on_cell_end`: the hook of kernels/microbit/live.py), turned into widget updates.

The widgets live in the kernel process. The LED mirror follows the simulator's `display` events
as they come (side channel, docs/simulator.md); a real serial board has no side channel, so the
mirror asks it for its pixels after each cell instead. Printed numbers feed the plotter. The
simulator view sends the clicks, tilts, pause and speed back to the simulated board as inputs.
Events arrive on the transport's and the board worker's threads; views are updated through a
`Throttle`, so a fast loop costs the browser a few frames a second.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from device_bridge import Board
from device_bridge.errors import BridgeError
from device_bridge.leds import DARK, PIXELS_CODE, parse_pixels
from device_bridge.transports.base import SimControls
from tne.i18n import _, ngettext
from tne.os_errors import os_error_text

from .picture import WorldPicture
from .plot import PlotData
from .throttle import Throttle
from .views import DevicePanel, LedMatrix, Plotter, SimulatorView

log = logging.getLogger(__name__)
#: Seconds between two frames of the LEDs, and of the plotter.
LED_INTERVAL = 1 / 30
PLOT_INTERVAL = 1 / 10
PICTURE_INTERVAL = 1 / 4
#: Longest wait for the pixels of a real board after a cell.
PIXELS_TIMEOUT = 2.0
#: A real board's LEDs are read once the notebook has been quiet this long after a cell: cells
#: run one after the other ("run all") never wait for it (about 20 ms on a micro:bit V1).
PIXELS_QUIET = 0.3
#: Longest wait for the simulated board to take an input.
INPUT_TIMEOUT = 1.0
#: Earth's gravity on the accelerometer, in mg (the board lying flat reads z = -1024).
GRAVITY_MG = 1024


class LiveWidgets:
    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.plot = PlotData()
        self.label: str | None = None
        self.connected = False
        self.note = ""
        self.pixels = list(DARK)
        self.dashboard_shown = False
        self._dashboard: Any = None
        self._dashboard_cell: str | None = None  # the notebook cell whose output holds it
        self.simulator_watched = False
        self._views: dict[str, Any] = {}
        self._sim: SimControls | None = None
        self._picture: WorldPicture | None = None
        self._unsubscribe: Any = None
        self._lock = threading.Lock()
        self._led_throttle = Throttle(LED_INTERVAL, self._show_pixels)
        self._plot_throttle = Throttle(PLOT_INTERVAL, self._show_plot)
        self._picture_throttle = Throttle(PICTURE_INTERVAL, self._show_picture)
        self._pixels_timer: threading.Timer | None = None

    # -- the views, made when first shown (a kernel that never shows them opens no comm) ---------

    @property
    def leds(self) -> LedMatrix:
        return self._view("leds", LedMatrix, pixels=self.pixels)

    @property
    def panel(self) -> DevicePanel:
        panel = self._view("panel", DevicePanel)
        if panel.actions.get("reconnect") is None:
            panel.actions["reconnect"] = lambda _message: self.reconnect()
            self._show_connection()
        return panel

    @property
    def plotter(self) -> Plotter:
        plotter = self._view("plotter", Plotter)
        if plotter.actions.get("export") is None:
            plotter.actions["export"] = lambda _message: self.export()
            plotter.actions["clear"] = lambda _message: self.clear_plot()
            plotter.observe(lambda _change: self._plot_throttle.request(), "paused")
            self._show_plot()
        return plotter

    @property
    def simulator(self) -> SimulatorView:
        view = self._view("simulator", SimulatorView, pixels=self.pixels)
        if view.actions.get("button") is None:
            view.actions["button"] = self._button
            view.observe(self._pacing_changed, ["paused", "speed"])
            view.observe(self._tilt_changed, ["tilt_x", "tilt_y"])
            view.available = self._sim is not None
            self._picture_throttle.request()
        return view

    def _view(self, name: str, kind: type, **state: Any) -> Any:
        with self._lock:
            if name not in self._views:
                self._views[name] = kind(**state)
            return self._views[name]

    # -- showing them --------------------------------------------------------------------------

    def show_dashboard(self) -> None:
        """The device panel and the LED mirror, side by side."""
        import ipywidgets
        from IPython.display import display

        if self._dashboard is None:
            self._dashboard = ipywidgets.HBox([self.panel, self.leds])
        self.dashboard_shown = True
        self._dashboard_cell = self._cell_id()
        display(self._dashboard)

    def dashboard_needed(self) -> bool:
        """Not shown yet, or shown in the cell that runs again (running a cell clears its
        output, dashboard included). JupyterLab and Notebook 7 name the cell in the request's
        metadata (`cellId`); without it the dashboard is shown once."""
        if not self.dashboard_shown:
            return True
        cell = self._cell_id()
        return cell is not None and cell == self._dashboard_cell

    def _cell_id(self) -> str | None:
        try:
            parent = self.kernel.get_parent("shell")
        except Exception:  # noqa: BLE001 - a kernel without parent tracking: no cell ids
            return None
        cell = ((parent or {}).get("metadata") or {}).get("cellId")
        return str(cell) if cell else None

    def show_plotter(self) -> None:
        from IPython.display import display

        display(self.plotter)

    def show_simulator(self) -> None:
        """Show the simulator view; from now on the simulated board runs at the view's speed."""
        from IPython.display import display

        view = self.simulator
        self.simulator_watched = True
        self._send_pacing()
        display(view)

    # -- the kernel's hook ---------------------------------------------------------------------

    def on_connection(self, label: str | None, connected: bool) -> None:
        self.label, self.connected = label, connected
        self._follow(self._current_sim() if connected else None)
        self.note = self._sim_note() if connected else ""
        self._show_connection()

    def on_output(self, text: str, stream: str) -> None:
        if stream == "stdout" and self.plot.feed(text):
            self._plot_throttle.request()

    def on_cell_start(self) -> None:
        timer, self._pixels_timer = self._pixels_timer, None
        if timer is not None:
            timer.cancel()  # this cell runs first; its own end reads the LEDs
        if self._picture is not None:
            self._picture.new_cell()
        if self.dashboard_needed():
            self.show_dashboard()

    def on_cell_end(self, ok: bool) -> None:
        if self.plot.end_of_output():
            self._plot_throttle.request()
        if self._sim is not None:
            threading.Thread(target=self._settle_sim, daemon=True).start()
        else:
            self._plot_throttle.flush()
            self._pixels_timer = threading.Timer(PIXELS_QUIET, self._refresh_real_board)
            self._pixels_timer.daemon = True
            self._pixels_timer.start()

    # -- the board -----------------------------------------------------------------------------

    def _current_sim(self) -> SimControls | None:
        board: Board | None = self.kernel.board
        return board.sim if board is not None else None

    def _sim_note(self) -> str:
        link = getattr(self.kernel, "link", None)
        asked = (getattr(link, "address", "") or "auto").split(":")[0]
        if self._sim is not None and asked in ("auto", "all"):
            return _("No board is plugged in: the cells run on the simulated micro:bit.")
        profile = getattr(getattr(self.kernel, "board", None), "profile", None)
        if self._sim is None and str(getattr(profile, "kind", "")).startswith("microbit"):
            return _("The LEDs are read from the board after each cell.")
        return ""

    def _follow(self, sim: SimControls | None) -> None:
        """Listen to the simulated board's events (or stop listening to the previous one)."""
        if self._unsubscribe is not None:
            with contextlib.suppress(Exception):
                self._unsubscribe()
            self._unsubscribe = None
        self._sim = sim
        self._picture = WorldPicture.of(sim) if sim is not None else None
        self._picture_throttle.request()
        if sim is not None:
            self._unsubscribe = sim.subscribe(self._event)
            if self.simulator_watched:
                self._send_pacing()
        if "simulator" in self._views:
            self._views["simulator"].available = sim is not None

    def _event(self, event: dict) -> None:
        """One event of the simulated board (on the sim's thread)."""
        if event.get("kind") == "display":
            pixels = parse_pixels(str(event.get("pixels", "")))
            if pixels is not None:
                self.pixels = pixels
                self._led_throttle.request()
        elif self._picture is not None and self._picture.add(event):
            self._picture_throttle.request()

    def _settle_sim(self) -> None:
        """After a cell: wait for the board's last events, then show the final LEDs."""
        sim = self._sim
        with contextlib.suppress(BridgeError, OSError):
            if sim is not None:
                sim.sync_events(1.0)
        self._led_throttle.flush()
        self._plot_throttle.flush()
        self._picture_throttle.flush()

    def _refresh_real_board(self) -> None:
        """A real micro:bit: ask for its pixels on the board's worker, when no cell runs."""
        link = getattr(self.kernel, "link", None)
        board = getattr(self.kernel, "board", None)
        profile = getattr(board, "profile", None)
        if link is None or not str(getattr(profile, "kind", "")).startswith("microbit"):
            return
        if link.busy:
            return  # a cell runs: its end reads the LEDs

        def read() -> None:
            if link.board is not board:
                return
            result = board.exec(PIXELS_CODE, PIXELS_TIMEOUT)
            pixels = parse_pixels(result.stdout.decode("ascii", "replace"))
            if pixels is not None:
                self.pixels = pixels
                self._led_throttle.flush()

        link.submit(read).add_done_callback(_log_failure)

    def reconnect(self) -> None:
        """The panel's button: connect again to the address asked last (`auto` by default)."""
        link = getattr(self.kernel, "link", None)
        if link is None:
            return
        self.note = _("Connecting…")
        self._show_connection()
        future = link.submit(link.connect, link.address or "auto")
        future.add_done_callback(self._reconnected)

    def _reconnected(self, future: Future) -> None:
        try:
            notices = future.result()
        except BridgeError as error:
            self.note = error.message
        except Exception as error:  # noqa: BLE001 - shown to the person, never raised
            self.note = str(error)
        else:
            self.note = "\n".join([*notices, self._sim_note()]).strip()
        self._show_connection()

    # -- simulator inputs ----------------------------------------------------------------------

    def send_input(self, message: dict) -> None:
        """Send an input and wait until the board has taken it (a round trip of about a
        millisecond), so that a click followed by a cell is seen by that cell: the kernel
        handles the click's message before the cell's request."""
        sim = self._sim
        if sim is None:
            return
        try:
            sim.send_input(message)
            sim.sync_events(INPUT_TIMEOUT)
        except (BridgeError, OSError):
            log.info("input not delivered: %s", message)

    def _button(self, message: dict) -> None:
        name = message.get("name")
        if name in ("a", "b"):
            self.send_input(
                {"kind": "button", "name": name, "pressed": bool(message.get("pressed"))}
            )

    def _send_pacing(self) -> None:
        view = self.simulator
        self.send_input({"kind": "speed", "factor": float(view.speed)})
        self.send_input({"kind": "pause", "paused": bool(view.paused)})

    def _pacing_changed(self, change: dict) -> None:
        if change["name"] == "speed":
            self.send_input({"kind": "speed", "factor": max(0.0, float(change["new"]))})
        else:
            self.send_input({"kind": "pause", "paused": bool(change["new"])})

    def _tilt_changed(self, _change: dict) -> None:
        view = self.simulator
        self.send_input(tilt_input(view.tilt_x, view.tilt_y))

    # -- plotter -------------------------------------------------------------------------------

    def export(self, folder: Path | None = None) -> Path | None:
        """Write the plotter's rows next to the notebook (the kernel's working folder)."""
        folder = folder or Path.cwd()
        if not self.plot.rows:
            self.plotter.status = _("Nothing to export yet: print numbers first.")
            return None
        try:
            path = self.plot.export(folder)
        except OSError as error:
            self.plotter.status = _("The file could not be written in {folder}: {error}").format(
                folder=folder, error=os_error_text(error)
            )
            return None
        self.plotter.status = ngettext(
            "{rows} row saved in {name}, in the folder {folder}.",
            "{rows} rows saved in {name}, in the folder {folder}.",
            len(self.plot.rows),
        ).format(rows=len(self.plot.rows), name=path.name, folder=folder)
        return path

    def clear_plot(self) -> None:
        self.plot.clear()
        self.plotter.status = ""
        self._show_plot()

    # -- pushing state to the views (any thread) ------------------------------------------------

    def _show_pixels(self) -> None:
        pixels = list(self.pixels)
        for name in ("leds", "simulator"):
            view = self._views.get(name)
            if view is not None:
                view.pixels = pixels

    def _show_plot(self) -> None:
        plotter = self._views.get("plotter")
        if plotter is not None and not plotter.paused:
            plotter.data = self.plot.view()

    def _show_picture(self) -> None:
        view = self._views.get("simulator")
        if view is None:
            return
        picture = self._picture
        try:
            view.picture = picture.svg() if picture is not None else ""
        except Exception:  # noqa: BLE001 - a picture that fails leaves the LEDs and buttons
            log.exception("world picture failed")

    def _show_connection(self) -> None:
        panel = self._views.get("panel")
        if panel is not None:
            panel.label = self.label or ""
            panel.connected = self.connected
            panel.note = self.note


def tilt_input(x_mg: int, y_mg: int) -> dict:
    """The accelerometer input for a board tilted by `x_mg`/`y_mg`: gravity's remainder on z
    (negative: the board faces up)."""
    x = max(-GRAVITY_MG, min(GRAVITY_MG, int(x_mg)))
    y = max(-GRAVITY_MG, min(GRAVITY_MG, int(y_mg)))
    z = -round(math.sqrt(max(0, GRAVITY_MG**2 - x * x - y * y)))
    return {"kind": "accelerometer", "x": x, "y": y, "z": z}


def _log_failure(future: Future) -> None:
    error = future.exception()
    if error is not None:
        log.info("LED mirror not refreshed: %s", error)
