"""`input()` in `tne run`: the program reads the terminal's lines; a closed input makes it fail
in French; Ctrl-C stops a program that waits (exit 130), also under a parent that ignores
SIGINT. On the simulator and on the real firmware in QEMU."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import clean_environment, read_line, start_tne, tne
from tests.conftest import require_qemu
from tests.helpers import qemu

PROGRAM = "print('question')\nnom = input('nom ? ')\nprint('bonjour', nom)\n"


@pytest.fixture(params=["sim", pytest.param("qemu", marks=pytest.mark.qemu)])
def device(request: pytest.FixtureRequest) -> Iterator[str]:
    """`sim`, or the address of a fresh QEMU micro:bit."""
    if request.param == "sim":
        yield "sim"
        return
    require_qemu()
    with qemu.QemuMicrobit("pty") as board:
        yield board.address


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "question.py"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def test_input_reads_the_line_typed_in_the_terminal(device: str, program: Path) -> None:
    done = tne(
        "run", "--device", device, str(program), env=clean_environment(), stdin="Éloïse\n".encode()
    )

    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == "question\nnom ? bonjour Éloïse\n"


def test_input_with_the_terminal_closed_fails_in_french(device: str, program: Path) -> None:
    done = tne(
        "run", "--device", device, str(program), env=clean_environment(TNE_LANG="fr"), stdin=b""
    )

    assert done.returncode == 1
    assert "l'entrée du terminal est fermée" in done.stderr.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT sent to a process (POSIX)")
@pytest.mark.parametrize(
    "parent_ignores_sigint", [False, True], ids=["terminal", "parent-ignores-sigint"]
)
def test_ctrl_c_while_input_waits_stops_the_program_and_exits_130(
    device: str, program: Path, parent_ignores_sigint: bool
) -> None:
    process = start_tne(
        "run",
        "--device",
        device,
        str(program),
        env=clean_environment(TNE_LANG="fr"),
        parent_ignores_sigint=parent_ignores_sigint,
        stdin=subprocess.PIPE,
    )
    try:
        assert read_line(process, timeout=20) == b"question\n"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()

    assert process.returncode == 130
    assert "Arrêté." in stderr.decode()
