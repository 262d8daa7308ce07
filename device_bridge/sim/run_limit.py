"""A limit on each run's simulated time, for boards that nobody watches: a program still running
after that long gets the `KeyboardInterrupt` of the ■ button, and is told why.

A grading kernel runs the simulator as fast as it can (`TNE_SIM_SPEED=0`). Most pupils'
programs are `while True:` loops, which never end: nbgrader let each such cell run until its
wall-time limit (10 to 15 s of the teacher's CPU per cell, then "Time limit" in the pupil's
feedback, for a program that was right). Their checks run the program again on a board of their
own, with a duration of their own: the cell's own run only has to show that the program starts.
So the kernel asks its board (a side-channel input, `{"kind": "run_limit", "seconds": S}`) to
stop each run after S simulated seconds, which at full speed take a fraction of a second.

The stop is the ■ button's: a `KeyboardInterrupt` where the program sleeps, so the REPL keeps
its variables for the next cells, as after the wall-time interrupt it replaces. It comes at a
sleep, which nearly every endless program makes; a loop that never sleeps still meets the
wall-time limit and the CPU limit (limits.py). A board that someone watches (paced to wall
time, or paused: pacing.py) is never stopped by it: the simulator view of a pupil's notebook
on the simulator kernel sets its speed, and there a `while True:` loop runs until ■, as on a
board. Unlike the duration cap (duration.py, which ends
the program cleanly for `tne run` and graders' traces), this limit starts again at each run.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from tne.i18n import _, number

from .clock import SimClock

#: The side-channel input that sets the limit (seconds; 0 or less: none).
KIND = "run_limit"


class RunLimit:
    """Installs itself on `clock`; `start()` at the beginning of each run."""

    def __init__(
        self, clock: SimClock, tell: Callable[[str], object], watched: Callable[[], bool]
    ) -> None:
        self.clock = clock
        self._watched = watched
        self.limit_ms = math.inf
        self.deadline_ms = math.inf
        self._tell = tell
        self._advance = clock.advance
        clock.advance = self.advance  # type: ignore[method-assign]

    def apply(self, message: dict) -> bool:
        """Take a `run_limit` input; False for any other kind (not ours)."""
        if message.get("kind") != KIND:
            return False
        try:
            seconds = float(message.get("seconds", 0))
        except (TypeError, ValueError):
            seconds = 0.0
        self.limit_ms = seconds * 1000 if 0 < seconds < math.inf else math.inf
        return True

    def start(self) -> None:
        """A run begins: it has the whole limit."""
        self.deadline_ms = self.clock.now_ms + self.limit_ms

    def advance(self, ms: float) -> None:
        """A sleep: the clock's own, or up to the limit and then the ■ button's interrupt."""
        left = self.deadline_ms - self.clock.now_ms
        if ms < left or self._watched():
            self._advance(ms)
            return
        self._advance(max(0.0, left))
        self.deadline_ms = math.inf  # once per run: the program may catch it and go on
        self._tell(message(self.limit_ms / 1000))
        raise KeyboardInterrupt


def message(seconds: float) -> str:
    return (
        _(
            "Your program was still running after {seconds} s of simulated time, so it was "
            "stopped here, as with the ■ button: while work is graded, an endless loop is not "
            "waited for longer (the tests run your program again on a board of their own)."
        ).format(seconds=number(seconds))
        + "\n"
    )
