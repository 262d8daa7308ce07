"""A pupil's error and the warnings on their program, in the terminal (`tne run`, `tne exec`).

The reading of the error and the hint come from the one hints engine (tne/hints.py), the
warnings from tne/program_warnings.py; this module only says them on stderr, with the pupil's
file (or « Commande » for `tne exec`) in place of the board's `<stdin>`.
"""

from __future__ import annotations

from collections.abc import Callable

from tne.hints import Explanation, explain, file_line
from tne.i18n import _
from tne.program_warnings import ProgramWarning

from .output import error, say


def place_for(file_name: str | None) -> Callable[[int], str]:
    """How a line of the pupil's code is named: in their file, or in the command's code."""
    if file_name is None:
        return lambda number: _("Command, line {number}").format(number=number)
    return lambda number: file_line(file_name, number)


def report_pupil_error(
    traceback: str, code: str, file_name: str | None, prefix: str = ""
) -> Explanation:
    """Say the board's error as the pupil reads it; the explanation (for the run's summary)."""
    explained = explain(traceback, code, place_for(file_name))
    for line in explained.lines:
        error(line, prefix)
    if explained.hint:
        say(_("Hint:") + " " + explained.hint, prefix)
    return explained


def say_warnings(warnings: list[ProgramWarning], prefix: str = "") -> None:
    """The warnings on a program, before it runs (they never stop it)."""
    for warning in warnings:
        say(
            _("Warning (line {line}): {text}").format(line=warning.line, text=warning.text),
            prefix,
        )
