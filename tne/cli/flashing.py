"""`tne flash`: put MicroPython on a micro:bit through its `MICROBIT` USB drive.

The board need not run MicroPython yet (a new micro:bit runs a MakeCode demo), so this command
works from the drive and only talks to the serial port afterwards, to read the firmware version
the board announces.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from device_bridge.board import wait_for_firmware
from device_bridge.errors import BridgeError, UsageError
from device_bridge.flash import (
    MicrobitDrive,
    find_drives,
    flash_drive,
    read_drive,
)
from tne.i18n import _, ngettext
from tne.os_errors import os_error_text

from .output import say, stderr_console
from .runner import EXIT_OK, report, summary


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
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=stderr_console(),
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
            _("Cannot read '{path}': {error}").format(path=path, error=os_error_text(problem))
        ) from None


# -- every board of a table ----------------------------------------------------------------------


def flash_all(hex_file: Path | None, drive_paths: list[Path]) -> int:
    """`tne flash --device all`: MicroPython on every micro:bit drive (found, or given with
    `--drive`), all at once. Each drive is matched to its serial port by the board's identity
    (DAPLink's unique ID is the USB serial number), so the firmware each board announces is
    read back and reported under its workshop label."""
    from device_bridge.discovery import find_devices

    try:
        drives = [read_drive(path) for path in drive_paths] if drive_paths else find_drives()
        if not drives:
            _only_drive()  # says there is none, and what to do
        hex_text = _read_hex(hex_file) if hex_file else None
        boards = {device.identity.lower(): device for device in find_devices() if device.identity}
    except BridgeError as problem:
        return report(problem)
    results: dict[int, tuple[str, int, BridgeError | None]] = {}

    def flash_one(index: int, drive: MicrobitDrive) -> None:
        board = boards.get(f"usb:{drive.unique_id}".lower())
        name = board.short_name if board else str(drive.path)
        prefix = f"[{name}] "
        try:
            flash_drive(drive, hex_text)
            if board is None:
                say(_("Copy finished; no serial port matches this drive."), prefix)
            else:
                firmware = wait_for_firmware(board.address)
                say(
                    _("Firmware announced by the board: {firmware}").format(firmware=firmware),
                    prefix,
                )
            results[index] = (name, EXIT_OK, None)
        except BridgeError as problem:
            results[index] = (name, report(problem, prefix), problem)

    say(
        ngettext(
            "Copying MicroPython to {count} micro:bit drive…",
            "Copying MicroPython to {count} micro:bit drives…",
            len(drives),
        ).format(count=len(drives))
    )
    threads = [
        threading.Thread(target=flash_one, args=(index, drive), daemon=True)
        for index, drive in enumerate(drives)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = [results[index] for index in range(len(drives))]
    summary(ordered)
    return max(code for _name, code, _problem in ordered)
