"""`tne run --device sim:maqueen FILE [--world W] [--seed N] [--duration S] [--out F]`: a
program on a simulated board, its output on stdout as from a real board, then a summary of the
run on stderr and a picture of the robot's path (`<stem>.svg` next to FILE, or `--out`; an
`--out` ending in `.gif` gets the run replayed as an animated GIF), and
the trace as JSON with `--trace F` (device_bridge/sim/trace.py loads it back). `--inputs F`
plays scripted inputs (device_bridge/sim/inputs.py), so a run repeats exactly. `--out` takes
`.svg`, `.png` or `.gif` and refuses anything else before the run. Warnings on the program come
first (tne/program_warnings.py); the LEDs are drawn in a terminal as they change
(tne/cli/led_view.py); an error is said with its hint and the summary says where it stopped.

Simulated time is capped (`--duration`, 120 s by default): reaching the cap ends the program
cleanly, exit 0, since a robot program usually loops forever.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from device_bridge import Board, parse_address
from device_bridge.errors import BridgeError
from device_bridge.sim.recorded import RecordedBoard
from device_bridge.sim.trace import Trace
from device_bridge.sim.world import World, load_world
from tne.hints import Explanation
from tne.i18n import _, number
from tne.os_errors import os_error_text
from tne.program_warnings import program_warnings

from .led_view import LedView, wants_live
from .output import BoardOutput, error, say, stderr_console
from .pupil_errors import report_pupil_error, say_warnings
from .runner import EXIT_BOARD, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, report, usage
from .sim_board import SimOptions, recorded_board, take
from .typed_input import terminal_line

#: What `--out` can write, by extension.
PICTURE_SUFFIXES = (".svg", ".png", ".gif")


def wants_simulator(device: str, options: SimOptions) -> bool:
    """Whether `tne run` goes here: a sim address, or simulator options (refused below for
    other boards, with a message)."""
    try:
        return parse_address(device).kind == "sim" or options.given()
    except BridgeError:
        return False  # the usual path reports a bad address


def run_simulated(
    file: Path,
    code: str,
    device: str,
    timeout: float | None,
    options: SimOptions,
    leds: bool | None = None,
) -> int:
    try:
        address = parse_address(device)
    except BridgeError as problem:
        return report(problem)
    if address.kind != "sim":
        return usage(
            _(
                "--world, --seed, --duration, --out, --noise, --trace and --inputs are for the "
                "simulator only: use --device sim:maqueen."
            )
        )
    world: World | None = None
    if address.target:
        try:
            world = load_world(options.world)
        except BridgeError as problem:
            return report(problem)
    elif options.world is not None or options.out is not None:
        return usage(_("--world and --out need a simulated robot: use --device sim:maqueen."))
    if options.out is not None and options.out.suffix.lower() not in PICTURE_SUFFIXES:
        return usage(
            _(
                "--out '{path}': the picture must end in .svg, .png or .gif (nothing was written)."
            ).format(path=options.out)
        )
    recorded = take(address, world, options) or recorded_board(address, world, options)
    trace = recorded.trace
    try:
        # The child boots while the warnings are made and the view is set up; a failure to
        # start is told by the run's own start, as for any board.
        with contextlib.suppress(BridgeError):
            recorded.launch()
        say_warnings(program_warnings(code, robot=bool(address.target)))
        _ready_to_tell(world)
        board, exit_code, stopped = _run(recorded, code, file, timeout, leds)
        if board is not None and exit_code != EXIT_INTERRUPTED:
            recorded.finish()
            # The trace is whole: the child ends (killed, then waited for) while the summary
            # and the picture are made, rather than after them.
            closing = threading.Thread(target=recorded.close, name="tne-sim-close")
            closing.start()
            try:
                picture = options.out or file.with_suffix(".svg")
                if not _tell(trace, world, picture, options.trace, stopped):
                    exit_code = max(exit_code, EXIT_USAGE)
            finally:
                closing.join()
    finally:
        recorded.close()
    return exit_code


def _ready_to_tell(world: World | None) -> None:
    """Load what the summary and the picture need while the child boots, rather than after
    the run: the console of our messages (rich's, made at the first), the reader's number
    format (babel reads its locale data at its first number, about 30 ms), where the usage
    registry's link would be (`_record_usage`: platformdirs, imported at its first use, about
    4 ms) and the pictures' module."""
    from activities.registry.link import link_path

    stderr_console()
    number(0.0, 1)
    link_path()
    if world is not None:
        import device_bridge.sim.pictures  # noqa: F401


