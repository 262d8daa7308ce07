"""`tne class grade`: nbgrader's autograde for every submission, in parallel, on the grading
kernel.

Workers are separate processes (one per core by default), each grading one submission at a
time through nbgrader's own `Autograde` converter, so each submission gets a fresh kernel and so
a fresh simulated board (`GradingExecute`). A worker's environment points `JUPYTER_PATH` at the
course's grading kernelspec and names the simulated board the activity needs; the pupil's code
runs sealed in the simulator's engine, so one notebook can neither reach the teacher's files nor
change the worker that grades the next one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.util import Finalize
from pathlib import Path

from kernels.microbit.install import write_grading_spec
from tne.i18n import _

from .catalogue import Activity, find_activity
from .course import Course, course_directory, gradebook
from .errors import ClassroomError


@dataclass
class Graded:
    """One submission's outcome: its score, or why it has none."""

    student_id: str
    score: float | None = None
    max_score: float = 0.0
    problems: list[str] = field(default_factory=list)


@dataclass
class GradingRun:
    results: list[Graded]
    seconds: float
    workers: int


def grading_device(activity: Activity) -> str:
    """The simulated board the activity is graded on."""
    return "sim:maqueen" if activity.hardware == "maqueen" else "sim"


def _init_worker(course_root: str, device: str) -> None:
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(Course(Path(course_root)).kernels)]
        + ([os.environ["JUPYTER_PATH"]] if os.environ.get("JUPYTER_PATH") else [])
    )
    os.environ["TNE_GRADING_DEVICE"] = device
    # jsonschema's optional `iri` format check imports rfc3987_syntax, which builds an Earley
    # parser at import: 3 CPU-seconds per worker, for a check nbformat's validation never
    # asks for (it passes no format checker). Without the module, jsonschema skips that check.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    os.chdir(course_root)  # nbgrader's relative paths, if any, stay inside the course
    # The worker's kernel template (kernels/microbit/forked.py) ends with the worker; pool
    # workers leave through multiprocessing's finalizers, not atexit.
    from kernels.microbit.forked import close_fork_server  # jupyter_client: in workers only

    Finalize(None, close_fork_server, exitpriority=10)
    # nbgrader's log is captured per submission; the kernels' and SQLAlchemy's chatter on
    # stderr would only scramble the progress bar.
    warnings.simplefilter("ignore")
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)


def grade_one(course_root: str, activity_id: str, student_id: str) -> tuple[str, bool, str]:
    """In a worker: autograde one submission; (student id, success, log)."""
    from nbgrader.apps.api import capture_log
    from nbgrader.converters import Autograde

    course = Course(Path(course_root))
    coursedir, config = course_directory(course)
    coursedir.assignment_id = activity_id
    coursedir.student_id = student_id
    app = Autograde(coursedir=coursedir, config=config)
    app.force = True
    app.create_student = True
    result = capture_log(app)
    return (
        student_id,
        bool(result["success"]),
        (result.get("log") or "") + (result.get("error") or ""),
    )


def grade_and_read(course_root: str, activity_id: str, student_id: str) -> Graded:
    """In a worker: autograde one submission, then read its mark there. The worker that wrote
    the gradebook reads it; the parent reading it while the other workers write would make
    them all wait on SQLite's lock (seconds per notebook, measured)."""
    _id, success, log = grade_one(course_root, activity_id, student_id)
    return read_grade(Course(Path(course_root)), activity_id, student_id, success, log)


