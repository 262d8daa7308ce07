"""A simulated board whose run is recorded in a `Trace`: the one way to make one.

`tne run --device sim:...` (tne/cli/sim_run.py) and the activities' `%%check` cells
(activities/catalogue/checks/) both need the same steps in the same order: the transport with
its world, seed, duration cap and scripted inputs; the trace subscribed before the board opens
(so the robot's start pose is in it); the bridge's probe forgotten (`Trace.started`); and, after
the program, the last events awaited (`Trace.finish`). They live here once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DeviceNotResponding
from ..transports.sim import SimTransport
from .trace import Trace
from .world import World

if TYPE_CHECKING:  # `start` imports the board: `tne run` launches before (cli/sim_board.py)
    from ..address import DeviceAddress
    from ..board import Board
    from ..transports.sim_child import StartedChild

#: Tries of `Board.start` (about 3 s each) before a slow simulated board is given up.
START_PATIENCE = 10


class RecordedBoard:
    """A fresh simulated board and the trace of what it does.

    `start()` opens it and returns the `Board`; run code on it, then `finish()` waits for its
    last events; `close()` always (or use it as a context manager). `launch()` may come first:
    the child process then boots while the caller does other work (`tne run` its imports and
    the program's warnings), and `start()` only connects."""

    def __init__(
        self,
        address: DeviceAddress,
        world: World | None = None,
        seed: int = 0,
        duration_s: float = 0.0,
        noise: float = 1.0,
        inputs: str | Path | None = None,
    ) -> None:
        self.address = address
        self.world = world
        self.transport = SimTransport(
            firmware=address.firmware,
            robot=address.target,
            seed=seed,
            world=str(Path(world.source).resolve()) if world else "",
            duration=duration_s,
            noise=noise,
            inputs=inputs,
        )
        self.trace = Trace.record(self.transport)
        self.board: Board | None = None
        self._launched = False

    def launch(self) -> None:
        """Start the board's child process now, without waiting for it (once: `start()` then
        connects to it). A failure to start is raised here, and again by `start()`."""
        if not self._launched:
            self.transport.open()
            self._launched = True

    def adopt(self, child: StartedChild, store: str) -> bool:
        """Take a child started before this board was made (`tne run`'s early start), if it
        runs the very command line this board would start (`SimTransport.adopt`); else False,
        and the caller stops it. `launch()` or `start()` then attaches it."""
        return self.transport.adopt(child, store)

    def start(self) -> Board:
        """Open the board (unless `launch()` did) and enter its prompt. A child process that
        boots slowly (a machine busy with other work) is given `START_PATIENCE` tries of the
        bridge's own wait."""
        from ..board import Board

        self.launch()
        self.board = Board(self.transport, self.address)
        for attempt in range(1, START_PATIENCE + 1):
            try:
                self.board.start()
                break
            except DeviceNotResponding:
                if attempt == START_PATIENCE:
                    raise
        self.trace.started(self.transport)
        return self.board

    def finish(self) -> Trace:
        return self.trace.finish(self.transport)

    def close(self) -> None:
        if self.board is not None:
            self.board.close()
        else:
            self.transport.close()

    def __enter__(self) -> RecordedBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
