"""Read a dossiers export (CSV, XLSX or ODS) into rows of cells, without judging what they mean.

CSV files come from many hands: the platform writes UTF-8 with `;` or `,`, a spreadsheet on
Windows re-saves them in Windows-1252, sometimes with a BOM, sometimes mixed (a row pasted from
another file). So each line is decoded on its own, UTF-8 first and Windows-1252 after, and the
separator is the one that splits the header line into the most columns. A broken line (a quote
never closed, a row cut short, bytes in neither encoding) is kept as a row with its problem, so
that it is reported and the lines after it are still read. What makes the whole file unreadable
(missing, binary, no header) raises `UnreadableFile` before anything is written.
"""

from __future__ import annotations

import csv
import zipfile
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tne.i18n import _

from ..errors import RegistryError
from .french import Cell, blank

SEPARATORS = (";", ",", "\t")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_BOM = b"\xef\xbb\xbf"


class UnreadableFile(RegistryError):
    """The file cannot be read at all: nothing is imported from it (exit 2)."""


@dataclass
class Row:
    """One row of the export: `line` is where people find it (the line of a CSV file where the
    row starts, or the row of the sheet), `problem` why it could not be read, if so."""

    line: int
    cells: list[Cell]
    problem: str | None = None


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    encoding: str | None = None
    separator: str | None = None


def read_table(path: Path) -> Table:
    """The header and rows of a CSV or XLSX export."""
    if not path.is_file():
        raise UnreadableFile(_("The file {path} does not exist.").format(path=path))
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise UnreadableFile(
            _("Cannot read the file {path}: {error}").format(path=path, error=problem.strerror)
        ) from None
    if data.startswith(_XLSX_MAGIC) and _is_ods(data):
        return _read_ods(path, len(data))
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(path)
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile(
            _(
                "{path} is an old Excel .xls workbook: save it as .xlsx or as CSV, then import "
                "it again."
            ).format(path=path)
        )
    return read_csv_bytes(data, str(path))


# -- CSV -------------------------------------------------------------------------------------


def read_csv_bytes(data: bytes, name: str) -> Table:
    if b"\x00" in data[:65536]:
        raise UnreadableFile(
            _("{path} is not a CSV or XLSX file (it holds binary data).").format(path=name)
        )
    had_bom = data.startswith(_BOM)
    lines, encodings, undecodable = _decode_lines(data[len(_BOM) :] if had_bom else data)
    while lines and not lines[0].strip():
        lines.pop(0)
        undecodable = {n - 1 for n in undecodable}
    if not lines:
        raise UnreadableFile(_("The file {path} is empty.").format(path=name))
    if 1 in undecodable:
        raise UnreadableFile(
            _(
                "The first line of {path} is neither UTF-8 nor Windows-1252 text: save the file "
                "as CSV UTF-8 and import it again."
            ).format(path=name)
        )
    separator = max(SEPARATORS, key=lambda s: len(_split(lines[0], s)))
    headers = _split(lines[0], separator)
    rows = list(_rows(lines, separator, len(headers), undecodable))
    if encodings == {"cp1252"}:
        encoding = "cp1252"
    elif "cp1252" in encodings:
        encoding = "utf-8+cp1252"
    else:
        encoding = "utf-8-sig" if had_bom else "utf-8"
    return Table([h.strip() for h in headers], rows, encoding, separator)


def _decode_lines(data: bytes) -> tuple[list[str], set[str], set[int]]:
    """Each physical line decoded on its own; the encodings met; the lines (1-based) in none."""
    lines, encodings, undecodable = [], set(), set()
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        for encoding in ("utf-8", "cp1252"):
            try:
                lines.append(raw.decode(encoding))
            except UnicodeDecodeError:
                continue
            if not raw.isascii():
                encodings.add(encoding)
            break
        else:
            lines.append(raw.decode("cp1252", errors="replace"))
            undecodable.add(number)
    return lines, encodings, undecodable


def _split(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator), [])


class _Lines:
    """The lines the csv reader pulls, so that each record knows its lines, and the lines of a
    broken record after its first can be given back to be read again."""

    def __init__(self, lines: list[str]) -> None:
        self.pending = deque(enumerate(lines, start=1))
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if not self.pending:
            raise StopIteration
        numbered = self.pending.popleft()
        self.taken.append(numbered)
        return numbered[1]

    def give_back(self, numbered: list[tuple[int, str]]) -> None:
        self.pending.extendleft(reversed(numbered))


def _rows(lines: list[str], separator: str, width: int, undecodable: set[int]) -> Iterator[Row]:
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=separator)
    next(reader)  # the header
    while True:
        source.taken = []
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:  # a field larger than the csv module's limit, for one
            first = source.taken[0][0] if source.taken else 0
            yield Row(
                first, [], _("This line cannot be read as CSV ({error}).").format(error=problem)
            )
            continue
        taken = source.taken
        if not taken or not any(c.strip() for c in cells):
            continue
        first = taken[0][0]
        if len(taken) == 1 and taken[0][1].count('"') % 2:
            # A quote never closed on the file's last record (a download cut short): the csv
            # module returns what it read, which would be stored truncated.
            yield Row(first, cells, _width_problem(taken[0][1], cells, width))
            continue
        if len(taken) > 1 and _swallowed(taken, cells, separator, width):
            source.give_back(taken[1:])
            cells = _split(taken[0][1], separator)
            yield Row(first, cells, _width_problem(taken[0][1], cells, width))
            continue
        if any(number in undecodable for number, _line in taken):
            yield Row(
                first,
                cells,
                _("This line holds bytes that are neither UTF-8 nor Windows-1252 text."),
            )
            continue
        while len(cells) > width and blank(cells[-1]):
            cells.pop()
        if len(cells) != width:
            yield Row(first, cells, _width_problem(taken[0][1], cells, width))
            continue
        yield Row(first, list(cells))


