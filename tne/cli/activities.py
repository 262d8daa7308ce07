"""`tne activities list|show ID|check [ID]`: the activity catalogue (activities/catalogue/).

`list` and `show` read the metadata; `check` validates one activity or all of them as the tests
do: metadata, notebook, sheets and the text of every check, then (unless `--quick`) the real
nbgrader round trip on the simulator: the solution gets every point, the pupil version none.
Results go to stdout (`--json` for scripts); exit 0 when all is well, 1 when an activity has a
problem, 2 for an unknown activity. `tne activities print` (activities/printing/) registers on
the same `activities_app`.
"""

from __future__ import annotations

import json

import typer

from tne.i18n import _, ngettext

from .output import error, say
from .runner import EXIT_BOARD, EXIT_OK, EXIT_USAGE

activities_app = typer.Typer(
    help=_("The activity catalogue: lessons in French, graded on the simulator."),
    no_args_is_help=True,
)

JSON_HELP = _("Print JSON for scripts.")
HARDWARE_NAMES = {"none": "-", "microbit": "micro:bit", "maqueen": "Maqueen"}


def _load_all():
    from activities.catalogue.metadata import MetadataError, all_activities

    try:
        return all_activities()
    except MetadataError as problem:
        error(str(problem))
        raise typer.Exit(EXIT_BOARD) from problem


@activities_app.command("list", help=_("List the activities, in the order of the progression."))
def list_activities(
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    found = _load_all()
    if as_json:
        print(json.dumps([a.to_json() for a in found], ensure_ascii=False, indent=2))
        return
    for activity in found:
        levels = ", ".join(activity.levels)
        hardware = HARDWARE_NAMES.get(activity.hardware, activity.hardware)
        print(
            f"{activity.id}\t{activity.title}\t{levels}\t"
            + _("{minutes} min").format(minutes=activity.duration_minutes)
            + f"\t{hardware}"
        )


@activities_app.command("show", help=_("Show an activity's card: levels, goals, hardware."))
def show(
    activity_id: str = typer.Argument(..., help=_("The activity's id (see tne activities list).")),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from activities.catalogue.metadata import MetadataError, find_activity

    try:
        activity = find_activity(activity_id)
    except MetadataError as problem:
        error("\n".join(problem.problems))
        raise typer.Exit(EXIT_USAGE) from problem
    if as_json:
        print(json.dumps(activity.to_json(), ensure_ascii=False, indent=2))
        return
    yes_no = {True: _("yes"), False: _("no")}
    rows = [
        (_("Title"), activity.title),
        (_("Levels"), ", ".join(activity.levels)),
        (_("Cycle"), activity.cycle),
        (_("Duration"), _("{minutes} min").format(minutes=activity.duration_minutes)),
        (_("Hardware"), HARDWARE_NAMES.get(activity.hardware, activity.hardware)),
        (_("Boards"), str(activity.boards)),
        (_("World"), activity.world or "-"),
        (_("TNE calls"), ", ".join(activity.tne_calls)),
        (_("Prerequisites"), ", ".join(activity.prerequisites) or "-"),
        (
            _("Runs on the QEMU micro:bit"),
            yes_no[activity.qemu] + (f" ({activity.qemu_reason})" if activity.qemu_reason else ""),
        ),
        (_("Folder"), str(activity.folder)),
    ]
    print(activity.id)
    for name, value in rows:
        print("  " + _("{name}: {value}").format(name=name, value=value))
    for title, items in ((_("Goals"), activity.goals), (_("Curriculum"), activity.curriculum)):
        print("  " + _("{name}:").format(name=title))
        for item in items:
            print(f"    - {item}")


@activities_app.command(
    "check",
    help=_(
        "Check one activity or all of them: metadata, notebook, sheets, and the nbgrader round "
        "trip on the simulator (the solution gets every point, the pupil version none)."
    ),
)
def check(
    activity_id: str | None = typer.Argument(None, help=_("The activity's id (default: all).")),
    quick: bool = typer.Option(
        False, "--quick", help=_("Skip the nbgrader round trip (a few seconds instead of minutes).")
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    from activities.catalogue.metadata import MetadataError, activity_folders, find_activity
    from activities.catalogue.validation import check_catalogue

    if activity_id is not None and activity_id not in {f.name for f in activity_folders()}:
        try:
            find_activity(activity_id)  # says which activities exist, in French
        except MetadataError as problem:
            error("\n".join(problem.problems))
            raise typer.Exit(EXIT_USAGE) from problem
    reports = check_catalogue(activity_id, grade=not quick)
    if as_json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            if report.ok:
                score = (
                    " "
                    + _("(solution: {score}/{max} points; pupil version: {released})").format(
                        score=report.score, max=report.max_score, released=report.released_score
                    )
                    if report.score is not None
                    else ""
                )
                if report.manual_points:
                    score += " " + _("(and {points} points graded by hand in formgrader)").format(
                        points=report.manual_points
                    )
                print(_("{id}: OK").format(id=report.id) + score)
            else:
                print(
                    ngettext(
                        "{id}: {count} problem", "{id}: {count} problems", len(report.problems)
                    ).format(id=report.id, count=len(report.problems))
                )
                for problem in report.problems:
                    print(f"  - {problem}")
    failed = sum(1 for r in reports if not r.ok)
    if failed:
        say(
            ngettext(
                "{failed} activity out of {total} to fix.",
                "{failed} activities out of {total} to fix.",
                failed,
            ).format(failed=failed, total=len(reports))
        )
    raise typer.Exit(EXIT_BOARD if failed else EXIT_OK)
