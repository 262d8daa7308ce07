"""The course folder: where nbgrader keeps a class's activities, submissions and gradebook.

`tne class init` writes it whole (nbgrader_config.py with French code stubs and time limits,
the grading kernelspec, a marker file), so the teacher never configures nbgrader by hand. Every
other step finds it (`locate`) and hands nbgrader an explicit root and gradebook: nbgrader run
outside its course root silently makes an empty gradebook, which can never happen here, whatever
the current directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from activities.catalogue.pupil_version import code_stub, text_stub
from activities.nbgrader_path import alembic_on_path
from tne.config import config_dir
from tne.i18n import _

from .errors import ClassroomError

MARKER = ".tne-cours.json"
CONFIG_FILE = "nbgrader_config.py"
COURSE_VARIABLE = "TNE_COURSE"
#: Remembers the last course made or used on this machine (in the user's tne folder).
LAST_COURSE_FILE = "cours-actuel.txt"
#: Default time limits, in seconds: one cell, one whole notebook.
CELL_TIMEOUT = 10
NOTEBOOK_TIMEOUT = 120
COURSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class Course:
    """A course folder (absolute)."""

    root: Path

    @property
    def id(self) -> str:
        return str(self.settings().get("course_id", self.root.name))

    @property
    def db_url(self) -> str:
        return "sqlite:///" + (self.root / "gradebook.db").as_posix()

    @property
    def kernels(self) -> Path:
        """The folder that `JUPYTER_PATH` points at while grading (holds `kernels/`)."""
        return self.root / ".tne"

    @property
    def students_file(self) -> Path:
        return self.root / ".tne" / "eleves.json"

    def folder(self, step: str, *parts: str) -> Path:
        """nbgrader's folders: source, release, submitted, autograded, feedback."""
        return self.root.joinpath(step, *parts)

    def settings(self) -> dict[str, Any]:
        try:
            return json.loads((self.root / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def update_settings(self, **changes: Any) -> None:
        """Write `changes` into the course's marker file, keeping its other settings."""
        (self.root / MARKER).write_text(
            json.dumps(self.settings() | changes, indent=2), encoding="utf-8"
        )


def init_course(
    course_id: str,
    directory: Path | None = None,
    cell_timeout: int = CELL_TIMEOUT,
    notebook_timeout: int = NOTEBOOK_TIMEOUT,
) -> Course:
    """Create the course folder `directory/course_id` (default: the current folder)."""
    from kernels.microbit.install import write_grading_spec

    if not COURSE_ID.match(course_id):
        raise ClassroomError(
            _(
                "'{name}' cannot name a course: use letters without accents, digits, '-' or '_' "
                "(for example techno-4e-2026)."
            ).format(name=course_id)
        )
    if cell_timeout <= 0 or notebook_timeout < cell_timeout:
        raise ClassroomError(
            _("The time limits must be positive, and the notebook's at least the cell's.")
        )
    root = ((directory or Path.cwd()) / course_id).resolve()
    if (root / MARKER).exists():
        raise ClassroomError(
            _("The course {path} already exists: nothing was changed.").format(path=root)
        )
    if root.exists() and any(root.iterdir()):
        raise ClassroomError(
            _("The folder {path} is not empty: choose another name or another folder.").format(
                path=root
            )
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        for step in ("source", "release", "submitted", "autograded", "feedback"):
            (root / step).mkdir(exist_ok=True)
        write_grading_spec(root / ".tne" / "kernels")
        (root / CONFIG_FILE).write_text(
            config_text(course_id, cell_timeout, notebook_timeout), encoding="utf-8"
        )
        Course(root).update_settings(course_id=course_id, format=1)
    except OSError as error:
        raise ClassroomError(
            _("Cannot create the course in {path}: {error}").format(
                path=root, error=error.strerror or error
            )
        ) from error
    remember(root)
    return Course(root)


def config_text(course_id: str, cell_timeout: int, notebook_timeout: int) -> str:
    """nbgrader_config.py: readable by a teacher, values only (the logic is in
    `nbgrader_parts.configure`)."""
    return (
        f"# {_('Written by tne class init: change the time limits here if needed.')}\n"
        "from activities.classroom.nbgrader_parts import configure\n\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.ClearSolutions.code_stub = {{'python': {code_stub()!r}}}\n"
        f"c.ClearSolutions.text_stub = {text_stub()!r}\n"
        f"c.Execute.timeout = {cell_timeout}  # s, per cell\n"
        f"c.GradingExecute.notebook_timeout = {notebook_timeout}  # s, per notebook\n"
        "configure(c)\n"
    )


def remember(root: Path) -> None:
    """This course becomes the one used when no other is named."""
    try:
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LAST_COURSE_FILE).write_text(str(root), encoding="utf-8")
    except OSError:
        pass  # only a convenience: --course still works


def locate(given: Path | None = None) -> Course:
    """The course to work on: `--course`, else `TNE_COURSE`, else the course that holds the
    current folder, else the last one made or used here."""
    candidates: list[Path] = []
    if given is not None:
        candidates = [given]
    elif os.environ.get(COURSE_VARIABLE):
        candidates = [Path(os.environ[COURSE_VARIABLE])]
    else:
        here = Path.cwd().resolve()
        candidates = [here, *here.parents]
        remembered = config_dir() / LAST_COURSE_FILE
        with contextlib.suppress(OSError):
            candidates.append(Path(remembered.read_text(encoding="utf-8").strip()))
    for candidate in candidates:
        if (candidate / MARKER).is_file():
            return Course(candidate.resolve())
    if given is not None or os.environ.get(COURSE_VARIABLE):
        raise ClassroomError(
            _("{path} is not a course folder made by tne class init.").format(path=candidates[0])
        )
    raise ClassroomError(
        _(
            "No course found. Create one with tne class init COURSE, or name it with "
            "--course FOLDER."
        )
    )


def nbgrader_config(course: Course) -> Any:
    """The course's nbgrader configuration, with its root and gradebook made explicit."""
    alembic_on_path()
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    try:
        config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
    except ConfigFileNotFound as error:
        raise ClassroomError(
            _("The course {path} has no {file}: create it again with tne class init.").format(
                path=course.root, file=CONFIG_FILE
            )
        ) from error
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.db_url
    return config


def course_directory(course: Course) -> Any:
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(course)
    return CourseDirectory(config=config), config


def gradebook(course: Course) -> Any:
    """nbgrader's gradebook of this course (a context manager)."""
    from nbgrader.api import Gradebook

    alembic_on_path()
    return Gradebook(course.db_url, course.id)
