"""`tne registry`: the TNE projects of this school (or department), their groups and sessions.

Each subcommand takes `--db URL` after its name (default: `TNE_DB_URL`, else a SQLite file in
the user data folder) and `--json` for scripts. Results go to stdout; our messages to stderr.
Exit codes: 0 ok, 2 bad input (invalid UAI, unknown project...), 3 the database cannot be used.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tne.i18n import _, ngettext, quoted

from .output import labelled, say
from .registry_common import (
    db_option,
    equipment_app,
    groups_app,
    json_option,
    print_json,
    projects_app,
    registry_app,
    schools_app,
    sessions_app,
    with_registry,
)

# -- schema ----------------------------------------------------------------------------------


def _report_upgrade(registry, done, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "database": registry.shown_url,
                "before": done.before,
                "after": done.after,
                "unmapped_kinds": list(done.unmapped_kinds),
            }
        )
    elif done.before is None:
        say(_("Registry created at {url}.").format(url=registry.shown_url))
    elif done.changed:
        if done.unmapped_kinds:
            say(
                _(
                    "These equipment kinds match no known kind and are now « autre » with their "
                    "text as label (correct them with tne registry equipment edit): {kinds}."
                ).format(kinds=", ".join(quoted(k) for k in done.unmapped_kinds))
            )
        say(
            _("Registry upgraded from {before} to {after}.").format(
                before=done.before, after=done.after
            )
        )
    else:
        say(_("The registry at {url} is up to date.").format(url=registry.shown_url))


@registry_app.command(help=_("Create the registry's database (nothing changes if it exists)."))
def init(db: str | None = db_option(), as_json: bool = json_option()) -> None:
    with_registry(db, lambda r: _report_upgrade(r, r.init(), as_json))


@registry_app.command(help=_("Upgrade the registry's database to this version of tne."))
def migrate(db: str | None = db_option(), as_json: bool = json_option()) -> None:
    with_registry(db, lambda r: _report_upgrade(r, r.migrate(), as_json))


@registry_app.command(help=_("What the registry holds, and where."))
def status(db: str | None = db_option(), as_json: bool = json_option()) -> None:
    found = with_registry(db, lambda r: r.status())
    if as_json:
        print_json(found.to_json())
        return
    print(_("Database: {url}").format(url=found.database))
    print(_("Schema revision: {revision}").format(revision=found.revision))
    labels = {
        "schools": _("Schools"),
        "dossiers": _("Dossiers"),
        "projects": _("Projects"),
        "groups": _("Groups"),
        "sessions": _("Sessions"),
        "usage_events": _("Usage events"),
    }
    for key, count in found.counts.items():
        print(labelled(labels.get(key, key), count))
    if found.link:
        print(
            _("This machine records usage for project {id} ({title}, {school}).").format(
                id=found.link["project_id"], title=found.link["title"], school=found.link["school"]
            )
        )
    else:
        print(_("This machine is not linked to a project: no usage is recorded."))


# -- this machine's link ---------------------------------------------------------------------


@registry_app.command(help=_("Link this machine to a project, so that its usage is recorded."))
def link(
    project: int = typer.Argument(..., metavar=_("PROJECT"), help=_("The project's id.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    done = with_registry(db, lambda r: r.link_machine(project))
    if as_json:
        print_json(done.to_json())
    else:
        say(
            _("This machine now records usage for project {id} ({title}).").format(
                id=done.project_id, title=done.title
            )
        )


@registry_app.command(help=_("Stop recording this machine's usage."))
def unlink(db: str | None = db_option(), as_json: bool = json_option()) -> None:
    """`--db` is accepted like everywhere else, though the link is kept on the machine."""
    from activities.registry.service import Registry

    del db
    removed = Registry.unlink_machine()
    if as_json:
        print_json({"changed": removed})
    elif removed:
        say(_("This machine is no longer linked to a project."))
    else:
        say(_("This machine was not linked to a project."))


# -- schools ---------------------------------------------------------------------------------


@schools_app.command("add", help=_("Add a school by its UAI."))
def schools_add(
    uai: str = typer.Argument(..., help=_("The school's UAI, such as 0180005H.")),
    name: str = typer.Option(..., "--name", help=_("The school's name.")),
    commune: str = typer.Option(..., "--commune", help=_("Its commune.")),
    degree: int = typer.Option(
        ..., "--degree", help=_("1 for an école, 2 for a collège or lycée.")
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    school = with_registry(db, lambda r: r.add_school(uai, name, commune, degree))
    if as_json:
        print_json(school.to_json())
    else:
        say(
            _("School {uai} added (department {department}).").format(
                uai=school.uai, department=school.department
            )
        )


@schools_app.command("list", help=_("List the schools."))
def schools_list(db: str | None = db_option(), as_json: bool = json_option()) -> None:
    found = with_registry(db, lambda r: r.schools())
    if as_json:
        print_json([s.to_json() for s in found])
        return
    for s in found:
        print(f"{s.uai}\t{s.department}\t{s.degree}\t{s.name}\t{s.commune}")


# -- projects --------------------------------------------------------------------------------


@projects_app.command("create", help=_("Create a project; prints only its id."))
def projects_create(
    school: str = typer.Option(..., "--school", help=_("The school's UAI.")),
    title: str = typer.Option(..., "--title", help=_("The project's title.")),
    level: str = typer.Option(..., "--level", help=_("The class level, such as CM2 or 5e.")),
    teachers: list[str] | None = typer.Option(
        None, "--teacher", help=_("A teacher as ROLE:INITIALS, such as référent:M.D. (repeatable).")
    ),
    force: bool = typer.Option(
        False, "--force", help=_("Create it even if the school has a project with this title.")
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    project = with_registry(
        db, lambda r: r.create_project(school, title, level, teachers or [], force)
    )
    if as_json:
        print_json(project.to_json())
    else:
        print(project.id)


@projects_app.command("link", help=_("Tie a project to the dossier that funds it."))
def projects_link(
    project: int = typer.Argument(..., metavar=_("PROJECT"), help=_("The project's id.")),
    dossier: str = typer.Argument(..., help=_("The dossier's number.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    linked = with_registry(db, lambda r: r.link_project(project, dossier))
    if as_json:
        print_json({"project": project, "dossier": dossier, "changed": linked})
    elif linked:
        say(_("Project {id} linked to dossier {number}.").format(id=project, number=dossier))
    else:
        say(
            _("Project {id} was already linked to dossier {number}.").format(
                id=project, number=dossier
            )
        )


@projects_app.command("list", help=_("List the projects."))
def projects_list(db: str | None = db_option(), as_json: bool = json_option()) -> None:
    found = with_registry(db, lambda r: r.projects())
    if as_json:
        print_json([p.to_json() for p in found])
        return
    for p in found:
        print(f"{p.id}\t{p.school}\t{p.level}\t{p.title}\t{','.join(p.dossiers)}")


# -- groups and sessions ---------------------------------------------------------------------


@groups_app.command("add", help=_("Add a group of pupils to a project; prints its id."))
def groups_add(
    project: int = typer.Argument(..., metavar=_("PROJECT"), help=_("The project's id.")),
    name: str = typer.Option(..., "--name", help=_("The group's name, such as CM2 A.")),
    size: int = typer.Option(..., "--size", help=_("How many pupils.")),
    girls: int = typer.Option(..., "--girls", help=_("How many of them are girls.")),
    force: bool = typer.Option(
        False,
        "--force",
        help=_("Create it even if a group's name differs only by case, accents or spaces."),
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    group = with_registry(db, lambda r: r.add_group(project, name, size, girls, force))
    if as_json:
        print_json(group.to_json())
    else:
        print(group.id)


@sessions_app.command("record", help=_("Record a session held with a group; prints its id."))
def sessions_record(
    project: int = typer.Argument(..., metavar=_("PROJECT"), help=_("The project's id.")),
    group: str = typer.Option(..., "--group", help=_("The group's name.")),
    activity: str = typer.Option(..., "--activity", help=_("The activity done.")),
    date: str = typer.Option(..., "--date", help=_("The day, as DD/MM/YYYY or YYYY-MM-DD.")),
    minutes: int = typer.Option(..., "--minutes", help=_("How long it lasted, in minutes.")),
    devices: list[str] | None = typer.Option(
        None,
        "--device",
        help=_("A kind of device used, such as microbit-v2 or maqueen-lite (once per device)."),
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    record = with_registry(
        db, lambda r: r.record_session(project, group, activity, date, minutes, devices or [])
    )
    if as_json:
        print_json(record.to_json())
    else:
        print(record.id)


# -- corrections and importing dossiers (their own modules, registered here) ---------------

# Registering at this point keeps `tne registry --help` in its order: typer lists commands as
# they are declared. Neither module imports this one (the shared options are in registry_common).
from . import registry_edit, registry_import  # noqa: E402, F401

# -- equipment -------------------------------------------------------------------------------


@equipment_app.command("add", help=_("Add a board or robot to a project's inventory."))
def equipment_add(
    project: int = typer.Argument(..., metavar=_("PROJECT"), help=_("The project's id.")),
    kind: str = typer.Option(
        ...,
        "--kind",
        help=_(
            "The kind of device: microbit-v1, microbit-v2, maqueen-lite, maqueen-plus-v2, "
            "cutebot, thymio..., or autre:LABEL."
        ),
    ),
    identifier: str = typer.Option(
        ..., "--id", help=_("Its identifier: a serial number or an inventory label.")
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    added = with_registry(db, lambda r: r.add_equipment(project, kind, identifier))
    if as_json:
        print_json({"project": project, "kind": kind, "identifier": identifier, "changed": added})
    elif not added:
        say(_("This device was already in the project's inventory."))


# -- report files ----------------------------------------------------------------------------


@registry_app.command(
    "export-report",
    help=_("Write this registry's report file for the DRANE (aggregates only, no usage event)."),
)
def export_report(
    file: Path = typer.Argument(..., metavar=_("FILE"), help=_("The report file to write (JSON).")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    counts = with_registry(db, lambda r: r.export_report(file))
    if as_json:
        print_json({"file": str(file), "counts": counts})
    else:
        say(
            _("Report file written to {path}: {projects}, {sessions}.").format(
                path=file,
                projects=ngettext("{count} project", "{count} projects", counts["projects"]).format(
                    count=counts["projects"]
                ),
                sessions=ngettext("{count} session", "{count} sessions", counts["sessions"]).format(
                    count=counts["sessions"]
                ),
            )
        )


@registry_app.command(
    "import-report",
    help=_("Merge schools' report files into this registry (merging twice changes nothing)."),
)
def import_report(
    files: list[Path] = typer.Argument(
        ..., metavar=_("FILES"), help=_("The report files to merge.")
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    changed = with_registry(db, lambda r: r.import_reports(files))
    if as_json:
        print_json({"files": [str(f) for f in files], "changed": changed})
    elif not any(changed.values()):
        say(_("Nothing new: the registry already held these reports."))
    else:
        say(
            ngettext(
                "Merged {count} report file: {changes}.",
                "Merged {count} report files: {changes}.",
                len(files),
            ).format(count=len(files), changes=changed_counts(changed))
        )


def changed_counts(changed: dict[str, int]) -> str:
    """What a merge changed, in words (`2 groupes, 1 séance`), in the order of the registry's
    own records; a kind this function does not know keeps its key."""
    words = {
        "schools": lambda n: ngettext("{count} school", "{count} schools", n),
        "dossiers": lambda n: ngettext("{count} dossier", "{count} dossiers", n),
        "projects": lambda n: ngettext("{count} project", "{count} projects", n),
        "equipment": lambda n: ngettext("{count} equipment line", "{count} equipment lines", n),
        "links": lambda n: ngettext("{count} dossier link", "{count} dossier links", n),
        "groups": lambda n: ngettext("{count} group", "{count} groups", n),
        "sessions": lambda n: ngettext("{count} session", "{count} sessions", n),
        "usage_days": lambda n: ngettext("{count} day of use", "{count} days of use", n),
    }
    known = [k for k in words if changed.get(k)]
    unknown = sorted(k for k, n in changed.items() if n and k not in words)
    parts = [words[k](changed[k]).format(count=changed[k]) for k in known]
    return ", ".join(parts + [f"{k} {changed[k]}" for k in unknown])
