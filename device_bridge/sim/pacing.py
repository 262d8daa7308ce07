"""Simulated time held back to wall time, for a person watching the simulator view.

Unwatched, the simulated board runs as fast as it can (`speed` 0, the default): `sleep(1000)`
returns at once. When the simulator view is shown it sends `{"kind": "speed", "factor": F}`
(F times real time) and `{"kind": "pause", "paused": bool}`; from then on every pacing point
(the clock's sleep and `Hardware.sync`, before each hardware access) waits until the wall clock
has caught up with the simulated one, and a paused board waits there until it is resumed.

A program that computes without sleeping or touching the hardware is not held back between two
pacing points, and a pause takes effect at its next one. Ctrl-C (`wake`) ends a wait at once, so
Stop works on a paused or slowed board. When the host falls behind (a heavy computation), the
pacer starts again from the present rather than racing to catch up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: Longest single wait, so that a change of speed or a pause is seen promptly.
SLICE = 0.05
#: Behind by more than this (seconds of wall time), the pacer forgets the lag.
MAX_LAG = 0.25


class Pacer:
    def __init__(self, now_ms: Callable[[], float], clock: Callable[[], float] = time.monotonic):
        self._now_ms = now_ms
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._interrupt = False
        # Both change through `apply` only, which keeps `active`.
        self.factor = 0.0
        self.paused = False
        #: Whether anything is paced: paused, or a speed factor. An attribute, not a property:
        #: the clock and `Hardware.sync` look at it at every sleep and every hardware call.
        self.active = False
        self._anchor: tuple[float, float] | None = None  # (wall seconds, simulated ms)
        #: Called before each slice of a wait, on the waiting thread: the sealed engine's wall
        #: limit, which raises to end a run that a paused view holds (its epochs tick only
        #: while the guest runs).
        self.check: Callable[[], None] = _nothing

    # -- inputs (the side channel's thread) ------------------------------------------------------

    def apply(self, message: dict) -> bool:
        """Take a `speed` or `pause` input; False for any other kind (not ours)."""
        kind = message.get("kind")
        with self._lock:
            if kind == "speed":
                try:
                    factor = float(message.get("factor", 0))
                except (TypeError, ValueError):
                    factor = 0.0
                self.factor = factor if factor > 0 and factor == factor else 0.0
            elif kind == "pause":
                self.paused = bool(message.get("paused"))
            else:
                return False
            self.active = self.paused or self.factor > 0
            # Paced from this instant on (a resumed board does not make up for its pause).
            self._anchor = None if self.paused else (self._clock(), self._now_ms())
        self._wake.set()
        return True

    def wake(self) -> None:
        """Ctrl-C: end the current wait (or the next one) now."""
        self._interrupt = True
        self._wake.set()

    # -- the simulated board's thread ------------------------------------------------------------

    def forgive_lag(self) -> None:
        """Start again from the present when the wall clock ran ahead (the board sat idle), so
        that the wait that follows is the sleep's own. Never waits."""
        if self.factor <= 0 or self.paused:
            return
        with self._lock:
            if self._anchor is None:
                return
            start_wall, start_sim = self._anchor
            wall, simulated = self._clock(), self._now_ms()
            if wall - (start_wall + (simulated - start_sim) / 1000 / self.factor) > MAX_LAG:
                self._anchor = (wall, simulated)

    def pace(self, now_ms: float | None = None) -> None:
        """Wait until the wall clock reaches simulated `now_ms` (or the board is resumed)."""
        if not self.active:
            return
        while True:
            with self._lock:
                if not self.active:
                    return
                if self.paused:
                    self._anchor = None
                    delay = SLICE
                else:
                    simulated = self._now_ms() if now_ms is None else now_ms
                    wall = self._clock()
                    if self._anchor is None:
                        self._anchor = (wall, simulated)
                    start_wall, start_sim = self._anchor
                    delay = start_wall + (simulated - start_sim) / 1000 / self.factor - wall
                    if delay <= 0:
                        if -delay > MAX_LAG:
                            self._anchor = (wall, simulated)
                        return
            if self._interrupt:
                self._interrupt = False
                return
            self.check()
            self._wake.wait(min(delay, SLICE))
            self._wake.clear()


def _nothing() -> None:
    return None
