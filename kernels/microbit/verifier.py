"""`%verifier`: the pupil checks the saved notebook before handing it in, and reads in French
what the teacher's grading will find (activities/classroom/verify.py runs nbgrader's validate
on the grading kernel).

The notebook is the one this kernel was started for: Jupyter's server gives its path in
`JPY_SESSION_NAME` (relative to the server's root) and starts the kernel in its folder.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from device_bridge.errors import UsageError
from tne.i18n import _, ngettext

SESSION_VARIABLE = "JPY_SESSION_NAME"


def session_notebook() -> Path | None:
    """The saved notebook this kernel runs, when Jupyter's server said which."""
    name = os.environ.get(SESSION_VARIABLE, "").strip()
    if not name.endswith(".ipynb"):
        return None
    candidate = Path.cwd() / PurePosixPath(name).name
    return candidate if candidate.is_file() else None


def verifier(context, args: list[str]) -> None:
    from activities.classroom.errors import ClassroomError
    from activities.classroom.verify import verify

    if args:
        raise UsageError(_("%verifier takes no argument: it checks this notebook."))
    notebook = session_notebook()
    if notebook is None:
        raise UsageError(
            _("%verifier checks a notebook opened in JupyterLab: none was found for this kernel.")
        )
    context.say(
        _("Checking {name} as it is saved (save it first: Ctrl+S)...").format(name=notebook.name)
        + "\n"
    )
    try:
        verdict = verify(notebook)
    except ClassroomError as problem:
        raise UsageError(problem.message) from None
    for cell in verdict.changed:
        context.say(
            _(
                "You changed the test cell {cell}: put it back as it was, the original is used "
                "to grade."
            ).format(cell=cell)
            + "\n"
        )
    if verdict.failed:
        context.say(
            ngettext(
                "{count} test does not pass yet:",
                "{count} tests do not pass yet:",
                len(verdict.failed),
            ).format(count=len(verdict.failed))
            + "\n"
        )
        for cell, error in verdict.failed:
            context.say(f"  - {cell}\u00a0: {error}\n")
    elif not verdict.tests:
        context.say(_("This notebook has no test to check.") + "\n")
    elif not verdict.changed:
        context.say(
            ngettext(
                "The {count} test of your notebook passes: you can hand it in. Your teacher "
                "may have other tests.",
                "All {count} tests of your notebook pass: you can hand it in. Your teacher "
                "may have other tests.",
                verdict.tests,
            ).format(count=verdict.tests)
            + "\n"
        )
