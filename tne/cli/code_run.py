"""`tne exec` and `tne run` on a board (or on every board of `--device all`): the warnings on
the program first, the board's output, the pupil's error with its hint, and a simulated
board's LEDs (tne/cli/led_view.py).

With several boards the same program runs on each at once: the warnings come from the code,
not from a board, so they are said once, before any board's output, without a board's name;
an error and its hint are said as one block under the board's name, so that two boards failing
at once do not mix their lines; a simulated board's LEDs are not drawn during the run (one
terminal cannot redraw several matrices in place under interleaved output) and its last
picture is said under its name when it ends, unless `--no-leds`.

The LED view and the hints are imported only when a board is simulated or a warning or an
error is to be said: a `tne exec` on a serial board that goes well needs neither (its start-up
is raced against mpremote's, `benchmarks/bench_modern.py`).
"""

from __future__ import annotations

import contextlib
import threading

from device_bridge import Board
from device_bridge.errors import BridgeError
from tne.program_warnings import ProgramWarning, program_warnings

from .output import BoardOutput
from .runner import EXIT_BOARD, EXIT_OK
from .typed_input import terminal_line


class CodeRun:
    """The action (`runner.Action`) that runs `code` on one board; one instance is shared by
    the threads of every board of a command, which is what lets them say the warnings once.

    `lift_default_timeout`: the time-out is the command's default, which a simulator watched
    at real time does not need (its LEDs show that it runs, Ctrl-C stops it)."""

    def __init__(
        self,
        code: str,
        timeout: float | None,
        file_name: str | None,
        leds: bool | None,
        lift_default_timeout: bool = False,
    ) -> None:
        self.code = code
        self.timeout = timeout
        self.file_name = file_name
        self.leds = leds
        self.lift_default_timeout = lift_default_timeout
        self._said: set[ProgramWarning] = set()
        #: One board's block of lines (warnings, an error and its hint) at a time.
        self._block = threading.Lock()

    def __call__(self, board: Board, out: BoardOutput, prefix: str) -> int:
        several = bool(prefix)  # only `--device all` names each board's lines
        sim = board.sim
        self._warn(program_warnings(self.code, robot=bool(sim and sim.robot)), several, prefix)
        view = None
        if sim is not None:
            from .led_view import LedView, wants_live

            view = LedView(False if several else wants_live(self.leds), prefix)
            view.start(sim)
        write = view.write if view is not None and view.live else out.write
        silence = self.timeout
        if view is not None and view.paced and self.lift_default_timeout:
            silence = None
        try:
            result = board.run(self.code, timeout=silence, on_stdout=write, on_input=terminal_line)
        finally:
            if sim is not None and view is not None:
                with contextlib.suppress(BridgeError):
                    sim.sync_events()
                out.close()  # the board's last printed line before its picture
                with self._block:
                    view.close(say_last=self.leds is not False)
        if result.stderr:
            from .pupil_errors import report_pupil_error

            text = result.stderr.decode("utf-8", "replace")
            with self._block:
                report_pupil_error(text, self.code, self.file_name, prefix)
            return EXIT_BOARD
        return EXIT_OK

    def _warn(self, warnings: list[ProgramWarning], several: bool, prefix: str) -> None:
        """Say the warnings not said yet: with several boards, once for all and without a
        board's name (the first board to start says them, the others wait for it)."""
        if not warnings:
            return
        from .pupil_errors import say_warnings

        if not several:
            say_warnings(warnings, prefix)
            return
        with self._block:
            fresh = [warning for warning in warnings if warning not in self._said]
            self._said.update(fresh)
            say_warnings(fresh)
