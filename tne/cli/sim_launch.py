"""The simulated board of `tne run --device sim...` started at the very start of the command
(`launch`), before typer, the bridge and the command's modules are imported.

The child needs about a fifth of a second to boot (its Python, wasmtime, the guest's boot); the
parent needs about a seventh to import typer and build its command. Started first, the child
boots while the parent imports. Light on purpose: this module imports only what the child's
command line needs (transports/sim_child.py, the sim address's grammar, the world's file),
about 13 ms of modules, not `device_bridge.address`, the world's reader, `SimTransport`,
dataclasses or the engine's cache check (41 ms when the child was started through
`RecordedBoard`); the child starts about 35 to 40 ms after the command (75 to 95 ms before).
docs/simulator.md ("`tne run` on a simulated board") has the whole command's timeline.

Only the plain shape `run FILE --device D [--world W] [--seed N] [--duration S] [--noise X]`
(and the options that do not change the board) is read here, by hand: anything else, help, or
a value that does not read, and nothing is started. `tne/cli/sim_board.take` then hands the
child to the run's transport only if that transport would start the very same command line
(`SimTransport.adopt`); otherwise it stops it and the run starts its own, so a reading here
that differs from typer's costs a wasted child, never a wrong run. A child nobody took is
stopped at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil

from device_bridge.sim.world_files import world_file
from device_bridge.sim_address import read_sim_address
from device_bridge.transports.sim_child import (
    StartedChild,
    child_arguments,
    child_command,
    new_store,
    start_child,
)

#: Simulated seconds a program may run when `--duration` is not given.
DEFAULT_DURATION_S = 120.0
#: Options of `tne run` read here, by their names.
BOARD_OPTIONS = {"--device": "device", "-d": "device", "--world": "world", "--seed": "seed",
                 "--duration": "duration", "--noise": "noise"}  # fmt: skip
#: Options that take a value and do not change the board.
OTHER_VALUES = {"--timeout", "--out", "--trace"}
#: Flags that do not change the board.
FLAGS = {"--leds", "--no-leds"}
#: The child started, and its flash's folder; None once taken (or if none was started).
_launched: tuple[StartedChild, str] | None = None


def launch(argv: list[str]) -> None:
    """Start the simulated board that `argv` (the command's arguments) asks for, if it is the
    plain shape above; never raises, never says anything."""
    global _launched
    arguments = read_board(argv)
    if arguments is None:
        return
    with contextlib.suppress(Exception):  # the command tells every problem itself, later
        store = new_store()
        try:
            child = start_child(lambda port: child_command(arguments, port, store))
        except BaseException:
            shutil.rmtree(store, ignore_errors=True)
            raise
        _launched = (child, store)
        atexit.register(_discard)


def taken() -> tuple[StartedChild, str] | None:
    """The child `launch` started and its flash's folder, handed over once (None if none): the
    caller owns them from then on."""
    global _launched
    launched, _launched = _launched, None
    return launched


def discard(child: StartedChild, store: str) -> None:
    """Stop a child nobody will run code on, and remove its flash's folder."""
    child.stop()
    shutil.rmtree(store, ignore_errors=True)


def _discard() -> None:
    launched = taken()
    if launched is not None:
        discard(*launched)


def read_board(argv: list[str]) -> list[str] | None:
    """The child's options (sim_child.child_arguments) for `run FILE --device sim... [...]`,
    or None."""
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
    sim = read_sim_address(values.get("device", os.environ.get("TNE_DEVICE", "")))
    if files != 1 or sim is None:
        return None
    robot, firmware = sim
    world = world_file(values.get("world")) if robot else None
    if (robot and world is None) or (not robot and "world" in values):
        return None
    try:
        seed = int(values.get("seed", "0"))
        duration = float(values.get("duration", "0")) or DEFAULT_DURATION_S
        noise = float(values.get("noise", "1.0"))
    except ValueError:
        return None  # typer says what is wrong, later
    return child_arguments(
        firmware, robot, seed, str(world.resolve()) if world else "", duration, noise, None
    )
