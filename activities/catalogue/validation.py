"""`tne activities check`: is an activity ready for a class? Each problem is a French sentence.

`structure_problems` is quick (files, notebook, sheets, the text of every check); `grading
problems` runs the real nbgrader round trip on the simulator (`grading.Course`): the solution
must get every point and the pupil version made by `generate_assignment` none.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tne.i18n import _, ngettext

from .checks import CheckError
from .checks.language import parse, validate
from .checks.session import CheckSession
from .metadata import Activity, MetadataError, activity_folders, load_activity

TEACHER_SECTIONS = (
    "Objectifs",
    "Déroulé minuté",
    "Matériel",
    "Erreurs fréquentes",
    "Différenciation",
    "Corrigé",
)
KERNEL = "tne-microbit"
CHECK_MAGIC = "%%check"
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


@dataclass
class Report:
    """What `check` found for one activity."""

    id: str
    problems: list[str] = field(default_factory=list)
    score: float | None = None  # the solution's score under nbgrader
    max_score: float | None = None  # the autograded points
    released_score: float | None = None
    manual_points: float | None = None  # graded by hand in formgrader, not by autograde

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ok": self.ok,
            "problems": self.problems,
            "score": self.score,
            "max_score": self.max_score,
            "released_score": self.released_score,
            "manual_points": self.manual_points,
        }


def notebook_cells(activity: Activity) -> list[dict]:
    import nbformat

    notebook = nbformat.read(str(activity.notebook), as_version=4)
    nbformat.validate(notebook)
    return notebook


def structure_problems(activity: Activity, known_ids: set[str]) -> list[str]:
    problems = [
        _("The prerequisite '{id}' is not an activity of the catalogue.").format(id=needed)
        for needed in activity.prerequisites
        if needed not in known_ids
    ]
    problems += _notebook_problems(activity)
    problems += _sheet_problems(activity)
    return problems


def _notebook_problems(activity: Activity) -> list[str]:
    if not activity.notebook.is_file():
        return [_("The notebook activite.ipynb is missing.")]
    try:
        notebook = notebook_cells(activity)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds
        return [_("The notebook is not a valid Jupyter notebook: {error}").format(error=error)]
    problems = []
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL:
        problems.append(
            _("The notebook's kernel is '{kernel}'; it must be '{wanted}'.").format(
                kernel=kernel, wanted=KERNEL
            )
        )
    seen: set[str] = set()
    by_hand: set[str] = set()
    solutions = tests = 0
    points = 0.0
    api = CheckSession("").api()
    for cell in notebook.cells:
        grading = cell.metadata.get("nbgrader", {})
        grade_id = grading.get("grade_id")
        if not grade_id:
            continue
        if grade_id in seen:
            problems.append(_("Two cells are named '{id}'.").format(id=grade_id))
        seen.add(grade_id)
        if grading.get("solution") and grading.get("grade"):
            # An answer graded by hand in formgrader (a markdown « cahier des charges »).
            by_hand.add(grade_id)
            if float(grading.get("points", 0) or 0) <= 0:
                problems.append(
                    _("Cell {id}: an answer graded by hand needs points.").format(id=grade_id)
                )
            continue
        if grading.get("solution"):
            solutions += 1
            if "### BEGIN SOLUTION" not in cell.source or "### END SOLUTION" not in cell.source:
                problems.append(
                    _(
                        "Cell {id}: a solution cell needs ### BEGIN SOLUTION and ### END SOLUTION."
                    ).format(id=grade_id)
                )
        if grading.get("grade") and not grading.get("solution"):
            tests += 1
            points += float(grading.get("points", 0) or 0)
            problems += _check_cell_problems(grade_id, cell.source, api)
    if not solutions and not by_hand:
        problems.append(_("The notebook has no solution cell (### BEGIN SOLUTION)."))
    problems += [
        _("rubric: '{id}' is not an answer graded by hand in the notebook.").format(id=cell)
        for cell in sorted(set(activity.rubric) - by_hand)
    ]
    if not tests or points <= 0:
        problems.append(_("The notebook has no graded test cell with points."))
    return problems


def _check_cell_problems(grade_id: str, source: str, api) -> list[str]:
    first, _sep, body = source.partition("\n")
    if first.strip() != CHECK_MAGIC:
        return [
            _("Test cell {id} must begin with %%check (the one check mechanism).").format(
                id=grade_id
            )
        ]
    try:
        validate(parse(body), api)
    except CheckError as error:
        return [_("Test cell {id}: {error}").format(id=grade_id, error=error.message)]
    return []


def _sheet_problems(activity: Activity) -> list[str]:
    problems = []
    for sheet in (activity.teacher_sheet, activity.pupil_sheet):
        if not sheet.is_file() or not sheet.read_text(encoding="utf-8").strip():
            problems.append(_("The sheet {name} is missing or empty.").format(name=sheet.name))
            continue
        text = sheet.read_text(encoding="utf-8")
        for target in IMAGE_LINK.findall(text):
            if "://" not in target and not (sheet.parent / target).is_file():
                problems.append(
                    _("{name} shows the image '{target}', which is not in the folder.").format(
                        name=sheet.name, target=target
                    )
                )
    if activity.teacher_sheet.is_file():
        headings = {
            line.lstrip("#").strip()
            for line in activity.teacher_sheet.read_text(encoding="utf-8").splitlines()
            if line.startswith("## ")
        }
        missing = [section for section in TEACHER_SECTIONS if section not in headings]
        if missing:
            problems.append(
                _("The teacher sheet lacks the section(s): {sections}.").format(
                    sections=", ".join(missing)
                )
            )
    return problems


def grading_problems(activity: Activity, report: Report, workdir: Path) -> list[str]:
    """The nbgrader round trip: the solution gets every point, the released version none."""
    from .grading import Course, GradingError

    course = Course(activity, workdir)
    try:
        released = course.release()
        results = course.grade({"corrige": activity.notebook, "version-eleve": released})
    except GradingError as error:
        return [str(error)]
    solution, pupil = results["corrige"], results["version-eleve"]
    report.score, report.max_score = solution.score, solution.auto_max_score
    report.released_score = pupil.score
    report.manual_points = solution.manual_max_score
    problems = [
        _("The solution fails the test {id}: {error}").format(id=cell.grade_id, error=cell.error)
        for cell in solution.cells.values()
        if cell.points < cell.max_points and not cell.manual
    ]
    if pupil.score > 0:
        problems.append(
            ngettext(
                "The pupil version already gets {score} point before any work.",
                "The pupil version already gets {score} points before any work.",
                max(1, round(pupil.score)),
            ).format(score=pupil.score)
        )
    return problems


def check_activity(folder: Path, known_ids: set[str], grade: bool = True) -> Report:
    report = Report(folder.name)
    try:
        activity = load_activity(folder)
    except MetadataError as error:
        report.problems += error.problems
        return report
    report.problems += structure_problems(activity, known_ids)
    if grade and not report.problems:
        with tempfile.TemporaryDirectory(prefix="tne-activity-") as workdir:
            report.problems += grading_problems(activity, report, Path(workdir))
    return report


def check_catalogue(
    only: str | None = None, grade: bool = True, root: Path | None = None
) -> list[Report]:
    folders = activity_folders(root) if root is not None else activity_folders()
    known = {folder.name for folder in folders}
    chosen = [folder for folder in folders if only is None or folder.name == only]
    return [check_activity(folder, known, grade) for folder in chosen]
