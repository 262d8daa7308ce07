"""The LED matrix as the front ends see it: 25 brightnesses, 0 to 9, row by row.

The simulator reports the matrix as `"09090:99999:..."` (rows joined by `:`, see
docs/simulator.md). A real board has no side channel, so after each cell (or workshop run) the
front end asks it for the same string with `PIXELS_CODE` (one short `Board.exec`, which leaves
no name behind in the pupil's namespace).
"""

from __future__ import annotations

SIZE = 5
DARK = [0] * (SIZE * SIZE)

#: Run on a micro:bit: prints the matrix in the simulator's `pixels` format.
PIXELS_CODE = (
    "from microbit import display as _tne_d\n"
    "print(':'.join(''.join(str(_tne_d.get_pixel(x, y)) for x in range(5)) for y in range(5)))\n"
    "del _tne_d\n"
)


def parse_pixels(text: str) -> list[int] | None:
    """25 brightnesses from `"09090:..."`; None when the text is not a 5x5 matrix."""
    rows = str(text).strip().split(":")
    if len(rows) != SIZE or any(
        len(row) != SIZE or not set(row) <= set("0123456789") for row in rows
    ):
        return None
    return [int(digit) for row in rows for digit in row]
