"""Board errors as a pupil reads them in the notebook: the cell's own lines and a French hint.

The board reports `File "<stdin>", line N` for the code it was sent; the kernel sent the cell
without its magic lines, so N maps to `Cell.cell_line(N)`. The reading of the error and the hint
come from the one hints engine (tne/hints.py); this module only colours them for Jupyter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tne.hints import explain, split_error_line
from tne.i18n import _

__all__ = ["PupilError", "board_traceback", "hint_line", "kernel_error", "split_error_line"]

RED, BOLD, CYAN, RESET = "\x1b[31m", "\x1b[1m", "\x1b[36m", "\x1b[0m"


@dataclass
class PupilError:
    """A Jupyter `error` reply: `ename`, `evalue`, and the traceback lines to show."""

    ename: str
    evalue: str
    traceback: list[str]

    def content(self) -> dict[str, object]:
        return {"ename": self.ename, "evalue": self.evalue, "traceback": self.traceback}


def board_traceback(
    stderr: str, cell_line: Callable[[int], int], source: list[str], code: str = ""
) -> PupilError:
    """The board's traceback with the cell's line numbers and source lines, and a hint."""
    explained = explain(
        stderr,
        code or "\n".join(source),
        lambda number: _("Cell, line {number}").format(number=number),
        cell_line,
        source,
    )
    shown = list(explained.lines)
    if shown:
        shown[-1] = f"{RED}{BOLD}{shown[-1]}{RESET}"
    if explained.hint:
        shown.append(hint_line(explained.hint))
    return PupilError(explained.ename, explained.evalue, ["\n".join(shown)])


def hint_line(hint: str) -> str:
    label = _("Hint:")  # (not inside the f-string: the catalogue extractor would miss it)
    return f"{CYAN}{label} {hint}{RESET}"


def kernel_error(ename: str, message: str, hint: str = "") -> PupilError:
    """An error that does not come from the board's code (board missing, bad magic...)."""
    lines = [f"{RED}{BOLD}{message}{RESET}"]
    if hint:
        lines.append(hint_line(hint))
    return PupilError(ename, message, ["\n".join(lines)])
