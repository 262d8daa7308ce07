"""The last step of every install: what installing this version over an older one must do.

    python -m tne.cli.upgrade [--previous VERSION]

scripts/setup.sh runs it with the new environment's Python once pip has installed this version,
each time: a first install, the same version again, or a newer one over an older (in the same
folder, or in a new folder that the account's `tne` now points at). It

- migrates the account's registry (the SQLite file of `tne registry`) to the newest Alembic
  revision, after a copy of the file beside it when the schema changes; a registry written by a
  newer version, or a file that is not one, is reported and left as it is;
- writes the micro:bit kernelspecs again where the account has them (its own Jupyter folder,
  this environment), pointing at this environment's Python and carrying this version: an older
  install left them on its own environment, which may since have been deleted;
- never opens the pupils' notebooks (the `tne lab` folder): it only says that they are kept.

It says in French what it did and never fails the install (the software is installed by then):
what it could not do is reported with the command that does it, and `tne doctor` checks it too.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tne.i18n import _
from tne.os_errors import os_error_text
from tne.version import installed_version

from .output import say

if TYPE_CHECKING:
    from activities.registry.migrate import Upgrade


@dataclass(frozen=True)
class RegistryStep:
    """What happened to the registry: `before`/`after` revisions, the copy made, or why not."""

    location: str
    before: str | None = None
    after: str | None = None
    backup: Path | None = None
    problem: str | None = None


def upgrade_registry(url: str | None = None) -> RegistryStep | None:
    """Migrate the account's SQLite registry; None when it has none (nothing to keep)."""
    from activities.registry import migrate
    from activities.registry.database import resolve_url, shown_url, sqlite_path

    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is None:  # PostgreSQL is shared by many computers: its administrator migrates it
        return RegistryStep(shown_url(resolved), problem=_("shared database"))
    if not path.is_file():
        return None
    try:
        before = _sqlite_revision(path)
    except sqlite3.DatabaseError as problem:
        return RegistryStep(str(path), problem=str(problem))
    if before is None:
        return None  # an empty file: no registry was ever created in it
    head = migrate.head_revision()
    if before == head:
        return RegistryStep(str(path), before, head)
    if before not in _known_revisions():
        return RegistryStep(str(path), before, problem=_("written by a newer version of tne"))
    backup = path.with_name(f"{path.name}.{before}.bak")
    try:
        _copy_sqlite(path, backup)
        done = _migrate(resolved)
    except (OSError, sqlite3.DatabaseError) as problem:
        return RegistryStep(str(path), before, backup=backup, problem=str(problem))
    return RegistryStep(str(path), done.before, done.after, backup)


def _sqlite_revision(path: Path) -> str | None:
    """The file's Alembic revision, read without writing to it (None: no registry in it)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        tables = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchall()
        if not tables:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from activities.registry import migrate

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (its WAL included), through SQLite's backup API."""
    reading = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    with closing(reading), closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def _migrate(url: str) -> Upgrade:
    from activities.registry.errors import RegistryError
    from activities.registry.service import Registry

    registry = Registry.open(url)
    try:
        return registry.migrate()
    except RegistryError as problem:
        raise sqlite3.DatabaseError(str(problem)) from problem
    finally:
        registry.close()


def report_registry(step: RegistryStep | None) -> None:
    if step is None:
        return
    if step.problem is not None:
        say(
            _(
                "Registry {location} not upgraded ({problem}): it is left as it was. Run "
                "tne doctor, then tne registry migrate."
            ).format(location=step.location, problem=step.problem)
        )
    elif step.before == step.after:
        say(
            _("Registry {location}: already at the newest revision ({revision}), kept.").format(
                location=step.location, revision=step.after
            )
        )
    else:
        say(
            _(
                "Registry {location} upgraded from revision {before} to {after}, its data kept "
                "(copy of the old file: {backup})."
            ).format(
                location=step.location, before=step.before, after=step.after, backup=step.backup
            )
        )


@dataclass(frozen=True)
class KernelStep:
    """The kernelspec folders written again, and those of another install still visible."""

    refreshed: tuple[Path, ...] = ()
    stale: tuple[Path, ...] = ()
    problem: str | None = None


def _spec_folders(kernels: Path) -> list[Path]:
    from kernels.microbit.install import KERNEL_NAME, SIM_KERNEL_NAME

    found = (kernels / name for name in (KERNEL_NAME, SIM_KERNEL_NAME))
    return [folder for folder in found if (folder / "kernel.json").is_file()]


def _interpreter(folder: Path) -> str:
    import json

    try:
        spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
        return str(spec["argv"][0])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return ""


def refresh_kernels() -> KernelStep:
    """Write the kernelspecs again where the account has them: its own Jupyter folder and this
    environment (`tne lab` and `tne kernel install --user` / `--sys-prefix` put them there)."""
    from jupyter_core.paths import jupyter_data_dir, jupyter_path

    from kernels.microbit.install import install

    refreshed: list[Path] = []
    places = {"user": Path(jupyter_data_dir()) / "kernels"}
    places["prefix"] = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    try:
        for place, kernels in places.items():
            if _spec_folders(kernels):
                done = install(user=True) if place == "user" else install(prefix=sys.prefix)
                refreshed += [Path(folder) for _name, folder in done]
    except OSError as problem:
        return KernelStep(tuple(refreshed), problem=os_error_text(problem))
    stale = [
        folder
        for kernels in jupyter_path("kernels")
        for folder in _spec_folders(Path(kernels))
        if _interpreter(folder) != sys.executable
    ]
    return KernelStep(tuple(refreshed), tuple(stale))


def report_kernels(step: KernelStep) -> None:
    if step.refreshed:
        say(
            _("micro:bit kernels written again for this version, with {python}: {folders}.").format(
                python=sys.executable, folders=", ".join(str(f) for f in step.refreshed)
            )
        )
    if step.problem is not None:
        say(
            _(
                "The micro:bit kernels could not be written again ({problem}). Run: {command}"
            ).format(problem=step.problem, command="tne kernel install --user")
        )
    for folder in step.stale:
        say(
            _(
                "The kernel {folder} belongs to another install and starts another Python: "
                "remove it (jupyter kernelspec remove {name}) unless that install is still used."
            ).format(folder=folder, name=folder.name)
        )


def report_workspace() -> None:
    """The pupils' notebooks: never opened here, and said so."""
    from .lab import default_workspace

    folder = default_workspace()
    if folder.is_dir():
        say(_("The pupils' notebooks in {folder} are left as they are.").format(folder=folder))


def run(previous: str | None) -> int:
    current = installed_version()
    if previous and previous != current:
        say(_("Upgrade from {previous} to {current}.").format(previous=previous, current=current))
    elif previous:
        say(_("tne-robotique {current} installed again.").format(current=current))
    report_registry(upgrade_registry())
    report_kernels(refresh_kernels())
    report_workspace()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--previous", help="the version installed before this one, if any")
    options = parser.parse_args(argv)
    return run(options.previous)


if __name__ == "__main__":
    sys.exit(main())
