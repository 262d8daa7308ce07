"""`tne registry ... list/show/edit/delete`: correcting what was typed, for schools, projects,
groups, sessions and equipment (the verbs that add things stay in `registry`).

`edit` changes only the options given; `delete` prints what it deleted (or archived, when it
already went out in a report file), and refuses, saying why, when something under it would go
too (a group's sessions, a project's sessions) unless `--force`. `groups merge` folds a group
typed twice into the other. `--json` prints the object as it is after the change.
"""

from __future__ import annotations

import typer

from tne.i18n import _

from .output import labelled, say
from .registry_common import (
    db_option,
    equipment_app,
    groups_app,
    json_option,
    print_json,
    projects_app,
    schools_app,
    sessions_app,
    with_registry,
)


def _project_arg() -> int:
    return typer.Argument(..., metavar=_("PROJECT"), help=_("The project's id."))


def _id_arg() -> int:
    return typer.Argument(..., help=_("Its id (see the list)."))


def _force_option(what: str) -> bool:
    return typer.Option(False, "--force", help=what)


def _shown(view, as_json: bool) -> None:
    """One object: JSON for scripts, `key: value` lines for people."""
    if as_json:
        print_json(view.to_json())
        return
    labels = _field_labels()
    for key, value in view.to_json().items():
        print(labelled(labels.get(key, key), _plain(value)))


def _field_labels() -> dict[str, str]:
    """The registry's fields as people name them (`registry ... show`)."""
    return {
        "id": _("record number"),
        "uai": _("UAI"),
        "name": _("name"),
        "commune": _("commune"),
        "degree": _("degree"),
        "department": _("department"),
        "school": _("school"),
        "title": _("title"),
        "level": _("level"),
        "teachers": _("teachers"),
        "dossiers": _("dossiers"),
        "groups": _("groups"),
        "sessions": _("sessions"),
        "project": _("project"),
        "size": _("number of pupils"),
        "girls": _("number of girls"),
        "group": _("group"),
        "activity": _("activity"),
        "date": _("date"),
        "minutes": _("minutes"),
        "devices": _("equipment used"),
        "kind": _("kind"),
        "label": _("label"),
        "identifier": _("identifier"),
    }


