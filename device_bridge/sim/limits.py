"""Limits of the simulated board's child process: CPU time and wall time per run, and memory.

A loop without `sleep` is ordinary pupil code: it runs until Stop, or until a limit ends it.
The `Watchdog` thread (it works the same on Windows and POSIX) watches each run of pupil code:
past `cpu_s` seconds of CPU or `wall_s` seconds of wall time, the next statement raises
`LimitReached` with a French message, the run ends with that message on the board's stderr, and
the board is ready for the next run.

Code stuck inside one long operation of C code (`sum(range(10 ** 12))`) reaches no next
statement, and holds the interpreter's lock, so no Python thread runs either. For that case the
watchdog keeps re-arming `faulthandler`'s timer, a C thread that needs no lock: if the watchdog
could not run for the budget left plus `GRACE_S`, the timer writes `Timeout (...)!` and a stack
dump on stderr and ends the child. The transport reports the link lost with a French message
(`STUCK_MARK`), and the bridge's last resort (a restart of the child, files kept) brings the
board back.

Memory: on POSIX the child's address space is capped (`RLIMIT_AS`, 1 GB), so a memory bomb
ends in `MemoryError`; `RLIMIT_CPU` is a last backstop the kernel enforces if the watchdog
itself were starved. Windows has neither: there the CPU and wall limits hold, and memory is
bounded only by the machine (documented in docs/simulator.md).
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
import time
from collections.abc import Callable

from tne.i18n import _, number

#: Defaults: generous for a program that a class watches run, short enough to free a server.
CPU_LIMIT_S = 300.0
WALL_LIMIT_S = 1800.0
#: Address space the child may use (POSIX).
MEMORY_LIMIT = 1024 * 1024 * 1024
#: Seconds a run may stay deaf to the stop before the child is ended.
GRACE_S = 3.0
#: What `faulthandler` writes first when it ends a stuck child (the transport looks for it).
STUCK_MARK = "Timeout ("
#: How often the watchdog looks.
POLL_S = 0.05
#: Total CPU seconds after which the kernel ends the child (a backstop, POSIX only).
CPU_BACKSTOP_S = 24 * 3600


class LimitReached(BaseException):
    """A run went past a limit (a `BaseException`, so `except Exception` does not keep the
    program alive)."""


def cpu_message(seconds: float) -> str:
    return _(
        "The program used more than {seconds} s of computing time and was stopped. Add a "
        "sleep() to your loops, or ask your teacher."
    ).format(seconds=number(seconds))


def wall_message(seconds: float) -> str:
    return _("The program ran for more than {seconds} s and was stopped by the simulator.").format(
        seconds=number(seconds)
    )


def limit_memory(limit: int = MEMORY_LIMIT) -> None:
    """POSIX only (the `resource` module); on Windows the child runs without this limit."""
    if sys.platform == "win32":
        return
    import resource

    for kind, value in ((resource.RLIMIT_AS, limit), (resource.RLIMIT_CPU, CPU_BACKSTOP_S)):
        try:
            soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (int(value), hard))
        except (ValueError, OSError):
            pass


class Watchdog:
    """Watches the runs of `runner` (`runner.runs` counts them, `runner.running` tells whether
    one is going on) and stops one that goes past a limit (`runner.request_stop`)."""

    def __init__(
        self,
        runner,
        cpu_s: float = CPU_LIMIT_S,
        wall_s: float = WALL_LIMIT_S,
        on_stuck: Callable[[str], None] | None = None,
        on_stop: Callable[[], None] | None = None,
        cpu_clock: Callable[[], float] = time.process_time,
        wall_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.runner = runner
        self.cpu_s = cpu_s
        self.wall_s = wall_s
        self._on_stuck = on_stuck or _end_child
        #: Wakes a run that waits (a paced or paused board) so that it reaches a statement.
        self._on_stop = on_stop
        self._cpu = cpu_clock
        self._wall = wall_clock
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_run = False  # between the start and the end of `runner.execute`

    def start(self) -> Watchdog:
        if self.cpu_s > 0 or self.wall_s > 0:
            self._arm_each_run()
            threading.Thread(target=self._watch, name="tne-sim-watchdog", daemon=True).start()
        return self

    def _arm_each_run(self) -> None:
        """Arm the backstop in the running thread as each run starts: a run that is stuck in C
        code from its first statement may never let the watchdog's thread run at all."""
        execute = self.runner.execute

        def armed(*args: object, **options: object) -> object:
            with self._lock:
                self._in_run = True
                self._arm_backstop(0.0, 0.0)
            try:
                return execute(*args, **options)
            finally:
                with self._lock:
                    self._in_run = False
                    faulthandler.cancel_dump_traceback_later()

        self.runner.execute = armed

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            faulthandler.cancel_dump_traceback_later()

    def _arm_backstop(self, wall_used: float, cpu_used: float) -> None:
        """End the child if this thread cannot run again before the budget left is spent
        (code stuck in C holds the interpreter's lock: see the module's docstring)."""
        left = [limit - used for limit, used in ((self.cpu_s, cpu_used), (self.wall_s, wall_used))]
        budget = min(
            (
                value
                for value, limit in zip(left, (self.cpu_s, self.wall_s), strict=True)
                if limit > 0
            ),
            default=0.0,
        )
        faulthandler.dump_traceback_later(max(budget, 0.0) + GRACE_S, exit=True)

    def _watch(self) -> None:
        run = -1
        started_cpu = started_wall = 0.0
        stopped_at: float | None = None
        message = ""
        while not self._stop.wait(POLL_S):
            if not self.runner.running:
                run, stopped_at = -1, None
                continue
            if self.runner.runs != run:
                run, stopped_at = self.runner.runs, None
                started_cpu, started_wall = self._cpu(), self._wall()
            now = self._wall()
            with self._lock:
                if self._in_run:  # never left armed once the run ended
                    self._arm_backstop(now - started_wall, self._cpu() - started_cpu)
            if stopped_at is not None:
                if now - stopped_at > GRACE_S:
                    self._on_stuck(message)
                    stopped_at = now
                continue
            if self.cpu_s > 0 and self._cpu() - started_cpu > self.cpu_s:
                message = cpu_message(self.cpu_s)
            elif self.wall_s > 0 and now - started_wall > self.wall_s:
                message = wall_message(self.wall_s)
            else:
                continue
            self.runner.request_stop(LimitReached(message))
            if self._on_stop is not None:
                self._on_stop()
            stopped_at = now


def _end_child(message: str) -> None:
    """The run does not come back to a statement: say why, and end the child process (the
    transport restarts it, files kept)."""
    try:
        # The same mark as faulthandler's, so that the transport tells the same French message.
        sys.__stderr__.write(f"{STUCK_MARK}watchdog)! {message}\n")  # type: ignore[union-attr]
        sys.__stderr__.flush()  # type: ignore[union-attr]
    finally:
        os._exit(3)
