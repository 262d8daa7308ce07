"""`tne registry import-dossiers`: a démarches-simplifiées-style export (CSV, XLSX) or its GraphQL
API into the registry.

Exit codes: 0 every row imported; 1 some rows refused (each on stderr with its line, dossier
number and reason; the others imported); 2 nothing could be read (missing file, not CSV/XLSX, no
ID column, token refused...), and then nothing was written; 3 the database cannot be used.
The API token is read from an environment variable, never from the command line, where other
users of the machine and the shell history would see it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from tne.i18n import _, ngettext, quoted

from .output import error, say, stderr_console
from .registry_common import db_option, json_option, print_json, registry_app, with_registry

EXIT_SOME_REJECTED = 1
EXIT_BAD_INPUT = 2
DEFAULT_TOKEN_VARIABLE = "DS_API_TOKEN"


@contextlib.contextmanager
def _progress(*labels: str) -> Iterator[list[Callable[[int], None] | None]]:
    """One count per label on stderr while a long import runs (rows read, dossiers stored),
    only for a person at a terminal."""
    if not stderr_console().is_terminal:
        yield [None] * len(labels)
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed}"))
    with Progress(*columns, console=stderr_console(), transient=True) as bar:
        tasks = [bar.add_task(label, total=None) for label in labels]
        yield [lambda done, task=task: bar.advance(task, done) for task in tasks]


def field_label(name: str) -> str:
    """A field of a dossier as the import's summary names it."""
    return {
        "number": _("dossier number"),
        "state": _("state"),
        "demarche": _("call for projects"),
        "deposited_on": _("date filed"),
        "processed_on": _("date processed"),
        "updated_on": _("last update"),
        "requested": _("amount requested"),
        "granted": _("amount granted"),
        "cofinancer": _("co-financing authority"),
        "cofinancing": _("co-financing amount"),
        "uai": _("school's UAI"),
        "school_name": _("school's name"),
        "school_commune": _("commune"),
        "school_degree": _("degree"),
        "equipment": _("equipment"),
    }[name]


def show_columns(report) -> None:
    """What the import read from which column, what it ignored and what it did not find."""
    columns = report.columns
    how = {"mapping": _("mapping file"), "label": _("label"), "content": _("content")}
    say(_("Columns used:"))
    for name, position in columns:
        say(
            _("  {field} ← « {column} » (by {how})").format(
                field=field_label(name), column=columns.headers[position], how=how[columns.by[name]]
            )
        )
    if columns.ignored:
        say(
            _("Columns ignored: {columns}.").format(
                columns=", ".join(quoted(h) for h in columns.ignored)
            )
        )
    if columns.missing:
        say(
            _("Fields not found in this export: {fields}.").format(
                fields=", ".join(field_label(f) for f in columns.missing)
            )
        )


def show_preview(report) -> None:
    """The first rows of a dry run, as they would be stored."""
    for shown in report.preview:
        say("  " + " ; ".join(f"{k} = {v}" for k, v in shown.items() if v not in (None, [])))


def _refuse(message: str) -> None:
    error(message)
    raise typer.Exit(EXIT_BAD_INPUT)


@registry_app.command(
    "import-dossiers",
    help=_(
        "Import the dossiers of a démarches-simplifiées-style export (CSV or XLSX), or of its "
        "GraphQL API with --graphql. Importing again updates the dossiers, never duplicates them."
    ),
)
def import_dossiers(
    file: Path | None = typer.Argument(
        None,
        metavar=_("FILE"),
        help=_("The export: a CSV file (separated by ; or ,), an XLSX or ODS workbook."),
    ),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help=_('A JSON file naming your own headers, such as {"Numéro de dossier": "number"}.'),
    ),
    demarche: str | None = typer.Option(
        None,
        "--demarche",
        help=_(
            "The call for projects the dossiers belong to (default: the file's name); with "
            "--graphql, the démarche's number."
        ),
    ),
    graphql: str | None = typer.Option(
        None,
        "--graphql",
        help=_("The GraphQL API's address, such as https://example.org/api/v2/graphql."),
    ),
    token_env: str = typer.Option(
        DEFAULT_TOKEN_VARIABLE,
        "--token-env",
        help=_("The environment variable that holds the API token."),
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help=_("Show which columns are used and the first rows, and write nothing."),
    ),
    db: str | None = db_option(),
    as_json: bool = json_option(),
) -> None:
    report = with_registry(db, _importer(file, mapping, demarche, graphql, token_env, dry_run))
    if not as_json:
        show_columns(report)
    for rejection in report.rejected:
        error(_located(rejection))
    for replaced in report.replaced:
        say(_located(replaced))
    if as_json:
        print_json(report.to_json())
    if report.dry_run:
        _say_dry_run(report)
    else:
        _say_imported(report)
    if report.rejected:
        raise typer.Exit(EXIT_SOME_REJECTED)


def _importer(
    file: Path | None,
    mapping: Path | None,
    demarche: str | None,
    graphql: str | None,
    token_env: str,
    dry_run: bool,
) -> Callable:
    """What imports into an open registry: from the file or from the API, after refusing
    options that do not go together (exit 2, nothing done)."""
    from activities.registry.importing import import_file, import_graphql

    if (file is None) == (graphql is None):
        _refuse(_("Give either an export file or --graphql URL (one of the two)."))
    if graphql is not None:
        if demarche is None or not demarche.strip().isdigit():
            _refuse(_("With --graphql, give the démarche's number: --demarche 12345."))
        token = os.environ.get(token_env, "").strip()
        if not token:
            _refuse(
                _(
                    "The environment variable {name} holds no API token. Set it first, for "
                    "example: export {name}=..."
                ).format(name=token_env)
            )

        def fetch(registry):
            with _progress(_("Dossiers fetched:")) as (fetched,):
                return import_graphql(
                    registry, graphql, int(demarche), token, mapping, fetched=fetched
                )

        return fetch

    def load(registry):
        with _progress(_("Rows read:"), _("Dossiers stored:")) as (read, stored):
            return import_file(registry, file, mapping, demarche, stored, dry_run, read)

    return load


def _say_dry_run(report) -> None:
    """What a dry run would import, and the first rows."""
    say(
        ngettext(
            "Dry run, nothing written: {accepted} dossier would be imported from {source}; "
            "rows refused: {rejected}. First rows:",
            "Dry run, nothing written: {accepted} dossiers would be imported from {source}; "
            "rows refused: {rejected}. First rows:",
            report.rows - len(report.rejected) - len(report.replaced),
        ).format(
            accepted=report.rows - len(report.rejected) - len(report.replaced),
            source=report.source,
            rejected=len(report.rejected),
        )
    )
    show_preview(report)


def _say_imported(report) -> None:
    """How many dossiers came in, new or updated, and the schools the import added."""
    say(
        _(
            "Dossiers imported from {source}: {imported} ({created}, {updated}); "
            "rows refused: {rejected}."
        ).format(
            imported=report.imported,
            source=report.source,
            created=ngettext("{count} new", "{count} new", report.created).format(
                count=report.created
            ),
            updated=ngettext("{count} updated", "{count} updated", report.updated).format(
                count=report.updated
            ),
            rejected=len(report.rejected),
        )
    )
    if report.schools_added:
        say(
            _("Schools added to the registry: {uais}.").format(uais=", ".join(report.schools_added))
        )


def _located(rejection) -> str:
    if rejection.number is None:
        return _("Line {line}: {reason}").format(line=rejection.line, reason=rejection.reason)
    return _("Line {line}, dossier {number}: {reason}").format(
        line=rejection.line, number=rejection.number, reason=rejection.reason
    )
