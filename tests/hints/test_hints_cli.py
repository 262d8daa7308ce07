"""`tne run` and `tne exec` on the simulator, as a pupil runs them: their file and line, a
French hint, and a summary that says the program stopped on an error (tne/hints.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pupil_programs import MISTAKES, SLIPS, Mistake


def tne(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "TNE_DEVICE"}
    env["TNE_LANG"] = "fr"
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *args], cwd=cwd, env=env, capture_output=True, timeout=120
    )


def said(done: subprocess.CompletedProcess[bytes]) -> str:
    """Our messages, with French typography's no-break spaces read as spaces."""
    return done.stderr.decode().replace("\u00a0", " ")


@pytest.mark.parametrize("name", sorted(MISTAKES))
@pytest.mark.parametrize("device", ["sim", "sim@v1"])
def test_tne_run_names_the_pupils_file_and_line_with_a_french_hint(
    name: str, device: str, tmp_path: Path
) -> None:
    mistake: Mistake = MISTAKES[name]
    program = tmp_path / f"{name}.py"
    program.write_text(mistake.code, encoding="utf-8")
    done = tne("run", "--device", device, program.name, cwd=tmp_path)
    stderr = said(done)
    assert done.returncode == 1, stderr
    assert f"Fichier « {program.name} », ligne {mistake.line}" in stderr
    assert "<stdin>" not in stderr
    source_line = mistake.code.splitlines()[mistake.line - 1].strip()
    assert f"    {source_line}\n" in stderr  # the pupil's line, shown under its place
    assert f"\n{mistake.ename}:" in stderr
    assert mistake.hint in stderr, stderr
    assert "Indice :" in stderr
    assert (
        f"Le programme s’est arrêté sur une erreur ({mistake.ename}) à la ligne {mistake.line}."
        in stderr
    )
    assert stderr.index("s’est arrêté") < stderr.index("Temps simulé")


def test_tne_exec_names_the_command_and_its_line(tmp_path: Path) -> None:
    done = tne("exec", "--device", "sim", "x = 1\nprint(vitese)", cwd=tmp_path)
    stderr = said(done)
    assert done.returncode == 1
    assert "Commande, ligne 2" in stderr and "    print(vitese)" in stderr
    assert "Python ne connaît pas « vitese »" in stderr


def test_every_frame_of_the_traceback_is_said_in_french_with_its_function(french: None) -> None:
    """A module the pupil imported from a file has its own frames: no line stays half English."""
    from device_bridge import Board
    from tne.hints import explain

    with Board.connect("sim") as board:
        board.fs.put(b"def moitie(x):\n    return x / 0\n", "calculs.py")
        code = "import calculs\n\ndef demi():\n    return calculs.moitie(4)\n\ndemi()\n"
        traceback = board.run(code).stderr.decode()
    explained = explain(traceback, code, lambda n: f"Fichier « essai.py », ligne {n}")

    frames = [line.strip() for line in explained.lines if "ligne" in line]
    assert frames == [
        "Fichier « essai.py », ligne 6, dans <module>",
        "Fichier « essai.py », ligne 4, dans demi",
        "Fichier «\u00a0calculs.py\u00a0», ligne 2, dans moitie",
    ], explained.lines
    assert explained.line == 4  # where it stopped in the pupil's own file


def test_a_missing_bracket_never_points_past_the_last_line(tmp_path: Path) -> None:
    # MicroPython names line 2 of this one-line program; the pupil is shown line 1.
    done = tne("exec", "--device", "sim", "print((1 + 2)", cwd=tmp_path)
    stderr = said(done)
    assert "Commande, ligne 1\n    print((1 + 2)\n" in stderr
    assert "ligne 2" not in stderr
    assert "Le « ( » ouvert ligne 1 n’est jamais fermé" in stderr


def test_a_robot_program_that_stops_on_an_error_does_not_say_all_went_well(
    tmp_path: Path,
) -> None:
    program = tmp_path / "robot.py"
    program.write_text(
        "import maqueen\nfrom microbit import *\nwhile True:\n"
        "    maqueen.motor_run(100, 100)\n    sleep(200)\n    display.show(Image.HAPY)\n",
        encoding="utf-8",
    )
    done = tne("run", "--device", "sim:maqueen", program.name, cwd=tmp_path)
    stderr = said(done)
    assert done.returncode == 1
    assert "Le programme s’est arrêté sur une erreur (AttributeError) à la ligne 6." in stderr
    assert "Fichier « robot.py », ligne 6" in stderr


@pytest.mark.parametrize("name", sorted(SLIPS))
def test_a_warning_comes_once_before_the_run_and_never_blocks(name: str, tmp_path: Path) -> None:
    slip = SLIPS[name]
    program = tmp_path / f"{name}.py"
    program.write_text(slip.code, encoding="utf-8")
    done = tne(
        "run",
        "--device",
        slip.device,
        "--duration",
        "2",
        "--timeout",
        "20",
        program.name,
        cwd=tmp_path,
    )
    stderr = said(done)
    assert done.returncode == 0, stderr
    line = f"Attention (ligne {slip.line}) : "
    assert line in stderr and slip.warning in stderr, stderr
    warning = next(text for text in stderr.splitlines() if text.startswith(line))
    assert slip.warning in warning
    assert stderr.count(slip.warning) == 1
    assert stderr.index(line) < stderr.index("Temps simulé")


def test_a_program_without_slips_gets_no_warning(tmp_path: Path) -> None:
    program = tmp_path / "coeur.py"
    program.write_text(
        "from microbit import *\nwhile True:\n    display.show(Image.HEART)\n    sleep(500)\n"
        "    display.scroll('Bonjour')\n",
        encoding="utf-8",
    )
    done = tne("run", "--device", "sim", "--duration", "3", program.name, cwd=tmp_path)
    assert done.returncode == 0
    assert "Attention" not in said(done)
