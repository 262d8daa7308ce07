"""`tne run --device sim...` starts its simulated board's child before typer and the bridge are
imported (tne/cli/sim_launch.py): it reads only the plain shape of the command, and the run
takes that child only when typer's reading asks for the very same board
(tne/cli/sim_board.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from device_bridge.address import parse_address
from device_bridge.sim.world import load_world
from device_bridge.transports import sim_child
from tne.cli import sim_board, sim_launch, sim_run
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
    assert sim_launch.read_board(argv) is not None


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
    assert sim_launch.read_board(argv) is None
    sim_launch.launch(argv)
    assert sim_launch._launched is None


def test_the_device_comes_from_tne_device_when_not_given(monkeypatch) -> None:
    monkeypatch.setenv("TNE_DEVICE", "sim:maqueen")
    arguments = sim_launch.read_board(["run", "f.py", "--world", "tapis"])
    board = sim_board.recorded_board(
        parse_address("sim:maqueen"), load_world("tapis"), SimOptions(world="tapis")
    )
    assert arguments == board.transport.arguments()


def test_the_launched_board_is_taken_only_by_the_same_options() -> None:
    address = parse_address("sim:maqueen")
    piste = load_world("piste")
    sim_launch.launch(["run", "f.py", "--device", "sim:maqueen", "--world", "piste"])
    launched = sim_launch._launched
    assert launched is not None
    child, store = launched
    assert sim_board.take(address, piste, SimOptions(world="piste", seed=1)) is None
    assert child.process.wait(timeout=10) is not None  # the other one was stopped
    assert not Path(store).exists()  # and its flash's folder removed
    sim_launch.launch(["run", "f.py", "--device", "sim:maqueen", "--world", "piste"])
    child = sim_launch._launched[0]
    board = sim_board.take(address, piste, SimOptions(world="piste"))
    assert board is not None and sim_launch._launched is None
    try:
        assert board.start().eval("6 * 7") == 42
        assert board.transport._process is child.process  # the launched child, not another
    finally:
        board.close()
    assert child.process.poll() is not None


@pytest.mark.parametrize(
    ("device", "argv", "options"),
    [
        ("sim:maqueen", ["-d", "sim:maqueen", "--duration", "0"], SimOptions(duration=0.0)),
        ("sim@v1", ["--device=SIM@V1", "--seed", "0"], SimOptions(seed=0)),
        ("sim:maqueen", ["--device", "sim:maqueen", "--noise=0"], SimOptions(noise=0.0)),
        ("sim:maqueen", ["--device", "sim:maqueen", "--world", "tapis", "--seed", "7"],
         SimOptions(world="tapis", seed=7)),
    ],
)  # fmt: skip
def test_the_plain_shape_reads_as_typer_does(
    device: str, argv: list[str], options: SimOptions
) -> None:
    """What the early start reads is the very command line the run's own board would start:
    its child is used, not wasted."""
    address = parse_address(device)
    world = load_world(options.world) if address.target else None
    board = sim_board.recorded_board(address, world, options)
    assert sim_launch.read_board(["run", "f.py", *argv]) == board.transport.arguments()


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands for Python")
def test_a_launched_child_that_dies_at_start_is_said_by_the_run_in_french(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """The early start says nothing; the run that takes its child (here a "Python" that dies
    at once, saying why on stderr) says in French that the board stopped, as for any board."""
    dying = tmp_path / "python"
    dying.write_text("#!/bin/sh\necho 'no engine here' >&2\nexit 3\n", encoding="utf-8")
    dying.chmod(0o755)
    monkeypatch.setattr(sim_child.sys, "executable", str(dying))
    monkeypatch.setenv("TNE_LANG", "fr")
    program = tmp_path / "f.py"
    program.write_text("print(1)\n", encoding="utf-8")
    sim_launch.launch(["run", str(program), "--device", "sim"])
    assert sim_launch._launched is not None
    child = sim_launch._launched[0]
    code = sim_run.run_simulated(program, "print(1)\n", "sim", None, SimOptions(), leds=False)
    assert code != 0
    assert "La carte simulée s'est arrêtée" in capsys.readouterr().err
    assert child.process.poll() == 3  # that child was the run's board, and it ended


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


def test_tne_run_on_an_empty_engine_cache_waits_for_its_child_to_compile_it(
    tmp_path: Path,
) -> None:
    """The early start does not compile the engine first (that would cost every start its
    cache check): with an empty cache (a new account) the child compiles it, the run waits for
    it, and the compiled engine is left in the cache."""
    program = tmp_path / "suiveur.py"
    program.write_bytes(FOLLOWER.read_bytes())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TNE_LANG": "fr"}
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "run", str(program), "--device", "sim:maqueen",
         "--world", "piste", "--duration", "2"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "départ" in done.stdout
    assert len(list(tmp_path.glob("cache/tne-robotique/wasm/*.cwasm"))) == 1


def test_the_early_start_imports_only_what_the_childs_command_line_needs() -> None:
    """The child is started before the bridge's address parser, the world's reader, the
    transport, the engine's cache check, dataclasses and typer are imported (each costs the
    child's start a few ms, the whole about 30)."""
    probe = "import json, sys; import tne.cli.sim_launch; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(done.stdout))
    heavy = {
        "dataclasses",
        "device_bridge.address",
        "device_bridge.sim.world",
        "device_bridge.transports.sim",
        "device_bridge.sim.wasm.artifact",
        "tomllib",
        "typer",
    }
    assert not loaded & heavy, loaded & heavy
