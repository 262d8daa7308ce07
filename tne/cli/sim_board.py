"""The simulated board of `tne run --device sim...` (tne/cli/sim_run.py): its options, the board
they ask for, and that board started at the very start of the command (`launch`), before typer
and the command's modules are imported. Light on purpose: nothing here imports the bridge's
`Board` or typer.

The child needs about a quarter of a second to boot (its Python, wasmtime, the guest's boot);
the parent needs about a tenth to import typer and build its command. Started first, the child
boots while the parent imports. Only the plain shape `run FILE --device D [--world W]
[--seed N] [--duration S] [--noise X]` (and the options that do not change the board) is read
here, by hand: anything else, help, or a value that does not read, and nothing is started.
`run_simulated` then `take`s the board only if the options typer parsed ask for the very same
board; otherwise it closes it and starts its own, so a reading here that differs from typer's
costs a wasted child, never a wrong run. A board nobody took is closed at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from device_bridge.address import DeviceAddress, parse_address
from device_bridge.sim.recorded import RecordedBoard
from device_bridge.sim.world import World, load_world

#: Simulated seconds a program may run when `--duration` is not given.
DEFAULT_DURATION_S = 120.0


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
    return RecordedBoard(**board_settings(address, world, options))


def board_settings(address: DeviceAddress, world: World | None, options: SimOptions) -> dict:
    """`RecordedBoard`'s arguments for these options: the same settings, the same board
    (`take` compares them, the world by its file)."""
    return {
        "address": address,
        "world": world,
        "seed": options.seed or 0,
        "duration_s": options.duration or DEFAULT_DURATION_S,
        "noise": 1.0 if options.noise is None else options.noise,
        "inputs": options.inputs,
    }


#: Options of `tne run` read here, by their names.
BOARD_OPTIONS = {"--device": "device", "-d": "device", "--world": "world", "--seed": "seed",
                 "--duration": "duration", "--noise": "noise"}  # fmt: skip
#: Options that take a value and do not change the board.
OTHER_VALUES = {"--timeout", "--out", "--trace"}
#: Flags that do not change the board.
FLAGS = {"--leds", "--no-leds"}
#: Which board was started, and the board; None once taken (or if none was started).
_launched: tuple[tuple, RecordedBoard] | None = None


def launch(argv: list[str]) -> None:
    """Start the simulated board that `argv` (the command's arguments) asks for, if it is the
    plain shape above; never raises, never says anything."""
    global _launched
    read = _read(argv)
    if read is None:
        return
    with contextlib.suppress(Exception):  # the command tells every problem itself, later
        address, options = read
        world = load_world(options.world) if address.target else None
        board = recorded_board(address, world, options)
        _launched = (_key(address, world, options), board)
        atexit.register(_close)
        board.launch()


def take(address: DeviceAddress, world: World | None, options: SimOptions) -> RecordedBoard | None:
    """The board started by `launch`, if it is the one these options ask for (closed if not)."""
    global _launched
    launched, _launched = _launched, None
    if launched is None:
        return None
    key, board = launched
    if key != _key(address, world, options):
        board.close()
        return None
    return board


def _key(address: DeviceAddress, world: World | None, options: SimOptions) -> tuple:
    settings = board_settings(address, world, options)
    settings["world"] = world.source if world else None
    return tuple(sorted(settings.items()))


def _close() -> None:
    global _launched
    launched, _launched = _launched, None
    if launched is not None:
        launched[1].close()


def _read(argv: list[str]) -> tuple[DeviceAddress, SimOptions] | None:
    """The address and the board's options from `run FILE --device sim... [...]`, or None."""
    if not argv or argv[0] != "run":
        return None
    values: dict[str, str] = {}
    files = 0
    words = iter(argv[1:])
    for word in words:
        name, equals, value = word.partition("=")
        if name in BOARD_OPTIONS or name in OTHER_VALUES:
            value = value if equals else next(words, None)
            if value is None:
                return None
            if name in BOARD_OPTIONS:
                values[BOARD_OPTIONS[name]] = value
        elif word.startswith("-"):
            if word not in FLAGS:
                return None  # help, --inputs, a mistake: typer's path alone
        else:
            files += 1
    device = values.get("device", os.environ.get("TNE_DEVICE", ""))
    if files != 1 or not device.startswith("sim"):
        return None
    try:
        address = parse_address(device)
        options = SimOptions(
            world=values.get("world"),
            seed=int(values["seed"]) if "seed" in values else None,
            duration=float(values["duration"]) if "duration" in values else None,
            noise=float(values["noise"]) if "noise" in values else None,
        )
    except Exception:  # noqa: BLE001 (typer says what is wrong, later)
        return None
    if address.kind != "sim" or (options.world is not None and not address.target):
        return None
    return address, options
