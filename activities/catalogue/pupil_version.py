"""The pupil version of an activity's notebook, made in-process by nbgrader's own preprocessors:
what `nbgrader generate_assignment` releases (graded cells locked, solutions replaced by the
stubs, outputs cleared, hidden tests and mark schemes removed, checksums recorded), without a
course folder, a gradebook or a subprocess, so that `tne lab` can give a pupil the first lesson
offline. The stubs are defined here once; the classroom's course configuration uses them too.
"""

from __future__ import annotations

import os
from pathlib import Path

from tne.i18n import _


def code_stub() -> str:
    """What replaces a solution region in a code cell (the pupil's program then stops with
    `NotImplementedError`, which the checks word as « Tu n'as pas encore écrit ton programme »)."""
    return _("# WRITE YOUR CODE HERE") + "\nraise NotImplementedError()"


def text_stub() -> str:
    """What replaces the answer of a manually graded text cell."""
    return _("WRITE YOUR ANSWER HERE")


def pupil_notebook(source: Path):  # -> nbformat.NotebookNode (imported lazily: seconds)
    """The released notebook made from the activity's source notebook `source`."""
    import nbformat
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    notebook = nbformat.read(source, as_version=nbformat.NO_CONVERT)
    # generate_assignment's order, less what needs a course (header, tests templates, gradebook).
    steps = [
        LockCells(),
        ClearSolutions(code_stub={"python": code_stub()}, text_stub=text_stub()),
        ClearOutput(),
        CheckCellMetadata(),
        ComputeChecksums(),
        ClearHiddenTests(),
        ClearMarkScheme(),
        ComputeChecksums(),
        CheckCellMetadata(),
    ]
    resources: dict = {}
    for step in steps:
        notebook, resources = step.preprocess(notebook, resources)
    return notebook


def write_pupil_notebook(source: Path, target: Path) -> Path:
    """Write the pupil version of `source` to `target` whole or not at all (a start cut short
    must not leave a half notebook that would then be kept as the pupil's work)."""
    import nbformat

    notebook = pupil_notebook(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partiel")
    try:
        with open(partial, "w", encoding="utf-8") as stream:
            nbformat.write(notebook, stream)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
