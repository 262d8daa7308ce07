"""Import a dossiers export: read it, judge each row, store the good ones in one transaction,
and say which rows were refused and why.

The same file imported twice gives the same registry (the dossier number is the key). Within one
file, a number met again after a row that was accepted is refused, naming that first line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tne.i18n import _

from ..service import Registry
from .columns import load_mapping, locate
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
            "encoding": self.encoding,
            "separator": self.separator,
        }


#: Called with the number of rows just stored, to show progress.
Progress = Callable[[int], None]


def import_file(
    registry: Registry,
    path: Path,
    mapping: Path | None = None,
    demarche: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV or XLSX export; the call is `demarche`, else a column, else the file's name."""
    headers = load_mapping(mapping) if mapping is not None else None
    table = read_table(path)
    return import_table(registry, table, str(path), demarche or path.stem, headers, progress)


def import_table(
    registry: Registry,
    table: Table,
    source: str,
    demarche: str,
    mapping: dict[str, str | None] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    columns = locate(table.headers, mapping)
    report = ImportReport(
        source, len(table.rows), encoding=table.encoding, separator=table.separator
    )
    accepted: list[DossierRow] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        judged = judge(row, columns, demarche)
        if isinstance(judged, Rejection):
            report.rejected.append(judged)
        elif judged.number in first_line:
            report.rejected.append(
                Rejection(
                    row.line,
                    judged.number,
                    _(
                        "The dossier number {number} is already on line {line}: this line is "
                        "ignored."
                    ).format(number=judged.number, line=first_line[judged.number]),
                )
            )
        else:
            first_line[judged.number] = row.line
            accepted.append(judged)
    stored = store(registry, accepted, progress)
    report.created, report.updated = stored.created, stored.updated
    report.schools_added = stored.schools_added
    report.rejected = sorted(report.rejected + stored.rejected, key=lambda r: r.line)
    return report


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
