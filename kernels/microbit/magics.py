"""The kernel's magics (`%connect`, `%put`, ...), with their help in French.

Each magic is a function `(context, arguments)` run on the board's worker thread (`BoardLink`),
so a magic that waits for the board can be stopped like a cell. They use `device_bridge` (the
Board, its `fs`, discovery, flashing) and add no board logic of their own. `%%host`, `%save`
and `%%check` are handled by the kernel (`cell.py` recognises them), and documented here with
the others.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from device_bridge import Board, parse_address
from device_bridge.errors import BridgeError, UsageError
from tne.i18n import _, ngettext, number

from .link import BoardLink
from .verifier import verifier


class MagicError(BridgeError):
    """A magic was misused: the message says how to use it."""


class MagicContext(Protocol):
    link: BoardLink

    def say(self, text: str, stream: str = "stdout") -> None: ...


@dataclass(frozen=True)
class Magic:
    usage: str
    run: Callable[[MagicContext, list[str]], None]


def help_texts() -> dict[str, str]:
    """One French paragraph per magic (computed on each call: the language may change)."""
    return {
        "connect": _(
            "Choose the board that runs the cells: auto (the board plugged in, otherwise the "
            "simulator), serial:COM3, serial:/dev/ttyACM0, sim (simulated micro:bit V2), sim@v1. "
            "Without an address: which board runs them."
        ),
        "devices": _("List the boards plugged into this computer."),
        "put": _(
            "Copy a file from the computer to the board (by default under the same name). "
            "Example: %put maqueen.py"
        ),
        "get": _(
            "Copy a file from the board to the computer (by default under the same name). "
            "Example: %get data.csv"
        ),
        "ls": _("List the files on the board, with their sizes."),
        "rm": _("Remove a file from the board. Example: %rm main.py"),
        "save": _(
            "Write the rest of the cell as a file on the board, without running it. With main.py "
            "the board runs it at each start. Example: first line %save main.py"
        ),
        "reset": _(
            "Restart the board: soft (default: variables are lost, files are kept) or hard (as "
            "the reset button does)."
        ),
        "flash": _(
            "Install MicroPython on the micro:bit through its MICROBIT USB drive (found by "
            "itself when there is only one)."
        ),
        "sim": _(
            "Restart the simulated micro:bit, with options: --world WORLD, --seed N (the same "
            "seed gives the same run), --speed X (X times real time). Also takes an address such "
            "as sim:maqueen or sim@v1."
        ),
        "host": _(
            "%%host on the first line runs the cell on this computer's Python instead of the "
            "board, for instance to draw a plot of collected data with matplotlib; "
            "board_eval('measures') gives the value of a variable of the board."
        ),
        "check": _(
            "%%check on the first line makes the cell a test of an activity: the last program "
            "run on the board runs again on a fresh simulated board, and the cell's lines check "
            "what it did (expect_shown(Image.HEART, between=(0, 2000)), tap('A', at=500)...)."
        ),
        "verifier": _(
            "Before handing in: run the tests of this notebook as it is saved, as the "
            "teacher's grading will, and say which do not pass yet."
        ),
        "lsmagic": _("List the magic commands."),
        "help": _("Help on a magic command. Example: %help connect (or %connect?)"),
    }


def words(text: str) -> list[str]:
    """Arguments as a shell would split them (quotes keep spaces); Windows paths keep their
    backslashes."""
    try:
        parts = shlex.split(text, posix=os.name != "nt")
    except ValueError as error:
        raise MagicError(_("Unbalanced quotes in this magic command.")) from error
    return [part[1:-1] if part[:1] == part[-1:] and part[:1] in "'\"" else part for part in parts]


def usage_error(name: str) -> MagicError:
    return MagicError(
        _("Usage: {usage}").format(usage=MAGICS[name].usage) + "\n" + help_texts()[name]
    )


# -- the magics --------------------------------------------------------------------------------


def connect(context: MagicContext, args: list[str]) -> None:
    if not args:  # which board is it?
        board = context.link.require()
        context.say(_("Connected to {board}.").format(board=board.label) + "\n")
        return
    if len(args) != 1:
        raise usage_error("connect")
    for notice in context.link.connect(args[0]):
        context.say(notice, "stderr")
    context.say(_("Connected to {board}.").format(board=context.link.require().label) + "\n")


def devices(context: MagicContext, args: list[str]) -> None:
    from device_bridge.discovery import find_devices

    found = find_devices()
    if not found:
        context.say(_("No board found. Plug one in with a data USB cable.") + "\n")
        return
    for device in found:
        state = _("busy") if device.busy else _("free")
        context.say(f"{device.address}  {device.label}  ({state})\n")


def put(context: MagicContext, args: list[str]) -> None:
    if len(args) not in (1, 2):
        raise usage_error("put")
    local = Path(args[0])
    remote = args[1] if len(args) == 2 else local.name
    try:
        data = local.read_bytes()
    except OSError as error:
        raise MagicError(
            _("Cannot read the file '{path}' on this computer.").format(path=local),
            detail=str(error),
        ) from error
    context.link.require().fs.put(data, remote)
    context.say(
        ngettext(
            "Copied {local} to the board as {remote} ({size} byte).",
            "Copied {local} to the board as {remote} ({size} bytes).",
            len(data),
        ).format(local=local, remote=remote, size=len(data))
        + "\n"
    )


def get(context: MagicContext, args: list[str]) -> None:
    if len(args) not in (1, 2):
        raise usage_error("get")
    remote = args[0]
    local = Path(args[1] if len(args) == 2 else Path(remote).name)
    data = context.link.require().fs.get(remote)
    try:
        local.write_bytes(data)
    except OSError as error:
        raise MagicError(
            _("Cannot write the file '{path}' on this computer.").format(path=local),
            detail=str(error),
        ) from error
    context.say(
        ngettext(
            "Copied {remote} from the board to {local} ({size} byte).",
            "Copied {remote} from the board to {local} ({size} bytes).",
            len(data),
        ).format(remote=remote, local=local, size=len(data))
        + "\n"
    )


def ls(context: MagicContext, args: list[str]) -> None:
    if len(args) > 1:
        raise usage_error("ls")
    files = context.link.require().fs.ls(*args)
    if not files:
        context.say(_("No file on the board.") + "\n")
    for info in files:
        context.say(f"{info.name}/\n" if info.is_dir else f"{info.size:>7}  {info.name}\n")


def rm(context: MagicContext, args: list[str]) -> None:
    if len(args) != 1:
        raise usage_error("rm")
    context.link.require().fs.rm(args[0])
    context.say(_("Removed {name} from the board.").format(name=args[0]) + "\n")


def save(context: MagicContext, name: str, content: str) -> None:
    """`%save NAME` followed by the file's lines (called by the kernel, not from MAGICS)."""
    if not name or len(words(name)) != 1:
        raise usage_error("save")
    data = content.encode("utf-8")
    context.link.require().fs.put(data, words(name)[0])
    context.say(
        ngettext(
            "Saved {name} on the board ({size} byte).",
            "Saved {name} on the board ({size} bytes).",
            len(data),
        ).format(name=words(name)[0], size=len(data))
        + "\n"
    )


