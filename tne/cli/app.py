"""`tne`: run Python on the classroom's boards from a terminal.

Each subcommand takes `--device ADDRESS` after its name (default: `TNE_DEVICE`, else `auto`).
The board's output goes to stdout; our messages go to stderr, in French by default.
"""

from __future__ import annotations

import atexit
import functools
import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer import _click

from device_bridge import Board, parse_address
from device_bridge.errors import BridgeError
from tne.i18n import _, ngettext
from tne.os_errors import os_error_text

from .interrupts import take_ctrl_c
from .lazy_commands import F, LazyGroup, Loader, group_of, lazy_command, single_command
from .options import device_option, timeout_option
from .output import BoardOutput, say
from .runner import (
    EXIT_OK,
    Target,
    report,
    resolve_targets,
    run_on_boards,
    usage,
)


def _registry() -> _click.Command:
    from .registry import registry_app

    return group_of(registry_app)


def _report() -> _click.Command:
    from .report import report_command

    return single_command(
        "report",
        report_command,
        help=_("The registry's report (sessions, pupils, money, equipment), counts protected."),
    )


def _kernel() -> _click.Command:
    from .kernel import kernel_app

    return group_of(kernel_app)


def _activities() -> _click.Command:
    from .activities import activities_app
    from .printing import register as register_printing

    register_printing(activities_app)
    return group_of(activities_app)


def _classroom() -> _click.Command:
    from .classroom import class_app

    return group_of(class_app)


def _workshop() -> _click.Command:
    from .workshop import workshop_app

    return group_of(workshop_app)


def _guide() -> _click.Command:
    from .guide import guide

    return single_command(
        "guide", guide, help=_("Open the teachers' and trainers' guide in the browser, offline.")
    )


def _doctor() -> _click.Command:
    from .doctor import doctor_command

    return single_command(
        "doctor",
        doctor_command,
        help=_("Check this computer for tne (Python, serial ports, Jupyter, PDF, network)."),
    )


#: The root's commands, each built when it is asked for: the board verbs below register
#: themselves with `verb`, in the order the help lists them; the others follow (see the end).
COMMANDS: dict[str, Loader] = {}
#: The commands of `tne fs`, built the same way.
FS_COMMANDS: dict[str, Loader] = {}


class TneGroup(LazyGroup):
    """The root command: every command is built on first use (only the one run is built)."""

    loaders = COMMANDS


class FsGroup(LazyGroup):
    loaders = FS_COMMANDS


def verb(name: str, **settings: Any) -> Callable[[F], F]:
    """`app.command(name, ...)`, built when asked for."""
    return lazy_command(COMMANDS, name, **settings)


def fs_verb(name: str, **settings: Any) -> Callable[[F], F]:
    """`fs_app.command(name, ...)`, built when asked for."""
    return lazy_command(FS_COMMANDS, name, **settings)


app = typer.Typer(
    cls=TneGroup,
    help=_("Run Python on micro:bit and MicroPython boards, or on the simulator."),
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
fs_app = typer.Typer(cls=FsGroup, help=_("Files on the board."), no_args_is_help=True)


def _show_version(wanted: bool) -> None:
    if wanted:
        from tne.version import installed_version

        print(_("tne-robotique, version {version}").format(version=installed_version()))
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_show_version,
        is_eager=True,
        help=_("Show the version of tne and exit."),
    ),
) -> None:
    pass


#: `tne exec`'s default time-out: seconds of silence from the board before it is stopped.
EXEC_TIMEOUT = 10.0


def leds_option() -> bool | None:
    return typer.Option(
        None,
        "--leds/--no-leds",
        help=_(
            "Simulator: draw the LEDs in the terminal as they change, a micro:bit at real "
            "speed (by default when the output is a terminal)."
        ),
        show_default=False,
    )


def finish(code: int) -> NoReturn:
    raise typer.Exit(code)


# -- devices ---------------------------------------------------------------------------------


