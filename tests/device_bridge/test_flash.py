"""Flashing through the MICROBIT drive, on a folder that looks like it.

The drive is a temporary folder holding a `DETAILS.TXT` in DAPLink's own format; the firmwares
are the real ones (Debian's V1 hex, uflash's universal hex). Where DAPLink would answer a copy
with `FAIL.TXT`, a thread plays its part on the folder. The last test reboots into the real V1
firmware on a QEMU micro:bit and reads the version it announces.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import uflash

from device_bridge import flash
from device_bridge.board import wait_for_firmware
from device_bridge.errors import DeviceNotResponding, FlashError, UsageError
from device_bridge.flash import (
    default_firmware,
    find_drives,
    flash_drive,
    hex_targets,
    read_drive,
)
from tests.helpers.qemu import QemuMicrobit

# DETAILS.TXT as DAPLink writes it on a micro:bit V1 (interface 0253) and a V2 (0255).
DETAILS_V1 = """\
# DAPLink Firmware - see https://mbed.com/daplink
Unique ID: 9900000037024e450034200b0000004c0000000097969901
HIC ID: 97969901
Auto Reset: 0
Automation allowed: 0
Overflow detection: 0
Daplink Mode: Interface
Interface Version: 0253
Bootloader Version: 0243
Git SHA: 9d4a6c4b0a5e4ca16cfc9a5a4a5cc98a5f3c0d5b
Local Mods: 0
USB Interfaces: MSD, CDC, HID, WebUSB
Bootloader CRC: 0x5e2b9bd6
Interface CRC: 0x2b0c8e93
Remount count: 0
URL: https://microbit.org/device/?id=9900&v=0253
"""
DETAILS_V2 = """\
# DAPLink Firmware - see https://mbed.com/daplink
Unique ID: 9904360258994e45002b000e0000003b0000000097969901
HIC ID: 9796990b
Auto Reset: 1
Automation allowed: 0
Overflow detection: 0
Incompatible image detection: 1
Page erasing: 0
Daplink Mode: Interface
Interface Version: 0255
Bootloader Version: 0255
Git SHA: 1436bdcc67029fdfc0ff03b73e12045bb6a9f272
Local Mods: 0
USB Interfaces: MSD, CDC, HID, WebUSB
Bootloader CRC: 0x828c6069
Interface CRC: 0x5b5cc0f8
Remount count: 0
URL: https://microbit.org/device/?id=9904&v=0255
"""
FAIL_TEXT = (
    "error: The application file format is unknown and cannot be parsed and/or processed.\r\n"
    "type: user\r\n"
)


def make_drive(root: Path, details: str) -> Path:
    folder = root / "MICROBIT"
    folder.mkdir(parents=True)
    (folder / "DETAILS.TXT").write_text(details, newline="\r\n")
    return folder


def plain_section(universal: str, board_id: str) -> str:
    """The part of a universal hex for one board, as the plain Intel hex a single-board build
    would be: its custom-data records (0x0D) become data records, padding is dropped."""
    lines, inside = [], False
    for line in universal.splitlines():
        raw = bytes.fromhex(line[1:])
        kind = raw[3]
        if kind == 0x0A:
            inside = raw[4:6].hex().upper() == board_id
            continue
        if not inside or kind in (0x0B, 0x0C):
            continue
        if kind == 0x0D:
            body = raw[:3] + b"\x00" + raw[4:-1]
            raw = body + bytes([-sum(body) & 0xFF])
        lines.append(":" + raw.hex().upper())
    return "\n".join([*lines, ":00000001FF", ""])


@pytest.fixture
def debian_v1(microbit_v1_firmware: str) -> str:
    assert flash.V1_FIRMWARE.read_text() == microbit_v1_firmware
    return microbit_v1_firmware


@pytest.fixture(scope="module")
def v2_only() -> str:
    return plain_section(uflash._RUNTIME, "9903")


# -- the drive ------------------------------------------------------------------------------


def test_details_tell_v1_from_v2(tmp_path: Path) -> None:
    v1 = read_drive(make_drive(tmp_path / "a", DETAILS_V1))
    v2 = read_drive(make_drive(tmp_path / "b", DETAILS_V2))
    assert (v1.board_id, v1.version, v1.unique_id[:8]) == ("9900", "v1", "99000000")
    assert (v2.board_id, v2.version) == ("9904", "v2")
    assert v1.path == tmp_path / "a" / "MICROBIT"


def test_a_board_id_line_wins_over_the_unique_id(tmp_path: Path) -> None:
    drive = read_drive(make_drive(tmp_path, "Unique ID: 99000000\nBoard ID: 9905\n"))
    assert (drive.board_id, drive.version) == ("9905", "v2")


def test_folder_without_details_is_refused(tmp_path: Path, english: None) -> None:
    with pytest.raises(UsageError) as caught:
        read_drive(tmp_path)
    assert "DETAILS.TXT" in str(caught.value) and "MICROBIT" in str(caught.value)
    assert caught.value.exit_code == 2


def test_unreadable_details_is_refused(tmp_path: Path) -> None:
    (tmp_path / "DETAILS.TXT").mkdir()  # a name that cannot be read as a file
    with pytest.raises(UsageError) as caught:
        read_drive(tmp_path)
    assert "DETAILS.TXT" in str(caught.value)


@pytest.mark.parametrize(
    "details", ["", "garbage\x00\xff", "Unique ID: 1234abcd\n", "Board ID: 0240\n"]
)
def test_details_of_an_unknown_board_are_refused(tmp_path: Path, details: str) -> None:
    make_drive(tmp_path, details)
    with pytest.raises(UsageError) as caught:
        read_drive(tmp_path / "MICROBIT")
    assert "9900" in str(caught.value) and "9906" in str(caught.value)


def test_find_drives_keeps_micro_bits_only(tmp_path: Path) -> None:
    make_drive(tmp_path / "media" / "eleve", DETAILS_V2)
    other = tmp_path / "media" / "eleve" / "DAPLINK"
    other.mkdir()
    (other / "DETAILS.TXT").write_text("Unique ID: 0240000032044e45\n")
    (tmp_path / "media" / "eleve" / "USBKEY").mkdir()
    drives = find_drives((str(tmp_path / "media" / "*" / "*"),))
    assert [(drive.path.name, drive.version) for drive in drives] == [("MICROBIT", "v2")]


# -- which board a hex fits -------------------------------------------------------------------


def test_debian_firmware_is_for_v1(debian_v1: str) -> None:
    assert hex_targets(debian_v1) == {"v1"}


def test_uflash_universal_hex_is_for_both() -> None:
    assert hex_targets(uflash._RUNTIME) == {"v1", "v2"}


def test_halves_of_the_universal_hex_are_told_apart(v2_only: str) -> None:
    assert hex_targets(v2_only) == {"v2"}
    assert hex_targets(plain_section(uflash._RUNTIME, "9900")) == {"v1"}


@pytest.mark.parametrize(
    "text",
    [
        "print('hello')\n",
        ":1000000000400020D9CC010015CD010017CD010023\n",  # checksum off by one
        ":10000000004000\n",  # cut short
        "",
    ],
)
def test_malformed_hex_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        hex_targets(text)
    assert caught.value.exit_code == 2


def test_a_hex_for_no_micro_bit_is_refused() -> None:
    record = bytes([4, 0, 0, 0x0A, 0x12, 0x34, 0xC0, 0xDE])
    text = ":" + (record + bytes([-sum(record) & 0xFF])).hex().upper() + "\n:00000001FF\n"
    with pytest.raises(UsageError):
        hex_targets(text)


# -- flashing -------------------------------------------------------------------------------


def test_v1_gets_debian_firmware_by_default(tmp_path: Path, debian_v1: str) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V1))
    steps: list[tuple[int, int]] = []
    flash_drive(drive, progress=lambda done, total: steps.append((done, total)), settle=0.1)
    assert (drive.path / "firmware.hex").read_text() == debian_v1
    assert default_firmware("v1")[0] == debian_v1
    size = len(debian_v1.encode())
    assert steps[-1] == (size, size) and len(steps) > 1
    assert [done for done, _total in steps] == sorted(done for done, _total in steps)


def test_v2_gets_the_uflash_universal_hex_by_default(tmp_path: Path) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V2))
    flash_drive(drive, settle=0.1)
    assert (drive.path / "firmware.hex").read_text() == uflash._RUNTIME
    text, description = default_firmware("v2")
    assert text == uflash._RUNTIME and uflash.MICROPYTHON_V2_VERSION in description


def test_missing_v1_firmware_names_the_debian_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flash, "V1_FIRMWARE", tmp_path / "firmware.hex")
    drive = read_drive(make_drive(tmp_path / "drive", DETAILS_V1))
    with pytest.raises(FlashError) as caught:
        flash_drive(drive, settle=0.1)
    assert "firmware-microbit-micropython" in str(caught.value)
    assert not (drive.path / "firmware.hex").exists()


def test_v2_hex_is_refused_on_a_v1_and_nothing_is_written(tmp_path: Path, v2_only: str) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V1))
    with pytest.raises(UsageError) as caught:
        flash_drive(drive, v2_only, settle=0.1)
    message = str(caught.value)
    assert "micro:bit V2" in message and "micro:bit V1" in message and "9900" in message
    assert not (drive.path / "firmware.hex").exists()


def test_v1_hex_is_refused_on_a_v2_and_says_so(
    tmp_path: Path, debian_v1: str, english: None
) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V2))
    with pytest.raises(UsageError) as caught:
        flash_drive(drive, debian_v1, settle=0.1)
    assert str(caught.value).startswith(
        "This hex file is made for the micro:bit V1, but the board plugged in is a "
        "micro:bit V2 (board ID 9904)."
    )
    assert not (drive.path / "firmware.hex").exists()


def test_fail_txt_from_daplink_becomes_a_flash_error(tmp_path: Path, debian_v1: str) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V1))
    size = len(debian_v1.encode())

    def daplink() -> None:
        """Answer a complete copy with FAIL.TXT, as the interface chip does."""
        target = drive.path / "firmware.hex"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if target.exists() and target.stat().st_size == size:
                (drive.path / "FAIL.TXT").write_text(FAIL_TEXT)
                return
            time.sleep(0.01)

    chip = threading.Thread(target=daplink)
    chip.start()
    started = time.monotonic()
    with pytest.raises(FlashError) as caught:
        flash_drive(drive, debian_v1, settle=10)
    chip.join()
    assert str(caught.value).endswith(
        "The application file format is unknown and cannot be parsed and/or processed."
    )
    assert caught.value.detail.splitlines() == FAIL_TEXT.splitlines()
    assert time.monotonic() - started < 5  # reported as soon as it appears


def test_a_fail_txt_from_an_earlier_flash_is_not_this_one(tmp_path: Path, debian_v1: str) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V1))
    (drive.path / "FAIL.TXT").write_text(FAIL_TEXT)
    flash_drive(drive, debian_v1, settle=0.2)
    assert (drive.path / "firmware.hex").stat().st_size == len(debian_v1.encode())


# -- after the flash --------------------------------------------------------------------------


def test_board_announces_its_firmware_after_flashing(
    tmp_path: Path, qemu_microbit: QemuMicrobit
) -> None:
    drive = read_drive(make_drive(tmp_path, DETAILS_V1))
    flash_drive(drive, settle=0.1)
    firmware = wait_for_firmware(qemu_microbit.address, timeout=30)
    assert "MicroPython v1.9.2" in firmware


def test_a_board_that_never_comes_back_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DeviceNotResponding) as caught:
        wait_for_firmware(f"serial:{tmp_path / 'ttyACM9'}", timeout=1.0)
    assert caught.value.exit_code == 3 and caught.value.detail
