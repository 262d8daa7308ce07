"""`tne run --device sim...` starts its simulated board before typer is imported
(tne/cli/sim_board.py): it reads only the plain shape of the command, and the run takes that
board only when typer's reading asks for the very same one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from device_bridge.address import parse_address
from device_bridge.sim.world import load_world
from tne.cli import sim_board
from tne.cli.sim_board import SimOptions

FOLLOWER = (
    Path(__file__).resolve().parents[2] / "teacher_guides" / "exemples" / "suiveur_de_ligne.py"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "f.py", "--device", "sim:maqueen", "--world", "piste", "--seed", "3"],
        ["run", "--device=sim@v1", "f.py", "--timeout", "5", "--no-leds"],
        ["run", "f.py", "-d", "sim:maqueen", "--duration", "60", "--noise", "0", "--out", "p.png"],
    ],
)
def test_the_plain_shape_is_read(argv: list[str]) -> None:
    assert sim_board._read(argv) is not None


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["exec", "--device", "sim", "print(1)"],
        ["run", "f.py", "--device", "serial:/dev/ttyACM0"],
        ["run", "f.py", "--device", "sim", "--help"],
        ["run", "f.py", "--device", "sim:maqueen", "--inputs", "i.json"],
        ["run", "f.py", "--device", "sim:maqueen", "--seed", "trois"],
        ["run", "f.py", "--device", "sim:maqueen", "--duration"],
        ["run", "f.py", "g.py", "--device", "sim"],
        ["run", "--device", "sim"],
        ["run", "f.py", "--device", "sim", "--world", "piste"],  # a world needs a robot
        ["run", "f.py", "--device", "sim:", "--frobnicate"],
        ["run", "f.py", "--device", "simulateur"],
    ],
)
def test_anything_else_starts_nothing(argv: list[str], monkeypatch) -> None:
    monkeypatch.delenv("TNE_DEVICE", raising=False)
    assert sim_board._read(argv) is None
    sim_board.launch(argv)
    assert sim_board._launched is None


def test_the_device_comes_from_tne_device_when_not_given(monkeypatch) -> None:
    monkeypatch.setenv("TNE_DEVICE", "sim:maqueen")
    address, options = sim_board._read(["run", "f.py", "--world", "tapis"])
    assert address == parse_address("sim:maqueen") and options.world == "tapis"


def test_the_launched_board_is_taken_only_by_the_same_options() -> None:
    address = parse_address("sim:maqueen")
    piste = load_world("piste")
    sim_board.launch(["run", "f.py", "--device", "sim:maqueen", "--world", "piste"])
    launched = sim_board._launched
    assert launched is not None
    child = launched[1].transport._process
    assert sim_board.take(address, piste, SimOptions(world="piste", seed=1)) is None
    assert child.wait(timeout=10) is not None  # the other one was closed
    sim_board.launch(["run", "f.py", "--device", "sim:maqueen", "--world", "piste"])
    board = sim_board.take(address, piste, SimOptions(world="piste"))
    assert board is not None and sim_board._launched is None
    try:
        assert board.start().eval("6 * 7") == 42
    finally:
        board.close()


def test_tne_run_starts_one_child_and_runs_on_it(tmp_path: Path) -> None:
    """Through `python -m tne.cli` (the early start) and with options typer reads otherwise
    than the plain shape would (the run's own board then): the same summary either way."""
    program = tmp_path / "suiveur.py"
    program.write_bytes(FOLLOWER.read_bytes())
    base = [sys.executable, "-m", "tne.cli", "run", str(program), "--world", "piste"]
    early = subprocess.run([*base, "--device", "sim:maqueen", "--duration", "5"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    late = subprocess.run([*base, "--device", "sim:maqueen", "--duration", "5", "--trace",
                           str(tmp_path / "t.json"), "--inputs", str(tmp_path / "none.json")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert early.returncode == 0, early.stderr
    assert "départ" in early.stdout
    assert late.returncode != 0  # the inputs file is missing: said as before, by the run
    assert "none.json" in late.stderr
