"""Robots the simulated micro:bit can sit on, each a model at the hardware boundary
(`device_bridge/sim/hardware.py`): what it puts on the I2C bus and the pins.

`build(name, hardware, world, seed, noise)` wires one onto a board's `Hardware`; `ROBOTS` names
them for the command line and the transport.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names alone: `tne exec` reads LIBRARIES without the simulation
    from ..hardware import Hardware
    from ..world import World

#: Robots that `--robot` and `sim:ROBOT` accept.
ROBOTS = ("maqueen",)
#: Driver libraries (plain MicroPython) put on the virtual flash of a board on each robot.
LIBRARIES = {"maqueen": Path(__file__).with_name("lib") / "maqueen.py"}


def build(name: str, hardware: Hardware, world: World, seed: int = 0, noise: float = 1.0):
    if name == "maqueen":
        from .maqueen import Maqueen

        return Maqueen(hardware, world, seed=seed, noise=noise)
    raise ValueError(f"unknown robot {name!r}")


def equip(state, robot: str, world_name: str = "", noise: float = 1.0):
    """Put a board (a `state.BoardState`) on a robot in a world, and its driver library on the
    board's flash unless the pupil put a file of that name there."""
    from ..world import load_world

    world = load_world(world_name or None)
    model = build(robot, state.hardware, world, seed=state.seed, noise=noise)
    library = LIBRARIES.get(robot)
    if library is not None and library.name not in state.vfs.files:
        state.vfs.files[library.name] = bytearray(library.read_bytes())
        state.vfs.persist(library.name)
    return model
