"""A cap on simulated time (`--duration S`): the program ends cleanly when its robot has run
that long, as a grader or `tne run --device sim:maqueen` wants.

The cap must hold for both kinds of pupil program, without slowing either:

- programs that sleep (nearly every robot program): `clock.advance` stops at the cap and raises;
- busy loops that never sleep: statements cost simulated time too, so the statement counter
  that instrumented code calls (`clock.statement`, see `clock.py`) is replaced by a C-level
  iterator that counts the statements left before the cap (`itertools.islice` over the same
  counter, at most `CHUNK` at a time) and only then reaches a Python generator that looks at
  the time. A loop without sleep therefore runs at the same speed as without a cap, and a sleep
  needs a new count only when the present count would run past the cap.

The sealed engine (wasm/) has no statement counter: its simulated time comes from fuel. It asks
`work_left_ms` and gives each run only the fuel for that much work (wasm/vm.py: `work_left_ms`),
so a busy loop runs out of fuel at the cap, which it reports with `tell_reached`; a sleep that
reaches the cap ends the guest the same way (wasm/board.py).

Reaching the cap raises `DurationReached`, a `SystemExit`: the runner ends the program as after
`sys.exit()` (no traceback, exit 0 from `tne run`), and `except Exception` in pupil code does not
catch it. From then on, every statement raises it again, so a bare `except:` cannot keep the
program alive. A `duration` event tells the side channel.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from .clock import LINE_COST_MS, SimClock

#: Statements counted between two looks at the clock (1 simulated second of busy loop).
CHUNK = 50_000


class DurationReached(SystemExit):
    """The simulated time cap was reached."""


class DurationCap:
    """Installs itself on `clock` (before the first boot, so that each boot's builtins get the
    capped statement counter)."""

    def __init__(
        self, clock: SimClock, cap_ms: float, on_reached: Callable[[], None] | None = None
    ):
        self.clock = clock
        self.cap_ms = float(cap_ms)
        self.reached = False
        self._on_reached = on_reached
        self._retick: Callable[[Callable[[], object], Callable[[], object]], None] | None = None
        self._advance = clock.advance
        #: Simulated ms of sleep the armed count can absorb before it would overshoot the cap.
        self._slack_ms = 0.0
        clock.advance = self.advance  # type: ignore[method-assign]
        self._arm()

    def follow_builtins(self, retick: Callable[[Callable[[], object], Callable[[], object]], None]):
        """`retick(old, new)` swaps the statement counter in the builtins of the running boot
        (the runner owns them)."""
        self._retick = retick

    # -- sleeping ----------------------------------------------------------------------------

    def advance(self, ms: float) -> None:
        left = self.cap_ms - self.clock.now_ms
        if ms < left:
            self._advance(ms)
            self._slack_ms -= ms
            if self._slack_ms < 0:
                self._arm()  # the armed count would now run past the cap
            return
        self._advance(max(0.0, left))
        self._reach()

    # -- statements --------------------------------------------------------------------------

    def _arm(self) -> None:
        """Count at most `CHUNK` statements (or those left before the cap), so that sleeps
        rarely need a new count: only once they ate the slack between the count's end and
        the cap."""
        old = self.clock.statement
        now = self.clock.now_ms
        left = min(CHUNK, int((self.cap_ms - now) / LINE_COST_MS))
        self._slack_ms = self.cap_ms - now - left * LINE_COST_MS
        counter = self.clock._counter  # the clock's own statement counter
        ticker: Iterator[object] = itertools.chain(
            itertools.islice(counter, max(0, left)), self._check()
        )
        self.clock.statement = ticker.__next__  # type: ignore[method-assign]
        if self._retick is not None:
            self._retick(old, self.clock.statement)

    def _check(self) -> Iterator[None]:
        """Reached after the counted statements: the cap (or, if time is somehow left, a fresh
        count)."""
        next(self.clock._counter)  # this statement counts too
        if self.clock.now_ms >= self.cap_ms:
            self._reach()
        self._arm()
        yield None

    def _reach(self) -> None:
        self.tell_reached()
        raise DurationReached(0)

    def tell_reached(self) -> None:
        """Mark the cap reached (once): no statement runs any more, the side channel is told."""
        if not self.reached:
            self.reached = True
            old = self.clock.statement
            self.clock.statement = self._over  # type: ignore[method-assign]
            if self._retick is not None:
                self._retick(old, self._over)
            if self._on_reached is not None:
                self._on_reached()

    # -- the sealed engine ---------------------------------------------------------------------

    def work_left_ms(self) -> float:
        """Simulated ms of work left before the cap."""
        return self.cap_ms - self.clock.now_ms

    def _over(self) -> None:
        raise DurationReached(0)


def cap_duration(state, runner, seconds: float) -> DurationCap:
    """Cap a board's simulated time (before its first boot), telling the side channel when the
    cap is reached."""
    hardware = state.hardware
    cap = DurationCap(
        state.clock,
        seconds * 1000,
        on_reached=lambda: hardware.channel.emit("duration", reached=True),
    )
    if runner is not None:  # the CPython engine's statement counter
        cap.follow_builtins(runner.retick)
    return cap
