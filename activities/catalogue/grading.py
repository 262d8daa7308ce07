"""An activity's notebook through the real nbgrader, in a throw-away course folder: the pupil
version made by `nbgrader generate_assignment`, and submissions graded by `nbgrader autograde`
on the simulator kernel. `tne activities check` and the tests use it to show that the solution
gets every point, that the released version gets none, and what a wrong answer gets.

The classroom commands (`tne class ...`) have their own course folder and grading kernel; this
is only the catalogue's self-check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from activities.nbgrader_path import alembic_on_path
from tne.i18n import _

from .metadata import NOTEBOOK_FILE, Activity

#: The kernel every notebook is graded on, whatever kernel it declares: the simulator, as fast
#: as it goes (kernels/microbit/install.py).
GRADING_KERNEL = "tne-microbit-sim"
#: Seconds a cell may run under autograde before it is interrupted (an endless program loop:
#: its checks run it again on their own board, with a cap on simulated time).
CELL_TIMEOUT = 15


class GradingError(RuntimeError):
    """nbgrader could not do its part; the message says what, in French."""


@dataclass(frozen=True)
class CellResult:
    grade_id: str
    points: float
    max_points: float
    error: str  # the French message of a failed check, "" when it passed
    #: Graded by hand in formgrader (an answer cell with points: a « cahier des charges »);
    #: autograde gives it 0 when left as released, no score otherwise, never its points.
    manual: bool = False


@dataclass(frozen=True)
class Graded:
    score: float
    max_score: float  # every point, those graded by hand included
    cells: dict[str, CellResult]

    @property
    def auto_max_score(self) -> float:
        """The points autograde can give: the teacher grades the rest by hand."""
        return sum(cell.max_points for cell in self.cells.values() if not cell.manual)

    @property
    def manual_max_score(self) -> float:
        return self.max_score - self.auto_max_score


class Course:
    """A throw-away nbgrader course holding one activity as its assignment."""

    def __init__(self, activity: Activity, root: Path) -> None:
        self.activity = activity
        self.root = root
        source = root / "source" / activity.id
        source.mkdir(parents=True, exist_ok=True)
        shutil.copy(activity.notebook, source / NOTEBOOK_FILE)
        (root / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            f"c.ExecutePreprocessor.kernel_name = {GRADING_KERNEL!r}\n"
            f"c.ExecutePreprocessor.timeout = {CELL_TIMEOUT}\n"
            "c.ExecutePreprocessor.interrupt_on_timeout = True\n",
            encoding="utf-8",
        )

    def nbgrader(self, *args: str) -> str:
        """Run the nbgrader command line in the course folder; its output, or GradingError."""
        alembic_on_path()
        env = dict(os.environ)
        env.setdefault("TNE_SIM_SPEED", "0")
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            raise GradingError(
                _("nbgrader {command} failed for the activity {id}:").format(
                    command=args[0], id=self.activity.id
                )
                + "\n"
                + (done.stderr or done.stdout)[-3000:]
            )
        return done.stdout + done.stderr

    def release(self) -> Path:
        """The pupil version, made by `nbgrader generate_assignment`."""
        self.nbgrader("generate_assignment", self.activity.id, "--force")
        return self.root / "release" / self.activity.id / NOTEBOOK_FILE

    def grade(self, submissions: dict[str, Path]) -> dict[str, Graded]:
        """Submit each notebook as its pupil's work and autograde them all in one nbgrader
        run (one start-up for all)."""
        for student, notebook in submissions.items():
            folder = self.root / "submitted" / student / self.activity.id
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook, folder / NOTEBOOK_FILE)
        self.nbgrader("autograde", self.activity.id, "--force")
        return {student: self._read(student) for student in submissions}

    def _read(self, student: str) -> Graded:
        from nbgrader.api import Gradebook

        graded = self.root / "autograded" / student / self.activity.id / NOTEBOOK_FILE
        errors = _errors_by_cell(graded)
        manual = manual_cells(self.activity.notebook)
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gradebook:
            submission = gradebook.find_submission_notebook(
                Path(NOTEBOOK_FILE).stem, self.activity.id, student
            )
            cells = {
                grade.name: CellResult(
                    grade.name,
                    float(grade.score),
                    float(grade.max_score),
                    errors.get(grade.name, ""),
                    grade.name in manual,
                )
                for grade in submission.grades
            }
            return Graded(float(submission.score), float(submission.max_score), cells)


def _errors_by_cell(notebook: Path) -> dict[str, str]:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    found = {}
    for cell in data["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for output in cell.get("outputs", []):
            if grade_id and output.get("output_type") == "error":
                found[grade_id] = str(output.get("evalue", ""))
    return found


def manual_cells(notebook: Path) -> set[str]:
    """The grade ids of the cells graded by hand: nbgrader's answer cells with points (a
    solution cell that is also a grade cell) and its tasks."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    found = set()
    for cell in data["cells"]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("grade_id") and (
            (grading.get("grade") and grading.get("solution")) or grading.get("task")
        ):
            found.add(grading["grade_id"])
    return found


def with_solution(notebook: Path, solutions: dict[str, str], out: Path) -> Path:
    """A copy of `notebook` whose solution cells named in `solutions` hold that code (a pupil's
    answer, right or wrong)."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell["source"] = solutions[grade_id]
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return out
