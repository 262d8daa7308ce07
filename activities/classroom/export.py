"""`tne class export`: the marks as a CSV to paste into Pronote (`nom;prénom;note/20`),
through the project's one CSV writer (formula injection neutralised, French decimals)."""

from __future__ import annotations

from pathlib import Path

from tne.csv_export import save_csv
from tne.i18n import _

from .course import Course, gradebook
from .errors import ClassroomError
from .students import load


def marks(course: Course, activity_id: str | None) -> list[tuple[str, str, float | None]]:
    """(last name, first name, mark out of 20 or None when nothing was graded)."""
    from nbgrader.api import MissingEntry

    rows = []
    with gradebook(course) as book:
        assignments = [a.name for a in book.assignments]
        if activity_id is not None and activity_id not in assignments:
            raise ClassroomError(
                _("The activity {id} is not in the course: nothing to export.").format(
                    id=activity_id
                )
            )
        chosen = [activity_id] if activity_id else assignments
        for student in load(course):
            score = total = 0.0
            graded = False
            for name in chosen:
                try:
                    submission = book.find_submission(name, student.id)
                except MissingEntry:
                    assignment = book.find_assignment(name)
                    total += float(assignment.max_score)
                    continue
                graded = True
                score += float(submission.score)
                total += float(submission.max_score)
            mark = round(20 * score / total, 2) if graded and total > 0 else None
            rows.append((student.last_name, student.first_name, mark))
    return rows


def export(course: Course, target: Path, activity_id: str | None = None) -> int:
    rows = marks(course, activity_id)
    if not rows:
        raise ClassroomError(_("The course has no pupils yet: nothing to export."))
    save_csv(target, ["nom", "prénom", "note/20"], rows)
    return len(rows)
