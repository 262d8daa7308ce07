"""Put a MicroPython firmware on a micro:bit through its `MICROBIT` USB drive.

The micro:bit's interface chip (DAPLink) shows a USB drive holding `DETAILS.TXT`; its board ID
(`Board ID:` line, or the first four digits of `Unique ID:`) tells V1 (9900, 9901) from V2
(9903 to 9906). Copying a `.hex` onto the drive flashes it; when that fails, DAPLink remounts
the drive with a `FAIL.TXT` saying why.

A hex that does not fit the board is refused before anything is copied: `hex_targets` reads the
board IDs a universal hex carries, or decides from a plain hex's memory map (see there). The
default firmware is Debian's `firmware-microbit-micropython` for V1 and the universal hex that
the `uflash` package carries for V2.
"""

from __future__ import annotations

import os
import string
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Literal

from tne.i18n import _

from .errors import FlashError, UsageError

Version = Literal["v1", "v2"]
Progress = Callable[[int, int], None]

BOARD_IDS: dict[str, Version] = {
    "9900": "v1",
    "9901": "v1",
    "9903": "v2",
    "9904": "v2",
    "9905": "v2",
    "9906": "v2",
}
BOARD_NAMES = {"v1": "micro:bit V1", "v2": "micro:bit V2"}

V1_FIRMWARE = Path("/usr/share/firmware-microbit-micropython/firmware.hex")
V1_PACKAGE = "firmware-microbit-micropython"

#: Where desktops mount USB drives (Linux, macOS); Windows drive letters are added at run time.
MOUNT_PATTERNS = ("/media/*/*", "/run/media/*/*", "/media/*", "/mnt/*", "/Volumes/*")

CHUNK = 16 * 1024
#: How long DAPLink may take to remount its drive (and show FAIL.TXT) after a copy.
SETTLE = 5.0


# -- the drive --------------------------------------------------------------------------------


@dataclass
class MicrobitDrive:
    """A mounted `MICROBIT` drive and the board behind it."""

    path: Path
    board_id: str
    version: Version
    unique_id: str

    @property
    def board_name(self) -> str:
        return BOARD_NAMES[self.version]


def read_drive(path: str | os.PathLike[str]) -> MicrobitDrive:
    """Read the board behind a `MICROBIT` drive from its `DETAILS.TXT`."""
    folder = Path(path)
    details = folder / "DETAILS.TXT"
    try:
        text = details.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError as error:
        raise UsageError(
            _(
                "{path} is not a micro:bit drive: it has no DETAILS.TXT. Choose the drive "
                "called MICROBIT."
            ).format(path=folder),
            detail=str(error),
        ) from error
    except OSError as error:
        raise UsageError(
            _("Cannot read {path}: unplug the micro:bit, plug it in again and retry.").format(
                path=details
            ),
            detail=str(error),
        ) from error
    fields = _details_fields(text)
    unique_id = fields.get("unique id", "")
    board_id = (fields.get("board id") or unique_id[:4]).upper()
    version = BOARD_IDS.get(board_id)
    if version is None:
        raise UsageError(
            _(
                "{path} does not describe a known micro:bit (board ID '{board_id}'; a micro:bit "
                "V1 has 9900 or 9901, a V2 9903 to 9906)."
            ).format(path=details, board_id=board_id),
            detail=text[:500],
        )
    return MicrobitDrive(folder, board_id, version, unique_id)


