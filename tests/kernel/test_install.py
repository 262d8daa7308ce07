"""`tne kernel install` registers both kernelspecs where Jupyter looks for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager


def tne(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env or dict(os.environ, TNE_LANG="fr"),
    )


def test_install_under_a_prefix_writes_both_kernelspecs(tmp_path: Path) -> None:
    done = tne("kernel", "install", "--prefix", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Noyau tne-microbit installé" in done.stderr
    kernels = tmp_path / "share" / "jupyter" / "kernels"
    board = json.loads((kernels / "tne-microbit" / "kernel.json").read_text(encoding="utf-8"))
    sim = json.loads((kernels / "tne-microbit-sim" / "kernel.json").read_text(encoding="utf-8"))
    assert board["display_name"] == "micro:bit (MicroPython)"
    assert sim["display_name"] == "micro:bit simulé (MicroPython)"
    assert board["interrupt_mode"] == sim["interrupt_mode"] == "message"
    assert board["argv"][1:] == ["-m", "kernels.microbit", "-f", "{connection_file}"]
    assert sim["env"] == {"TNE_DEVICE": "sim", "TNE_SIM_SPEED": "0", "TNE_SIM_RUN_LIMIT": "60"}
    assert "env" not in board
    assert (kernels / "tne-microbit" / "logo-64x64.png").read_bytes().startswith(b"\x89PNG")
    found = KernelSpecManager(kernel_dirs=[str(kernels)]).find_kernel_specs()
    assert {"tne-microbit", "tne-microbit-sim"} <= set(found)


def test_install_user_goes_to_the_users_jupyter_folder(tmp_path: Path) -> None:
    env = dict(os.environ, TNE_LANG="fr", JUPYTER_DATA_DIR=str(tmp_path / "data"))
    done = tne("kernel", "install", "--user", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "kernels" / "tne-microbit-sim" / "kernel.json").exists()


def test_two_places_at_once_are_refused_in_french(tmp_path: Path) -> None:
    done = tne("kernel", "install", "--user", "--prefix", str(tmp_path))
    assert done.returncode == 2
    assert "Choisir une seule option parmi --user, --sys-prefix et --prefix" in done.stderr
    assert not (tmp_path / "share").exists()
