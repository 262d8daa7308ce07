"""Add an activity to the course (nbgrader's generate_assignment from its source notebook) and
make the zip that goes on the ENT: the pupil notebook, the driver files it needs, a README."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from tne.i18n import _

from .catalogue import Activity, find_activity
from .course import Course, course_directory
from .errors import ClassroomError
from .grading import grading_device
from .verify import METADATA_KEY

#: Driver files a pupil needs next to the notebook, by the activity's hardware.
DRIVERS = {"maqueen": ["maqueen.py"]}
DRIVER_FOLDER = Path(__file__).resolve().parent.parent.parent / "device_bridge" / "sim" / "robots"
README = "LISEZMOI.txt"


def notebook_name(activity: Activity) -> str:
    """The pupil notebook's name: the activity id (ENT files then read NOM_Prénom_<id>)."""
    return f"{activity.id}.ipynb"


def driver_files(activity: Activity) -> list[Path]:
    return [DRIVER_FOLDER / "lib" / name for name in DRIVERS.get(activity.hardware, [])]


def add_activity(course: Course, activity_id: str) -> Activity:
    """Copy the activity's source notebook into the course and generate the pupil version."""
    from nbgrader.apps.api import capture_log
    from nbgrader.converters import GenerateAssignment

    activity = find_activity(activity_id)
    source = course.folder("source", activity.id)
    source.mkdir(parents=True, exist_ok=True)
    notebook = json.loads(activity.notebook.read_text(encoding="utf-8"))
    # nbgrader keeps the notebook's metadata in the pupil version: `%verifier` reads the board.
    notebook.setdefault("metadata", {})[METADATA_KEY] = {
        "activity": activity.id,
        "board": grading_device(activity),
    }
    (source / notebook_name(activity)).write_text(
        json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for driver in driver_files(activity):
        shutil.copyfile(driver, source / driver.name)
    coursedir, config = course_directory(course)
    coursedir.assignment_id = activity.id
    app = GenerateAssignment(coursedir=coursedir, config=config)
    app.force = True
    app.create_assignment = True
    result = capture_log(app)
    if not result["success"]:
        raise ClassroomError(
            _("nbgrader could not make the pupil version of {id}:\n{log}").format(
                id=activity.id, log=short_log(result)
            )
        )
    return activity


def short_log(result: dict) -> str:
    """The error lines of an nbgrader run (the full log is for developers)."""
    lines = (result.get("log") or "").splitlines() + (result.get("error") or "").splitlines()
    picked = [line for line in lines if "ERROR" in line or "Error" in line] or lines[-5:]
    return "\n".join(picked[-10:])


def readme_text(activity: Activity) -> str:
    return "\n".join(
        [
            activity.title,
            "",
            _("1. Unzip this folder (right click, Extract all)."),
            _("2. Open {notebook} in JupyterLab (tne lab), follow the steps.").format(
                notebook=notebook_name(activity)
            ),
            _(
                "3. Save (Ctrl+S), then type %verifier in a new cell and run it: it says which "
                "tests do not pass yet."
            ),
            _("4. Hand in only the file {notebook} on the ENT.").format(
                notebook=notebook_name(activity)
            ),
            _("Do not rename it and do not remove the test cells: they give your mark."),
            "",
        ]
    )


def release_zip(course: Course, activity_id: str) -> Path:
    """`distribution/<id>.zip`: the pupil version, its files, and a README for pupils."""
    activity = find_activity(activity_id)
    released = course.folder("release", activity.id)
    if not (released / notebook_name(activity)).is_file():
        raise ClassroomError(
            _("The activity {id} is not in the course yet: run tne class add {id} first.").format(
                id=activity.id
            )
        )
    target = course.root / "distribution" / f"{activity.id}.zip"
    target.parent.mkdir(exist_ok=True)
    temporary = target.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(released.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                archive.write(path, f"{activity.id}/{path.relative_to(released).as_posix()}")
        archive.writestr(f"{activity.id}/{README}", readme_text(activity).replace("\n", "\r\n"))
    temporary.replace(target)
    return target
