"""Bluetooth boards join the workshop table when asked (`--ble`): the emulated BLE peripheral
the BLE tests use (bumble, with the QEMU micro:bit's MicroPython behind the radio) is heard in
the scan, keeps its label by its address, and runs the table's program beside a simulated
board."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from device_bridge.labels import save_labels
from device_bridge.workshop import Workshop, choose_boards
from tests.ble.conftest import require_ble_rig, start_rig
from tests.cli.test_cli import tne
from tests.conftest import skip_or_fail
from tests.helpers import ble_rig, tmux
from tests.helpers.waiting import eventually

pytestmark = pytest.mark.qemu


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch, config: Path) -> Iterator[ble_rig.BleRig]:
    require_ble_rig()
    started = start_rig(monkeypatch, "--mtu", "247")
    try:
        yield started
    finally:
        started.close()


def test_ble_boards_join_the_table_under_their_label_and_run_its_program(
    rig: ble_rig.BleRig, config: Path
) -> None:
    address = f"ble:{rig.address()}"
    save_labels({address: "B1"})

    boards = choose_boards("sim", ble=True)

    assert boards == [("sim@v2", "sim@v2"), ("B1", address)]
    with Workshop(boards) as workshop:
        assert eventually(lambda: [v.state for v in workshop.views()] == ["ready"] * 2, 60)
        workshop.run("print('radio', 6 * 7)")
        assert eventually(lambda: all(v.lines[-1:] == ("radio 42",) for v in workshop.views()), 30)
        assert workshop.views()[1].firmware.startswith("micro:bit V1")

    env = {**rig.child_env(), "TNE_CONFIG_DIR": str(config)}
    done = tne("exec", "--device", "label:B1", "print('par étiquette')", env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "par étiquette\n"


def test_the_terminal_table_with_ble_shows_the_bluetooth_board_and_runs_on_it(
    rig: ble_rig.BleRig, config: Path, tmp_path: Path
) -> None:
    """`tne workshop --ble` as a trainer runs it, in a real terminal (tmux): the emulated
    Bluetooth board is found by the scan, shown under its label beside a simulated board, and
    the `r` key runs the file on both."""
    if not tmux.available():
        skip_or_fail("needs tmux (Debian package tmux)")
    save_labels({f"ble:{rig.address()}": "B1"})
    program = tmp_path / "atelier.py"
    program.write_text("print('radio', 6 * 7)\n", encoding="utf-8")
    env = {**rig.child_env(), "TNE_CONFIG_DIR": str(config), "TNE_LANG": "fr"}
    command = [sys.executable, "-m", "tne.cli", "workshop", "--device", "sim", "--ble"]
    with tmux.Screen([*command, "--file", str(program)], env) as shown:
        text = shown.wait_for(lambda t: t.count("prête") == 2, timeout=90)
        assert "│ B1 " in text and "micro:bit V1" in text
        shown.keys("r")
        shown.wait_for(lambda t: t.count("radio 42") == 2, timeout=60)
        shown.keys("q")
        assert shown.exit_code(timeout=30) == 0
