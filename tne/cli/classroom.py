"""`tne class`: distribute, collect and grade activities with nbgrader, through a course folder
the teacher never configures by hand (activities/classroom/).

Every command but `init` works on the course named by `--course`, else `TNE_COURSE`, else the
course that holds the current folder, else the last one made here: never on an empty gradebook
made by mistake. Exit codes: 0 done, 2 bad input (nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from tne.i18n import _, ngettext

from .output import error, say, stderr_console

T = TypeVar("T")

class_app = typer.Typer(
    help=_("Distribute, collect and grade activities with nbgrader (course folder)."),
    no_args_is_help=True,
)
students_app = typer.Typer(help=_("The pupils of the course."), no_args_is_help=True)
class_app.add_typer(students_app, name="students")


def course_option() -> Path | None:
    return typer.Option(
        None,
        "--course",
        "-c",
        envvar="TNE_COURSE",
        help=_(
            "The course folder. Default: the TNE_COURSE variable, otherwise the course that "
            "holds the current folder, otherwise the last one created."
        ),
    )


def _run(use: Callable[[], T]) -> T:
    """Run a step; a ClassroomError becomes its French message and exit code 2."""
    from activities.classroom.errors import ClassroomError

    try:
        return use()
    except ClassroomError as problem:
        error(problem.message)
        raise typer.Exit(problem.exit_code) from None


def _course(given: Path | None):
    from activities.classroom.course import locate

    return _run(lambda: locate(given))


@class_app.command(help=_("Create a course folder: nbgrader configuration, time limits."))
def init(
    course: str = typer.Argument(
        ..., metavar=_("COURSE"), help=_("The course's name, such as techno-4e-2026.")
    ),
    directory: Path = typer.Option(None, "--dir", help=_("Where to create it (default: here).")),
    cell_timeout: int = typer.Option(10, "--cell-timeout", help=_("Seconds per cell.")),
    notebook_timeout: int = typer.Option(
        120, "--notebook-timeout", help=_("Seconds per notebook.")
    ),
) -> None:
    from activities.classroom.course import init_course

    made = _run(lambda: init_course(course, directory, cell_timeout, notebook_timeout))
    say(_("Course created in {path}.").format(path=made.root))


@class_app.command(help=_("Add an activity of the catalogue to the course (pupil version)."))
def add(
    activity: str = typer.Argument(
        ..., metavar=_("ACTIVITY"), help=_("The activity's id (tne activities list).")
    ),
    course: Path = course_option(),
) -> None:
    from activities.classroom.distribute import add_activity

    where = _course(course)
    added = _run(lambda: add_activity(where, activity))
    say(
        _("Activity {id} added; pupil version in {path}.").format(
            id=added.id, path=where.folder("release", added.id)
        )
    )


@students_app.command("import", help=_("Import a class list (CSV nom;prénom;classe)."))
def students_import(
    file: Path = typer.Argument(
        ..., metavar=_("FILE"), help=_("The class list exported from the ENT or Pronote.")
    ),
    course: Path = course_option(),
) -> None:
    from activities.classroom.students import import_students

    where = _course(course)
    result = _run(lambda: import_students(where, file))
    for problem in result.problems:
        say(problem)
    say(
        _("{added} pupils added, {kept} already in the course.").format(
            added=len(result.added), kept=len(result.kept)
        )
    )


def exchange_dir_option() -> Path | None:
    return typer.Option(
        None,
        "--exchange-dir",
        help=_(
            "With --exchange: nbgrader's exchange folder (default: the one the course used "
            "last, otherwise /srv/nbgrader/exchange)."
        ),
    )


@class_app.command(help=_("Make the zip to put on the ENT for the pupils."))
def release(
    activity: str = typer.Argument(..., metavar=_("ACTIVITY")),
    zip_: bool = typer.Option(False, "--zip", help=_("A zip for the ENT.")),
    exchange: bool = typer.Option(
        False, "--exchange", help=_("Through nbgrader's exchange (JupyterHub, shared machine).")
    ),
    exchange_dir: Path = exchange_dir_option(),
    course: Path = course_option(),
) -> None:
    from activities.classroom.distribute import release_zip
    from activities.classroom.exchange import release_exchange

    if exchange == zip_:
        error(_("Choose one way: tne class release ACTIVITY --zip, or --exchange."))
        raise typer.Exit(2)
    where = _course(course)
    if exchange:
        folder = _run(lambda: release_exchange(where, activity, exchange_dir))
        say(_("Released through nbgrader's exchange: {path}").format(path=folder))
        return
    target = _run(lambda: release_zip(where, activity))
    say(_("Zip for the ENT: {path}").format(path=target))


@class_app.command(help=_("Collect the pupils' notebooks from the ENT's zips."))
def collect(
    activity: str = typer.Argument(..., metavar=_("ACTIVITY")),
    zips: list[Path] = typer.Argument(
        None, metavar=_("ZIP"), help=_("The zips downloaded from the ENT.")
    ),
    exchange: bool = typer.Option(
        False, "--exchange", help=_("From nbgrader's exchange instead of zips.")
    ),
    exchange_dir: Path = exchange_dir_option(),
    course: Path = course_option(),
) -> None:
    from activities.classroom.collect import collect as collect_zips
    from activities.classroom.exchange import collect_exchange

    if exchange == bool(zips):
        error(_("Give the ENT's zips, or --exchange (not both)."))
        raise typer.Exit(2)
    where = _course(course)
    if exchange:
        result = _run(lambda: collect_exchange(where, activity, exchange_dir))
    else:
        result = _run(lambda: collect_zips(where, activity, zips))
    say(
        ngettext(
            "{count} submission collected.", "{count} submissions collected.", len(result.collected)
        ).format(count=len(result.collected))
    )
    for older in result.superseded:
        say(_("Older submission set aside (a newer one wins): {file}").format(file=older))
    if result.unmatched:
        say(_("Files not collected:"))
        for where_, why in result.unmatched:
            say(f"  {where_}\u00a0: {why}")


@class_app.command(help=_("Grade the collected notebooks (in parallel, on the simulator)."))
def grade(
    activity: str = typer.Argument(..., metavar=_("ACTIVITY")),
    workers: int = typer.Option(0, "--workers", "-j", help=_("Workers (default: one per core).")),
    manual: bool = typer.Option(
        False, "--manual", help=_("Grade by hand the open answers (after the autograding).")
    ),
    again: bool = typer.Option(
        False, "--again", help=_("With --manual: also the answers already graded.")
    ),
    course: Path = course_option(),
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from activities.classroom.grading import grade as grade_all
    from activities.classroom.grading import submitted_students
    from activities.classroom.students import load

    where = _course(course)
    names = {s.id: f"{s.last_name} {s.first_name}" for s in load(where)}
    if manual:
        from .manual_grading import grade_by_hand

        saved = _run(lambda: grade_by_hand(where, activity, again, names))
        say(ngettext("{count} mark saved.", "{count} marks saved.", saved).format(count=saved))
        return
    total = len(_run(lambda: submitted_students(where, activity)))
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    ) as progress:
        task = progress.add_task(_("Grading"), total=total)
        run = _run(
            lambda: grade_all(
                where, activity, workers or None, lambda _graded: progress.advance(task)
            )
        )
    say_grades(run, names)
    from activities.classroom.manual import manual_cells

    if manual_cells(where, activity):
        say(_("Some answers are graded by hand: tne class grade {id} --manual").format(id=activity))


def say_grades(run, names: dict[str, str]) -> None:
    """Each pupil's mark and the problems a teacher should know, then the run's summary."""
    for graded in run.results:
        who = f"{names.get(graded.student_id, '?')} ({graded.student_id})"
        mark = (
            f"{graded.score:g}/{graded.max_score:g}".replace(".", ",")
            if graded.score is not None
            else _("no mark")
        )
        say(f"{who}\u00a0: {mark}")
        for problem in graded.problems:
            say(f"  {graded.student_id}\u00a0: {problem}")
    say(
        _("{count} notebooks graded in {seconds} s with {workers} workers.").format(
            count=len(run.results),
            seconds=f"{run.seconds:.1f}".replace(".", ","),
            workers=run.workers,
        )
    )


@class_app.command(help=_("Write each pupil's feedback (HTML, hidden tests never shown)."))
def feedback(
    activity: str = typer.Argument(..., metavar=_("ACTIVITY")),
    zip_: bool = typer.Option(False, "--zip", help=_("Also a zip for the ENT.")),
    course: Path = course_option(),
) -> None:
    from activities.classroom.feedback import feedback_zip, generate_feedback

    where = _course(course)
    if zip_:
        target = _run(lambda: feedback_zip(where, activity))
        say(_("Feedback zip for the ENT: {path}").format(path=target))
    else:
        pages = _run(lambda: generate_feedback(where, activity))
        say(_("{count} feedback pages written.").format(count=len(pages)))


@class_app.command(help=_("Write the marks as a CSV for Pronote (nom;prénom;note/20)."))
def export(
    activity: str = typer.Argument(
        None, metavar=_("ACTIVITY"), help=_("One activity (default: all of them).")
    ),
    out: Path = typer.Option(Path("notes.csv"), "--out", "-o", help=_("The CSV file.")),
    course: Path = course_option(),
) -> None:
    from activities.classroom.export import export as export_marks

    where = _course(course)
    count = _run(lambda: export_marks(where, out, activity))
    say(_("{count} pupils written to {path}.").format(count=count, path=out))


@class_app.command(help=_("Erase the pupils, their work and their marks (end of the year)."))
def purge(
    yes: bool = typer.Option(False, "--yes", help=_("Do not ask for confirmation.")),
    course: Path = course_option(),
) -> None:
    from activities.classroom.purge import purge as purge_course

    where = _course(course)
    if not yes and not typer.confirm(
        _("Erase every pupil, submission and mark of {path}?").format(path=where.root)
    ):
        say(_("Nothing was erased."))
        raise typer.Exit(1)
    erased = purge_course(where)
    say(_("Erased: {what}").format(what=", ".join(erased) or _("nothing")))
