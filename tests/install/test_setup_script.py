"""scripts/setup.sh and scripts/bootstrap_pip.py, the parts that need no account of their own:
bad input refused in French before anything is written, and pip put into an environment made
without ensurepip (from Debian's /usr/share/python-wheels when present, else from PyPI)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.helpers.unprivileged import DISTRIBUTION_PYTHON, REPO
from tests.install.conftest import readme_commands

SETUP = REPO / "scripts" / "setup.sh"


def setup(*options: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SETUP), *options],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, **environ),
    )


def test_an_unknown_option_is_refused_in_french_and_nothing_is_made(tmp_path: Path) -> None:
    before = (REPO / ".venv").exists()
    done = setup("--test")
    assert done.returncode == 2
    assert "Option inconnue : --test (options : --tests, --from DOSSIER)" in done.stderr
    assert (REPO / ".venv").exists() == before


def test_a_missing_python_names_the_package_for_the_administrator() -> None:
    before = (REPO / ".venv").exists()
    done = setup(TNE_PYTHON="python-absent")
    assert done.returncode == 1
    assert "Python 3 est introuvable. Un administrateur l'installe avec : apt install python3" in (
        done.stderr
    )
    assert (REPO / ".venv").exists() == before


def test_an_offline_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    done = setup("--from", str(tmp_path / "absent"))
    assert done.returncode == 2
    assert f"Le dossier de paquets « {tmp_path / 'absent'} » n'existe pas" in done.stderr


def test_pip_comes_from_a_wheel_into_an_environment_made_without_ensurepip(
    tmp_path: Path,
) -> None:
    python = DISTRIBUTION_PYTHON if DISTRIBUTION_PYTHON.exists() else Path("python3")
    venv = tmp_path / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    environ = {key: value for key, value in os.environ.items() if key != "PIP_FIND_LINKS"}
    done = subprocess.run(
        [str(venv / "bin" / "python"), str(REPO / "scripts" / "bootstrap_pip.py")],
        capture_output=True,
        text=True,
        timeout=300,
        env=environ,
    )
    assert done.returncode == 0, done.stderr
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True
    )
    assert pip.returncode == 0 and str(venv) in pip.stdout


def test_ci_runs_the_readme_test_command_and_the_first_needs_no_root() -> None:
    first, second = readme_commands()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()
    assert second.startswith("bash scripts/setup.sh --tests")
    assert "sudo" not in first and "--tests" not in first
