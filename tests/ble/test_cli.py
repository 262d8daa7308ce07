"""`tne` over Bluetooth LE as people run it: a real process, with `TNE_BLE_BACKEND` pointing
bleak at the emulated radio, and the QEMU micro:bit's MicroPython behind each peripheral.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.ble.conftest import require_ble_rig
from tests.helpers.ble_rig import ROOT, BleRig

pytestmark = pytest.mark.qemu


def tne(rig: BleRig, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *arguments],
        cwd=ROOT,
        env=rig.child_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def two_alike() -> Iterator[BleRig]:
    """Two boards both called `mpy-uart`, as in a workshop with fifteen identical robots."""
    require_ble_rig()
    with BleRig("--count", "2", "--mtu", "247") as rig:
        yield rig


@pytest.fixture(scope="module")
def makecode() -> Iterator[BleRig]:
    """A board speaking MakeCode's UART convention (roles swapped, indications)."""
    require_ble_rig()
    name = "BBC micro:bit [zotiv]"
    with BleRig("--convention", "makecode", "--name", name, "--mtu", "23") as rig:
        yield rig


def test_tne_exec_by_name_runs_on_the_firmware_behind_the_radio(rig: BleRig) -> None:
    done = tne(rig, "exec", "--device", "ble:mpy-uart", "print(1+1)")
    assert (done.returncode, done.stdout) == (0, "2\n"), done.stderr


def test_tne_exec_by_address(rig: BleRig) -> None:
    done = tne(rig, "exec", "--device", f"ble:{rig.address()}", "print('adresse')")
    assert (done.returncode, done.stdout) == (0, "adresse\n"), done.stderr


def test_tne_devices_ble_lists_the_board_with_its_address(rig: BleRig) -> None:
    done = tne(rig, "devices", "--ble", "--json")
    assert done.returncode == 0, done.stderr
    found = [device for device in json.loads(done.stdout) if device["kind"] == "ble"]
    assert found == [
        {
            "address": f"ble:{rig.address()}",
            "kind": "ble",
            "label": f"mpy-uart (Bluetooth, {rig.address()})",
            "reason": found[0]["reason"],
            "busy": False,
            # The workshop's identity and name (a label given with `tne workshop label`): none
            # for a board that has no lasting identity and no label yet.
            "identity": found[0]["identity"],
            "name": None,
        }
    ]
    assert "UART Nordic" in found[0]["reason"]


def test_an_unknown_name_exits_3_in_french(rig: BleRig) -> None:
    done = tne(rig, "exec", "--device", "ble:robot-absent", "print(1)")
    assert done.returncode == 3
    assert "Aucune carte Bluetooth nommée « robot-absent »" in done.stderr
    assert done.stdout == ""


def test_a_name_shared_by_two_boards_exits_3_and_lists_their_addresses(
    two_alike: BleRig,
) -> None:
    done = tne(two_alike, "exec", "--device", "ble:mpy-uart", "print(1)")
    assert done.returncode == 3
    assert "Plusieurs cartes Bluetooth s'appellent « mpy-uart »" in done.stderr
    for index in (0, 1):
        assert f"ble:{two_alike.address(index)}" in done.stderr
    assert done.stdout == ""
    # Chosen by address, each one works.
    chosen = tne(two_alike, "exec", "--device", f"ble:{two_alike.address(1)}", "print(2)")
    assert (chosen.returncode, chosen.stdout) == (0, "2\n"), chosen.stderr


def test_makecode_board_refuses_exec_and_fs_with_exit_2_in_french(makecode: BleRig) -> None:
    for arguments in (["exec", "print(1)"], ["fs", "ls"]):
        done = tne(makecode, *arguments, "--device", "ble:BBC micro:bit [zotiv]")
        assert done.returncode == 2, done.stderr
        assert "n'a pas de Python" in done.stderr
        assert "tne monitor" in done.stderr


def converse(rig: BleRig, arguments: list[str], line: bytes, expected: bytes) -> bytes:
    """Run an interactive `tne` command, type `line`, and close its input once `expected` came
    (a loaded machine may take more than the quiet second a piped session waits after EOF)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tne.cli", *arguments],
        cwd=ROOT,
        env=rig.child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(line)
        process.stdin.flush()
        seen = b""
        deadline = time.monotonic() + 60
        while expected not in seen and time.monotonic() < deadline:
            chunk = process.stdout.read1(4096)
            if not chunk:
                break
            seen += chunk
        process.stdin.close()
        code = process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(5)
    assert process.stderr is not None
    assert expected in seen, (seen, process.stderr.read())
    assert code == 0
    return seen


def test_makecode_board_talks_text_through_tne_monitor(makecode: BleRig) -> None:
    # Behind this emulated MakeCode UART is the QEMU micro:bit's prompt, which answers lines
    # ending in CR, so the text exchange is checked end to end.
    address = f"ble:{makecode.address()}"
    converse(makecode, ["monitor", "--device", address, "--eol", "cr"], b"print(6*7)\n", b"42")


def test_monitor_refuses_an_unknown_line_end(rig: BleRig) -> None:
    done = tne(rig, "monitor", "--device", "ble:mpy-uart", "--eol", "nl")
    assert done.returncode == 2
    assert "--eol accepte lf, cr ou crlf" in done.stderr


COUNTING = """\
from microbit import sleep
for n in range(400):
    print('tick', n)
    sleep(50)
"""


def test_link_lost_during_tne_exec_exits_3_in_french_within_seconds(rig: BleRig) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tne.cli", "exec", "--device", f"ble:{rig.address()}", COUNTING],
        cwd=ROOT,
        env=rig.child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("tick 3"):
                break
        cut_at = time.monotonic()
        rig.cut(0)
        code = process.wait(15)
        elapsed = time.monotonic() - cut_at
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(5)
    assert process.stderr is not None
    stderr = process.stderr.read()
    assert code == 3, stderr
    assert elapsed < 5
    assert "La liaison Bluetooth" in stderr and "est perdue" in stderr


def test_device_all_includes_ble_boards_listed_in_extra_devices(two_alike: BleRig) -> None:
    env = dict(
        two_alike.child_env(),
        TNE_EXTRA_DEVICES=",".join(f"ble:{two_alike.address(index)}" for index in (0, 1)),
    )
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "exec", "--device", "all", "print('ici')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = sorted(done.stdout.splitlines())
    assert len(lines) == 2 and all(line.endswith("ici") for line in lines), done.stdout
    for index in (0, 1):
        assert any(two_alike.address(index) in line for line in lines)


def test_a_device_without_the_nordic_uart_service_is_refused_in_french() -> None:
    require_ble_rig(with_qemu=False)
    with BleRig("--convention", "hm10", "--board", "none", "--name", "hm10") as other:
        done = tne(other, "exec", "--device", "ble:hm10", "print(1)")
    assert done.returncode == 3
    assert "n'a pas de service UART Nordic" in done.stderr


def test_no_bluetooth_stack_is_reported_in_french(rig: BleRig) -> None:
    env = dict(rig.child_env(), TNE_BUMBLE_HCI="tcp-client:127.0.0.1:9")  # nothing listens
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "devices", "--ble"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert "Le Bluetooth n'est pas disponible" in done.stderr


def test_tne_repl_works_over_the_radio(rig: BleRig) -> None:
    converse(rig, ["repl", "--device", "ble:mpy-uart"], b"print(5*5)\n", b"25")