def submitted_students(course: Course, activity_id: str) -> list[str]:
    folder = course.folder("submitted")
    return (
        sorted(path.name for path in folder.iterdir() if (path / activity_id).is_dir())
        if folder.is_dir()
        else []
    )


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def grade(
    course: Course,
    activity_id: str,
    workers: int | None = None,
    on_done: Callable[[Graded], None] | None = None,
) -> GradingRun:
    """Autograde every collected submission of `activity_id`."""
    activity = find_activity(activity_id)
    if not course.folder("source", activity.id).is_dir():
        raise ClassroomError(
            _("The activity {id} is not in the course yet: run tne class add {id} first.").format(
                id=activity.id
            )
        )
    students = submitted_students(course, activity.id)
    if not students:
        raise ClassroomError(
            _("No submission of {id} collected yet: run tne class collect {id} ZIP first.").format(
                id=activity.id
            )
        )
    # Written again at each grading: a course made by an earlier tne grades with this one's
    # kernel, its Python and its limits (a `while True:` cell's run limit came later).
    write_grading_spec(course.kernels / "kernels")
    count = max(1, min(workers or default_workers(), len(students)))
    started = time.monotonic()
    results: list[Graded] = []
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(course.root), grading_device(activity)),
    ) as pool:
        futures = {
            pool.submit(grade_and_read, str(course.root), activity.id, student): student
            for student in students
        }
        for future in as_completed(futures):
            student = futures[future]
            try:
                graded = future.result()
            except Exception as error:  # noqa: BLE001 - a crashed worker costs one pupil only
                graded = read_grade(
                    course, activity.id, student, False, f"{type(error).__name__}: {error}"
                )
            results.append(graded)
            if on_done is not None:
                on_done(graded)
    record_usage(activity.id, len(results), sum(1 for r in results if r.score is None))
    results.sort(key=lambda r: r.student_id)
    return GradingRun(results, time.monotonic() - started, count)


def read_grade(
    course: Course, activity_id: str, student_id: str, success: bool, log: str
) -> Graded:
    """The gradebook's score for one submission, with the problems a teacher should know."""
    graded = Graded(student_id)
    graded.problems += tampering(course, activity_id, student_id)
    graded.problems += problems_in(log)
    if not success:
        handed_in = course.folder("submitted", student_id, activity_id, f"{activity_id}.ipynb")
        graded.problems.append(
            _("the notebook is damaged (not valid JSON): it gets no mark.")
            if test_cells(handed_in) is None
            else _("nbgrader could not grade this notebook; it has no mark.")
        )
        return graded
    from nbgrader.api import MissingEntry

    with gradebook(course) as book, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            submission = book.find_submission(activity_id, student_id)
        except MissingEntry:
            graded.problems.append(_("no mark was recorded."))
            return graded
        graded.score = float(submission.score)
        graded.max_score = float(submission.max_score)
        if submission.needs_manual_grade:
            # An answer graded by hand (a written explanation): autograde gave it nothing yet.
            graded.problems.append(
                _(
                    "some answers are graded by hand (tne class grade --manual, or formgrader): "
                    "the exported mark counts them as 0 until then."
                )
            )
    return graded


#: nbgrader's log lines a teacher should hear about, in French.
LOG_PROBLEMS: list[tuple[str, Callable[[], str]]] = [
    ("CellTimeoutError", lambda: _("a cell went past the time limit and was stopped.")),
    ("Timeout waiting for", lambda: _("the notebook went past the time limit.")),
    ("DeadKernelError", lambda: _("the grading kernel stopped during this notebook.")),
]


def test_cells(path: Path) -> dict[str, str] | None:
    """grade id -> source of a notebook's test cells (None when it cannot be read)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        found = {}
        for cell in notebook["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                source = cell.get("source", "")
                found[meta["grade_id"]] = "".join(source) if isinstance(source, list) else source
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def tampering(course: Course, activity_id: str, student_id: str) -> list[str]:
    """What a pupil did to the test cells, in French: a deleted test cell loses its points, an
    edited one is graded as the original (nbgrader puts its source back)."""
    name = f"{activity_id}.ipynb"
    released = test_cells(course.folder("release", activity_id, name))
    handed_in = test_cells(course.folder("submitted", student_id, activity_id, name))
    if released is None or handed_in is None:
        return []
    problems = []
    deleted = sorted(set(released) - set(handed_in))
    if deleted:
        problems.append(
            _("test cells were deleted ({cells}): their points are lost.").format(
                cells=", ".join(deleted)
            )
        )
    edited = sorted(
        grade_id
        for grade_id in set(released) & set(handed_in)
        if released[grade_id].strip() != handed_in[grade_id].strip()
    )
    if edited:
        problems.append(
            _("test cells were changed ({cells}): the originals were used to grade.").format(
                cells=", ".join(edited)
            )
        )
    return problems


def problems_in(log: str) -> list[str]:
    found = []
    for needle, message in LOG_PROBLEMS:
        if needle in log:
            found.append(message())
    return found


def record_usage(activity_id: str, submissions: int, failures: int) -> None:
    """One `grading_run` usage event: the activity and counts, no pupil."""
    with contextlib.suppress(Exception):
        from activities.registry.usage import record_event

        record_event("grading_run", activity=activity_id, cells=submissions, errors=failures)
