"""`python -m device_bridge.sim --firmware v2 --robot "" --seed 0`: one simulated board on
stdin/stdout (see `transports/sim.py` for the parent side). Pupils' code runs only in the sealed
engine (`wasm/`): no option of this command runs it in the child's own Python."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .channel import EventChannel, EventsFirst
from .clock import SimClock
from .console import Console, TextOut, binary_stdio
from .duration import cap_duration
from .firmware import FIRMWARES
from .hardware import Hardware
from .inputs import InputsError, load_inputs, schedule
from .limits import CPU_LIMIT_S, WALL_LIMIT_S
from .pacing import Pacer
from .repl import Repl
from .robots import equip
from .run_limit import RunLimit
from .state import BoardState
from .vfs import VirtualFS
from .wasm.board import CPU_FUEL_PER_S, WasmEngine
from .wasm.stdin import SerialInput


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m device_bridge.sim")
    parser.add_argument("--firmware", choices=sorted(FIRMWARES), default="v2")
    parser.add_argument("--robot", default="", help="robot name (robots.ROBOTS), or none")
    parser.add_argument("--world", default="", help="world name or .toml file, for a robot")
    parser.add_argument("--noise", type=float, default=1.0, help="robot noise scale (0: none)")
    parser.add_argument(
        "--duration", type=float, default=0.0, help="cap on simulated seconds (0: none)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--state", type=Path, default=None, help="folder that keeps the board's files"
    )
    parser.add_argument(
        "--channel", type=int, default=0, help="port on 127.0.0.1 for the side channel"
    )
    parser.add_argument("--inputs", type=Path, default=None, help="JSON file of scripted inputs")
    parser.add_argument("--cpu-limit", type=float, default=CPU_LIMIT_S, help="CPU s per run")
    parser.add_argument("--wall-limit", type=float, default=WALL_LIMIT_S, help="wall s per run")
    return parser


def _engine(args: argparse.Namespace, state: BoardState, hardware: Hardware) -> WasmEngine:
    """The engine that runs pupils' code, sealed in MicroPython for WebAssembly, with its limits
    and duration cap. Its output goes to `state.stdout`, which `main` sets before anything
    runs."""
    engine = WasmEngine(
        state.firmware,
        state.seed,
        state.clock,
        state.vfs,
        hardware,
        lambda text: state.stdout.write(text),
    )
    engine.limits.wall_s = args.wall_limit
    engine.limits.cpu_fuel = int(args.cpu_limit * CPU_FUEL_PER_S)
    if args.duration > 0:
        engine.cap = cap_duration(state, args.duration)
    return engine


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        scripted = load_inputs(args.inputs) if args.inputs else []
    except InputsError as error:
        print(error, file=sys.stderr)
        return 2
    infile, outfile = binary_stdio()
    clock = SimClock()
    channel = EventChannel.connect(clock, args.channel)
    outfile = EventsFirst(outfile, channel)  # type: ignore[assignment]
    hardware = Hardware(clock, channel)
    state = BoardState(
        firmware=args.firmware,
        seed=args.seed,
        clock=clock,
        vfs=VirtualFS(store=args.state),
        hardware=hardware,
    )
    clock.pacer = pacer = Pacer(lambda: clock.now_ms)
    run_limit = RunLimit(clock, lambda text: engine.tell(text), lambda: pacer.active)
    # Speed, pause and the run limit act at once; the other inputs at the next simulated instant.
    channel.start(
        lambda message: (
            pacer.apply(message) or run_limit.apply(message) or hardware.queue_input(message)
        )
    )
    schedule(hardware, scripted)
    if args.robot:
        equip(state, args.robot, args.world, args.noise)
    engine = _engine(args, state, hardware)
    engine.run_limit = run_limit

    def interrupt() -> None:
        engine.request_interrupt()
        pacer.wake()

    console = Console(infile, outfile, interrupting=lambda: engine.running, on_interrupt=interrupt)
    state.stdout = TextOut(console, channel)
    engine.serial_input = SerialInput(console)
    console.start()
    Repl(state, console, engine).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
