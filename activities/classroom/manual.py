"""`tne class grade ACTIVITY --manual`: the open answers a machine cannot mark, graded by the
teacher in the terminal, into nbgrader's own gradebook.

nbgrader marks a cell that is both an answer and graded (`solution` and `grade` in its
metadata: a written explanation, a project's « cahier des charges ») as needing a manual grade;
formgrader is its web page for that. This is the same job without a browser or a JupyterHub: each
answer is shown with the activity's rubric (`[rubric]` in activity.toml), the teacher types the
points and an optional comment, and each mark is written to the gradebook at once, so an
interrupted session loses nothing. The submission's score, and so `tne class export`'s mark out
of 20, then adds the manual points to the autograded ones (nbgrader's own sum).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from tne.i18n import _

from .catalogue import find_activity
from .course import Course, gradebook
from .errors import ClassroomError
from .grading import submitted_students
from .students import load


@dataclass(frozen=True)
class ManualCell:
    """An answer cell the teacher marks: its nbgrader id and points."""

    grade_id: str
    max_points: float


@dataclass(frozen=True)
class OpenAnswer:
    """One pupil's answer to one manual cell, as handed in, with the mark it has so far."""

    student_id: str
    cell: ManualCell
    text: str
    points: float | None
    comment: str
    criteria: tuple[str, ...]  # the activity's rubric for this cell (none when it has none)


def manual_cells(course: Course, activity_id: str) -> list[ManualCell]:
    """The activity's manually graded cells, in notebook order (read from the course's source
    notebook, the one nbgrader graded against)."""
    source = course.folder("source", activity_id, f"{activity_id}.ipynb")
    try:
        notebook = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ClassroomError(
            _("The activity {id} is not in the course yet: run tne class add {id} first.").format(
                id=activity_id
            )
        ) from error
    found = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("solution"):
            found.append(ManualCell(meta["grade_id"], float(meta.get("points", 0))))
    return found


def answer_text(course: Course, activity_id: str, student_id: str, grade_id: str) -> str:
    """What the pupil wrote in the cell (as autograded), or an empty text."""
    path = course.folder("autograded", student_id, activity_id, f"{activity_id}.ipynb")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for cell in notebook.get("cells", []):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            source = cell.get("source", "")
            return ("".join(source) if isinstance(source, list) else str(source)).strip()
    return ""


def open_answers(course: Course, activity_id: str, again: bool = False) -> Iterator[OpenAnswer]:
    """Every autograded pupil's answer to every manual cell, not yet marked (all of them with
    `again`), pupil by pupil in alphabetical order."""
    from nbgrader.api import MissingEntry

    activity = find_activity(activity_id)
    cells = manual_cells(course, activity.id)
    if not cells:
        raise ClassroomError(
            _("The activity {id} has no answer to grade by hand.").format(id=activity.id)
        )
    listed = {
        pupil.id: (pupil.last_name.casefold(), pupil.first_name.casefold())
        for pupil in load(course)
    }
    students = sorted(
        (
            student
            for student in submitted_students(course, activity.id)
            if course.folder("autograded", student, activity.id).is_dir()
        ),
        key=lambda student: (listed.get(student, ("\uffff",)), student),
    )  # in the class list's alphabetical order, as a teacher goes through the copies
    if not students:
        raise ClassroomError(
            _("No notebook of {id} is graded yet: run tne class grade {id} first.").format(
                id=activity.id
            )
        )
    for student in students:
        for cell in cells:
            with gradebook(course) as book, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    grade = book.find_grade(cell.grade_id, activity.id, activity.id, student)
                except MissingEntry:
                    continue
                points = grade.manual_score
                try:
                    comment = book.find_comment(cell.grade_id, activity.id, activity.id, student)
                    remark = comment.manual_comment or ""
                except MissingEntry:
                    remark = ""
            if points is not None and not again:
                continue
            text = answer_text(course, activity.id, student, cell.grade_id)
            criteria = activity.rubric.get(cell.grade_id, ())
            yield OpenAnswer(student, cell, text, points, remark, criteria)


def parse_points(typed: str, cell: ManualCell) -> float:
    """The points typed by the teacher (« 2,5 » or « 2.5 »), or a French error saying what is
    accepted."""
    try:
        points = float(typed.strip().replace(",", "."))
    except ValueError:
        points = -1.0
    if not 0 <= points <= cell.max_points:
        raise ClassroomError(
            _("Type a number of points from 0 to {most}.").format(most=f"{cell.max_points:g}")
        )
    return points


def record_mark(
    course: Course, activity_id: str, answer: OpenAnswer, points: float, comment: str
) -> None:
    """Write one mark (and its comment) to the gradebook now."""
    from nbgrader.api import MissingEntry

    with gradebook(course) as book, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grade = book.find_grade(answer.cell.grade_id, activity_id, activity_id, answer.student_id)
        grade.manual_score = points
        grade.needs_manual_grade = False
        try:
            remark = book.find_comment(
                answer.cell.grade_id, activity_id, activity_id, answer.student_id
            )
            remark.manual_comment = comment.strip() or None
        except MissingEntry:
            pass
        book.db.commit()
