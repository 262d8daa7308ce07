"""What tne adds to nbgrader, plugged in through the course's nbgrader_config.py (`configure`).

- `GradingExecute`: nbgrader's Execute on the grading kernel whatever kernel the notebook
  declares (a missing or foreign kernelspec no longer grades as 0), with a time limit for the
  whole notebook on top of nbgrader's per-cell one; cells past it are marked failed, in French.
- `HideHiddenTests`: feedback never shows a hidden test, neither its code nor what it printed
  or the traceback that would quote it.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from kernels.microbit.forked import ForkingKernelManager
from kernels.microbit.install import GRADING_KERNEL_NAME
from tne.i18n import _

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.DOTALL)


def french_error(name: str, message: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=name, evalue=message, traceback=[f"{name}: {message}"]
    )


class GradingExecute(Execute):
    """Runs a submission on the grading kernel, within a per-notebook time limit."""

    notebook_timeout = Integer(
        120, help="Seconds for the whole notebook; cells past it are not run and fail."
    ).tag(config=True)
    grading_kernel = Unicode(
        GRADING_KERNEL_NAME, help="The kernelspec every submission runs on."
    ).tag(config=True)

    #: A cell stopped at its limit may still be flushing output when its reply is made up; the
    #: notebook goes on (nbgrader's default would abandon the whole notebook, and its mark).
    raise_on_iopub_timeout = Bool(False).tag(config=True)

    fork_kernels = Bool(
        True,
        help="Fork each submission's kernel from a warm template where the system can "
        "(kernels/microbit/forked.py), a new process either way; False: nbgrader's own launch.",
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.fork_kernels:  # nbgrader's Execute sets its manager class over any config
            self.kernel_manager_class = ForkingKernelManager
        self._deadline = 0.0
        self.error_on_timeout = {
            "ename": "CellTimeoutError",
            "evalue": "",
            "traceback": [
                _("Time limit: this cell ran for more than {seconds} s and was stopped.").format(
                    seconds=self.timeout
                )
            ],
        }

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self.kernel_name = self.grading_kernel
        self._deadline = 0.0  # set at the first cell: the kernel's start is not the pupil's
        self.timeout_func = self._cell_timeout
        return super().preprocess(nb, resources, km)

    def _cell_timeout(self, cell: NotebookNode) -> int:
        """The cell's limit, cut to what is left of the notebook's (rounded up, so that an
        endless cell ends past the notebook's limit and the cells after it are not run)."""
        left = math.ceil(self._deadline - time.monotonic())
        return max(1, min(self.timeout or left, left))

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if not self._deadline:
            self._deadline = time.monotonic() + self.notebook_timeout
        if cell.cell_type == "code" and cell.source.strip() and time.monotonic() >= self._deadline:
            cell.outputs = [
                french_error(
                    "NotebookTimeoutError",
                    _(
                        "Time limit: the notebook ran for more than {seconds} s, so this cell "
                        "was not run."
                    ).format(seconds=self.notebook_timeout),
                )
            ]
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


class HideHiddenTests(Preprocessor):
    """For feedback: hidden tests leave their cell, and a cell that held some shows neither
    what it printed nor its traceback, only whether it passed."""

    enabled = Bool(True)  # nbconvert's preprocessors are off unless told otherwise

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code" or not HIDDEN.search(cell.source):
            return cell, resources
        cell.source = HIDDEN.sub("", cell.source)
        failed = any(output.output_type == "error" for output in cell.get("outputs", []))
        cell.outputs = [
            NotebookNode(
                output_type="stream",
                name="stderr" if failed else "stdout",
                text=(
                    _(
                        "A test of this cell did not pass (some of its tests are hidden): read "
                        "the instructions again."
                    )
                    if failed
                    else _("The hidden tests passed.")
                )
                + "\n",
            )
        ]
        return cell, resources


def configure(c: Any) -> None:
    """The settings every tne course shares (called at the end of nbgrader_config.py)."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from .paths import feedback_template_dir, nbgrader_templates

    c.Autograde.autograde_preprocessors = [
        GradingExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [HideHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
    c.HTMLExporter.extra_template_basedirs = [
        str(feedback_template_dir().parent),
        str(nbgrader_templates()),
    ]
    c.HTMLExporter.template_name = feedback_template_dir().name
    c.LimitOutput.max_lines = 200
    c.LimitOutput.max_traceback = 40