def reset(context: MagicContext, args: list[str]) -> None:
    if len(args) > 1 or (args and args[0] not in ("soft", "hard")):
        raise usage_error("reset")
    mode = args[0] if args else "soft"
    context.link.require().reset(mode)  # type: ignore[arg-type]
    context.say(_("The board restarted.") + "\n")


def flash(context: MagicContext, args: list[str]) -> None:
    from device_bridge.flash import find_drives, read_drive

    if len(args) > 1:
        raise usage_error("flash")
    board = context.link.require()
    if board.address is not None and board.address.kind == "sim":
        raise MagicError(_("The simulated micro:bit needs no flashing."))
    drives = [read_drive(args[0])] if args else find_drives()
    if len(drives) != 1:
        raise MagicError(
            _(
                "Found {count} MICROBIT drives. Name the one to use, for example %flash E:\\ "
                "or %flash /media/eleve/MICROBIT"
            ).format(count=len(drives))
        )
    version = board.flash(drive=drives[0])
    context.say(_("MicroPython installed: {version}").format(version=version) + "\n")


def sim(context: MagicContext, args: list[str]) -> None:
    from device_bridge.transports.sim import SimTransport

    options, address = parse_sim_options(args)
    speed = options.pop("speed", None)
    parsed = parse_address(address)
    if parsed.kind != "sim":
        raise usage_error("sim")
    if options.get("world"):
        from device_bridge.sim.world import load_world

        load_world(str(options["world"]))  # an unknown world is told here, in French
    context.link.disconnect()
    context.link.address = address
    transport = SimTransport(firmware=parsed.firmware, robot=parsed.target, **options)
    transport.open()
    board = Board.started(transport, parsed)
    context.link.attach(board)
    if speed is not None and board.sim is not None:
        # Pacing goes through the simulator's side channel (docs/simulator.md); after
        # `attach`, which sets the kernel's default pace.
        board.sim.send_input({"kind": "speed", "factor": speed})
    context.say(_("Connected to {board}.").format(board=board.label) + "\n")


