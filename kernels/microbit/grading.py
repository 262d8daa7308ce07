"""The kernel's grading mode: the same kernel, with no way to the host.

`tne class grade` runs every submission on the grading kernelspec (`tne-microbit-grading`,
`kernels/microbit/install.py`), which sets `TNE_GRADING=1`. In that mode a cell may only run on
a fresh simulated board: `%%host`, the magics that reach the computer (`%put`, `%get`, `%flash`,
`%connect`, `%devices`, `%sim`), shell lines (`!ls`) and every magic not known to be safe are
refused with a French message, and `input()` fails at once instead of waiting for an answer
nobody will type. What remains allowed only touches the simulated board (`%ls`, `%rm`,
`%reset`, `%save`) or is the activities' check mechanism (`%%check`), which reads the
simulator's trace on the host through its own query API.

The refusal is decided here, from the parsed cell, before anything runs; the pupil's code
itself runs sealed in the simulator's WebAssembly engine whatever it says.
"""

from __future__ import annotations

import os

from device_bridge import parse_address
from tne.i18n import _

from .cell import Cell

#: Set to "1" by the grading kernelspec.
GRADING_VARIABLE = "TNE_GRADING"
#: The simulated board to grade on (`sim`, `sim:maqueen`, `sim@v1`), set by `tne class grade`
#: from the activity's metadata; anything but a simulator address is ignored.
GRADING_DEVICE_VARIABLE = "TNE_GRADING_DEVICE"
#: Magics that only touch the simulated board, and the activities' `%%check` cell magic.
ALLOWED_MAGICS = frozenset({"ls", "rm", "reset", "lsmagic", "help", "check"})


def grading_mode() -> bool:
    """Whether this kernel was started by the grading kernelspec."""
    return os.environ.get(GRADING_VARIABLE, "").strip() == "1"


def grading_address() -> str:
    """The simulated board to grade on: `TNE_GRADING_DEVICE` when it names a simulator, else
    `sim` (never a real board, whatever `TNE_DEVICE` says)."""
    given = os.environ.get(GRADING_DEVICE_VARIABLE, "").strip()
    if given:
        try:
            if parse_address(given).kind == "sim":
                return given
        except Exception:  # noqa: BLE001 - a bad value falls back to the plain simulator
            pass
    return "sim"


def magic_name(text: str) -> str:
    """`connect` for `connect sim`, `host` for `%host` (a cell magic's text after one `%`)."""
    words = text.lstrip("%").split(maxsplit=1)
    name = words[0] if words else ""
    return name.rstrip("?")


def refusal(cell: Cell) -> str | None:
    """The French reason why this cell may not run during grading, or None."""
    if cell.host is not None:
        return _(
            "During grading, %%host cells do not run: the pupil's notebook cannot reach the "
            "teacher's computer."
        )
    for _line, text in cell.magics:
        name = magic_name(text)
        if name not in ALLOWED_MAGICS:
            return _(
                "During grading, the magic command %{name} is refused: only the simulated "
                "board can be used."
            ).format(name=name)
    for line in cell.code.split("\n"):
        if line.lstrip().startswith("!"):
            return _(
                "During grading, shell commands (lines starting with !) are refused: the "
                "pupil's notebook cannot reach the teacher's computer."
            )
    return None
