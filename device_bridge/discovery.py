"""Find the boards plugged in, say what each one is, why we think so, and who holds it.

Serial ports come from pySerial's `comports()` and are recognised by their USB id:

- `0D28:0204` BBC micro:bit (its DAPLink interface chip);
- `2E8A:*` Raspberry Pi Pico (RP2040/RP2350 running MicroPython);
- `303A:*` Espressif chips with native USB (ESP32-S2/S3/C3...);
- CP210x (`10C4:EA60`...), CH340/CH341 (`1A86:7523`, `1A86:5523`...) and FTDI (`0403:*`)
  USB-serial bridges: a MicroPython board behind a bridge, most often an ESP32 dev board.

Other USB serial ports are listed as `unknown` (a board with an unusual bridge can still be
named with `--device`), but `auto` never picks them. Ports without a USB id (legacy `/dev/ttyS0`,
Bluetooth COM ports) are left out.

`TNE_EXTRA_DEVICES` adds boards that USB enumeration cannot see: a comma-separated list of
device addresses, such as `serial:/dev/pts/3,serial:socket://127.0.0.1:4444`. They are listed
after the USB boards with kind `unknown`, and `auto` picks them when no known board is free. The
tests make QEMU micro:bits discoverable this way, and so can unusual classroom set-ups.

Each board also has an **identity**, what stays the same when it is plugged elsewhere: the USB
serial number of its interface chip (`usb:9904360...`), its address for a Bluetooth or simulated
board. Workshop labels (`labels.py`) are kept by identity, and a labelled board's `name` is its
label (« R7 »), shown before its description and addressed as `label:R7`. Boards listed in
`TNE_EXTRA_DEVICES` have no USB serial number; `TNE_TEST_SERIAL_NUMBERS` gives them one
(`ADDRESS=SERIAL,...`, such as `serial:/dev/pts/3=MB0001`): a test hook, read here and nowhere
else, so that emulated micro:bits can be labelled like real ones.

A port held by another program (Thonny, Mu, an open notebook) is reported as busy, with the
program's name when the system tells it (`holders.port_holder()`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from tne.i18n import _

from .address import DeviceAddress, parse_address
from .errors import DeviceBusy, DeviceUnreachable, UsageError
from .holders import port_holder

if TYPE_CHECKING:
    from serial.tools.list_ports_common import ListPortInfo

EXTRA_DEVICES_VARIABLE = "TNE_EXTRA_DEVICES"
#: Test hook: `ADDRESS=SERIAL,...` gives boards without a USB serial number one (see above).
TEST_SERIALS_VARIABLE = "TNE_TEST_SERIAL_NUMBERS"

#: The order in which `auto` prefers kinds of board.
PREFERENCE = ("microbit", "pico", "esp32", "usb-serial", "unknown")

MICROBIT_ID = (0x0D28, 0x0204)
PICO_VID = 0x2E8A
ESPRESSIF_VID = 0x303A
FTDI_VID = 0x0403
#: USB-serial bridges whose product ids we know, with the chip name shown to people.
BRIDGES: dict[tuple[int, int], str] = {
    (0x10C4, 0xEA60): "CP210x",
    (0x10C4, 0xEA61): "CP210x",
    (0x10C4, 0xEA63): "CP210x",
    (0x10C4, 0xEA70): "CP2105",
    (0x10C4, 0xEA71): "CP2108",
    (0x10C4, 0xEA7A): "CP210x",
    (0x10C4, 0xEA7B): "CP210x",
    (0x1A86, 0x7522): "CH340",
    (0x1A86, 0x7523): "CH340",
    (0x1A86, 0x5523): "CH341",
    (0x1A86, 0x55D2): "CH342",
    (0x1A86, 0x55D3): "CH343",
    (0x1A86, 0x55D4): "CH9102",
}


@dataclass(frozen=True)
class FoundDevice:
    """One board (or candidate board) found on this computer.

    `label` and `reason` are for people (translated); `busy_by` names the program holding the
    port when the system tells it ("" when unknown or free). `identity` is what stays the same
    when the board moves ("" when nothing does); `name` its workshop label ("" when it has none),
    which `label` then starts with."""

    address: str
    kind: str
    label: str
    reason: str
    busy: bool
    busy_by: str = ""
    identity: str = ""
    name: str = ""

    def to_json(self) -> dict[str, object]:
        """The shape `tne devices --json` promises; `busy_by` stays out of it on purpose."""
        return {
            "address": self.address,
            "kind": self.kind,
            "label": self.label,
            "reason": self.reason,
            "busy": self.busy,
            "identity": self.identity or None,
            "name": self.name or None,
        }

    @property
    def short_name(self) -> str:
        """How people call the board in file names and summaries: its workshop label, else the
        last part of its address (`ttyACM0`, `COM3`, `sim@v1`)."""
        if self.name:
            return self.name
        tail = self.address.split(":", 1)[-1].rstrip("/").rsplit("/", 1)[-1]
        return re.sub(r"[^A-Za-z0-9_.@-]+", "_", tail) or "board"

    @property
    def prefix(self) -> str:
        """What starts each line of this board when several boards share a terminal."""
        return f"[{self.name or self.label}] "

    @cached_property
    def parsed_address(self) -> DeviceAddress:
        """The address as the transports take it, parsed once (a frozen dataclass still has a
        `__dict__`, where `cached_property` keeps it)."""
        return parse_address(self.address)


# -- what is plugged in ----------------------------------------------------------------------


def find_devices() -> list[FoundDevice]:
    """Every board found: recognised USB serial ports first, then `TNE_EXTRA_DEVICES`, each
    with its identity and workshop label."""
    from serial.tools import list_ports  # lazily, as in `holders._open_holder`

    found: list[FoundDevice] = []
    serials: dict[str, str] = {}
    for info in sorted(list_ports.comports(), key=lambda info: info.device):
        device = _recognise(info)
        if device is not None:
            found.append(device)
            if info.serial_number:
                serials[device.address] = info.serial_number
    seen = {device.address for device in found}
    for device in _extra_devices():
        if device.address not in seen:
            seen.add(device.address)
            found.append(device)
    serials.update(test_serial_numbers())
    return [named(device, serials.get(device.address, "")) for device in found]


def test_serial_numbers() -> dict[str, str]:
    """The test hook `TNE_TEST_SERIAL_NUMBERS`: address -> USB serial number (addresses are
    normalised, so `/dev/pts/3` and `serial:/dev/pts/3` are the same board)."""
    serials = {}
    for item in os.environ.get(TEST_SERIALS_VARIABLE, "").split(","):
        address, equals, number = item.strip().rpartition("=")
        if not equals or not address.strip() or not number.strip():
            continue
        serials[str(parse_address(address))] = number.strip()
    return serials


def identity_of(address: str, serial_number: str = "") -> str:
    """What stays the same for this board: its USB serial number, else the address of a
    Bluetooth or simulated board; "" for a port that says nothing about what is behind it."""
    if serial_number:
        return f"usb:{serial_number}"
    if address.startswith(("ble:", "sim")):
        return address
    return ""


def named(device: FoundDevice, serial_number: str = "") -> FoundDevice:
    """`device` with its identity and, when the workshop labelled it, its label."""
    from dataclasses import replace

    from .labels import labels_for_display

    identity = identity_of(device.address, serial_number)
    name = labels_for_display().get(identity, "") if identity else ""
    label = f"{name} · {device.label}" if name else device.label
    return replace(device, identity=identity, name=name, label=label)


def _recognise(info: ListPortInfo) -> FoundDevice | None:
    """What a port is, from its USB id; None for ports without one."""
    if info.vid is None or info.pid is None:
        return None
    port = info.device
    usb_id = f"{info.vid:04X}:{info.pid:04X}"
    reason = _("USB id {id}").format(id=usb_id)
    if (info.vid, info.pid) == MICROBIT_ID:
        kind, label = "microbit", _("BBC micro:bit ({port})").format(port=port)
    elif info.vid == PICO_VID:
        kind, label = "pico", _("Raspberry Pi Pico ({port})").format(port=port)
    elif info.vid == ESPRESSIF_VID:
        kind, label = "esp32", _("ESP32 board ({port})").format(port=port)
    elif info.vid == FTDI_VID or (info.vid, info.pid) in BRIDGES:
        chip = BRIDGES.get((info.vid, info.pid), "FTDI")
        kind = "usb-serial"
        label = _("Board behind a {chip} USB-serial bridge ({port})").format(chip=chip, port=port)
        reason = _("USB id {id}: {chip} USB-serial bridge").format(id=usb_id, chip=chip)
    else:
        kind = "unknown"
        label = _("USB serial device ({port})").format(port=port)
        reason = _("USB id {id}, not a board we know").format(id=usb_id)
    return _with_busy(f"serial:{port}", kind, label, reason, port)


def extra_addresses() -> list[DeviceAddress]:
    """The addresses listed in `TNE_EXTRA_DEVICES`, parsed (a bad one is a usage error)."""
    addresses = []
    for text in os.environ.get(EXTRA_DEVICES_VARIABLE, "").split(","):
        if not text.strip():
            continue
        try:
            address = parse_address(text)
        except UsageError as error:
            raise UsageError(
                _("In {variable}: {error}").format(variable=EXTRA_DEVICES_VARIABLE, error=error),
                detail=error.detail,
            ) from error
        if address.kind in ("auto", "all"):
            raise UsageError(
                _("In {variable}: '{address}' does not name one board.").format(
                    variable=EXTRA_DEVICES_VARIABLE, address=text.strip()
                )
            )
        addresses.append(address)
    return addresses


def _extra_devices() -> Iterable[FoundDevice]:
    reason = _("listed in {variable}").format(variable=EXTRA_DEVICES_VARIABLE)
    for address in extra_addresses():
        where = address.target if address.kind == "serial" else str(address)
        label = _("Board on {port}").format(port=where)
        port = address.target if address.kind == "serial" else ""
        yield _with_busy(str(address), "unknown", label, reason, port)


def _with_busy(address: str, kind: str, label: str, reason: str, port: str) -> FoundDevice:
    holder = port_holder(port) if port else None
    return FoundDevice(address, kind, label, reason, busy=holder is not None, busy_by=holder or "")


def find_ble_devices(seconds: float | None = None) -> list[FoundDevice]:
    """Bluetooth LE boards heard in a scan (`tne devices --ble`): advertisers of the Nordic UART
    Service, and micro:bits by their advertised name (MakeCode's UART service is not in their
    advertising). Never part of `auto` or `all`: the radio reaches the next classroom's robots
    too, so a BLE board is always named (`ble:NAME`, or listed in TNE_EXTRA_DEVICES)."""
    from .labels import labels_for_display
    from .transports.ble import SCAN_SECONDS, scan

    found = []
    labels = labels_for_display()
    for item in scan(SCAN_SECONDS if seconds is None else seconds):
        if item.has_uart:
            reason = _("Nordic UART Service advertised, signal {rssi} dBm")
        elif item.name.startswith("BBC micro:bit"):
            reason = _("micro:bit name advertised, signal {rssi} dBm")
        else:
            continue
        name = item.name or "?"
        device = FoundDevice(
            f"ble:{item.address}",
            "ble",
            _("{name} (Bluetooth, {address})").format(name=name, address=item.address),
            reason.format(rssi=item.rssi),
            busy=False,
        )
        found.append(named(device) if labels else device)
    return found


# -- choosing ----------------------------------------------------------------------------------


def resolve_all() -> list[FoundDevice]:
    """The MicroPython boards `--device all` runs on, in preference order. Busy ones are kept
    (flagged) so the front end can say which board it could not use and why."""
    candidates = _candidates(find_devices())
    if not candidates:
        raise DeviceUnreachable(_no_board_message())
    return candidates


def resolve_address(address: str | DeviceAddress) -> DeviceAddress:
    """The one board an address names: `auto` (and `all`, for a single connection) become the
    board `auto` picks."""
    if isinstance(address, str):
        address = parse_address(address)
    if address.kind in ("auto", "all"):
        return resolve_auto().parsed_address
    if address.kind == "label":
        return resolve_label(address.target).parsed_address
    return address


def resolve_label(label: str) -> FoundDevice:
    """The board the workshop labelled `label` (case does not matter): a plugged board, or a
    Bluetooth or simulated one, whose identity is its address."""
    from .labels import labels_for_display

    wanted = label.strip().lower()
    devices = find_devices()
    for device in devices:
        if device.name and device.name.lower() == wanted:
            return device
    for identity, name in labels_for_display().items():
        if name.lower() == wanted and identity.startswith(("ble:", "sim")):
            kind = "ble" if identity.startswith("ble:") else "sim"
            device = FoundDevice(identity, kind, identity, _("labelled board"), busy=False)
            return named(device)
    known = sorted(device.name for device in devices if device.name)
    if known:
        message = _("No board plugged in has the label '{label}'. Labels plugged in: {known}.")
    else:
        message = _(
            "No board plugged in has the label '{label}'. Give labels with tne workshop label."
        )
    raise DeviceUnreachable(message.format(label=label, known=", ".join(known)))


def resolve_auto() -> FoundDevice:
    """The one board `auto` means: the preferred free MicroPython board."""
    candidates = _candidates(find_devices())
    if not candidates:
        raise DeviceUnreachable(_no_board_message())
    for device in candidates:
        if not device.busy:
            return device
    raise DeviceBusy(
        "\n".join(busy_message(device) for device in candidates),
        detail=", ".join(f"{device.address}: {device.busy_by or '?'}" for device in candidates),
    )


def _candidates(devices: list[FoundDevice]) -> list[FoundDevice]:
    """Boards that may run MicroPython: known kinds, and the unknown ones only when someone
    listed them in TNE_EXTRA_DEVICES (an unknown USB device may be a printer or a GPS)."""
    extras = {str(address) for address in extra_addresses()}
    chosen = [device for device in devices if device.kind != "unknown" or device.address in extras]
    return sorted(chosen, key=lambda device: PREFERENCE.index(device.kind))


def _no_board_message() -> str:
    return _(
        "No board found. Plug the board in with a USB data cable (some cables only charge), "
        "or name it with --device (serial:COM3, serial:/dev/ttyACM0)."
    )


def busy_message(device: FoundDevice) -> str:
    """What to tell people about a busy board, naming the program when we know it."""
    if device.busy_by:
        return _("{label} is used by the program {program}. Close it, then try again.").format(
            label=device.label, program=device.busy_by
        )
    return _(
        "{label} is used by another program (Thonny, Mu, an open notebook?). Close that "
        "program, then try again."
    ).format(label=device.label)
