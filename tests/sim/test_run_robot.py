"""`tne run --device sim:maqueen FILE [--world] [--seed] [--duration] [--out]` as people run it:
`tne` in its own process, the program's output on stdout, the summary on stderr, a picture of
the path next to the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image as PILImage

from device_bridge.sim.trace import Trace

ROOT = Path(__file__).resolve().parents[2]

LINE_FOLLOWER = (ROOT / "teacher_guides" / "exemples" / "suiveur_de_ligne.py").read_text("utf-8")


def tne(*args: str, cwd: Path, device: str = "sim:maqueen") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "TNE_DEVICE"}
    env.update(TNE_LANG="fr", TNE_DEVICE=device)
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *args], cwd=cwd, env=env, capture_output=True, timeout=120
    )


@pytest.fixture
def follower(tmp_path: Path) -> Path:
    path = tmp_path / "suiveur.py"
    path.write_text(LINE_FOLLOWER, encoding="utf-8")
    return path


def test_a_line_follower_runs_to_the_cap_and_exits_0_with_output_summary_and_picture(
    follower: Path,
) -> None:
    done = tne("run", follower.name, "--world", "piste", "--duration", "20", cwd=follower.parent)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == "départ\n".encode()  # the program's bytes, as from a serial board
    stderr = done.stderr.decode()
    assert "Temps simulé : 20,0 s (durée maximale atteinte)." in stderr
    assert "Distance parcourue" in stderr and "Aucune collision." in stderr
    assert "09090:99999:99999:09990:00900" in stderr
    assert "    · █ · █ ·\n    █ █ █ █ █\n" in stderr  # the heart, drawn for people
    picture = follower.with_suffix(".svg")
    assert f"Image du trajet : {picture.name}" in stderr
    root = ET.fromstring(picture.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_names_are_told_as_they_are_written_even_with_colons(tmp_path: Path) -> None:
    """rich would turn `:fire:` into an emoji in our messages: a pupil's file name is shown as
    it is on disk."""
    program = tmp_path / "robot_:fire:_v2.py"
    program.write_text("print('ok')\n", encoding="utf-8")
    done = tne("run", program.name, "--world", "piste", "--duration", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "Image du trajet\u00a0: robot_:fire:_v2.svg" in done.stderr.decode()


def test_a_program_that_ends_ends_the_run_and_out_names_the_picture(tmp_path: Path) -> None:
    program = tmp_path / "aller_retour.py"
    program.write_text(
        "import maqueen\nfrom microbit import sleep\nmaqueen.motor_run(150, 150)\nsleep(1000)\n"
        "maqueen.motor_run(-150, -150)\nsleep(1000)\nmaqueen.motor_stop()\nprint('fini')\n",
        encoding="utf-8",
    )
    out = tmp_path / "images" / "trajet.svg"
    out.parent.mkdir()
    done = tne(
        "run", program.name, "--out", str(out), "--noise", "0", "--trace", "t.json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b"fini\n"
    # 2 s of sleeps, plus the work of compiling the program and maqueen.py, which MicroPython
    # does on the board (the sealed engine counts it, at its calibrated rate: about 0.3 s).
    (line,) = [line for line in done.stderr.decode().splitlines() if "Temps simulé" in line]
    assert 2.0 <= float(line.split(":")[1].strip(" s.").replace(",", ".")) <= 2.5, line
    assert out.exists() and not program.with_suffix(".svg").exists()
    trace = Trace.load(tmp_path / "t.json")
    assert trace.printed_lines() == ["fini"] and trace.distance_to_start() < 5


def test_an_error_in_the_program_exits_1_with_its_traceback_and_still_draws(tmp_path: Path) -> None:
    program = tmp_path / "erreur.py"
    program.write_text("import maqueen\nmaqueen.motor_run(100, 100)\nprint(x)\n", encoding="utf-8")
    done = tne("run", program.name, cwd=tmp_path)
    assert done.returncode == 1
    assert "NameError: name 'x' isn't defined" in done.stderr.decode()
    assert program.with_suffix(".svg").exists()


def test_a_seed_makes_the_run_repeat(tmp_path: Path) -> None:
    program = tmp_path / "hasard.py"
    program.write_text(
        "import random, maqueen\nfrom microbit import sleep\n"
        "for _ in range(5):\n    maqueen.motor_run(random.randint(60, 200), 150)\n    sleep(300)\n"
        "print(maqueen.distance())\n",
        encoding="utf-8",
    )
    runs = [tne("run", program.name, "--seed", seed, cwd=tmp_path) for seed in ("3", "3", "4")]
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    assert runs[0].stderr != runs[2].stderr


@pytest.mark.parametrize(
    ("args", "device", "words"),
    [
        (("--world", "piste"), "serial:/dev/tne-absent", "ne servent qu'avec le simulateur"),
        (("--duration", "5"), "serial:COM7", "ne servent qu'avec le simulateur"),
        (("--trace", "t.json"), "serial:COM7", "ne servent qu'avec le simulateur"),
        (("--inputs", "appuis.json"), "sim:maqueen", "appuis.json"),
        (("--world", "piste"), "sim", "demandent un robot simulé"),
        (("--world", "jungle"), "sim:maqueen", "pas de monde « jungle »"),
        (("--world", "monde.toml"), "sim:maqueen", "champ « mat.width » : ce champ manque"),
    ],
    ids=[
        "world-on-serial",
        "duration-on-serial",
        "trace-on-serial",
        "inputs-not-json",
        "world-without-robot",
        "unknown",
        "malformed",
    ],
)
def test_simulator_options_that_cannot_apply_are_refused_with_exit_2(
    follower: Path, args: tuple[str, ...], device: str, words: str
) -> None:
    (follower.parent / "appuis.json").write_text("[{", encoding="utf-8")
    (follower.parent / "monde.toml").write_text(
        "[mat]\nheight = 50\n[start]\nx = 1\ny = 1\n", encoding="utf-8"
    )
    done = tne("run", follower.name, *args, cwd=follower.parent, device=device)
    assert done.returncode == 2, done.stderr.decode()
    assert words in done.stderr.decode()
    assert done.stdout == b""
    assert not follower.with_suffix(".svg").exists()


def test_a_picture_that_cannot_be_written_is_reported_after_the_run(tmp_path: Path) -> None:
    program = tmp_path / "court.py"
    program.write_text("print('ok')\n", encoding="utf-8")
    done = tne("run", program.name, "--out", str(tmp_path / "absent" / "x.svg"), cwd=tmp_path)
    assert done.stdout == b"ok\n"
    assert done.returncode == 2
    assert "Impossible d'écrire l'image" in done.stderr.decode()


def test_a_bare_simulated_micro_bit_gets_the_cap_and_a_summary_without_robot(tmp_path: Path):
    program = tmp_path / "coeur.py"
    program.write_text(
        "from microbit import *\ndisplay.show(Image.HEART)\nwhile True:\n    pass\n",
        encoding="utf-8",
    )
    done = tne("run", program.name, "--duration", "3", cwd=tmp_path, device="sim")
    assert done.returncode == 0, done.stderr.decode()
    stderr = done.stderr.decode()
    assert "Temps simulé : 3,0 s (durée maximale atteinte)." in stderr
    assert "09090:99999:99999:09990:00900" in stderr
    assert "collision" not in stderr.lower() and "Distance" not in stderr
    assert not program.with_suffix(".svg").exists()


def test_ctrl_c_stops_a_simulated_run_with_exit_130(follower: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TNE_DEVICE"}
    env.update(TNE_LANG="fr")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tne.cli",
            "run",
            "--device",
            "sim:maqueen",
            follower.name,
            "--world",
            "piste",
            "--duration",
            "1000000",
        ],
        cwd=follower.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "départ\n".encode()  # the program runs
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Arrêté." in err.decode()


def test_scripted_inputs_press_the_buttons_of_the_simulated_board(tmp_path: Path) -> None:
    program = tmp_path / "bouton.py"
    program.write_text(
        "from microbit import *\nsleep(2000)\nprint(button_a.was_pressed())\n", encoding="utf-8"
    )
    presses = tmp_path / "appuis.json"
    presses.write_text(
        '[{"t": 500, "kind": "button", "name": "a", "pressed": true},'
        ' {"t": 600, "kind": "button", "name": "a", "pressed": false}]',
        encoding="utf-8",
    )
    pressed = tne("run", program.name, "--inputs", presses.name, cwd=tmp_path)
    alone = tne("run", program.name, cwd=tmp_path)
    assert pressed.returncode == 0, pressed.stderr.decode()
    assert (pressed.stdout, alone.stdout) == (b"True\n", b"False\n")


def test_an_out_file_ending_in_gif_gets_the_run_replayed(follower: Path) -> None:
    done = tne(
        "run",
        follower.name,
        "--world",
        "piste",
        "--duration",
        "3",
        "--out",
        "tour.gif",
        cwd=follower.parent,
    )
    assert done.returncode == 0, done.stderr.decode()
    gif = PILImage.open(follower.parent / "tour.gif")
    assert gif.format == "GIF" and gif.n_frames > 10


def test_an_out_file_ending_in_png_gets_a_rendered_picture(follower: Path) -> None:
    done = tne(
        "run",
        follower.name,
        "--world",
        "piste",
        "--duration",
        "3",
        "--out",
        "tour.png",
        cwd=follower.parent,
    )
    assert done.returncode == 0, done.stderr.decode()
    picture = PILImage.open(follower.parent / "tour.png")
    assert picture.format == "PNG" and picture.width >= 400
    assert len(set(picture.convert("RGB").getdata())) > 3  # the mat, the track, the path


@pytest.mark.parametrize("out", ["tour.jpg", "tour", "tour.SVG.txt"])
def test_an_out_file_with_another_extension_is_refused_before_the_run(
    follower: Path, out: str
) -> None:
    done = tne("run", follower.name, "--out", out, cwd=follower.parent)
    assert done.returncode == 2
    assert done.stdout == b""  # the program did not run
    stderr = done.stderr.decode().replace("\u00a0", " ")
    assert f"--out « {out} » : l’image doit finir par .svg, .png ou .gif" in stderr
    assert sorted(p.name for p in follower.parent.iterdir()) == [follower.name]
