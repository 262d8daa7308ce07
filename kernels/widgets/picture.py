"""The simulator view's picture of the world: the mat, the robot and its path, drawn by the
simulator's own `pictures.world_svg` from the robot's side-channel events.

Only a simulated robot has a world (`sim:maqueen`); a bare simulated micro:bit has none and the
view shows its LEDs and buttons alone. The path is that of the current cell: each cell starts
from where the robot stands (its last pose), so a long session does not redraw an endless path.
At most `MAX_EVENTS` events are kept for one cell (pose samples come every 50 ms of simulated
time: about 40 minutes of driving).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from device_bridge.transports.base import SimControls

log = logging.getLogger(__name__)
#: The event kinds the picture draws.
KINDS = frozenset({"pose", "collision"})
MAX_EVENTS = 50_000


class WorldPicture:
    def __init__(self, world: Any) -> None:
        self.world = world
        self._events: list[dict] = []
        self._lock = threading.Lock()

    @classmethod
    def of(cls, sim: SimControls) -> WorldPicture | None:
        """The picture for a simulated robot; None for a bare micro:bit (or a world that
        cannot be read: the board says why when it starts)."""
        if not sim.robot:
            return None
        from device_bridge.sim.world import WorldError, load_world

        try:
            return cls(load_world(sim.world or None))
        except WorldError:
            log.info("no picture: the world of %s cannot be read", sim)
            return None

    def add(self, event: dict) -> bool:
        """Keep an event the picture draws; True when it was one."""
        if event.get("kind") not in KINDS:
            return False
        with self._lock:
            if len(self._events) < MAX_EVENTS:
                self._events.append(event)
        return True

    def new_cell(self) -> None:
        """Forget the previous cell's path; the robot stays where it stands."""
        with self._lock:
            poses = [event for event in self._events if event.get("kind") == "pose"]
            self._events = poses[-1:]

    def svg(self) -> str:
        from device_bridge.sim.pictures import world_svg
        from device_bridge.sim.trace import Trace

        with self._lock:
            trace = Trace(list(self._events))
        return world_svg(self.world, trace)
