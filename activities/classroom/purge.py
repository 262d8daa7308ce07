"""`tne class purge`: the end of the school year, pupils' data erased (RGPD).

Erases the class list, the gradebook, the submissions, the graded notebooks, the feedback and
the zips made for the ENT; keeps the course's activities (source and pupil versions) and its
configuration, so the course can be used again next year."""

from __future__ import annotations

import shutil

from .course import Course

#: Everything that names or holds a pupil's work.
PUPIL_DATA = ("submitted", "autograded", "feedback", "distribution")
PUPIL_FILES = ("gradebook.db", ".tne/eleves.json")


def purge(course: Course) -> list[str]:
    """Erase; return what was erased (relative paths)."""
    erased = []
    for name in PUPIL_DATA:
        folder = course.root / name
        if folder.exists():
            shutil.rmtree(folder)
            erased.append(name + "/")
            if name != "distribution":
                folder.mkdir()
    for name in PUPIL_FILES:
        path = course.root / name
        if path.exists():
            path.unlink()
            erased.append(name)
    return erased
