"""Simulated time, so that programs run faster than real time and give the same result on every
machine.

`sleep()` advances the clock at once, without waiting. Each executed statement of pupil code
(about a line) also costs `LINE_COST_MS`, so that busy loops such as
`while running_time() < 5000: pass` end, as they do on the board. The figure is a documented
approximation, not a measurement of a given firmware: 50,000 simple statements per simulated
second.

Statements are counted by a C-level counter (`itertools.count`) that instrumented pupil code
calls directly, because a Python-level call per statement would make the simulator several
times slower.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pacing import Pacer

#: Simulated milliseconds that one executed statement of pupil code takes.
LINE_COST_MS = 0.02


class SimClock:
    """Milliseconds since the simulated board was powered on."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        #: Called (with no argument) before each statement of pupil code.
        self.statement = self._counter.__next__
        self._reads = 0
        self._slept_ms = 0.0
        #: Holds simulated time back to wall time when someone watches (`pacing.Pacer`).
        self.pacer: Pacer | None = None

    @property
    def now_ms(self) -> float:
        # The counter can only be read by advancing it: reads are taken off again.
        statements = next(self._counter) - self._reads
        self._reads += 1
        return self._slept_ms + statements * LINE_COST_MS

    def advance(self, ms: float) -> None:
        pacer = self.pacer
        if pacer is not None:
            # The time the board sat at its prompt is not owed to this sleep (else a paced
            # `sleep(1000)` after a pause in the lesson would not wait at all).
            pacer.forgive_lag()
        if ms > 0:
            self._slept_ms += ms
        if pacer is not None:
            pacer.pace()

    def ticks_ms(self) -> int:
        statements = next(self._counter) - self._reads  # now_ms, inlined: pupils poll this
        self._reads += 1
        return int(self._slept_ms + statements * LINE_COST_MS)

    def ticks_us(self) -> int:
        return int(self.now_ms * 1000)
