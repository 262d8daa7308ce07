"""Fixtures: real course folders made by `tne class init`, the small `double` activity
(tests/classroom/activities/double: a source notebook on tne-microbit with a solution region and
autograded test cells, one with hidden tests), and pupils' submissions as the ENT returns them."""

from __future__ import annotations

import copy
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.classroom.course import Course, init_course
from activities.classroom.distribute import add_activity

ACTIVITIES = Path(__file__).parent / "activities"
CLASS_LIST = (
    "nom;prénom;classe\nDupont;Léa;4B\nMartin;Éloïse;4A\nDupont;Léa;4A\nN'Guyen;Thị Minh;4A\n"
)
GOOD = "def double(n):\n    return n * 2"
WRONG = "def double(n):\n    return abs(n) * 2"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test activities are found; no course of the machine's user is remembered or used."""
    monkeypatch.setenv("TNE_ACTIVITIES_DIR", str(ACTIVITIES))
    monkeypatch.setenv("TNE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("TNE_COURSE", raising=False)
    monkeypatch.setenv("TNE_LANG", "fr")


def make_course(root: Path, name: str = "techno", **limits: int) -> Course:
    course = init_course(name, root, **limits)
    lists = root / "eleves.csv"
    lists.write_text(CLASS_LIST, encoding="utf-8")
    from activities.classroom.students import import_students

    import_students(course, lists)
    return course


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A course with four pupils (two homonyms), without activities."""
    return make_course(tmp_path)


@pytest.fixture(scope="module")
def course_with_activity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    """A course with its pupils and the `double` activity added (nbgrader generate_assignment),
    shared by a module (generating costs seconds)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TNE_ACTIVITIES_DIR", str(ACTIVITIES))
        patch.setenv("TNE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
        course = make_course(tmp_path_factory.mktemp("course"), cell_timeout=5, notebook_timeout=30)
        add_activity(course, "double")
        yield course


def pupil_notebook(course: Course) -> dict:
    path = course.folder("release", "double", "double.ipynb")
    return json.loads(path.read_text(encoding="utf-8"))


def submission(course: Course, code: str, change=None) -> bytes:
    """The released notebook with the pupil's answer in the solution cell (and `change(nb)`
    applied: a deleted test cell, another kernelspec...)."""
    notebook = copy.deepcopy(pupil_notebook(course))
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = code
    if change is not None:
        change(notebook)
    return json.dumps(notebook, ensure_ascii=False).encode("utf-8")


def ent_zip(path: Path, files: dict[str, bytes], dates: dict[str, tuple] | None = None) -> Path:
    """A zip as the ENT makes it (UTF-8 names flagged)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, (dates or {}).get(name, (2026, 11, 30, 10, 0, 0)))
            archive.writestr(info, data)
    return path