@verb("devices", help=_("List the boards plugged into this computer."))
def devices(
    as_json: bool = typer.Option(False, "--json", help=_("Print a JSON array for scripts.")),
    identify: bool = typer.Option(
        False, "--identify", help=_("Make each board scroll its own name until its next program.")
    ),
    ble: bool = typer.Option(
        False, "--ble", help=_("Also scan for Bluetooth boards (a few seconds).")
    ),
) -> None:
    from device_bridge.discovery import find_ble_devices, find_devices

    found = find_devices()
    if ble:
        try:
            found += find_ble_devices()
        except BridgeError as problem:
            finish(report(problem))
    if as_json:
        print(json.dumps([device.to_json() for device in found], ensure_ascii=False, indent=2))
    elif not found:
        say(_("No board found. Plug one in with a data USB cable."))
    else:
        for device in found:
            state = _("busy: {holder}").format(holder=device.busy_by or "?") if device.busy else ""
            print(f"{device.address}\t{device.label}\t{device.reason}\t{state}".rstrip())
    if identify:
        finish(_identify(found))


def _identify(found: list) -> int:
    from .workshop_label import scroll_name

    code = EXIT_OK
    for device in found:
        if device.busy:
            continue
        try:
            with Board.connect(device.parsed_address) as board:
                scroll_name(board, device.short_name, device.label)
        except BridgeError as problem:
            code = max(code, report(problem, device.prefix))
    return code


# -- running code ----------------------------------------------------------------------------


def _run_code(code: str, timeout: float | None, file_name: str | None, leds: bool | None):
    """The action of `tne exec` and `tne run` on a board, or on each of `--device all`."""
    from .code_run import CodeRun

    return CodeRun(code, timeout, file_name, leds, lift_default_timeout=timeout == EXEC_TIMEOUT)