def parse_sim_options(args: list[str]) -> tuple[dict[str, object], str]:
    """`--world W --seed N --speed X [ADDRESS]` as SimTransport keyword arguments."""
    kinds: dict[str, Callable[[str], object]] = {"world": str, "seed": int, "speed": float}
    options: dict[str, object] = {}
    address = "sim"
    items = list(args)
    while items:
        item = items.pop(0)
        if item.startswith("--") and item[2:] in kinds:
            if not items:
                raise usage_error("sim")
            value = items.pop(0)
            try:
                options[item[2:]] = kinds[item[2:]](value.replace(",", "."))
            except ValueError as error:
                raise MagicError(
                    _("'{value}' is not a number (for {option}).").format(value=value, option=item)
                ) from error
        elif item.lower().startswith("sim") and address == "sim":
            address = item
        else:
            raise usage_error("sim")
    speed = options.get("speed")
    if isinstance(speed, float) and speed <= 0:
        raise MagicError(_("The speed must be more than {zero}.").format(zero=number(0)))
    return options, address


def lsmagic(context: MagicContext, args: list[str]) -> None:
    texts = help_texts()
    context.say(_("Magic commands (at the top of a cell):") + "\n")
    for name, magic in MAGICS.items():
        context.say(f"  {magic.usage:<36} {texts[name]}\n")


def show_help(context: MagicContext, args: list[str]) -> None:
    if len(args) != 1:
        lsmagic(context, [])
        return
    name = args[0].lstrip("%")
    if name not in MAGICS:
        raise unknown(name)
    context.say(f"{MAGICS[name].usage}\n{help_texts()[name]}\n")


def unknown(name: str) -> MagicError:
    return MagicError(
        _("Unknown magic command %{name}. Type %lsmagic for the list.").format(name=name)
    )


MAGICS: dict[str, Magic] = {
    "connect": Magic(_("%connect [ADDRESS]"), connect),
    "devices": Magic("%devices", devices),
    "put": Magic(_("%put LOCAL [REMOTE]"), put),
    "get": Magic(_("%get REMOTE [LOCAL]"), get),
    "ls": Magic("%ls", ls),
    "rm": Magic(_("%rm FILE"), rm),
    "save": Magic(_("%save FILE (first line of the cell)"), lambda context, args: None),
    "reset": Magic("%reset [soft|hard]", reset),
    "flash": Magic(_("%flash [DRIVE]"), flash),
    "sim": Magic(_("%sim [--world W] [--seed N] [--speed X]"), sim),
    "host": Magic(_("%%host (first line of the cell)"), lambda context, args: None),
    "check": Magic(_("%%check (first line of the cell)"), lambda context, args: None),
    "verifier": Magic("%verifier", verifier),
    "lsmagic": Magic("%lsmagic", lsmagic),
    "help": Magic(_("%help COMMAND"), show_help),
}


def run_magic(context: MagicContext, line: str) -> None:
    """Run one magic line (without its leading `%`); `%name?` shows the help."""
    text = line.strip()
    if text.startswith("%"):  # a cell magic (`%%name`)
        name = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
        if name not in ("host", "check"):
            raise unknown("%" + name)
        raise MagicError(_("%{name} must be the first line of the cell.").format(name=text))
    name, _sep, rest = text.partition(" ")
    if name.endswith("?"):
        show_help(context, [name[:-1]])
        return
    if name in ("save", "host", "check") or name not in MAGICS:
        raise unknown(name) if name not in MAGICS else usage_error(name)
    try:
        MAGICS[name].run(context, words(rest))
    except UsageError as error:
        raise MagicError(error.message, error.detail) from error
