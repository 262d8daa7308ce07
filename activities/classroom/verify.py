"""« Vérifier »: before handing in, a pupil runs the visible tests of their saved notebook the way
the teacher's grading will (nbgrader's validate, on the grading kernel and a fresh simulated
board), and reads the outcome in French (`%verifier` in the kernel).

The notebook runs in a child process (`python -m activities.classroom.verify NOTEBOOK`) whose
`JUPYTER_PATH` leads to a grading kernelspec written in a temporary folder: the pupil's kernel,
and the board it may hold, are left alone, and what passes here passes in the teacher's grading
(hidden tests aside: the pupil's copy does not have them). The board to simulate comes from
the notebook's `tne` metadata, stamped by `tne class add` (`sim:maqueen` for a robot activity).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tne.i18n import _

from .course import CELL_TIMEOUT, NOTEBOOK_TIMEOUT
from .errors import ClassroomError

#: The notebook metadata key where `tne class add` names the activity and its board.
METADATA_KEY = "tne"


@dataclass
class Verdict:
    """What the pupil's visible tests said."""

    tests: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (test cell, last error line)
    changed: list[str] = field(default_factory=list)  # test cells the pupil edited

    @property
    def ok(self) -> bool:
        return not self.failed and not self.changed


def board_of(notebook: dict) -> str:
    """The simulated board the notebook's activity is graded on."""
    stamp = notebook.get("metadata", {}).get(METADATA_KEY, {})
    board = stamp.get("board") if isinstance(stamp, dict) else None
    return board if isinstance(board, str) and board.startswith("sim") else "sim"


def verify(path: Path, timeout: int = NOTEBOOK_TIMEOUT) -> Verdict:
    """Run the saved notebook's visible tests in a child process; a French `ClassroomError`
    when the notebook cannot be read or the run does not end."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ClassroomError(
            _("Cannot read the notebook {name}: {error}").format(name=path.name, error=error)
        ) from error
    from kernels.microbit.grading import GRADING_DEVICE_VARIABLE
    from kernels.microbit.install import write_grading_spec

    with tempfile.TemporaryDirectory(prefix="tne-verifier-") as folder:
        write_grading_spec(Path(folder) / "kernels")
        env = dict(os.environ, JUPYTER_PATH=folder, **{GRADING_DEVICE_VARIABLE: board_of(notebook)})
        try:
            done = subprocess.run(
                [sys.executable, "-m", __name__, str(path)],
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=timeout + 30,
                cwd=path.parent,
            )
        except subprocess.TimeoutExpired as error:
            raise ClassroomError(
                _("The check took longer than {seconds} s and was stopped.").format(seconds=timeout)
            ) from error
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ClassroomError(
            _("The check could not run: {error}").format(
                error=(done.stderr.strip().splitlines() or ["?"])[-1]
            )
        ) from None
    return Verdict(
        tests=found["tests"],
        failed=[(cell, error) for cell, error in found["failed"]],
        changed=found["changed"],
    )


def _validate(path: Path) -> dict[str, object]:
    """In the child: nbgrader's Validator with the grading kernel and tne's time limits."""
    from nbconvert.filters import strip_ansi
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput
    from nbgrader.validator import Validator
    from traitlets.config import Config

    from .nbgrader_parts import GradingExecute

    config = Config()
    config.Validator.preprocessors = [CheckCellMetadata, ClearOutput, GradingExecute]
    config.Execute.timeout = CELL_TIMEOUT
    config.GradingExecute.notebook_timeout = NOTEBOOK_TIMEOUT
    results = Validator(config=config).validate(str(path))
    notebook = json.loads(path.read_text(encoding="utf-8"))
    ids = {}
    tests = 0
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        text = ("".join(source) if isinstance(source, list) else source).strip()
        ids[text] = meta.get("grade_id", "?")
        tests += bool(meta.get("grade") and not meta.get("solution"))

    def last_line(error: str) -> str:
        lines = [line for line in strip_ansi(error).strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    return {
        "tests": tests,
        "failed": [
            (ids.get(cell["source"], "?"), last_line(cell.get("raw_error", "")))
            for cell in results.get("failed", [])
        ],
        "changed": [
            ids.get(cell["source"], "?")
            for cell in [*results.get("changed", []), *results.get("type_changed", [])]
        ],
    }


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    print(json.dumps(_validate(Path(sys.argv[1]))))
