"""Exports as spreadsheets save them, and files that are not exports: an ODS workbook (up to its
stated size), an XLSX whose header sits under a merged title, a CSV cut in the middle of a
quoted field, and a file that holds no table. Each bad file gets a French message and leaves the
registry as it was; a broken row costs that row only."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from activities.registry.importing import import_file, reading
from activities.registry.importing.reading import UnreadableFile, read_table
from tests.registry.import_files import HEADERS, csv_text, row, uai


def _ods(path: Path, rows: list[list[object]]) -> Path:
    """An ODS workbook written by odfpy, the field's OpenDocument library."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Dossiers")
    for values in rows:
        line = TableRow()
        for value in values:
            if isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            line.addElement(cell)
        sheet.addElement(line)
    document.spreadsheet.addElement(sheet)
    document.save(str(path))
    return path


def test_an_ods_workbook_is_imported_with_its_numbers(registry, tmp_path: Path) -> None:
    export = _ods(
        tmp_path / "dossiers.ods",
        [
            ["Export des dossiers TNE"],  # a title above the header
            [
                "N° dossier",
                "Statut",
                "UAI",
                "Nom de l'établissement",
                "Commune",
                "Montant sollicité",
                "Montant accordé",
                "Montant cofinancé",
            ],
            [501, "Accepté", uai(5), "École A", "Bourges", 3000, 2500.5, "-"],
        ],
    )
    report = import_file(registry, export)
    assert (report.imported, report.rejected) == (1, [])
    with registry.reading() as session:
        from activities.registry.models import Dossier

        (dossier,) = session.query(Dossier).all()
        assert (dossier.number, dossier.granted_cents, dossier.cofinancing_cents) == (
            "501",
            250_050,
            None,
        )


def test_an_ods_file_past_its_size_limit_is_refused_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = _ods(tmp_path / "grand.ods", [["ID", "État"], [1, "accepté"]])
    monkeypatch.setattr(reading, "ODS_MAX_BYTES", 100)
    with pytest.raises(UnreadableFile, match="enregistrez-le en CSV ou XLSX"):
        read_table(export)


def test_an_xlsx_header_under_a_merged_title_is_found(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Appel à projets TNE 2026 : dossiers"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(HEADERS)
    sheet.append(row(1001))
    workbook.save(tmp_path / "e.xlsx")
    table = read_table(tmp_path / "e.xlsx")
    assert table.headers == HEADERS
    assert [(r.line, r.cells[0]) for r in table.rows] == [(3, "1001")]


def test_a_csv_cut_in_the_middle_of_a_quoted_field_keeps_the_rows_before(
    registry, tmp_path: Path
) -> None:
    whole = csv_text([row(1001), row(1002), row(1003, Matériel="2 x micro:bit; 1 x câble")])
    cut = whole[: whole.rindex("micro:bit")]  # the download stopped inside the last cell
    assert cut.count('"') % 2 == 1
    export = tmp_path / "coupé.csv"
    export.write_text(cut, encoding="utf-8")
    report = import_file(registry, export)
    assert report.imported == 2
    (refused,) = report.rejected
    assert (refused.line, refused.number) == (4, "1003")
    assert "guillemet" in refused.reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n\x00\x01binaire", "données binaires"),
        (b"Bonjour,\nvoici les dossiers.\nCordialement\n", "numéro de dossier"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused_in_french_and_writes_nothing(
    registry, tmp_path: Path, content: bytes, message: str
) -> None:
    export = tmp_path / "dossiers.csv"
    export.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        import_file(registry, export)
    assert registry.status().counts["dossiers"] == 0


def test_an_xlsx_sheet_with_one_cell_per_row_is_not_a_table(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    for line in ("Compte rendu", "Rien à importer"):
        workbook.active.append([line])
    workbook.save(tmp_path / "note.xlsx")
    with pytest.raises(UnreadableFile, match="ne contient aucun tableau"):
        read_table(tmp_path / "note.xlsx")


def _big_csv(path: Path, megabytes: int) -> int:
    """A platform-shaped export of about `megabytes` MB; how many rows it has."""
    header = csv_text([], headers=HEADERS)
    line = csv_text([row(1)], headers=HEADERS)[len(header) :]
    count = megabytes * 2**20 // len(line.encode())
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        for n in range(count):
            out.write(line.replace("1;", f"{100000 + n};", 1))
    return count


def test_a_50_mb_csv_is_streamed_not_loaded_whole(tmp_path: Path) -> None:
    import tracemalloc

    export = tmp_path / "grand.csv"
    count = _big_csv(export, 50)
    assert export.stat().st_size > 50 * 10**6
    tracemalloc.start()
    try:
        table = read_table(export)
        seen = sum(1 for r in table.rows if r.problem is None)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 5 * 2**20, f"{peak / 2**20:.1f} MB held while reading a 50 MB file"
    assert table.encoding == "utf-8"


def test_rows_read_are_reported_as_the_import_goes(registry, tmp_path: Path) -> None:
    from activities.registry.importing.importer import READ_STEP

    export = tmp_path / "moyen.csv"
    count = _big_csv(export, 1)
    told: list[int] = []
    report = import_file(registry, export, dry_run=True, reading=told.append)
    assert report.rows == count and not report.rejected
    assert told == [READ_STEP] * (count // READ_STEP)
    assert registry.status().counts["dossiers"] == 0
