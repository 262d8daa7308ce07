"""The simulated board of `tne run --device sim...` (tne/cli/sim_run.py): its options, the board
they ask for, and that board on the child `sim_launch.launch` started at the very start of the
command, when it is the same board (`take`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from device_bridge.address import DeviceAddress
from device_bridge.sim.recorded import RecordedBoard
from device_bridge.sim.world import World

from .sim_launch import DEFAULT_DURATION_S, discard, taken


@dataclass(frozen=True)
class SimOptions:
    """The options of `tne run` that only a simulated board understands."""

    world: str | None = None
    seed: int | None = None
    duration: float | None = None
    out: Path | None = None
    noise: float | None = None
    trace: Path | None = None
    inputs: Path | None = None

    def given(self) -> bool:
        return any(value is not None for value in vars(self).values())


def recorded_board(
    address: DeviceAddress, world: World | None, options: SimOptions
) -> RecordedBoard:
    """The simulated board these options ask for, not started yet."""
    return RecordedBoard(
        address=address,
        world=world,
        seed=options.seed or 0,
        duration_s=options.duration or DEFAULT_DURATION_S,
        noise=1.0 if options.noise is None else options.noise,
        inputs=options.inputs,
    )


def take(address: DeviceAddress, world: World | None, options: SimOptions) -> RecordedBoard | None:
    """The board these options ask for on the child `sim_launch.launch` started, if that child
    runs the very command line this board's transport would start (stopped if not)."""
    launched = taken()
    if launched is None:
        return None
    child, store = launched
    try:
        recorded = recorded_board(address, world, options)
        if recorded.adopt(child, store):
            return recorded
    except BaseException:
        discard(child, store)
        raise
    discard(child, store)
    return None
