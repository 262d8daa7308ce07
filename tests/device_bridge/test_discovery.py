"""Discovery: what each port is, why, and who holds it.

USB enumeration cannot run on the test machine (no USB boards are plugged in), so the tests that
check recognition build pySerial's own `ListPortInfo` objects with the real vendor and product
ids and put them behind `serial.tools.list_ports.comports`. Busy detection is tested for real:
a QEMU micro:bit's pty, made discoverable through `TNE_EXTRA_DEVICES`, held open by a separate
Python process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import serial
import serial.tools.list_ports
from serial.tools.list_ports_common import ListPortInfo

from device_bridge import discovery, holders
from device_bridge.discovery import (
    FoundDevice,
    find_devices,
    resolve_all,
    resolve_auto,
)
from device_bridge.errors import DeviceBusy, DeviceUnreachable, UsageError
from device_bridge.holders import port_holder
from tests.helpers.qemu import QemuMicrobit

HOLDER_CODE = (
    "import serial, sys, time\n"
    "link = serial.Serial(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "time.sleep(60)\n"
)


def usb_port(device: str, vid: int | None, pid: int | None, product: str = "") -> ListPortInfo:
    """A port as pySerial's Linux/Windows/macOS back ends describe it."""
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid = vid, pid
    if vid is not None:
        info.product = product or None
        info.apply_usb_info()
    return info


@pytest.fixture
def ports(monkeypatch: pytest.MonkeyPatch) -> list[ListPortInfo]:
    """The ports `comports()` reports; tests fill the list. No extra devices unless set."""
    listed: list[ListPortInfo] = []
    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda *args, **kw: list(listed))
    monkeypatch.delenv(discovery.EXTRA_DEVICES_VARIABLE, raising=False)
    return listed


def by_address(devices: list[FoundDevice], address: str) -> FoundDevice:
    return next(device for device in devices if device.address == address)


# -- recognition ----------------------------------------------------------------------------


def test_microbit_is_recognised_by_its_usb_id_with_a_windows_port_name(ports: list) -> None:
    ports.append(usb_port("COM3", 0x0D28, 0x0204, "BBC micro:bit CMSIS-DAP"))
    [device] = find_devices()
    assert device.address == "serial:COM3"
    assert device.kind == "microbit"
    assert device.label.startswith("BBC micro:bit") and "(COM3)" in device.label
    assert "0D28:0204" in device.reason
    assert device.busy is False


@pytest.mark.parametrize(
    ("vid", "pid", "kind", "chip"),
    [
        (0x2E8A, 0x0005, "pico", ""),
        (0x303A, 0x1001, "esp32", ""),
        (0x10C4, 0xEA60, "usb-serial", "CP210x"),
        (0x1A86, 0x7523, "usb-serial", "CH340"),
        (0x1A86, 0x5523, "usb-serial", "CH341"),
        (0x0403, 0x6001, "usb-serial", "FTDI"),
    ],
)
def test_boards_and_bridges_are_recognised_by_usb_id(
    ports: list, vid: int, pid: int, kind: str, chip: str
) -> None:
    ports.append(usb_port("/dev/ttyUSB0", vid, pid))
    [device] = find_devices()
    assert (device.address, device.kind) == ("serial:/dev/ttyUSB0", kind)
    assert f"{vid:04X}:{pid:04X}" in device.reason
    assert chip in device.label and chip in device.reason


def test_legacy_ports_without_usb_id_are_left_out(ports: list) -> None:
    ports.append(usb_port("/dev/ttyS0", None, None))
    assert find_devices() == []


def test_unknown_usb_device_is_listed_but_never_chosen_by_auto(ports: list) -> None:
    ports.append(usb_port("/dev/ttyACM1", 0x2341, 0x0043, "Arduino Uno"))
    [device] = find_devices()
    assert device.kind == "unknown" and "2341:0043" in device.reason
    with pytest.raises(DeviceUnreachable):
        resolve_auto()


def test_nothing_found_gives_an_empty_list_and_auto_says_what_to_do(
    ports: list, english: None
) -> None:
    assert find_devices() == []
    with pytest.raises(DeviceUnreachable) as caught:
        resolve_auto()
    assert not isinstance(caught.value, DeviceBusy)
    assert "No board found" in str(caught.value) and "--device" in str(caught.value)
    assert caught.value.exit_code == 3
    with pytest.raises(DeviceUnreachable):
        resolve_all()


def test_json_has_exactly_the_promised_keys(ports: list) -> None:
    ports.append(usb_port("/dev/ttyACM0", 0x0D28, 0x0204))
    [device] = find_devices()
    data = json.loads(json.dumps([device.to_json()]))
    assert data == [
        {
            "address": "serial:/dev/ttyACM0",
            "kind": "microbit",
            "label": device.label,
            "reason": device.reason,
            "busy": False,
            "identity": None,
            "name": None,
        }
    ]


