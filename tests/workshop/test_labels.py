"""Board labels: kept by identity in the user's configuration, named as `label:R7`, shown by
`tne devices`. Simulated boards here (their identity is their address); the QEMU micro:bits,
which need the `TNE_TEST_SERIAL_NUMBERS` hook, are in test_workshop_qemu.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import serial.tools.list_ports
from serial.tools.list_ports_common import ListPortInfo

from device_bridge import parse_address
from device_bridge.discovery import find_devices, resolve_address
from device_bridge.errors import DeviceUnreachable, UsageError
from device_bridge.labels import (
    LabelsDamaged,
    assign,
    check_label,
    labels_path,
    next_free,
    read_labels,
    save_labels,
)
from tests.cli.test_cli import tne
from tests.workshop.conftest import workshop_environment

SIMS = ["sim", "sim@v1", "sim:maqueen"]


# -- addresses and the label store -------------------------------------------------------------


def test_label_address_parses_and_prints_back() -> None:
    address = parse_address("label:R7")
    assert (address.kind, address.target, str(address)) == ("label", "R7", "label:R7")


def test_empty_label_address_is_refused_in_french(french: None) -> None:
    with pytest.raises(UsageError) as caught:
        parse_address("label:")
    assert "étiquette" in caught.value.message and caught.value.exit_code == 2


@pytest.mark.parametrize("bad", ["", "R 7", "Rémi", "a" * 13, "R7;rm", "label:R7"])
def test_bad_labels_are_refused_with_what_a_label_may_be(french: None, bad: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_label(bad)
    assert "ne peut pas être une étiquette" in caught.value.message
    assert "R7" in caught.value.message


def test_two_boards_cannot_share_a_label_whatever_the_case(french: None) -> None:
    labels = {"usb:A": "R1"}
    with pytest.raises(UsageError) as caught:
        assign(labels, "usb:B", "r1")
    assert "déjà donnée" in caught.value.message and "usb:A" in caught.value.message
    assert assign(labels, "usb:A", "r1") == {"usb:A": "r1"}  # relabelling the same board


def test_automatic_labels_skip_the_ones_taken() -> None:
    assert next_free({}) == "R1"
    assert next_free({"usb:A": "R1", "usb:B": "r3"}) == "R2"
    assert next_free({"usb:A": "R1"}, {"R2"}) == "R3"


def test_labels_are_written_to_the_configuration_folder_and_read_back(config: Path) -> None:
    assert read_labels() == {}
    path = save_labels({"usb:B": "R2", "usb:A": "R1"})
    assert path == config / "board-labels.json" == labels_path()
    assert read_labels() == {"usb:A": "R1", "usb:B": "R2"}
    assert not list(config.glob("*.tmp"))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"usb:A": 7}'])
def test_a_damaged_labels_file_is_refused_and_left_as_it_is(
    config: Path, french: None, content: str
) -> None:
    config.mkdir()
    (config / "board-labels.json").write_text(content, encoding="utf-8")
    with pytest.raises(LabelsDamaged) as caught:
        read_labels()
    assert "illisible" in caught.value.message and str(config) in caught.value.message

    env = workshop_environment(config, SIMS[:1])
    done = tne("workshop", "label", env=env, timeout=60)
    assert done.returncode == 2
    assert "illisible" in done.stderr.decode()
    assert (config / "board-labels.json").read_text(encoding="utf-8") == content
    listed = tne("devices", env=env)  # listing still works, without labels
    assert listed.returncode == 0 and "sim@v2" in listed.stdout.decode()


# -- identity --------------------------------------------------------------------------------


def test_a_usb_board_is_known_by_its_serial_number_wherever_it_is_plugged(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def microbit(port: str) -> ListPortInfo:
        info = ListPortInfo(port, skip_link_detection=True)
        info.vid, info.pid, info.serial_number = 0x0D28, 0x0204, "9904360259994e45"
        info.apply_usb_info()
        return info

    save_labels({"usb:9904360259994e45": "R7"})
    plugged = [microbit("/dev/ttyACM0")]
    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda *a, **k: list(plugged))
    [device] = find_devices()
    assert (device.identity, device.name) == ("usb:9904360259994e45", "R7")
    assert device.label.startswith("R7 · BBC micro:bit")
    assert device.prefix == "[R7] "

    plugged[:] = [microbit("/dev/ttyACM3")]  # another hub socket, same board
    assert str(resolve_address("label:r7")) == "serial:/dev/ttyACM3"


def test_the_test_hook_gives_a_serial_number_to_a_board_without_one(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda *a, **k: [])
    monkeypatch.setenv("TNE_EXTRA_DEVICES", "serial:/dev/pts/91,/dev/pts/92")
    monkeypatch.setenv("TNE_TEST_SERIAL_NUMBERS", "/dev/pts/91=MB0001")
    first, second = find_devices()
    assert first.identity == "usb:MB0001"
    assert second.identity == "" and second.name == ""


def test_an_unknown_label_says_which_labels_are_plugged_in(config: Path, french: None) -> None:
    env = workshop_environment(config, SIMS)
    assert tne("workshop", "label", env=env, timeout=60).returncode == 0

    done = tne("exec", "--device", "label:R9", "print(1)", env=env, timeout=60)

    assert done.returncode == 3
    message = done.stderr.decode()
    assert "« R9 »" in message and "R1, R2, R3" in message


def test_resolving_an_unknown_label_with_no_labels_at_all_says_how_to_give_them(
    config: Path, french: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda *a, **k: [])
    with pytest.raises(DeviceUnreachable) as caught:
        resolve_address("label:R1")
    assert "tne workshop label" in caught.value.message


# -- tne workshop label, as people run it ------------------------------------------------------


def test_workshop_label_names_every_board_scrolls_it_and_the_labels_survive_a_restart(
    config: Path, french: None
) -> None:
    env = workshop_environment(config, SIMS)

    done = tne("workshop", "label", env=env, timeout=60)

    assert done.returncode == 0, done.stderr
    messages = done.stderr.decode()
    for name in ("R1", "R2", "R3"):
        assert f"affiche « {name} »" in messages
    stored = json.loads((config / "board-labels.json").read_text(encoding="utf-8"))
    assert stored == {"sim@v2": "R1", "sim@v1": "R2", "sim:maqueen@v2": "R3"}

    # A new process (the next morning): tne devices and the addresses know them.
    listed = tne("devices", "--json", env=env)
    assert [(d["name"], d["identity"]) for d in json.loads(listed.stdout)] == [
        ("R1", "sim@v2"),
        ("R2", "sim@v1"),
        ("R3", "sim:maqueen@v2"),
    ]
    plain = tne("devices", env=env).stdout.decode()
    assert "R2 · " in plain
    ran = tne("exec", "--device", "label:r2", "print(6*7)", env=env, timeout=60)
    assert ran.returncode == 0 and ran.stdout == b"42\n"


def test_given_names_come_first_and_existing_labels_are_kept(config: Path) -> None:
    env = workshop_environment(config, SIMS)
    assert tne("workshop", "label", "table1", env=env, timeout=60).returncode == 0

    again = tne("workshop", "label", env=env, timeout=60)

    assert again.returncode == 0
    assert read_labels() == {"sim@v2": "table1", "sim@v1": "R1", "sim:maqueen@v2": "R2"}


def test_one_board_can_be_relabelled_and_labels_forgotten(config: Path) -> None:
    env = workshop_environment(config, SIMS)
    assert tne("workshop", "label", env=env, timeout=60).returncode == 0

    renamed = tne("workshop", "label", "--device", "label:R3", "robot", env=env, timeout=60)
    assert renamed.returncode == 0, renamed.stderr
    assert read_labels()["sim:maqueen@v2"] == "robot"

    duplicate = tne("workshop", "label", "--device", "sim@v1", "robot", env=env, timeout=60)
    assert duplicate.returncode == 2
    assert read_labels()["sim@v1"] == "R2"  # nothing lost

    forgot = tne("workshop", "label", "--device", "sim@v1", "--forget", env=env, timeout=60)
    assert forgot.returncode == 0 and "R2" in forgot.stderr.decode()
    assert read_labels() == {"sim@v2": "R1", "sim:maqueen@v2": "robot"}
    assert tne("workshop", "label", "--forget", env=env).returncode == 0
    assert read_labels() == {}


def test_a_bad_label_on_the_command_line_changes_nothing(config: Path, french: None) -> None:
    env = workshop_environment(config, SIMS)
    assert tne("workshop", "label", env=env, timeout=60).returncode == 0

    done = tne("workshop", "label", "R 7", env=env, timeout=60)

    assert done.returncode == 2 and "ne peut pas être une étiquette" in done.stderr.decode()
    assert read_labels() == {"sim@v2": "R1", "sim@v1": "R2", "sim:maqueen@v2": "R3"}


def test_more_names_than_boards_is_refused(config: Path) -> None:
    env = workshop_environment(config, SIMS[:1])
    done = tne("workshop", "label", "A", "B", env=env, timeout=60)
    assert done.returncode == 2 and not (config / "board-labels.json").exists()


def test_device_all_prefixes_lines_with_labels_and_ends_with_a_summary(
    config: Path, french: None
) -> None:
    env = workshop_environment(config, SIMS)
    assert tne("workshop", "label", env=env, timeout=60).returncode == 0

    done = tne("exec", "--device", "all", "print('ok')", env=env, timeout=60)

    assert done.returncode == 0
    assert sorted(done.stdout.decode().splitlines()) == ["[R1] ok", "[R2] ok", "[R3] ok"]
    summary = done.stderr.decode()
    assert "Résumé : 3 cartes sur 3 ont réussi." in summary
    for name in ("R1", "R2", "R3"):
        assert f"  {name} : réussi" in summary


def test_a_board_connected_by_its_label_carries_it_in_its_own_label(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the kernel's board panel and `tne repl` show (`Board.label`); a simulated board's
    identity is its address, so its label resolves without being listed anywhere."""
    from device_bridge import Board

    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda *a, **k: [])
    save_labels({"sim@v1": "R4"})

    with Board.connect("sim@v1") as plain:
        assert not plain.label.startswith("R4")
    with Board.connect("label:r4") as board:
        assert str(board.address) == "sim@v1"
        assert board.label == f"R4 · {plain.label}"  # the label as stored, not as typed
