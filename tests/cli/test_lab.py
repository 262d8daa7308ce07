"""`tne lab` (tne/cli/lab.py): what it sets up, and the real command serving JupyterLab with
the micro:bit kernels in French, then stopping cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.lab import REPO, Lab
from tne.cli import lab


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_the_first_lesson_is_written_once_without_solutions_and_the_pupils_copy_is_kept(
    tmp_path: Path,
) -> None:
    lesson = lab.first_lesson()
    before = lesson.notebook.read_bytes()
    copy = lab.prepare_workspace(tmp_path / "classe")
    assert copy == tmp_path / "classe" / f"{lesson.id}.ipynb"
    released = copy.read_text(encoding="utf-8")
    assert "### BEGIN SOLUTION" in before.decode("utf-8")
    for hidden in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "display.show(Image.HAPPY)"):
        assert hidden not in released, hidden
    assert "ÉCRIS TON CODE ICI" in released
    assert not list((tmp_path / "classe").glob(".*partiel"))
    copy.write_text("le travail de l'élève", encoding="utf-8")
    assert lab.prepare_workspace(tmp_path / "classe") == copy
    assert copy.read_text(encoding="utf-8") == "le travail de l'élève"
    assert lesson.notebook.read_bytes() == before


def test_the_first_lesson_is_the_first_of_the_progression_on_the_micro_bit_kernel() -> None:
    from activities.catalogue.metadata import all_activities

    lesson = lab.first_lesson()
    assert lesson == all_activities()[0] and not lesson.prerequisites
    notebook = json.loads(lesson.notebook.read_text("utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "tne-microbit"
    first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    assert "display.show(Image.HEART)" in "".join(first_code["source"])


def test_french_is_the_default_language_of_jupyterlab(tmp_path: Path) -> None:
    folder = lab.french_settings(tmp_path / "settings")
    overrides = json.loads((folder / "overrides.json").read_text("utf-8"))
    assert overrides[lab.TRANSLATION_PLUGIN] == {"locale": "fr_FR"}


def test_jupyterlab_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = tmp_path / "afficher-et-defiler.ipynb"
    monkeypatch.setattr(lab, "is_root", lambda: False)
    command = lab.lab_command(tmp_path, tmp_path / "s", notebook, browser=True, port=None)
    assert "--allow-root" not in command and "--no-browser" not in command
    assert "--LabApp.default_url=/lab/tree/afficher-et-defiler.ipynb" in command
    monkeypatch.setattr(lab, "is_root", lambda: True)
    command = lab.lab_command(tmp_path, tmp_path / "s", notebook, browser=False, port=8890)
    assert {"--allow-root", "--no-browser", "--port=8890"} <= set(command)


def test_a_folder_that_is_a_file_is_refused_in_french(tmp_path: Path) -> None:
    target = tmp_path / "fichier"
    target.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "lab", "--no-browser", "--dir", str(target)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO), TNE_LANG="fr"),
        timeout=60,
    )
    assert done.returncode == 2
    assert "est inutilisable" in done.stderr
    assert target.read_text() == "x"


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C sent to a process group (POSIX)")
@pytest.mark.parametrize(
    "parent_ignores_sigint", [False, True], ids=["terminal", "parent-ignores-sigint"]
)
def test_tne_lab_serves_the_kernels_in_french_and_stops_on_ctrl_c(
    tmp_path: Path, parent_ignores_sigint: bool
) -> None:
    # --device auto: no board here, so the simulator, said in French
    server = Lab(tmp_path, parent_ignores_sigint=parent_ignores_sigint)
    try:
        specs = get_json(server.url("api/kernelspecs"))["kernelspecs"]
        assert {"tne-microbit", "tne-microbit-sim"} <= set(specs)
        translation = get_json(server.url("lab/api/settings/" + lab.TRANSLATION_PLUGIN))
        assert translation["schema"]["properties"]["locale"]["default"] == "fr_FR"
        assert (tmp_path / f"{lab.first_lesson().id}.ipynb").exists()
        os.killpg(server.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        assert server.process.wait(30) == 0
    finally:
        server.stop()
    said = server.output()
    assert "Aucune carte branchée" in said
    assert "JupyterLab est arrêté." in said


def test_a_port_already_in_use_is_refused_in_french(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "tne.cli", "lab", "--no-browser", "--port", str(port)]
            + ["--dir", str(tmp_path)],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(REPO), TNE_LANG="fr"),
            timeout=60,
        )
    assert done.returncode == 2
    assert f"Le port {port} est déjà utilisé" in done.stderr


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_terminating_tne_lab_stops_jupyterlab_too(tmp_path: Path) -> None:
    server = Lab(tmp_path, "--device", "sim")
    try:
        [jupyterlab] = children(server.process.pid)
        server.process.terminate()  # `kill`, or a closed terminal
        assert server.process.wait(30) == 0
        deadline = time.monotonic() + 30
        while Path(f"/proc/{jupyterlab}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{jupyterlab}").exists(), "JupyterLab was left running"
    finally:
        server.stop()
