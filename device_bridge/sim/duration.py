"""A cap on simulated time (`--duration S`): the program ends cleanly when its robot has run
that long, as a grader or `tne run --device sim:maqueen` wants.

The cap must hold for both kinds of pupil program, without slowing either:

- programs that sleep (nearly every robot program): `clock.advance` stops at the cap and raises
  `DurationReached`, which the engine turns into the end of the guest (wasm/board.py);
- busy loops that never sleep: simulated time comes from the guest's fuel, so the engine asks
  `work_left_ms` and gives each run only the fuel for that much work (wasm/vm.py:
  `work_left_ms`); a busy loop runs out of fuel at the cap, which the engine reports with
  `tell_reached`.

Either way the program ends as after `sys.exit()` (no traceback, exit 0 from `tne run`), and
`except Exception` in pupil code does not catch it: the guest is ended, not sent an exception.
A `duration` event tells the side channel.
"""

from __future__ import annotations

from collections.abc import Callable

from .clock import SimClock


class DurationReached(SystemExit):
    """The simulated time cap was reached."""


class DurationCap:
    """Installs itself on `clock`, before the first boot."""

    def __init__(
        self, clock: SimClock, cap_ms: float, on_reached: Callable[[], None] | None = None
    ):
        self.clock = clock
        self.cap_ms = float(cap_ms)
        self.reached = False
        self._on_reached = on_reached
        self._advance = clock.advance
        clock.advance = self.advance  # type: ignore[method-assign]

    def advance(self, ms: float) -> None:
        """A sleep: the clock's own, or up to the cap and then `DurationReached`."""
        left = self.cap_ms - self.clock.now_ms
        if ms < left:
            self._advance(ms)
            return
        self._advance(max(0.0, left))
        self.tell_reached()
        raise DurationReached(0)

    def tell_reached(self) -> None:
        """Mark the cap reached (once) and tell the side channel."""
        if not self.reached:
            self.reached = True
            if self._on_reached is not None:
                self._on_reached()

    def work_left_ms(self) -> float:
        """Simulated ms of work left before the cap."""
        return self.cap_ms - self.clock.now_ms


def cap_duration(state, seconds: float) -> DurationCap:
    """Cap a board's simulated time (before its first boot), telling the side channel when the
    cap is reached."""
    hardware = state.hardware
    return DurationCap(
        state.clock,
        seconds * 1000,
        on_reached=lambda: hardware.channel.emit("duration", reached=True),
    )
