"""At most one widget update per interval, whatever the rate of the board's events.

A loop that sets pixels or prints numbers can send thousands of events a second; the browser
needs a few dozen frames. `Throttle.request()` may be called from any thread: the action runs
on a timer thread, at most once per `interval`, and always after the last request (the view
ends on the latest state).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Throttle:
    def __init__(self, interval: float, action: Callable[[], None]) -> None:
        self.interval = interval
        self.action = action
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._last = 0.0

    def request(self) -> None:
        with self._lock:
            if self._timer is not None:
                return
            delay = max(0.0, self._last + self.interval - time.monotonic())
            self._timer = threading.Timer(delay, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
            self._last = time.monotonic()
        self.action()

    def flush(self) -> None:
        """Run the action now (the cell ended: show the final state without waiting)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._last = time.monotonic()
        self.action()
