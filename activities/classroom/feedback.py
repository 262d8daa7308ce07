"""`tne class feedback`: one French HTML page per pupil (nbgrader's generate_feedback with the
`HideHiddenTests` preprocessor and the French template), zipped for the ENT as
`NOM_Prénom_<activity>.html`."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

from tne.i18n import _

from .catalogue import find_activity
from .course import Course, course_directory
from .distribute import short_log
from .errors import ClassroomError
from .grading import submitted_students
from .students import Student, load


def generate_feedback(course: Course, activity_id: str) -> list[Path]:
    """The feedback pages of every graded submission."""
    from nbgrader.apps.api import capture_log
    from nbgrader.converters import GenerateFeedback

    activity = find_activity(activity_id)
    graded = [
        s
        for s in submitted_students(course, activity.id)
        if course.folder("autograded", s, activity.id).is_dir()
    ]
    if not graded:
        raise ClassroomError(
            _("No graded submission of {id}: run tne class grade {id} first.").format(
                id=activity.id
            )
        )
    coursedir, config = course_directory(course)
    coursedir.assignment_id = activity.id
    pages = []
    for student in graded:
        coursedir.student_id = student
        app = GenerateFeedback(coursedir=coursedir, config=config)
        app.force = True
        result = capture_log(app)
        if not result["success"]:
            raise ClassroomError(
                _("nbgrader could not write the feedback of {student}:\n{log}").format(
                    student=student, log=short_log(result)
                )
            )
        pages += sorted(course.folder("feedback", student, activity.id).glob("*.html"))
    return pages


def ent_names(students: list[Student]) -> dict[str, str]:
    """`NOM_Prénom` per pupil id, as the ENT names files; homonyms get their class too."""
    plain = {s.id: f"{s.last_name.upper()}_{s.first_name}" for s in students}
    counts = Counter(plain.values())
    return {
        s.id: plain[s.id] + (f"_{s.group or s.id}" if counts[plain[s.id]] > 1 else "")
        for s in students
    }


def feedback_zip(course: Course, activity_id: str) -> Path:
    """`distribution/retours-<id>.zip`: one page per pupil, named as the ENT names files."""
    activity = find_activity(activity_id)
    pages = generate_feedback(course, activity.id)
    names = ent_names(load(course))
    target = course.root / "distribution" / f"retours-{activity.id}.zip"
    target.parent.mkdir(exist_ok=True)
    temporary = target.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in pages:
            student = page.parent.parent.name
            name = names.get(student, student).replace(" ", "-").replace("/", "-")
            archive.write(page, f"{name}_{activity.id}.html")
    temporary.replace(target)
    return target