@verb("exec", help=_("Run a piece of Python code on the board."))
def exec_(
    code: str = typer.Argument(
        ..., metavar=_("CODE"), help=_("The Python code to run on the board.")
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(EXEC_TIMEOUT),
    leds: bool | None = leds_option(),
) -> None:
    finish(run_on_boards(device, _run_code(code, timeout, None, leds)))


@verb(
    "run",
    help=_("Run a Python file on the board, showing its output as it comes. Ctrl-C stops it."),
)
def run(
    file: Path = typer.Argument(
        ..., metavar=_("FILE"), help=_("The Python file to run on the board.")
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(None),
    world: str | None = typer.Option(
        None,
        "--world",
        help=_("Simulated robot: the world (tapis, piste, labyrinthe, or a .toml file)."),
    ),
    seed: int | None = typer.Option(
        None, "--seed", help=_("Simulator: the seed of its randomness (same seed, same run).")
    ),
    duration: float | None = typer.Option(
        None,
        "--duration",
        min=0.001,
        help=_("Simulator: simulated seconds before the program is stopped (default 120)."),
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help=_("Simulated robot: the picture of its path (.svg, .png, or .gif for an animation)."),
    ),
    noise: float | None = typer.Option(
        None, "--noise", min=0.0, help=_("Simulated robot: noise scale (0: an ideal robot).")
    ),
    trace: Path | None = typer.Option(
        None, "--trace", help=_("Simulator: save the trace of the run (JSON), for graders.")
    ),
    inputs: Path | None = typer.Option(
        None,
        "--inputs",
        help=_("Simulator: a JSON file of inputs at given instants (button presses, tilts...)."),
    ),
    leds: bool | None = leds_option(),
) -> None:
    from .sim_run import SimOptions, run_simulated, wants_simulator

    take_ctrl_c()
    code = _read_local(file)
    options = SimOptions(world, seed, duration, out, noise, trace, inputs)
    if wants_simulator(device, options):
        text = code.decode("utf-8", "replace")
        finish(run_simulated(file, text, device, timeout, options, leds))
    action = _run_code(code.decode("utf-8", "replace"), timeout, file.name, leds)
    finish(run_on_boards(device, action))


def _read_local(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        finish(usage(_("The file '{path}' does not exist.").format(path=path)))
    except IsADirectoryError:
        finish(usage(_("'{path}' is a folder, not a file.").format(path=path)))
    except OSError as problem:
        finish(
            usage(
                _("Cannot read '{path}': {error}").format(path=path, error=os_error_text(problem))
            )
        )


@verb("repl", help=_("Talk to the board's Python prompt. Ctrl-] leaves."))
def repl(
    device: str = device_option(),
    timeout: float | None = timeout_option(None),
) -> None:
    from .terminal import terminal_action

    take_ctrl_c()
    finish(run_on_boards(device, terminal_action(timeout)))


@verb(
    "monitor",
    help=_(
        "Send and receive text with a board, even one without Python (a micro:bit running a "
        "MakeCode program with the Bluetooth UART service). Ctrl-] leaves."
    ),
)
def monitor(
    device: str = device_option(),
    timeout: float | None = timeout_option(None),
    newline: str = typer.Option(
        "lf", "--eol", help=_("Line end sent for Enter: lf, cr or crlf (MakeCode reads lf).")
    ),
) -> None:
    from device_bridge.monitor import TextLink

    from .terminal import terminal_action

    take_ctrl_c()
    ends = {"lf": b"\n", "cr": b"\r", "crlf": b"\r\n"}
    if newline not in ends:
        finish(usage(_("--eol takes lf, cr or crlf.")))
    out = BoardOutput()
    try:
        with TextLink.connect(device) as link:
            code = terminal_action(timeout, ends[newline])(link, out, "")  # type: ignore[arg-type]
    except BridgeError as problem:
        code = report(problem)
    finally:
        out.close()
    finish(code)


# -- files -----------------------------------------------------------------------------------


Work = Callable[[Board, BoardOutput, str], None]


def _on_files(
    device: str, timeout: float | None, work: Work, targets: list[Target] | None = None
) -> None:
    """Run a file operation on each board named by `device`, after saying what an earlier,
    interrupted copy left behind (see `BoardFS.recover`)."""

    def action(board: Board, out: BoardOutput, prefix: str) -> int:
        board.fs.timeout = timeout
        board.fs.recover_once()
        for notice in board.fs.notices:
            say(notice, prefix)
        work(board, out, prefix)
        return EXIT_OK

    finish(run_on_boards(device, action, targets))


COMMANDS["fs"] = functools.partial(group_of, fs_app)


@fs_verb("ls", help=_("List the files on the board, with their sizes."))
def fs_ls(
    path: str = typer.Argument(
        "", metavar=_("FOLDER"), help=_("Folder on the board (boards with folders only).")
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(10.0),
) -> None:
    def work(board: Board, out: BoardOutput, prefix: str) -> None:
        for info in board.fs.ls(path):
            kind = "/" if info.is_dir else ""
            out.write(f"{info.size:>8}  {info.name}{kind}\n".encode())

    _on_files(device, timeout, work)


@fs_verb("put", help=_("Copy a file from this computer to the board (checked after the copy)."))
def fs_put(
    local: Path = typer.Argument(..., metavar=_("FILE"), help=_("The file on this computer.")),
    remote: str = typer.Argument(
        "",
        metavar=_("NAME_ON_BOARD"),
        help=_("Its name on the board (default: the same name)."),
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(10.0),
) -> None:
    data = _read_local(local)
    name = remote or local.name

    def work(board: Board, out: BoardOutput, prefix: str) -> None:
        board.fs.put(data, name)
        say(
            ngettext(
                "{name}: {size} byte copied and checked.",
                "{name}: {size} bytes copied and checked.",
                len(data),
            ).format(name=name, size=len(data)),
            prefix,
        )

    _on_files(device, timeout, work)


@fs_verb("get", help=_("Copy a file from the board to this computer."))
def fs_get(
    remote: str = typer.Argument(
        ..., metavar=_("NAME_ON_BOARD"), help=_("The file's name on the board.")
    ),
    local: Path | None = typer.Argument(
        None,
        metavar=_("DESTINATION"),
        help=_("Where to write it on this computer (default: same name, here)."),
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(10.0),
) -> None:
    base = remote.rsplit("/", 1)[-1]
    targets: list[Target] | None = None
    target = local or Path(base)
    if parse_address(device).kind == "all":
        targets, paths = _collecting(remote, local or Path("."), device)
    else:
        if target.is_dir():
            target = target / base
        if not target.parent.exists():
            finish(usage(_("The folder '{path}' does not exist.").format(path=target.parent)))
        paths = {}

    def work(board: Board, out: BoardOutput, prefix: str) -> None:
        path = paths.get(str(board.address), target)
        data = board.fs.get(remote)
        _write_local(path, data)
        say(
            ngettext(
                "{name}: {size} byte copied to {path}.",
                "{name}: {size} bytes copied to {path}.",
                len(data),
            ).format(name=remote, size=len(data), path=path),
            prefix,
        )

    _on_files(device, timeout, work, targets)


def _collecting(remote: str, folder: Path, device: str) -> tuple[list[Target], dict[str, Path]]:
    """`fs get --device all`: the boards, and where each one's file lands: `folder/LABEL-NAME`,
    so that the copies of a workshop table never overwrite one another."""
    if not folder.is_dir():
        finish(
            usage(
                _(
                    "With --device all, the files are collected in a folder: '{path}' is not "
                    "an existing folder."
                ).format(path=folder)
            )
        )
    try:
        targets = resolve_targets(device)
    except BridgeError as problem:
        finish(report(problem))
    base = remote.rsplit("/", 1)[-1]
    return targets, {str(t.address): folder / f"{t.name}-{base}" for t in targets}


def _write_local(path: Path, data: bytes) -> None:
    """Write through a temporary file, so that a failed copy never replaces a good file."""
    partial = path.with_name(path.name + ".tne-part")
    partial.write_bytes(data)
    os.replace(partial, path)


@fs_verb("rm", help=_("Remove a file from the board."))
def fs_rm(
    remote: str = typer.Argument(
        ..., metavar=_("NAME_ON_BOARD"), help=_("The file's name on the board.")
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(10.0),
) -> None:
    def work(board: Board, out: BoardOutput, prefix: str) -> None:
        board.fs.rm(remote)
        say(_("{name} removed.").format(name=remote), prefix)

    _on_files(device, timeout, work)


@fs_verb("cat", help=_("Show a file of the board."))
def fs_cat(
    remote: str = typer.Argument(
        ..., metavar=_("NAME_ON_BOARD"), help=_("The file's name on the board.")
    ),
    device: str = device_option(),
    timeout: float | None = timeout_option(10.0),
) -> None:
    def work(board: Board, out: BoardOutput, prefix: str) -> None:
        out.write(board.fs.get(remote))

    _on_files(device, timeout, work)


# -- flashing --------------------------------------------------------------------------------


@verb(
    "flash",
    help=_(
        "Put MicroPython on a micro:bit through its MICROBIT USB drive (with --device all, on "
        "every micro:bit at once)."
    ),
)
def flash(
    hex_file: Path | None = typer.Option(
        None,
        "--hex",
        help=_("The MicroPython .hex to copy (default: the one that fits the board)."),
    ),
    drive: list[Path] = typer.Option(
        [],
        "--drive",
        help=_(
            "The board's MICROBIT drive (default: found automatically); with --device all, "
            "may be given once per board."
        ),
    ),
    device: str = device_option(),
) -> None:
    from .flashing import flash_all, flash_command

    if parse_address(device).kind == "all":
        finish(flash_all(hex_file, drive))
    if len(drive) > 1:
        finish(usage(_("Several --drive options need --device all.")))
    finish(flash_command(hex_file, drive[0] if drive else None, device))


# -- JupyterLab --------------------------------------------------------------------------------


@verb("lab", help=_("Open JupyterLab in French, with the micro:bit kernels and widgets."))
def lab(
    no_browser: bool = typer.Option(
        False, "--no-browser", help=_("Serve JupyterLab without opening a browser.")
    ),
    port: int | None = typer.Option(
        None,
        "--port",
        min=1,
        max=65535,
        help=_("Port of JupyterLab (default: 8888 or the next free one)."),
    ),
    device: str = device_option(),
    folder: Path | None = typer.Option(
        None, "--dir", help=_("Folder of the notebooks (default: tne-robotique in your documents).")
    ),
) -> None:
    from .lab import run_lab

    take_ctrl_c()
    finish(run_lab(browser=not no_browser, port=port, device=device, workspace=folder))


COMMANDS.update(
    {
        "registry": _registry,
        "report": _report,
        "kernel": _kernel,
        "activities": _activities,
        "class": _classroom,
        "workshop": _workshop,
        "guide": _guide,
        "doctor": _doctor,
    }
)


def main() -> None:
    """The `tne` command: typer's own texts in our words, usage errors worded from our
    catalogue, and the exit codes of `runner`."""
    from typer._click.exceptions import ClickException
    from typer.main import get_command

    from . import plain_values
    from .library_text import localise, show_usage_error

    # At the process's exit, its objects need no more search for cycles: the interpreter's own
    # collections then cost tens of ms (`tne run --device sim`'s trace holds thousands of events).
    atexit.register(gc.freeze)
    plain_values.install()
    command = get_command(app)
    localise(command)
    try:
        code = command.main(prog_name="tne", standalone_mode=False)
    except KeyboardInterrupt:
        code = 130
    except ClickException as problem:
        code = show_usage_error(problem)
    except typer.Abort:
        say(_("Aborted."))
        code = 1
    except BridgeError as problem:  # raised outside a board action
        code = report(problem)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
