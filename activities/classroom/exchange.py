"""Distribute and collect through nbgrader's own exchange (a JupyterHub, or one machine shared by
the class), for schools that have one: `tne class release ACTIVITY --exchange` and
`tne class collect ACTIVITY --exchange`.

nbgrader's exchange is a folder every account can write (`/srv/nbgrader/exchange` by default):
the teacher releases into its `outbound`, each pupil fetches and submits from their own account
(the assignment list of JupyterLab, or `nbgrader fetch_assignment` / `submit`), and submissions
land in `inbound` under the pupil's login. Logins are not the course's pupil ids: the class
list may carry them (an `identifiant` column), and a login that is already a pupil's id matches
too. nbgrader's exchange relies on Unix accounts and permissions and has none on Windows, so it
is refused there in French.

Collecting goes through nbgrader's Collect into a temporary course root, then each submission
moves to its pupil's folder under the course (the newest wins, as with the ENT's zips); a login
that matches no pupil is listed, with why, and is not collected.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import warnings
from pathlib import Path

from tne.i18n import _

from .catalogue import find_activity
from .collect import CollectResult, collected_at
from .course import Course, course_directory
from .errors import ClassroomError
from .students import Student, load

#: nbgrader's own default exchange folder.
DEFAULT_ROOT = Path("/srv/nbgrader/exchange")


def refuse_on_windows() -> None:
    if sys.platform == "win32":
        raise ClassroomError(
            _(
                "nbgrader's exchange does not exist on Windows: distribute with --zip through "
                "the ENT."
            )
        )


def exchange_root(course: Course, given: Path | None) -> Path:
    """The exchange folder: the one given (then remembered by the course), else the one the
    course used last, else nbgrader's default."""
    if given is not None:
        course.update_settings(exchange=str(given.resolve()))
        return given.resolve()
    remembered = course.settings().get("exchange")
    return Path(remembered) if isinstance(remembered, str) and remembered else DEFAULT_ROOT


def _exchange_app(kind: str, course: Course, activity_id: str, root: Path, coursedir=None):
    from nbgrader.auth import Authenticator
    from nbgrader.exchange.default import ExchangeCollect, ExchangeReleaseAssignment

    if not root.is_dir():
        raise ClassroomError(
            _(
                "The exchange folder {path} does not exist: it is created once by the machine's "
                "administrator, writable by every account (or give another with --exchange-dir)."
            ).format(path=root)
        )
    own, config = course_directory(course)
    config.Exchange.root = str(root)
    config.CourseDirectory.course_id = course.id
    coursedir = coursedir or own
    coursedir.course_id = course.id
    coursedir.assignment_id = activity_id
    app = {"release": ExchangeReleaseAssignment, "collect": ExchangeCollect}[kind]
    return app(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)


def _start(app) -> None:
    from nbgrader.exchange import ExchangeError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            app.start()
        except ExchangeError as error:
            raise ClassroomError(
                _("nbgrader's exchange refused: {error}").format(error=error)
            ) from error


def release_exchange(course: Course, activity_id: str, root: Path | None = None) -> Path:
    """Release the pupil version into the exchange; returns the exchange folder used."""
    refuse_on_windows()
    activity = find_activity(activity_id)
    if not course.folder("release", activity.id).is_dir():
        raise ClassroomError(
            _("The activity {id} is not in the course yet: run tne class add {id} first.").format(
                id=activity.id
            )
        )
    folder = exchange_root(course, root)
    app = _exchange_app("release", course, activity.id, folder)
    app.force = True
    _start(app)
    return folder


def pupil_of(login: str, students: list[Student]) -> Student | None:
    for student in students:
        if login in (student.login, student.id):
            return student
    return None


def collect_exchange(course: Course, activity_id: str, root: Path | None = None) -> CollectResult:
    """Collect the pupils' submissions from the exchange into the course."""
    from nbgrader.coursedir import CourseDirectory

    refuse_on_windows()
    activity = find_activity(activity_id)
    students = load(course)
    folder = exchange_root(course, root)
    result = CollectResult()
    with tempfile.TemporaryDirectory(prefix="tne-echange-") as temporary:
        staging = CourseDirectory(root=temporary)
        app = _exchange_app("collect", course, activity.id, folder, coursedir=staging)
        app.check_owner = False  # logins are matched against the class list below
        _start(app)
        inbox = Path(temporary) / "submitted"
        for handed_in in sorted(inbox.glob(f"*/{activity.id}")):
            login = handed_in.parent.name
            student = pupil_of(login, students)
            if student is None:
                result.unmatched.append(
                    (
                        login,
                        _(
                            "this login is not in the class list: add an identifiant column "
                            "to the list and import it again."
                        ),
                    )
                )
                continue
            target = course.folder("submitted", student.id, activity.id)
            older, newer = collected_at(target), collected_at(handed_in)
            if target.exists() and older and newer and older >= newer:
                result.superseded.append(f"{login} ({activity.id})")
                continue
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(handed_in, target)
            result.collected[student.id] = login
    return result
