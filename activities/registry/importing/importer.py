"""Import a dossiers export: read it, judge each row, store the good ones in one transaction,
and say which rows were refused and why.

The same file imported twice gives the same registry (the dossier number is the key). Within one
file, of two rows of one dossier the one with the latest « Dernière mise à jour » wins (the later
line when the export has no such column), and the other is reported as replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from tne.i18n import _

from ..service import Registry
from .columns import SAMPLE, Columns, Mapping, load_mapping, locate
from .graphql import fetch_dossiers
from .reading import Table, read_table
from .rows import DossierRow, Rejection, judge
from .store import store


@dataclass
class ImportReport:
    source: str
    rows: int
    created: int = 0
    updated: int = 0
    schools_added: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    encoding: str | None = None
    separator: str | None = None
    columns: Columns | None = None
    #: Rows of a dossier that a newer row of the same file replaced (not refusals).
    replaced: list[Rejection] = field(default_factory=list)
    #: With a dry run: the first rows as they would be stored, and nothing written.
    preview: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.created + self.updated

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "rows": self.rows,
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "schools_added": self.schools_added,
            "rejected": [r.to_json() for r in self.rejected],
            "replaced": [r.to_json() for r in self.replaced],
            "encoding": self.encoding,
            "separator": self.separator,
            "columns": self.columns.to_json() if self.columns else None,
            "dry_run": self.dry_run,
            "preview": self.preview,
        }


#: Called with the number of rows just stored, to show progress.
Progress = Callable[[int], None]
#: How often the rows read are reported (a 50 MB export has some 100,000).
READ_STEP = 1000
#: How many rows a dry run shows.
PREVIEW_ROWS = 5


def import_file(
    registry: Registry,
    path: Path,
    mapping: Path | None = None,
    demarche: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    reading: Progress | None = None,
) -> ImportReport:
    """Import a CSV, XLSX or ODS export; the call is `demarche`, else a column, else the file's
    name. A dry run judges every row and writes nothing."""
    headers = load_mapping(mapping) if mapping is not None else None
    table = read_table(path)
    return import_table(
        registry, table, str(path), demarche or path.stem, headers, progress, dry_run, reading
    )


def import_table(
    registry: Registry,
    table: Table,
    source: str,
    demarche: str,
    mapping: Mapping | dict[str, str | None] | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    reading: Progress | None = None,
) -> ImportReport:
    """Judge every row, keep the latest of each dossier, and store them (unless `dry_run`).
    `reading` is told every `READ_STEP` rows read, `progress` the rows stored."""
    rows = iter(table.rows)
    sample = list(islice(rows, SAMPLE))
    columns = locate(table.headers, mapping, [r.cells for r in sample])
    report = ImportReport(source, 0, separator=table.separator, columns=columns, dry_run=dry_run)
    kept: dict[str, DossierRow] = {}
    for row in chain(sample, rows):
        report.rows += 1
        if reading is not None and report.rows % READ_STEP == 0:
            reading(READ_STEP)
        judged = judge(row, columns, demarche)
        if isinstance(judged, Rejection):
            report.rejected.append(judged)
            continue
        before = kept.get(judged.number)
        if before is not None:
            newer, older = _newer(before, judged)
            report.replaced.append(_replaced(older, newer))
            judged = newer
        kept[judged.number] = judged
    report.encoding = table.encoding  # known once a streamed file is read
    accepted = sorted(kept.values(), key=lambda r: r.line)
    if dry_run:
        report.preview = [_shown(r) for r in accepted[:PREVIEW_ROWS]]
    else:
        stored = store(registry, accepted, progress)
        report.created, report.updated = stored.created, stored.updated
        report.schools_added = stored.schools_added
        report.rejected += stored.rejected
    report.rejected.sort(key=lambda r: r.line)
    report.replaced.sort(key=lambda r: r.line)
    return report


def _newer(first: DossierRow, second: DossierRow) -> tuple[DossierRow, DossierRow]:
    """(newer, older) of two rows of one dossier: the latest update, else the later line."""
    if first.updated is not None and (second.updated is None or first.updated > second.updated):
        return first, second
    return second, first


def _replaced(older: DossierRow, newer: DossierRow) -> Rejection:
    if newer.updated is not None:
        reason = _(
            "The dossier {number} is also on line {line}, updated later ({when}): that line "
            "is kept, this one ignored."
        ).format(number=older.number, line=newer.line, when=f"{newer.updated:%d/%m/%Y %H:%M}")
    else:
        reason = _(
            "The dossier {number} is also on line {line}, further down the file: that line "
            "is kept, this one ignored."
        ).format(number=older.number, line=newer.line)
    return Rejection(older.line, older.number, reason)


def _shown(row: DossierRow) -> dict:
    """A row as a dry run shows it: its values as text, and its equipment lines."""
    shown = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.values.items()}
    if row.equipment is not None:
        shown["equipment"] = [f"{e.quantity} x {e.label}" for e in row.equipment]
    return shown


def import_graphql(
    registry: Registry,
    url: str,
    demarche: int,
    token: str,
    mapping: Path | None = None,
    fetched: Progress | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every dossier of a démarche from the GraphQL API; the call is the démarche's title.
    `fetched` is told the dossiers of each page as they arrive."""
    headers = load_mapping(mapping) if mapping is not None else None
    found = fetch_dossiers(url, demarche, token, fetched)
    return import_table(registry, found.table, url, found.title, headers, progress)
