"""`tne workshop` as a trainer sees it: a real terminal (tmux), keys typed, the screen read back.

Simulated boards: the table's behaviour (rows, states, keys, LEDs, summary) does not depend on
the firmware; the QEMU micro:bits meet the table in test_workshop_qemu.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import ENDLESS, tne
from tests.conftest import skip_or_fail
from tests.helpers import tmux
from tests.workshop.conftest import workshop_environment

SIMS = ["sim", "sim@v1", "sim:maqueen"]
NAMES = ("R1", "R2", "R3")

HEART = """\
from microbit import *
display.show(Image.HEART)
for i in range(5):
    print('tour', i)
    sleep(100)
"""
FAILING = "print('avant')\nprint(1 / 0)\n"


@pytest.fixture
def labelled(config: Path) -> dict[str, str]:
    """The environment of a table of three simulated boards labelled R1, R2, R3."""
    if not tmux.available():
        skip_or_fail("needs tmux (Debian package tmux)")
    env = workshop_environment(config, SIMS, TNE_LANG="fr")
    assert tne("workshop", "label", env=env, timeout=60).returncode == 0
    return env


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "atelier.py"
    path.write_text(HEART, encoding="utf-8")
    return path


@pytest.fixture
def screen(labelled: dict[str, str], program: Path) -> Iterator[tmux.Screen]:
    command = [sys.executable, "-m", "tne.cli", "workshop", "--file", str(program)]
    with tmux.Screen(command, labelled) as shown:
        shown.wait_for(lambda text: text.count("prête") == 3)
        yield shown


def rows(text: str, name: str) -> list[str]:
    """The screen lines of the table row of board `name` (its first line and the next two)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"│ {name} "):
            return lines[index : index + 3]
    raise AssertionError(f"no row {name} in:\n{text}")


def probed_firmware(address: str) -> str:
    """What the board's own probe says it is: the firmware column shows that."""
    from device_bridge import Board

    with Board.connect(address) as board:
        return board.profile.label if board.profile else "?"


def test_the_table_shows_one_row_per_board_with_its_label_port_firmware_and_state(
    screen: tmux.Screen,
) -> None:
    text = screen.text()
    for name, port in zip(NAMES, ("sim@v2", "sim@v1", "sim:maqueen@v2"), strict=True):
        first = rows(text, name)[0]
        firmware = probed_firmware(port)
        assert port in first and f"{firmware} (simulé)" in first and "prête" in first
    assert "r : lancer atelier.py · s : tout arrêter · z : tout remettre à zéro · b :" in text
    assert "b : carte simulée pour les perdues · q : quitter" in text


def test_r_runs_the_file_on_every_board_with_output_and_leds_in_each_row(
    screen: tmux.Screen,
) -> None:
    screen.keys("r")

    text = screen.wait_for(lambda t: t.count("tour 4") == 3 and t.count("terminé") == 3)

    for name in NAMES:
        row = "\n".join(rows(text, name))
        assert "tour 2" in row and "tour 3" in row and "tour 4" in row
        assert "▄█▄█▄" in row and "▀███▀" in row  # the heart, two LED rows per line
    assert "atelier.py lancé sur toutes les cartes" in text


def test_s_stops_every_board_and_z_resets_them(screen: tmux.Screen, program: Path) -> None:
    program.write_text(ENDLESS, encoding="utf-8")  # read again at each r
    screen.keys("r")
    screen.wait_for(lambda t: t.count("en cours") == 3 and t.count("tour 2") == 3)

    screen.keys("s")
    text = screen.wait_for(lambda t: t.count("arrêtée") == 3, timeout=10)
    assert "Arrêt demandé sur toutes les cartes." in text

    screen.keys("z")
    text = screen.wait_for(lambda t: t.count("remise à zéro") == 3, timeout=15)
    for name in NAMES:
        assert "prête" in rows(text, name)[0]

    screen.keys("q")
    assert screen.exit_code() == 0
    text = screen.text()
    assert "Résumé de l'atelier : 3 cartes sur 3 sans problème." in text
    assert "R1 (sim@v2) : prête ; programmes lancés : 1, en erreur : 0" in text


def test_an_error_on_the_boards_shows_in_each_row_and_the_exit_code_says_so(
    screen: tmux.Screen, program: Path
) -> None:
    program.write_text(FAILING, encoding="utf-8")
    screen.keys("r")

    text = screen.wait_for(lambda t: t.count("ZeroDivisionError") >= 3)

    for name in NAMES:
        row = "\n".join(rows(text, name))
        assert "erreur" in row and "avant" in row
    screen.keys("q")
    assert screen.exit_code() == 1
    text = screen.text()
    assert "Résumé de l'atelier : 0 carte sur 3 sans problème." in text
    assert "programmes lancés : 1, en erreur : 1 — ZeroDivisionError" in text


def test_r_without_a_file_says_how_to_give_one(labelled: dict[str, str]) -> None:
    command = [sys.executable, "-m", "tne.cli", "workshop"]
    with tmux.Screen(command, labelled) as shown:
        shown.wait_for(lambda text: text.count("prête") == 3)
        shown.keys("r")
        shown.wait_for(lambda text: "Aucun fichier à lancer" in text and "--file" in text)
        shown.keys("q")
        assert shown.exit_code() == 0


def test_a_missing_file_is_refused_before_the_table_opens(labelled: dict[str, str]) -> None:
    done = tne("workshop", "--file", "absent.py", env=labelled)
    assert done.returncode == 2
    assert "« absent.py »" in done.stderr.decode() or "absent.py" in done.stderr.decode()


def test_b_puts_a_simulated_board_in_the_row_of_a_board_that_will_not_connect(
    config: Path, program: Path
) -> None:
    if not tmux.available():
        skip_or_fail("needs tmux (Debian package tmux)")
    env = workshop_environment(config, ["sim", "serial:/dev/tne-absent"], TNE_LANG="fr")
    command = [sys.executable, "-m", "tne.cli", "workshop", "--file", str(program)]
    with tmux.Screen(command, env) as shown:
        text = shown.wait_for(lambda t: "perdue" in t and "prête" in t)
        assert "/dev/tne-absent" in rows(text, "tne-absent")[0]

        shown.keys("b")
        text = shown.wait_for(lambda t: t.count("prête") == 2)
        assert f"{probed_firmware('sim')} (simulé)" in rows(text, "tne-absent")[0]
        assert "Lignes passées sur une carte simulée : 1." in text

        shown.keys("r")
        shown.wait_for(lambda t: t.count("tour 4") == 2)
        shown.keys("q")
        assert shown.exit_code() == 0
