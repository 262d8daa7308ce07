"""`tne flash`: put MicroPython on a micro:bit through its `MICROBIT` USB drive.

The board need not run MicroPython yet (a new micro:bit runs a MakeCode demo), so this command
works from the drive and only talks to the serial port afterwards, to read the firmware version
the board announces.
"""

from __future__ import annotations

from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from device_bridge.errors import BridgeError, UsageError
from device_bridge.flash import (
    MicrobitDrive,
    find_drives,
    flash_drive,
    read_drive,
    wait_for_firmware,
)
from tne.i18n import _

from .output import console, say
from .runner import EXIT_OK, report


def flash_command(hex_file: Path | None, drive_path: Path | None, device: str) -> int:
    try:
        drive = read_drive(drive_path) if drive_path else _only_drive()
        hex_text = _read_hex(hex_file) if hex_file else None
        say(
            _("Copying MicroPython to the {board} on {path}…").format(
                board=drive.board_name, path=drive.path
            )
        )
        with Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=console
        ) as bar:
            task = bar.add_task(_("Copy"), total=None)
            flash_drive(
                drive, hex_text, lambda done, total: bar.update(task, completed=done, total=total)
            )
        say(_("Copy finished; the board restarts…"))
        firmware = wait_for_firmware(device)
        say(_("Firmware announced by the board: {firmware}").format(firmware=firmware))
        from activities.registry.usage import record_event

        record_event("cli_flash", device_kind=f"microbit-{drive.version}")
        return EXIT_OK
    except BridgeError as problem:
        return report(problem)


def _only_drive() -> MicrobitDrive:
    drives = find_drives()
    if not drives:
        raise UsageError(
            _(
                "No MICROBIT drive found. Plug the micro:bit in with a data USB cable, or give "
                "its drive with --drive."
            )
        )
    if len(drives) > 1:
        raise UsageError(
            _("Found {count} MICROBIT drives; say which one with --drive.").format(
                count=len(drives)
            )
        )
    return drives[0]


def _read_hex(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        raise UsageError(_("The file '{path}' does not exist.").format(path=path)) from None
    except OSError as problem:
        raise UsageError(
            _("Cannot read '{path}': {error}").format(path=path, error=problem.strerror)
        ) from None
