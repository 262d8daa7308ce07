"""The plotter's data: printed lines in, series out, a rolling window for the view and every
row for the CSV export.

Lines arrive in chunks (`on_output` gets whatever the board sent), so a partial line waits for
its end. Each line with numbers is one row: its index (the x axis, as in Thonny's plotter) and a
value per series. The view shows the last `window` rows; the export has every row since the
last clear, up to `MAX_ROWS` (a loop printing for an hour must not fill the kernel's memory).
Lines arrive on the board's thread while the view is read on a timer's: a lock keeps them apart.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tne.csv_export import Cell, csv_bytes, save_csv
from tne.i18n import _

from .numbers import parse_line

#: Rows kept for the export.
MAX_ROWS = 100_000
#: Rows the view shows by default.
WINDOW = 200
#: Longest partial line kept while waiting for its end (a program printing without newlines).
MAX_PENDING = 4096


@dataclass
class PlotData:
    window: int = WINDOW
    series: list[str] = field(default_factory=list)  # names, in order of appearance
    rows: deque[tuple[int, dict[str, float]]] = field(
        default_factory=lambda: deque(maxlen=MAX_ROWS)
    )
    count: int = 0  # rows seen since the last clear (the x of the next row)
    _pending: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def feed(self, text: str) -> int:
        """Take a chunk of printed text; return how many rows it added."""
        with self._lock:
            return self._feed(text)

    def _feed(self, text: str) -> int:
        text = (self._pending + text).replace("\r\n", "\n").replace("\r", "\n")
        *lines, self._pending = text.split("\n")
        if len(self._pending) > MAX_PENDING:
            lines.append(self._pending)
            self._pending = ""
        return sum(self._add_line(line) for line in lines)

    def end_of_output(self) -> int:
        """The cell ended: a last line without its newline still counts."""
        with self._lock:
            line, self._pending = self._pending, ""
            return self._add_line(line) if line else 0

    def _add_line(self, line: str) -> bool:
        values = dict(parse_line(line))
        if not values:
            return False
        for name in values:
            if name not in self.series:
                self.series.append(name)
        self.count += 1
        self.rows.append((self.count, values))
        return True

    def clear(self) -> None:
        with self._lock:
            self.series.clear()
            self.rows.clear()
            self.count = 0
            self._pending = ""

    def view(self) -> dict:
        """What the widget draws: the last `window` rows, one list per series (None for a
        series missing from a row)."""
        with self._lock:
            shown = list(self.rows)[-self.window :] if self.window > 0 else []
            names = list(self.series)
        return {
            "x": [index for index, _values in shown],
            "series": [
                {"name": name, "values": [values.get(name) for _index, values in shown]}
                for name in names
            ],
        }

    # -- export --------------------------------------------------------------------------------

    def table(self) -> tuple[list[str], list[Sequence[Cell]]]:
        with self._lock:
            names, kept = list(self.series), list(self.rows)
        header = [_("line"), *names]
        return header, [[index, *(values.get(name) for name in names)] for index, values in kept]

    def csv(self) -> bytes:
        return csv_bytes(*self.table())

    def export(self, folder: Path, now: dt.datetime | None = None) -> Path:
        """Write `mesures-YYYYMMDD-HHMMSS.csv` in `folder` (never over an existing file)."""
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        path = folder / f"mesures-{stamp}.csv"
        number = 2
        while path.exists():
            path = folder / f"mesures-{stamp}-{number}.csv"
            number += 1
        save_csv(path, *self.table())
        return path
