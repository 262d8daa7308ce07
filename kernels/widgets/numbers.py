"""Numbers in printed lines, as Thonny's plotter reads them.

A pupil plots by printing: `print(x, y)` gives two series, `print("temp:", 21.5)` one series
labelled "temp". The text just before a number (since the previous number) labels it; a number
without a label is named by its position among the unlabelled numbers of the line, so
`print(a, b)` keeps "1" and "2" from line to line. Digits inside a word (`pin0`, `x2`) are not
numbers, and only `.` is a decimal point: the board prints `1.5`, and `3,4` is two numbers.
"""

from __future__ import annotations

import math
import re

#: A number as MicroPython prints it: optional sign, digits, optional fraction and exponent.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
#: Characters that separate a label from its number (`temp: 21`, `x=3`, `a, 1`).
LABEL_PUNCTUATION = " \t:=,;()[]{}'\"|/"
#: Longest label kept (a long text before a number is a sentence, not a series name).
MAX_LABEL = 30


def parse_line(line: str) -> list[tuple[str, float]]:
    """`[(series name, value), ...]` for one printed line; `[]` when it holds no number."""
    found: list[tuple[str, float]] = []
    position = 0
    unlabelled = 0
    for match in NUMBER.finditer(line):
        try:
            value = float(match.group())
        except ValueError:  # pragma: no cover - the pattern only matches floats
            continue
        if not math.isfinite(value):
            continue
        label = line[position : match.start()].strip(LABEL_PUNCTUATION)[-MAX_LABEL:].strip()
        if not label:
            unlabelled += 1
            label = str(unlabelled)
        found.append((label, value))
        position = match.end()
    return found