def test_auto_prefers_microbit_then_pico_esp32_bridges_and_extras_last(
    ports: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(discovery.EXTRA_DEVICES_VARIABLE, "serial:socket://127.0.0.1:9")
    ports += [
        usb_port("/dev/ttyUSB0", 0x1A86, 0x7523),
        usb_port("/dev/ttyACM2", 0x303A, 0x1001),
        usb_port("/dev/ttyACM1", 0x2E8A, 0x0005),
        usb_port("/dev/ttyACM3", 0x2341, 0x0043),
        usb_port("/dev/ttyACM0", 0x0D28, 0x0204),
    ]
    assert resolve_auto().address == "serial:/dev/ttyACM0"
    assert [device.kind for device in resolve_all()] == [
        "microbit",
        "pico",
        "esp32",
        "usb-serial",
        "unknown",
    ]
    assert resolve_all()[-1].address == "serial:socket://127.0.0.1:9"
    assert resolve_auto().parsed_address.target == "/dev/ttyACM0"


def test_extra_devices_come_from_the_environment_with_their_reason(
    ports: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(discovery.EXTRA_DEVICES_VARIABLE, " serial:socket://127.0.0.1:4444 , COM7,")
    devices = find_devices()
    assert [device.address for device in devices] == [
        "serial:socket://127.0.0.1:4444",
        "serial:COM7",
    ]
    assert all(device.kind == "unknown" for device in devices)
    assert all(discovery.EXTRA_DEVICES_VARIABLE in device.reason for device in devices)
    assert resolve_auto().address == "serial:socket://127.0.0.1:4444"


def test_a_bad_extra_device_is_a_usage_error_naming_the_variable(
    ports: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(discovery.EXTRA_DEVICES_VARIABLE, "serial:")
    with pytest.raises(UsageError) as caught:
        find_devices()
    assert discovery.EXTRA_DEVICES_VARIABLE in str(caught.value)
    monkeypatch.setenv(discovery.EXTRA_DEVICES_VARIABLE, "all")
    with pytest.raises(UsageError):
        find_devices()


def test_holders_are_named_the_way_people_know_them() -> None:
    thonny_backend = ["/usr/bin/python3", "-u", "/usr/lib/thonny/plugins/micropython/backend.py"]
    assert holders.describe_program("python3", thonny_backend) == "Thonny"
    assert holders.describe_program("screen", ["screen", "/dev/ttyACM0"]) == "screen"
    script = ["/usr/bin/python3", "-c", "import serial; " + "x" * 200]
    described = holders.describe_program("python3", script)
    assert described.startswith("python3 -c import serial")
    assert len(described) <= holders.MAX_PROGRAM_TEXT


def test_url_ports_are_never_held() -> None:
    assert port_holder("socket://127.0.0.1:9") is None


# -- busy, for real -------------------------------------------------------------------------


@pytest.fixture
def hold() -> Iterator:
    """Hold a port open from another real process, as Thonny would; stopped at the end."""
    holders: list[subprocess.Popen[str]] = []

    def start(port: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLDER_CODE, port], stdout=subprocess.PIPE, text=True
        )
        holders.append(process)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "holding"
        return process

    yield start
    for process in holders:
        process.kill()
        process.wait(5)


def test_a_port_held_by_another_program_is_busy_and_names_it(
    qemu_microbit: QemuMicrobit, hold, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(discovery.EXTRA_DEVICES_VARIABLE, qemu_microbit.address)
    assert by_address(find_devices(), qemu_microbit.address).busy is False

    holder = hold(qemu_microbit.pty)
    device = by_address(find_devices(), qemu_microbit.address)
    assert device.busy is True
    assert "python" in device.busy_by and "serial.Serial" in device.busy_by
    assert device.to_json()["busy"] is True
    assert port_holder(qemu_microbit.pty) == device.busy_by
    with pytest.raises(DeviceBusy) as caught:
        resolve_auto()
    assert device.busy_by in str(caught.value) and caught.value.exit_code == 3

    holder.kill()
    holder.wait(5)
    device = by_address(find_devices(), qemu_microbit.address)
    assert (device.busy, device.busy_by) == (False, "")
    assert resolve_auto() == device


def test_auto_skips_a_busy_board_when_a_free_one_exists(
    qemu_microbit: QemuMicrobit, hold, monkeypatch: pytest.MonkeyPatch
) -> None:
    with QemuMicrobit("pty") as second:  # the fixture has checked that QEMU is here
        addresses = f"{qemu_microbit.address},{second.address}"
        monkeypatch.setenv(discovery.EXTRA_DEVICES_VARIABLE, addresses)
        hold(qemu_microbit.pty)
        chosen = resolve_auto()
        assert chosen.address == second.address and not chosen.busy
        assert [device.busy for device in resolve_all()][-2:] == [True, False]


def test_this_process_holding_the_port_is_not_another_program(
    qemu_microbit: QemuMicrobit,
) -> None:
    with serial.Serial(qemu_microbit.pty):
        assert port_holder(qemu_microbit.pty) is None