def _details_fields(text: str) -> dict[str, str]:
    """`Key: value` lines, keys lower-cased; comment lines (`# DAPLink Firmware`) skipped."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not key.startswith("#"):
            fields[key.strip().lower()] = value.strip()
    return fields


def find_drives(patterns: tuple[str, ...] | None = None) -> list[MicrobitDrive]:
    """The micro:bit drives mounted now. Folders with a DETAILS.TXT that does not describe a
    micro:bit (other DAPLink boards) are skipped; `patterns` replaces the usual mount points."""
    drives = []
    for folder in _candidate_folders(patterns):
        try:
            drives.append(read_drive(folder))
        except UsageError:
            continue
    return drives


def _candidate_folders(patterns: tuple[str, ...] | None) -> Iterator[str]:
    seen = set()
    for pattern in patterns if patterns is not None else MOUNT_PATTERNS:
        for folder in sorted(glob(pattern)):
            if folder not in seen and os.path.exists(os.path.join(folder, "DETAILS.TXT")):
                seen.add(folder)
                yield folder
    if patterns is None and sys.platform == "win32":
        for letter in string.ascii_uppercase:
            if os.path.exists(f"{letter}:\\DETAILS.TXT"):
                yield f"{letter}:\\"


# -- which board a hex fits --------------------------------------------------------------------

RECORD_DATA = 0x00
RECORD_EOF = 0x01
RECORD_EXTENDED_SEGMENT = 0x02
RECORD_EXTENDED_LINEAR = 0x04
RECORD_BLOCK_START = 0x0A  # universal hex: the data starts with the board ID
RECORD_CUSTOM_DATA = 0x0D  # universal hex: data for the boards of the current block

#: nRF51822 (V1) has 256 KB of flash and 16 KB of RAM; nRF52833 (V2) 512 KB and 128 KB.
NRF51_FLASH_END = 0x40000
NRF51_RAM_TOP = 0x20004000
NRF52_RAM_TOP = 0x20020000
RAM_START = 0x20000000
#: Addresses from here on are configuration registers (UICR at 0x10001000), not flash.
REGISTERS_START = 0x10000000


def hex_targets(text: str) -> set[str]:
    """The micro:bit versions ("v1", "v2") that a hex file can run on.

    A universal hex names its boards in its block-start records. A plain Intel hex is read as a
    memory image: data in flash beyond 256 KB only exists on a V2; otherwise the initial stack
    pointer (the first word of the vector table at address 0) gives the RAM size the program was
    built for: up to 0x20004000 (16 KB) is a V1, higher a V2. Checked on Debian's V1 firmware
    (stack 0x20004000, nothing above 256 KB) and on both halves of uflash's universal hex (the
    V2 half starts with the SoftDevice's MBR, stack 0x20000400, but fills flash up to 0x7xxxx).
    """
    records = list(_records(text))
    board_ids = [
        data[:2].hex().upper() for kind, _at, data in records if kind == RECORD_BLOCK_START
    ]
    if board_ids:
        targets = {BOARD_IDS[board] for board in board_ids if board in BOARD_IDS}
        if not targets:
            raise UsageError(
                _("This universal hex is for none of the micro:bits (board IDs {ids}).").format(
                    ids=", ".join(board_ids)
                )
            )
        return set(targets)
    return {_plain_hex_target(records)}


def _plain_hex_target(records: list[tuple[int, int, bytes]]) -> str:
    stack = None
    for kind, address, data in records:
        if kind != RECORD_DATA:
            continue
        if data and NRF51_FLASH_END <= address + len(data) - 1 < REGISTERS_START:
            return "v2"
        if address == 0 and len(data) >= 4:
            stack = int.from_bytes(data[:4], "little")
    if stack is not None and RAM_START < stack <= NRF51_RAM_TOP:
        return "v1"
    if stack is not None and NRF51_RAM_TOP < stack <= NRF52_RAM_TOP:
        return "v2"
    raise UsageError(
        _(
            "Cannot tell which micro:bit this hex file is for (it does not start like a "
            "micro:bit program). Use a MicroPython .hex made for the micro:bit."
        )
    )


def _records(text: str) -> Iterator[tuple[int, int, bytes]]:
    """(record type, absolute address, data) for each record; a malformed line or a file that
    is not Intel hex at all raises `UsageError`."""
    base = 0
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        kind, offset, data = _parse_line(line, number)
        count += 1
        if kind == RECORD_EOF:
            break
        if kind == RECORD_EXTENDED_LINEAR and len(data) == 2:
            base = int.from_bytes(data, "big") << 16
        elif kind == RECORD_EXTENDED_SEGMENT and len(data) == 2:
            base = int.from_bytes(data, "big") << 4
        elif kind == RECORD_BLOCK_START:
            yield kind, base + offset, data
        elif kind in (RECORD_DATA, RECORD_CUSTOM_DATA):
            yield RECORD_DATA, base + offset, data
    if count == 0:
        raise UsageError(_("This file is empty, not a firmware (.hex)."))


def _parse_line(line: str, number: int) -> tuple[int, int, bytes]:
    try:
        if not line.startswith(":"):
            raise ValueError("no colon")
        raw = bytes.fromhex(line[1:])
        if len(raw) < 5 or len(raw) != raw[0] + 5:
            raise ValueError("bad length")
        if sum(raw) & 0xFF:
            raise ValueError("bad checksum")
    except ValueError as error:
        raise UsageError(
            _(
                "This file is not a valid firmware (.hex): line {line} is damaged. Download "
                "the .hex file again."
            ).format(line=number),
            detail=f"line {number}: {error}: {line[:60]}",
        ) from error
    return raw[3], int.from_bytes(raw[1:3], "big"), raw[4:-1]


# -- the default firmware ---------------------------------------------------------------------


def default_firmware(version: str) -> tuple[str, str]:
    """(hex text, description) of the MicroPython firmware we install on a board by default."""
    if version == "v1":
        try:
            text = V1_FIRMWARE.read_text(encoding="ascii")
        except OSError as error:
            raise FlashError(
                _(
                    "The MicroPython firmware for the micro:bit V1 is not installed. Install the "
                    "package {package} (sudo apt install {package}), or give a .hex file "
                    "with --hex."
                ).format(package=V1_PACKAGE),
                detail=str(error),
            ) from error
        return text, _("MicroPython for micro:bit V1 (Debian package {package})").format(
            package=V1_PACKAGE
        )
    if version == "v2":
        import uflash

        description = _(
            "MicroPython {v2} for micro:bit V2 (universal hex of uflash, which also carries "
            "{v1} for V1)"
        ).format(v2=uflash.MICROPYTHON_V2_VERSION, v1=uflash.MICROPYTHON_V1_VERSION)
        return uflash._RUNTIME, description
    raise UsageError(_("Unknown micro:bit version '{version}' (v1 or v2).").format(version=version))


# -- flashing ---------------------------------------------------------------------------------


def flash_drive(
    drive: MicrobitDrive,
    hex_text: str | None = None,
    progress: Progress | None = None,
    settle: float = SETTLE,
) -> None:
    """Copy a firmware (by default the one that fits the board) onto the drive.

    A hex that does not fit the board is refused before anything is written. After the copy,
    wait up to `settle` seconds for DAPLink to remount the drive: a `FAIL.TXT` then means the
    flash failed, and its text says why."""
    if hex_text is None:
        hex_text, _description = default_firmware(drive.version)
    _check_fits(drive, hex_text)
    stale_failure = _read_failure(drive.path)
    _copy(drive.path / "firmware.hex", hex_text.encode("ascii", "replace"), progress)
    failure = _wait_for_verdict(drive.path, stale_failure, settle)
    if failure is not None:
        raise FlashError(
            _("The micro:bit refused the firmware: {reason}").format(
                reason=_failure_reason(failure)
            ),
            detail=failure,
        )


def _failure_reason(text: str) -> str:
    """The `error:` line of a FAIL.TXT (the rest, such as `type: user`, is for logs)."""
    fields = _details_fields(text)
    lines = text.strip().splitlines()
    return fields.get("error") or (lines[0] if lines else "?")


def _check_fits(drive: MicrobitDrive, hex_text: str) -> None:
    targets = hex_targets(hex_text)
    if drive.version in targets:
        return
    made_for = " / ".join(BOARD_NAMES[version] for version in sorted(targets))
    raise UsageError(
        _(
            "This hex file is made for the {made_for}, but the board plugged in is a "
            "{board} (board ID {board_id}). Use a hex file made for the {board}, or flash "
            "without --hex to get the right MicroPython."
        ).format(made_for=made_for, board=drive.board_name, board_id=drive.board_id)
    )


def _copy(target: Path, data: bytes, progress: Progress | None) -> None:
    """Write in chunks so people see progress; flush and fsync so the whole file has reached
    the board before we look for its verdict."""
    total = len(data)
    try:
        with open(target, "wb") as handle:
            for start in range(0, total, CHUNK):
                handle.write(data[start : start + CHUNK])
                handle.flush()
                if progress is not None:
                    progress(min(start + CHUNK, total), total)
            os.fsync(handle.fileno())
    except OSError as error:
        raise FlashError(
            _(
                "Copying the firmware to {path} failed (was the micro:bit unplugged?). Plug it "
                "in again and retry."
            ).format(path=target.parent),
            detail=str(error),
        ) from error


def _read_failure(folder: Path) -> str | None:
    try:
        return (folder / "FAIL.TXT").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _wait_for_verdict(folder: Path, stale: str | None, settle: float) -> str | None:
    """The text of a FAIL.TXT that appeared after our copy, or None. A FAIL.TXT left over from
    an earlier flash counts only once the drive has remounted (DAPLink rewrites it then)."""
    deadline = time.monotonic() + settle
    remounted = False
    while True:
        present = folder.exists()
        failure = _read_failure(folder) if present else None
        if failure is not None and (stale is None or remounted or failure != stale):
            return failure
        if not present:
            remounted = True
        elif remounted:
            return None  # back after the remount, and no FAIL.TXT: the flash went through
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)
