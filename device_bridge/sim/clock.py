"""Simulated time, so that programs run faster than real time and give the same result on every
machine.

Simulated time is the time slept plus the work done. `sleep()` advances the clock at once,
without waiting. The work is what the guest MicroPython executed, counted in fuel and converted
at a calibrated rate (`wasm/vm.py`: `MS_PER_FUEL`), so that busy loops such as
`while running_time() < 5000: pass` end, as they do on the board. The rate follows one
convention, `LINE_COST_MS` a simple statement: 50,000 simple statements per simulated second, a
documented approximation of the V1, not a measurement of a given firmware.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pacing import Pacer

#: Simulated milliseconds that one simple statement of pupil code takes (the convention that
#: the engine's fuel rate is calibrated to).
LINE_COST_MS = 0.02


class SimClock:
    """Milliseconds since the simulated board was powered on: the time slept plus the work the
    guest did (`work_ms`, set by the engine as the guest's fuel is spent).

    `now_ms`, their sum, is read several times at every hardware call (the world's stepping, the
    duration cap, each event's time stamp) and changes at each call and each sleep: it is kept
    as a plain attribute, summed where either part changes."""

    def __init__(self) -> None:
        self._slept_ms = 0.0
        self._work_ms = 0.0
        self.now_ms = 0.0  # (read only: `advance` and `work_ms` keep it)
        #: Holds simulated time back to wall time when someone watches (`pacing.Pacer`).
        self.pacer: Pacer | None = None

    @property
    def work_ms(self) -> float:
        return self._work_ms

    @work_ms.setter
    def work_ms(self, ms: float) -> None:
        self._work_ms = ms
        self.now_ms = self._slept_ms + ms

    def advance(self, ms: float) -> None:
        pacer = self.pacer
        if pacer is not None and not pacer.active:
            pacer = None  # (nothing to pace: the common case, unwatched)
        if pacer is not None:
            # The time the board sat at its prompt is not owed to this sleep (else a paced
            # `sleep(1000)` after a pause in the lesson would not wait at all).
            pacer.forgive_lag()
        if ms > 0:
            self._slept_ms += ms
            self.now_ms = self._slept_ms + self._work_ms
        if pacer is not None:
            pacer.pace()

    def reach(self, now_ms: float) -> None:
        """Bring the clock to `now_ms` by work (a run that spent all the fuel it was given)."""
        self.work_ms = max(self.work_ms, now_ms - self._slept_ms)

    def ticks_ms(self) -> int:
        return int(self.now_ms)

    def ticks_us(self) -> int:
        return int(self.now_ms * 1000)
