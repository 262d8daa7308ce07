"""The BLE transport through bleak's public API (`BleakScanner`/`BleakClient` with the bumble
backend), with the real micro:bit firmware in QEMU behind the emulated radio, at MTU 23 and 247.
"""

from __future__ import annotations

import threading
import time

import pytest

from device_bridge import Board
from device_bridge.errors import DeviceNotResponding, DeviceUnreachable, ExecTimeout, LinkLost
from device_bridge.protocol.raw_repl import PACINGS
from device_bridge.transports.ble import BleTransport
from tests.ble.conftest import require_ble_rig, start_rig
from tests.helpers.ble_rig import BleRig

pytestmark = pytest.mark.qemu

COUNTING = """\
from microbit import sleep
for n in range(200):
    print('tick', n)
    sleep(50)
"""


def test_exec_over_ble_writes_in_pieces_of_the_negotiated_payload(ble_env: BleRig) -> None:
    mtu = ble_env.peripherals[0]["mtu"]
    with Board.connect("ble:mpy-uart") as board:
        assert isinstance(board.transport, BleTransport)
        assert board.transport.mtu == mtu
        assert board.transport.payload == mtu - 3  # 20 bytes at MTU 23, 244 at 247
        assert board.transport.convention == "micropython"
        assert board.repl.pacing == PACINGS["ble"]  # long code: one minimum ATT write per piece
        assert board.profile is not None and board.profile.kind == "microbit-v1"
        assert board.exec("print(1+1)").stdout == b"2\r\n"
        long_line = "x = " + repr("a" * 300) + "\nprint(len(x))"  # paced, many ATT writes
        assert board.exec(long_line).stdout == b"300\r\n"


def test_stream_and_interrupt_run_unchanged_over_ble(ble_env: BleRig) -> None:
    endless = "n = 0\nwhile True:\n    print('tour', n)\n    n += 1\n"
    with Board.connect("ble:mpy-uart") as board:
        received = bytearray()
        stream = board.stream(endless)
        for chunk in stream:
            received += chunk
            if received.count(b"\n") >= 5:
                break
        stream.close()  # stops the program on the board (Ctrl-C over the radio)
        assert received.startswith(b"tour 0\r\n")
        with pytest.raises(ExecTimeout):
            board.exec("while True:\n    pass", timeout=1.0)  # silent: stopped after 1 s
        assert board.exec("print('encore')").stdout == b"encore\r\n"


def test_file_put_and_get_round_trip_over_ble(ble_env: BleRig) -> None:
    source = "".join(f"print('ligne {n} : é à ç')\n" for n in range(40)).encode("utf-8")
    binary = bytes(range(256))
    with Board.connect(f"ble:{ble_env.address()}") as board:
        board.fs.put(source, "prog.py")
        board.fs.put(binary, "data.bin")
        assert board.fs.get("prog.py") == source
        assert board.fs.get("data.bin") == binary
        sizes = {info.name: info.size for info in board.fs.ls()}
        assert sizes["prog.py"] == len(source) and sizes["data.bin"] == 256
        board.fs.rm("prog.py")
        board.fs.rm("data.bin")


def test_link_lost_during_exec_is_reported_quickly_and_the_next_command_reconnects(
    ble_env: BleRig,
) -> None:
    with Board.connect("ble:mpy-uart") as board:
        seen = bytearray()
        arrived = threading.Event()

        def on_stdout(data: bytes) -> None:
            seen.extend(data)
            if b"tick 3" in seen:
                arrived.set()

        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                board.run(COUNTING, timeout=30, on_stdout=on_stdout)
            except Exception as error:  # handed to the test thread
                outcome["error"] = error
            outcome["at"] = time.monotonic()

        worker = threading.Thread(target=run)
        worker.start()
        assert arrived.wait(20), bytes(seen)
        cut_at = time.monotonic()
        ble_env.cut(0)
        worker.join(10)
        assert not worker.is_alive()
        assert isinstance(outcome.get("error"), LinkLost), outcome
        assert outcome["at"] - cut_at < 3.0  # type: ignore[operator]
        assert "Bluetooth" in str(outcome["error"])

        # The board kept its power: the next command reconnects and finds it (Ctrl-C stops
        # what still ran).
        assert board.exec("print('back')").stdout == b"back\r\n"


