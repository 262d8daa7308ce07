"""`tne report`: the registry's report for a project, a school, a call or the department.

CSV and JSON go to stdout unless `--out` is given; HTML and PDF go to `--out`, by default a file
named after the scope in the current folder. Exit codes as for `tne registry`: 2 bad input
(unknown school, dates the wrong way round), 3 the database cannot be used.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import typer

from tne.i18n import _
from tne.os_errors import os_error_text
from tne.pdf import PdfUnavailable, install_hint

from .output import error, say
from .registry_common import db_option, with_registry


def report_command(
    project: int | None = typer.Option(None, "--project", help=_("One project, by its id.")),
    school: str | None = typer.Option(None, "--school", help=_("One school, by its UAI.")),
    call: str | None = typer.Option(
        None, "--call", help=_("One call for projects, by its name (the démarche).")
    ),
    start: str | None = typer.Option(
        None, "--from", help=_("First day, as DD/MM/YYYY or YYYY-MM-DD.")
    ),
    end: str | None = typer.Option(None, "--to", help=_("Last day, as DD/MM/YYYY or YYYY-MM-DD.")),
    kind: str = typer.Option(..., "--format", help=_("csv, json, html or pdf.")),
    out: Path | None = typer.Option(None, "--out", help=_("The file to write.")),
    threshold: int = typer.Option(
        10, "--threshold", help=_("Counts of pupils below this are hidden (default 10).")
    ),
    db: str | None = db_option(),
) -> None:
    """Without a scope, the whole department over all time."""
    from activities.registry.errors import EXIT_BAD_INPUT, RegistryError
    from activities.registry.report.render import FORMATS, render
    from activities.registry.report.request import ReportRequest

    kind = kind.lower()
    if kind not in FORMATS:
        error(_("Unknown format '{format}': choose csv, json, html or pdf.").format(format=kind))
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        request = ReportRequest.checked(project, school, call, start, end, threshold)
    except RegistryError as problem:
        error(problem.message)
        raise typer.Exit(problem.exit_code) from None
    built = with_registry(db, lambda r: r.report(request))
    target = out or Path(f"rapport-tne-{built.scope}-{dt.date.today().isoformat()}.{kind}")
    try:
        data = render(built, kind)
    except RegistryError as problem:
        error(problem.message)
        raise typer.Exit(problem.exit_code) from None
    except PdfUnavailable as problem:
        # The same report as HTML, which any browser prints to PDF: the work is not lost.
        say(f"{problem} {install_hint()}")
        kind, target, data = "html", target.with_suffix(".html"), render(built, "html")
    if out is None and kind in ("csv", "json"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        _write_whole(target, data)
    except OSError as problem:
        error(_("Cannot write '{path}': {error}").format(path=target, error=os_error_text(problem)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    say(_("Report written to {path}.").format(path=target))


def _write_whole(path: Path, data: bytes) -> None:
    """The file appears complete or not at all."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)
