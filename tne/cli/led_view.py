"""The simulated board's 5 × 5 LEDs in the terminal, for `tne run`/`tne exec --device sim`.

On a terminal (or with `--leds`) the matrix is drawn under the program's output and redrawn in
place as it changes (rich's `Live`), and a bare simulated micro:bit is paced at real time so
that a scrolled text can be read (a robot keeps its full speed: its run is about its path); the
program's printed lines go above it, whole lines at a time.
Elsewhere (a pipe, a file), and for each board of `--device all`, nothing is drawn during the
run and the last picture is said at the end, on stderr, as part of our messages (stdout keeps
the board's bytes only), under the board's name when there are several.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from device_bridge.leds import parse_pixels
from device_bridge.sim.trace import leds_as_text
from device_bridge.transports.base import SimControls

from .output import say_lines

if TYPE_CHECKING:  # rich is imported by a live view only (`_text`, `LedView`)
    from rich.live import Live
    from rich.text import Text

#: Colours of the brightnesses 1 to 9 (0 is a dim dot).
LIT = ["", *(f"rgb({80 + 22 * level},0,0)" for level in range(1, 10))]


def wants_live(leds: bool | None) -> bool:
    """`--leds` forces the live matrix, `--no-leds` hides it; by default, when stdout is a
    terminal."""
    if leds is not None:
        return leds
    return sys.stdout.isatty()


def _text(content: str = "") -> Text:
    """rich's `Text`, imported at first use: a piped run (a grader, a script) never draws."""
    from rich.text import Text

    return Text(content)


def matrix(pixels: str) -> Text:
    """The matrix as five lines of coloured blocks."""
    values = parse_pixels(pixels) or [0] * 25
    text = _text()
    for row in range(5):
        text.append("    ")
        for column in range(5):
            level = values[row * 5 + column]
            text.append("█ " if level else "· ", style=LIT[level] if level else "dim")
        if row < 4:
            text.append("\n")
    return text


class LedView:
    """Follows the board's `display` events; `live`: draw them as they come; `prefix`: the
    board's name before each line of the last picture (`--device all`)."""

    def __init__(self, live: bool, prefix: str = "") -> None:
        self.live = live
        self.prefix = prefix
        self.last: str | None = None
        #: Whether the board runs at real time for a person watching (see `start`).
        self.paced = False
        self._lock = threading.Lock()
        self._partial = bytearray()
        self._live: Live | None = None
        if live:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=sys.stdout, force_terminal=True, highlight=False, emoji=False)
            self._live = Live(matrix(""), console=console, auto_refresh=False, transient=False)

    def start(self, sim: SimControls) -> None:
        """Follow the simulated board's events; on a live view, pace a bare micro:bit at real
        time (a robot's run is about its path: it keeps its full speed, and its summary comes at
        once)."""
        sim.subscribe(self.on_event)
        if self._live is not None:
            self._live.start()
            if not sim.robot:
                sim.send_input({"kind": "speed", "factor": 1.0})
                sim.sync_events()
                self.paced = True

    def on_event(self, event: dict) -> None:
        if event.get("kind") != "display":
            return
        pixels = str(event.get("pixels", ""))
        with self._lock:
            if pixels == self.last:
                return
            self.last = pixels
            if self._live is not None:
                self._live.update(matrix(pixels), refresh=True)

    def write(self, data: bytes) -> None:
        """The board's output above the matrix, whole lines at a time."""
        assert self._live is not None
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"")
        with self._lock:
            self._partial += data
            *lines, rest = bytes(self._partial).split(b"\n")
            self._partial[:] = rest
            for line in lines:
                self._live.console.print(_text(line.decode("utf-8", "replace")), soft_wrap=True)
            if lines:
                self._live.refresh()

    def close(self, say_last: bool = True) -> None:
        """Stop drawing; on a live view the matrix stays as it last was; elsewhere the last
        picture is said on stderr when the program showed one (`say_last`: the caller does not
        say it itself)."""
        with self._lock:
            if self._live is not None:
                if self._partial:
                    self._live.console.print(_text(self._partial.decode("utf-8", "replace")))
                    self._partial.clear()
                self._live.stop()
                self._live = None
                return
        if say_last and self.last is not None:
            say_lines(leds_as_text(self.last), self.prefix)
