"""Device addresses: one string names any board, everywhere, and one parser reads it."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from device_bridge.address import DeviceAddress, parse_address
from device_bridge.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("auto", DeviceAddress("auto")),
        ("AUTO", DeviceAddress("auto")),
        ("", DeviceAddress("auto")),
        ("all", DeviceAddress("all")),
        ("serial:/dev/pts/3", DeviceAddress("serial", "/dev/pts/3")),
        ("serial:COM3", DeviceAddress("serial", "COM3")),
        ("COM3", DeviceAddress("serial", "COM3")),
        ("com12", DeviceAddress("serial", "com12")),
        ("/dev/ttyACM0", DeviceAddress("serial", "/dev/ttyACM0")),
        ("serial:socket://127.0.0.1:4444", DeviceAddress("serial", "socket://127.0.0.1:4444")),
        ("socket://127.0.0.1:4444", DeviceAddress("serial", "socket://127.0.0.1:4444")),
        ("ble:BBC micro:bit [zogiz]", DeviceAddress("ble", "BBC micro:bit [zogiz]")),
        ("ble:MAQUEEN-3", DeviceAddress("ble", "MAQUEEN-3")),
        ("ble:C7:1A:2B:3C:4D:5E", DeviceAddress("ble", "C7:1A:2B:3C:4D:5E")),
        ("sim", DeviceAddress("sim", "", "v2")),
        ("sim:maqueen", DeviceAddress("sim", "maqueen", "v2")),
        ("sim@v1", DeviceAddress("sim", "", "v1")),
        ("sim@v2", DeviceAddress("sim", "", "v2")),
        ("sim:maqueen@v1", DeviceAddress("sim", "maqueen", "v1")),
        ("  serial:COM3  ", DeviceAddress("serial", "COM3")),
    ],
)
def test_parse_address_reads_every_documented_form(text: str, expected: DeviceAddress) -> None:
    assert parse_address(text) == expected


def test_the_simulator_defaults_to_the_v2_firmware() -> None:
    assert parse_address("sim").firmware == "v2"
    assert parse_address("sim:maqueen").firmware == "v2"


def test_a_port_name_keeps_its_case() -> None:
    # Windows does not care, but /dev paths do.
    assert parse_address("serial:/dev/ttyUSB0").target == "/dev/ttyUSB0"
    assert parse_address("/dev/cu.usbmodem14102").target == "/dev/cu.usbmodem14102"


@pytest.mark.parametrize(
    "text",
    [
        "serial:",
        "serial:   ",
        "ble:",
        "sim@v3",
        "sim:",
        "sim:maqueen@",
        "sim:mon robot",
        "usb:COM3",
        "COM",
        "microbit",
        "ttyACM0",
        "bluetooth:microbit",
    ],
)
def test_bad_addresses_are_usage_errors_with_exit_code_2(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_address(text)

    assert caught.value.exit_code == 2
    assert str(caught.value)


def test_an_unknown_address_is_named_in_the_message() -> None:
    with pytest.raises(UsageError) as caught:
        parse_address("bluetooth:microbit")

    assert "bluetooth:microbit" in str(caught.value)


# -- properties ---------------------------------------------------------------------------------

robots = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
ports = st.one_of(
    st.from_regex(r"COM[1-9][0-9]{0,2}", fullmatch=True),
    st.from_regex(r"/dev/(ttyACM|ttyUSB|pts/)[0-9]{1,3}", fullmatch=True),
    st.builds("socket://127.0.0.1:{}".format, st.integers(1, 65535)),
)
documented = st.one_of(
    st.sampled_from(["auto", "all", "sim", "sim@v1", "sim@v2"]),
    ports,
    ports.map("serial:{}".format),
    st.text(min_size=1, max_size=30).map("ble:{}".format),
    st.tuples(robots, st.sampled_from(["", "@v1", "@v2"])).map(lambda pair: f"sim:{''.join(pair)}"),
)


@given(documented)
def test_str_of_a_parsed_address_parses_back_to_the_same_address(text: str) -> None:
    try:
        address = parse_address(text)
    except UsageError:  # e.g. "ble:" followed by nothing but spaces
        return
    assert parse_address(str(address)) == address


@given(st.text(max_size=40))
@example("serial:sim")
@example("ble:auto")
@example("SIM:Maqueen@V1")
def test_any_text_either_parses_and_round_trips_or_is_a_usage_error(text: str) -> None:
    try:
        address = parse_address(text)
    except UsageError:
        return
    assert parse_address(str(address)) == address
    assert address.kind in ("auto", "all", "serial", "ble", "sim")
