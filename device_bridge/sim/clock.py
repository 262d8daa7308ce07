"""Simulated time, so that programs run faster than real time and give the same result on every
machine.

`sleep()` advances the clock at once, without waiting. Each executed statement of pupil code
(about a line) also costs `LINE_COST_MS`, so that busy loops such as
`while running_time() < 5000: pass` end, as they do on the board. The figure is a documented
approximation, not a measurement of a given firmware: 50,000 simple statements per simulated
second.
"""

from __future__ import annotations

#: Simulated milliseconds that one executed statement of pupil code takes.
LINE_COST_MS = 0.02


class SimClock:
    """Milliseconds since the simulated board was powered on."""

    def __init__(self) -> None:
        self.now_ms = 0.0

    def tick(self) -> None:
        """One statement of pupil code was executed."""
        self.now_ms += LINE_COST_MS

    def advance(self, ms: float) -> None:
        if ms > 0:
            self.now_ms += ms

    def ticks_ms(self) -> int:
        return int(self.now_ms)

    def ticks_us(self) -> int:
        return int(self.now_ms * 1000)
