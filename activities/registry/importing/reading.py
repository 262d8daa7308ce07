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
import io
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tne.i18n import _
from tne.os_errors import os_error_text

from ..errors import RegistryError
from ..french import Cell, blank

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
    """A header and its rows. `rows` is a list, or an iterator that reads the file as the
    import goes (CSV and XLSX: a 50 MB export is never in memory whole); a streamed CSV's
    `encoding` is only known once its rows have been read."""

    headers: list[str]
    rows: Iterable[Row]
    encoding: str | None = None
    separator: str | None = None


def read_table(path: Path) -> Table:
    """The header and rows of a CSV, XLSX or ODS export."""
    if not path.is_file():
        raise UnreadableFile(_("The file {path} does not exist.").format(path=path))
    try:
        stream = path.open("rb")
    except OSError as problem:
        raise UnreadableFile(
            _("Cannot read the file {path}: {error}").format(
                path=path, error=os_error_text(problem)
            )
        ) from None
    head = stream.read(_HEAD)
    if head.startswith(_XLSX_MAGIC):
        stream.close()
        if _is_ods(head):
            return _read_ods(path, path.stat().st_size)
        return _read_xlsx(path)
    if head.startswith(_OLE_MAGIC):
        stream.close()
        raise UnreadableFile(
            _(
                "{path} is an old Excel .xls workbook: save it as .xlsx or as CSV, then import "
                "it again."
            ).format(path=path)
        )
    stream.seek(0)
    return read_csv_stream(stream, str(path))


# -- CSV -------------------------------------------------------------------------------------


_HEAD = 65536


def read_csv_bytes(data: bytes, name: str) -> Table:
    """A CSV export held in memory, its rows read at once."""
    table = read_csv_stream(io.BytesIO(data), name)
    table.rows = list(table.rows)
    return table


def read_csv_stream(stream: BinaryIO, name: str) -> Table:
    """A CSV export read line by line from `stream` (closed once its rows are read): the
    header now, the rows as the caller iterates them."""
    head = stream.read(_HEAD)
    if b"\x00" in head:
        stream.close()
        raise UnreadableFile(
            _("{path} is not a CSV or XLSX file (it holds binary data).").format(path=name)
        )
    decoded = _Decoded(stream, had_bom=head.startswith(_BOM))
    lines = iter(decoded)
    header = next((line for line in lines if line.strip()), None)
    if header is None:
        stream.close()
        raise UnreadableFile(_("The file {path} is empty.").format(path=name))
    if 1 in decoded.undecodable:
        stream.close()
        raise UnreadableFile(
            _(
                "The first line of {path} is neither UTF-8 nor Windows-1252 text: save the file "
                "as CSV UTF-8 and import it again."
            ).format(path=name)
        )
    separator = max(SEPARATORS, key=lambda s: len(_split(header, s)))
    headers = _split(header, separator)
    table = Table([h.strip() for h in headers], [], None, separator)

    def rows() -> Iterator[Row]:
        try:
            yield from _rows(lines, separator, len(headers), decoded.undecodable)
        finally:
            stream.close()
            table.encoding = decoded.encoding

    table.rows = rows()
    return table


class _Decoded:
    """Each physical line of a stream decoded on its own, UTF-8 first, Windows-1252 after;
    numbered from the first line that is not blank (the header is line 1). It remembers the
    encodings met and the lines in neither."""

    def __init__(self, stream: BinaryIO, had_bom: bool) -> None:
        self.stream = stream
        self.had_bom = had_bom
        self.encodings: set[str] = set()
        self.undecodable: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        self.stream.seek(len(_BOM) if self.had_bom else 0)
        number = 0
        for raw in self.stream:
            if number == 0 and not raw.strip():
                continue  # blank lines above the header
            number += 1
            yield self._decode(raw, number)

    def _decode(self, raw: bytes, number: int) -> str:
        for encoding in ("utf-8", "cp1252"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not raw.isascii():
                self.encodings.add(encoding)
            return text
        self.undecodable.add(number)
        return raw.decode("cp1252", errors="replace")

    @property
    def encoding(self) -> str:
        if self.encodings == {"cp1252"}:
            return "cp1252"
        if "cp1252" in self.encodings:
            return "utf-8+cp1252"
        return "utf-8-sig" if self.had_bom else "utf-8"


def _split(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator), [])


class _Lines:
    """The lines the csv reader pulls, so that each record knows its lines, and the lines of a
    broken record after its first can be given back to be read again."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = enumerate(lines, start=2)  # the header, line 1, is already read
        self.pending: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        numbered = self.pending.popleft() if self.pending else next(self.lines)
        self.taken.append(numbered)
        return numbered[1]

    def give_back(self, numbered: list[tuple[int, str]]) -> None:
        self.pending.extendleft(reversed(numbered))


def _rows(lines: Iterator[str], separator: str, width: int, undecodable: set[int]) -> Iterator[Row]:
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=separator)
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
        numbered = enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        return _sheet(path, numbered, workbook.close)
    except BaseException:
        workbook.close()
        raise


def _sheet(
    path: Path,
    numbered: Iterator[tuple[int, Sequence[Cell]]],
    close: Callable[[], None] = lambda: None,
) -> Table:
    """Header and rows of a spreadsheet's first sheet, the rows read as the caller iterates
    them (`close` once they are). The header is the first row with two cells or more: a title
    above it (often merged over the columns, so one cell) is skipped."""
    headers: list[str] | None = None
    for _number, values in numbered:
        if sum(1 for c in values if not blank(c)) >= 2:
            headers = ["" if c is None else str(c).strip() for c in values]
            break
    if headers is None:
        close()
        raise UnreadableFile(
            _("The file {path} holds no table (no row with two cells or more).").format(path=path)
        )
    width = len(headers)

    def rows() -> Iterator[Row]:
        try:
            for number, values in numbered:
                if all(blank(c) for c in values):
                    continue
                # Cells right of the header have no column to go to.
                yield Row(number, (list(values) + [None] * width)[:width])
        finally:
            close()

    return Table(headers, rows(), encoding=None, separator=None)


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
