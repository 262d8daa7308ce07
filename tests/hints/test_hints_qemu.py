"""The pupils' recorded mistakes on the real V1 firmware (MicroPython 1.9.2 in QEMU), through
the real `tne run`: the same line and French hint as on the simulator, though the firmware
words its errors its own way (`is not defined`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_qemu
from tests.helpers import qemu

from .pupil_programs import MEMORY, MISTAKES, Mistake
from .test_hints_cli import said, tne

pytestmark = pytest.mark.qemu

ON_QEMU = {name: mistake for name, mistake in MISTAKES.items() if mistake.on_qemu}


@pytest.fixture(scope="module")
def v1() -> Iterator[qemu.QemuMicrobit]:
    require_qemu()
    with qemu.QemuMicrobit("pty") as emulated:
        yield emulated


@pytest.mark.parametrize("name", [*sorted(ON_QEMU), "memory"])
def test_the_v1_firmware_gets_the_same_line_and_hint(
    v1: qemu.QemuMicrobit, name: str, tmp_path: Path
) -> None:
    mistake: Mistake = MEMORY if name == "memory" else ON_QEMU[name]
    program = tmp_path / f"{name}.py"
    program.write_text(mistake.code, encoding="utf-8")
    done = tne("run", "--device", v1.address, program.name, cwd=tmp_path)
    stderr = said(done)
    assert done.returncode == 1, stderr
    assert f"Fichier « {program.name} », ligne {mistake.line}" in stderr
    assert f"\n{mistake.ename}:" in stderr
    assert mistake.hint in stderr, stderr
    assert "<stdin>" not in stderr