def _plain(value: object) -> str:
    """A field's value without Python's brackets and quotes."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} × {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(
            ":".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def _deleted(view, as_json: bool, message: str, what: str) -> None:
    """What `delete` did: deleted (`message`), or archived when `what` (« Groupe 3 (CM2 A) »)
    had gone out in a report file."""
    if as_json:
        print_json({"archived" if view.archived else "deleted": view.to_json()})
    elif view.archived:
        say(
            _(
                "{what}: it was already in a report file, so it is archived instead of deleted: "
                "it leaves the lists and reports, and the next report file tells the DRANE."
            ).format(what=what)
        )
    else:
        say(message)


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


# -- schools ---------------------------------------------------------------------------------


@schools_app.command("show", help=_("Show a school."))
def schools_show(
    uai: str = typer.Argument(..., help=_("The school's UAI.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    _shown(with_registry(db, lambda r: r.school(uai)), as_json)


@schools_app.command("edit", help=_("Correct a school's name, commune or degree."))
def schools_edit(
    uai: str = typer.Argument(..., help=_("The school's UAI.")),
    name: str | None = typer.Option(None, "--name", help=_("The school's name.")),
    commune: str | None = typer.Option(None, "--commune", help=_("Its commune.")),
    degree: int | None = typer.Option(
        None, "--degree", help=_("1 for an école, 2 for a collège or lycée.")
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    _shown(with_registry(db, lambda r: r.edit_school(uai, name, commune, degree)), as_json)


@schools_app.command("delete", help=_("Delete a school that no project or dossier names."))
def schools_delete(
    uai: str = typer.Argument(..., help=_("The school's UAI.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    gone = with_registry(db, lambda r: r.delete_school(uai))
    _deleted(
        gone,
        as_json,
        _("School {uai} deleted.").format(uai=gone.uai),
        _("School {uai}").format(uai=gone.uai),
    )


# -- projects --------------------------------------------------------------------------------


@projects_app.command("show", help=_("Show a project."))
def projects_show(
    project: int = _project_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    _shown(with_registry(db, lambda r: r.project(project)), as_json)


@projects_app.command("edit", help=_("Correct a project's title or level."))
def projects_edit(
    project: int = _project_arg(),
    title: str | None = typer.Option(None, "--title", help=_("The project's title.")),
    level: str | None = typer.Option(None, "--level", help=_("The class level.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    _shown(with_registry(db, lambda r: r.edit_project(project, title, level)), as_json)


@projects_app.command("delete", help=_("Delete a project (with its sessions only with --force)."))
def projects_delete(
    project: int = _project_arg(),
    force: bool = _force_option(_("Delete it even if it has sessions, and them with it.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    gone = with_registry(db, lambda r: r.delete_project(project, force))
    _deleted(
        gone,
        as_json,
        _("Project {id} deleted.").format(id=gone.id),
        _("Project {id}").format(id=gone.id),
    )


# -- groups ----------------------------------------------------------------------------------


@groups_app.command("list", help=_("List a project's groups."))
def groups_list(
    project: int = _project_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    found = with_registry(db, lambda r: r.groups(project))
    if as_json:
        print_json([g.to_json() for g in found])
        return
    for g in found:
        print(f"{g.id}\t{g.name}\t{g.size}\t{g.girls}")


@groups_app.command("show", help=_("Show a group."))
def groups_show(
    group: int = _id_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    _shown(with_registry(db, lambda r: r.group(group)), as_json)


@groups_app.command("edit", help=_("Correct a group's name, size or number of girls."))
def groups_edit(
    group: int = _id_arg(),
    name: str | None = typer.Option(None, "--name", help=_("The group's name.")),
    size: int | None = typer.Option(None, "--size", help=_("How many pupils.")),
    girls: int | None = typer.Option(None, "--girls", help=_("How many of them are girls.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    _shown(with_registry(db, lambda r: r.edit_group(group, name, size, girls)), as_json)


@groups_app.command("delete", help=_("Delete a group (with its sessions only with --force)."))
def groups_delete(
    group: int = _id_arg(),
    force: bool = _force_option(_("Delete it even if it has sessions, and them with it.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    gone = with_registry(db, lambda r: r.delete_group(group, force))
    _deleted(
        gone,
        as_json,
        _("Group {id} ({name}) deleted.").format(id=gone.id, name=gone.name),
        _("Group {id} ({name})").format(id=gone.id, name=gone.name),
    )


@groups_app.command(
    "merge", help=_("Fold a group typed twice into another group of the same project.")
)
def groups_merge(
    group: int = typer.Argument(..., help=_("The group to fold in (its sessions move).")),
    into: int = typer.Option(..., "--into", help=_("The group that stays, with its counts.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    kept = with_registry(db, lambda r: r.merge_groups(group, into))
    if as_json:
        print_json(kept.to_json())
    else:
        say(
            _(
                "Group {source} merged into group {id} ({name}), which keeps {size} pupils "
                "including {girls} girls (correct them with tne registry groups edit {id})."
            ).format(source=group, id=kept.id, name=kept.name, size=kept.size, girls=kept.girls)
        )


# -- sessions --------------------------------------------------------------------------------


@sessions_app.command("list", help=_("List a project's sessions, by date."))
def sessions_list(
    project: int = _project_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    found = with_registry(db, lambda r: r.sessions(project))
    if as_json:
        print_json([s.to_json() for s in found])
        return
    for s in found:
        devices = ",".join(f"{k}×{n}" for k, n in s.devices.items())
        print(f"{s.id}\t{_day(s.date)}\t{s.group}\t{s.activity}\t{s.minutes}\t{devices}")


@sessions_app.command("show", help=_("Show a session."))
def sessions_show(
    session: int = _id_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    _shown(with_registry(db, lambda r: r.classroom_session(session)), as_json)


@sessions_app.command("edit", help=_("Correct a session; --device replaces the devices used."))
def sessions_edit(
    session: int = _id_arg(),
    group: str | None = typer.Option(None, "--group", help=_("The group's name.")),
    activity: str | None = typer.Option(None, "--activity", help=_("The activity done.")),
    date: str | None = typer.Option(
        None, "--date", help=_("The day, as DD/MM/YYYY or YYYY-MM-DD.")
    ),
    minutes: int | None = typer.Option(
        None, "--minutes", help=_("How long it lasted, in minutes.")
    ),
    devices: list[str] | None = typer.Option(
        None, "--device", help=_("A kind of device used (once per device).")
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    _shown(
        with_registry(
            db, lambda r: r.edit_session(session, group, activity, date, minutes, devices)
        ),
        as_json,
    )


@sessions_app.command("delete", help=_("Delete a session."))
def sessions_delete(
    session: int = _id_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    gone = with_registry(db, lambda r: r.delete_session(session))
    _deleted(
        gone,
        as_json,
        _("Session {id} deleted.").format(id=gone.id),
        _("Session {id}").format(id=gone.id),
    )


# -- equipment -------------------------------------------------------------------------------


@equipment_app.command("list", help=_("List a project's boards and robots."))
def equipment_list(
    project: int = _project_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    from activities.registry.kinds import label

    found = with_registry(db, lambda r: r.equipment(project))
    if as_json:
        print_json([e.to_json() for e in found])
        return
    for e in found:
        print(f"{e.id}\t{e.label or label(e.kind)}\t{e.identifier}")


@equipment_app.command("edit", help=_("Correct a device's kind or identifier."))
def equipment_edit(
    device: int = _id_arg(),
    kind: str | None = typer.Option(None, "--kind", help=_("The kind of device.")),
    identifier: str | None = typer.Option(None, "--id", help=_("Its identifier.")),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    _shown(with_registry(db, lambda r: r.edit_equipment(device, kind, identifier)), as_json)


@equipment_app.command("delete", help=_("Remove a device from a project's inventory."))
def equipment_delete(
    device: int = _id_arg(), db: str | None = db_option(), as_json: bool = json_option()
) -> None:
    gone = with_registry(db, lambda r: r.delete_equipment(device))
    _deleted(
        gone,
        as_json,
        _("Device {id} deleted.").format(id=gone.id),
        _("Device {id}").format(id=gone.id),
    )