def _width_problem(line: str, cells: list[str], width: int) -> str:
    if line.count('"') % 2:
        return _('A quote (") opened on this line is never closed.')
    return _("This line has {found} columns where the header has {expected}.").format(
        found=len(cells), expected=width
    )


def _swallowed(taken: list[tuple[int, str]], cells: list[str], separator: str, width: int) -> bool:
    """Whether a record over several lines is one broken line that ate the next ones, rather than
    a cell with line breaks: its quotes do not pair up, its width is wrong, or a line inside it
    reads as a whole row by itself."""
    text = "".join(line for _number, line in taken)
    if text.count('"') % 2 or len(cells) != width:
        return True
    return any(len(_split(line, separator)) == width for _number, line in taken[1:])


# -- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> Table:
    """The first sheet of a workbook; cells as the spreadsheet shows them (values Excel stored
    for formulas, never a formula computed here)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as problem:
        raise UnreadableFile(
            _("{path} is not a readable XLSX workbook ({error}).").format(path=path, error=problem)
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return _sheet(path, enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _sheet(path: Path, numbered: Iterator[tuple[int, Sequence[Cell]]]) -> Table:
    """Header and rows of a spreadsheet's first sheet. The header is the first row with two
    cells or more: a title above it (often merged over the columns, so one cell) is skipped."""
    headers: list[str] | None = None
    rows: list[Row] = []
    for number, values in numbered:
        cells = list(values)
        if all(blank(c) for c in cells):
            continue
        if headers is None:
            if sum(1 for c in cells if not blank(c)) >= 2:
                headers = ["" if c is None else str(c).strip() for c in cells]
            continue
        # Cells right of the header have no column to go to.
        cells = (cells + [None] * len(headers))[: len(headers)]
        rows.append(Row(number, cells))
    if headers is None:
        raise UnreadableFile(
            _("The file {path} holds no table (no row with two cells or more).").format(path=path)
        )
    return Table(headers, rows, encoding=None, separator=None)


# -- ODS -------------------------------------------------------------------------------------

#: An ODS file is read whole into memory (its XML cannot be streamed by odfpy): past this size,
#: people save it as CSV or XLSX, which are streamed.
ODS_MAX_BYTES = 10 * 1024 * 1024
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _is_ods(data: bytes) -> bool:
    """An OpenDocument spreadsheet starts with its uncompressed `mimetype` entry."""
    return data[30:38] == b"mimetype" and _ODS_MIMETYPE in data[:120]


def _read_ods(path: Path, size: int) -> Table:
    """The first sheet of an ODS workbook, cells typed as LibreOffice stored them."""
    if size > ODS_MAX_BYTES:
        raise UnreadableFile(
            _(
                "{path} is an ODS file of {size} MB: ODS files are read only up to {limit} MB. "
                "Save it as CSV or XLSX in LibreOffice (File > Save as), then import it again."
            ).format(path=path, size=round(size / 2**20, 1), limit=ODS_MAX_BYTES // 2**20)
        )
    from odf.opendocument import load
    from odf.table import Table as OdsTable

    try:
        document = load(str(path))
    except Exception as problem:  # noqa: BLE001 - odfpy raises whatever its parsers raise
        raise UnreadableFile(
            _("{path} is not a readable ODS workbook ({error}).").format(path=path, error=problem)
        ) from None
    sheets = document.spreadsheet.getElementsByType(OdsTable)
    if not sheets:
        raise UnreadableFile(_("The file {path} is empty.").format(path=path))
    return _sheet(path, _ods_rows(sheets[0]))


def _ods_rows(sheet) -> Iterator[tuple[int, list[Cell]]]:
    from odf.namespaces import TABLENS

    number = 0
    for row in sheet.childNodes:
        if row.qname != (TABLENS, "table-row"):
            continue
        repeated = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
        cells = _ods_cells(row)
        if not any(not blank(c) for c in cells):
            number += repeated  # blank rows (LibreOffice repeats them to the sheet's end)
            continue
        for _copy in range(min(repeated, 1000)):
            number += 1
            yield number, cells


def _ods_cells(row) -> list[Cell]:
    from odf import teletype
    from odf.namespaces import OFFICENS, TABLENS

    cells: list[Cell] = []
    for cell in row.childNodes:
        if cell.qname[1] not in ("table-cell", "covered-table-cell"):
            continue
        repeated = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
        kind = cell.attributes.get((OFFICENS, "value-type"))
        if kind in ("float", "currency", "percentage"):
            value: Cell = cell.attributes.get((OFFICENS, "value"))
            value = float(value) if value is not None else None
        elif kind == "date":
            value = cell.attributes.get((OFFICENS, "date-value"))
        else:
            value = (
                "\n".join(teletype.extractText(p) for p in cell.childNodes if p.qname[1] == "p")
                or None
            )
        cells.extend([value] * (repeated if value is not None else min(repeated, 1)))
    while cells and blank(cells[-1]):
        cells.pop()
    return cells
