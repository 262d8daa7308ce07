"""The pupils' recorded mistakes (tests/hints/pupil_programs.py) in the real notebook kernel on
the simulator: the cell's line and the same French hint as in the terminal; warnings on a cell
before it runs, each once per session."""

from __future__ import annotations

import pytest

from tests.helpers.kernel import KernelSession
from tests.hints.pupil_programs import MISTAKES


def plain(text: str) -> str:
    """A traceback without its colours, no-break spaces read as spaces."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\u00a0", " ")


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_recorded_mistake_gets_its_cell_line_and_hint(
    sim_kernel: KernelSession, name: str
) -> None:
    mistake = MISTAKES[name]
    run = sim_kernel.run("%ls\n" + mistake.code)  # a magic line above: the cell's lines count
    assert run.status == "error"
    assert run.reply["ename"] == mistake.ename
    text = plain(run.traceback)
    assert f"Cellule, ligne {mistake.line + 1}" in text, text
    assert mistake.hint in text, text
    assert "<stdin>" not in text


def test_warnings_come_before_the_run_once_per_session_and_never_block(
    sim_kernel: KernelSession,
) -> None:
    cell = "from microbit import *\nsleep(1)\nprint('fini')"
    run = sim_kernel.run(cell)
    assert run.status == "ok"
    assert run.stream("stdout") == "fini\n"
    warning = plain(run.stream("stderr"))
    assert "Attention (ligne 2) : sleep(1) attend 1 ms" in warning
    assert "écris sleep(1000)" in warning
    again = sim_kernel.run(cell)
    assert again.status == "ok" and "sleep(1)" not in again.stream("stderr")
