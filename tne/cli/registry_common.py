"""What the `tne registry` modules share: the command groups and the `--db` and `--json` options,
and opening the registry for one command. `registry.py`, `registry_edit.py` and
`registry_import.py` each declare their commands on these groups.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import typer

from tne.i18n import _

from .output import error

T = TypeVar("T")

registry_app = typer.Typer(
    help=_("The registry of TNE projects: schools, projects, groups and sessions."),
    no_args_is_help=True,
)
schools_app = typer.Typer(help=_("Schools, known by their UAI."), no_args_is_help=True)
projects_app = typer.Typer(help=_("Classroom projects and their dossiers."), no_args_is_help=True)
groups_app = typer.Typer(
    help=_("Groups of pupils: counts only, never names."), no_args_is_help=True
)
sessions_app = typer.Typer(help=_("Sessions held with a group."), no_args_is_help=True)
equipment_app = typer.Typer(
    help=_("A project's boards and robots, by kind and identifier."), no_args_is_help=True
)
registry_app.add_typer(schools_app, name="schools")
registry_app.add_typer(projects_app, name="projects")
registry_app.add_typer(groups_app, name="groups")
registry_app.add_typer(sessions_app, name="sessions")
registry_app.add_typer(equipment_app, name="equipment")


def db_option() -> str | None:
    return typer.Option(
        None,
        "--db",
        envvar="TNE_DB_URL",
        help=_(
            "The registry's database: a file such as registre.sqlite3, or a URL such as "
            "postgresql://user@host/tne. Default: the TNE_DB_URL variable, otherwise a file "
            "in your data folder."
        ),
    )


def json_option() -> bool:
    return typer.Option(False, "--json", help=_("Print JSON for scripts."))


def with_registry(db: str | None, use: Callable[..., T]) -> T:
    """Open the registry, run `use(registry)`, and turn a refusal into its message and exit."""
    from activities.registry.errors import RegistryError
    from activities.registry.service import Registry

    registry = None
    try:
        registry = Registry.open(db)
        return use(registry)
    except RegistryError as problem:
        error(problem.message)
        raise typer.Exit(problem.exit_code) from None
    finally:
        if registry is not None:
            registry.close()


def print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))