def test_a_board_still_away_fails_each_command_until_it_is_back(
    ble_env: BleRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    import device_bridge.transports.ble as ble

    monkeypatch.setattr(ble, "CONNECT_SECONDS", 2.0)  # the real default waits 20 s
    with Board.connect(f"ble:{ble_env.address()}") as board:
        ble_env.hide(0)
        ble_env.cut(0)
        with pytest.raises(LinkLost):
            board.exec("print(1)")
        for _attempt in range(2):  # each later command tries again, and says why it failed
            started = time.monotonic()
            with pytest.raises(DeviceUnreachable) as caught:
                board.exec("print(1)")
            assert time.monotonic() - started < 10
            assert "Impossible de se connecter à la carte Bluetooth" in str(caught.value)
        ble_env.show(0)
        assert board.exec("print('revenue')").stdout == b"revenue\r\n"


MTUS = pytest.mark.parametrize("mtu", ["23", "247"])


@MTUS
def test_a_peripheral_that_never_answers_is_reported_in_bounded_time(
    mtu: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_ble_rig(with_qemu=False)
    rig = start_rig(monkeypatch, "--board", "none", "--name", "mute", "--mtu", mtu)
    try:
        started = time.monotonic()
        with pytest.raises(DeviceNotResponding) as caught:
            Board.connect("ble:mute")
        assert time.monotonic() - started < 20
        assert "ne répond pas" in str(caught.value)
    finally:
        rig.close()


@MTUS
def test_notifications_before_subscribing_do_not_disturb_the_session(
    mtu: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_ble_rig()
    rig = start_rig(monkeypatch, "--notify-early", "--mtu", mtu)
    try:
        with Board.connect("ble:mpy-uart") as board:
            result = board.exec("print('hello')")
            assert result.stdout == b"hello\r\n"
            assert b"robot ready" not in result.stdout
    finally:
        rig.close()


@MTUS
def test_two_peripherals_at_once_each_run_their_own_code(
    mtu: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_ble_rig()
    rig = start_rig(monkeypatch, "--count", "2", "--mtu", mtu)
    boards: dict[int, Board] = {}
    errors: list[BaseException] = []
    # Connects are serialised (BlueZ refuses concurrent ones, bleak issue #1036): count how many
    # run at once.
    running, most = [0], [0]
    connect_one = BleTransport._connect

    async def counted(self: BleTransport) -> None:
        running[0] += 1
        most[0] = max(most[0], running[0])
        try:
            await connect_one(self)
        finally:
            running[0] -= 1

    monkeypatch.setattr(BleTransport, "_connect", counted)

    def connect(index: int) -> None:
        try:
            boards[index] = Board.connect(f"ble:{rig.address(index)}")
        except BaseException as error:
            errors.append(error)

    try:
        threads = [threading.Thread(target=connect, args=(index,)) for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        assert most[0] == 1
        boards[0].exec("who = 'first'")
        boards[1].exec("who = 'second'")
        assert boards[0].eval("who") == "first"
        assert boards[1].eval("who") == "second"
    finally:
        for board in boards.values():
            board.close()
        rig.close()


@pytest.mark.parametrize("convention", ["micropython", "makecode"])
def test_characteristics_are_chosen_by_their_properties_through_bleak(
    convention: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bleak import BleakClient, BleakScanner

    from device_bridge.transports.ble import (
        NUS_2,
        NUS_3,
        NUS_SERVICE,
        pick_characteristics,
        run_ble,
    )
    from tests.helpers.bumble_bleak import BumbleClient, BumbleScanner

    require_ble_rig(with_qemu=False)
    rig = start_rig(monkeypatch, "--board", "none", "--convention", convention, "--mtu", "23")

    async def look() -> tuple[list[str], str, list[str], str, list[str]]:
        seen = await BleakScanner.discover(2.0, return_adv=True, backend=BumbleScanner)
        _device, advert = seen[rig.address()]
        async with BleakClient(rig.address(), backend=BumbleClient) as client:
            rx, tx, found = pick_characteristics(client.services, "test")
            return advert.service_uuids, rx.uuid, rx.properties, tx.uuid, [tx.properties, found]

    try:
        advertised, rx_uuid, rx_properties, tx_uuid, (tx_properties, found) = run_ble(look(), 30)
    finally:
        rig.close()
    assert NUS_SERVICE in advertised  # in the advertising data itself, not only the response
    assert found == convention
    assert "write-without-response" in rx_properties
    if convention == "micropython":
        assert (rx_uuid, tx_uuid) == (NUS_2, NUS_3)
        assert "notify" in tx_properties
    else:
        assert (rx_uuid, tx_uuid) == (NUS_3, NUS_2)
        assert tx_properties == ["indicate"]


def test_a_malformed_backend_variable_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from device_bridge.errors import UsageError

    monkeypatch.setenv("TNE_BLE_BACKEND", "no_such_module:Thing")
    with pytest.raises(UsageError) as caught:
        BleTransport("mpy-uart").open()
    assert caught.value.exit_code == 2
    assert "TNE_BLE_BACKEND" in str(caught.value)


def test_ble_addresses_keep_the_colons_of_a_bluetooth_address() -> None:
    from device_bridge.address import parse_address

    address = parse_address("ble:F0:5E:00:00:01:01")
    assert (address.kind, address.target, str(address)) == (
        "ble",
        "F0:5E:00:00:01:01",
        "ble:F0:5E:00:00:01:01",
    )
    assert BleTransport("F0:5E:00:00:01:01").address == "F0:5E:00:00:01:01"
    assert BleTransport("mpy-uart").address == ""  # a name: found by scanning


def test_tne_imports_no_bleak_until_bluetooth_is_used() -> None:
    import subprocess
    import sys

    from tests.helpers.ble_rig import ROOT

    code = (
        "import sys, tne.cli.app, device_bridge.transports.ble, device_bridge.discovery\n"
        "assert 'bleak' not in sys.modules and 'bumble' not in sys.modules, 'imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_without_bleak_installed_the_message_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from device_bridge.errors import DeviceUnreachable
    from device_bridge.transports.ble import scan

    monkeypatch.setitem(sys.modules, "bleak", None)  # as if it were not installed
    with pytest.raises(DeviceUnreachable) as caught:
        scan(0.1)
    assert "pip install bleak" in str(caught.value)
    assert caught.value.exit_code == 3


def test_the_peripheral_helper_documents_itself() -> None:
    import subprocess
    import sys

    from tests.helpers.ble_rig import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "tests.helpers.ble_peripheral", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    for option in ("--name", "--mtu", "--convention", "--count", "--board", "--notify-early"):
        assert option in done.stdout
