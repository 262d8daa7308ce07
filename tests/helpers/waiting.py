"""Waiting, in tests, for something another thread or process does."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(check: Callable[[], bool], timeout: float = 10.0, every: float = 0.02) -> bool:
    """Whether `check()` became true within `timeout` seconds (asked every `every` seconds, and
    once more at the end)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()
