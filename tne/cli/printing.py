"""`tne activities print ID`: the PDFs of an activity (sheets, memo, mat), with progress lines in
French on stderr. Exit code 2 for a bad id, paper or folder; nothing is written then."""

from __future__ import annotations

from pathlib import Path

import typer

from tne.i18n import _

from .output import error, say


def print_command(
    activity_id: str = typer.Argument(
        ..., metavar="ID", help=_("The activity's id, such as robot-carre.")
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help=_("The folder to write the PDFs in (default: ID-a-imprimer in the current folder)."),
    ),
    paper: str = typer.Option("A4", "--paper", help=_("The mat's sheets: A4 (default) or A3.")),
    catalogue: Path | None = typer.Option(
        None,
        "--catalogue",
        help=_("The folder of the activities (default: the catalogue shipped with tne)."),
    ),
) -> None:
    """The pupil sheet, the teacher sheet, the memo of the micro:bit functions and, for a
    robot activity, the mat at actual size, as PDFs."""
    from activities.printing import PrintingError, print_activity

    try:
        print_activity(activity_id, out, paper, catalogue, progress=say)
    except PrintingError as problem:
        error(problem.message)
        raise typer.Exit(problem.exit_code) from None


def register(activities_app: typer.Typer) -> None:
    """Add `print` to the `tne activities` commands."""
    activities_app.command(
        "print",
        help=_(
            "Print an activity: PDFs of the pupil sheet, the teacher sheet, the memo and, "
            "for a robot, the mat at actual size."
        ),
    )(print_command)