def _run(
    recorded: RecordedBoard, code: str, file: Path, timeout: float | None, leds: bool | None
) -> tuple[Board | None, int, Explanation | None]:
    """Run the program on the recorded board, its LEDs drawn as they change: the board (None
    if it never started), the exit code, and where an error stopped the program."""
    transport = recorded.transport
    out = BoardOutput()
    view = LedView(wants_live(leds))
    board: Board | None = None
    exit_code = EXIT_OK
    stopped: Explanation | None = None
    try:
        board = recorded.start()
        view.start(transport)
        result = board.run(
            code,
            timeout=timeout,
            on_stdout=view.write if view.live else out.write,
            on_input=terminal_line,
        )
        if result.stderr:
            with contextlib.suppress(BridgeError):
                transport.sync_events()
            view.close(say_last=False)
            text = result.stderr.decode("utf-8", "replace")
            stopped = report_pupil_error(text, code, file.name)
            exit_code = EXIT_BOARD
    except BridgeError as problem:
        exit_code = report(problem)
    except KeyboardInterrupt:
        say(_("Stopped."))
        exit_code = EXIT_INTERRUPTED
    finally:
        view.close(say_last=False)
        out.close()
        if recorded.board is not None:  # made, if not started: usage, with its error
            _record_usage(recorded.board, exit_code)
    return board, exit_code, stopped


def _record_usage(board: Board, exit_code: int) -> None:
    """`tne run` on the simulator is usage like on a board, recorded as simulated (the
    registry decides whether this machine is linked; it never raises)."""
    from activities.registry.usage import device_kind_of, record_event

    kind = board.profile.kind if board.profile else None
    record_event(
        "cli_run",
        device_kind=device_kind_of(kind, simulated=True),
        errors=int(exit_code != EXIT_OK),
    )


def _tell(
    trace: Trace,
    world: World | None,
    picture: Path,
    saved: Path | None,
    stopped: Explanation | None = None,
) -> bool:
    """The summary on stderr (first, where an error stopped the program), the picture of the
    path and the trace; False if a file could not be written."""
    if stopped is not None:
        say(stopped_line(stopped))
    for line in trace.summary():
        say(line)
    written = True
    if saved is not None:
        try:
            trace.save(saved)
        except OSError as problem:
            error(
                _("Cannot write the trace '{path}': {error}").format(
                    path=saved, error=os_error_text(problem)
                )
            )
            written = False
        else:
            say(_("Trace of the run: {path}").format(path=saved))
    if world is None:
        return written
    # Imported here: the pictures' modules are the end of the run's work, after the board.
    from device_bridge.sim.pictures import animation_gif, world_png, world_svg

    try:
        if picture.suffix.lower() == ".gif":  # the run replayed, for e-mail and the ENT
            picture.write_bytes(animation_gif(world, trace))
        elif picture.suffix.lower() == ".png":
            picture.write_bytes(world_png(world, trace))
        else:
            picture.write_text(world_svg(world, trace), encoding="utf-8")
    except OSError as problem:
        error(
            _("Cannot write the picture '{path}': {error}").format(
                path=picture, error=os_error_text(problem)
            )
        )
        return False
    say(_("Picture of the path: {path}").format(path=picture))
    return written


def stopped_line(stopped: Explanation) -> str:
    """The summary's first line after an error: the program did not end well, and where."""
    if stopped.line is None:
        return _("The program stopped on an error ({error}).").format(error=stopped.ename)
    return _("The program stopped on an error ({error}) at line {line}.").format(
        error=stopped.ename, line=stopped.line
    )
