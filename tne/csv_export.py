"""The project's one CSV writer: files that French spreadsheets open directly, and that cannot
smuggle a formula into them.

LibreOffice Calc and Excel in a French locale split on `;`, read `3,5` as a number and need a
UTF-8 byte order mark to guess the encoding (without it, Excel reads `é` as `Ã©`). Every CSV
the project writes (plotter data, registry reports) goes through here, so those rules live in
one place.

Formula injection (OWASP "CSV Injection"): a text cell that starts with `=`, `+`, `-`, `@`, a tab
or a carriage return may be run as a formula by the spreadsheet (`=HYPERLINK(...)` exfiltrates
data on a click). Such text gets a leading `'`, which spreadsheets show as plain text. Numbers
are written as numbers, so `-3,5` stays a negative number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO

#: What French spreadsheets expect.
DELIMITER = ";"
ENCODING = "utf-8-sig"
#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | dt.date | None


def cell_text(value: Cell) -> str:
    """One cell as the spreadsheet should read it: numbers with a decimal comma, dates as
    DD/MM/YYYY, text neutralised against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", ",") if value == value else ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(target: IO[str], header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Write to an open text stream (opened with `newline=""`; the caller chose the encoding:
    use `open_csv` for a file, which adds the byte order mark)."""
    writer = csv.writer(target, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([cell_text(name) for name in header])
    for row in rows:
        writer.writerow([cell_text(value) for value in row])


def open_csv(path: Path) -> IO[str]:
    """A file to pass to `write_csv`, in the encoding French spreadsheets detect."""
    return open(path, "w", encoding=ENCODING, newline="")


def save_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    with open_csv(path) as target:
        write_csv(target, header, rows)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole file in memory, byte order mark included (for a download or stdout)."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, header, rows)
    return buffer.getvalue().encode(ENCODING)
