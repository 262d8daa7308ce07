"""Statistical disclosure control for the report's counts of pupils.

A report must not let anyone single out a small group of children. The rule, for a threshold
`t` (default 10):

1. **Primary suppression.** A count of pupils from 1 to t-1 is shown as `<t`. The number of
   girls is hidden too when it is from 1 to t-1, *or* when its complement, the number of boys
   (pupils - girls), is from 1 to t-1: publishing "12 pupils, 10 girls" would tell that 2 boys
   took part.
2. **Secondary suppression.** A column of counts and its total form one equation
   (total = sum of the rows). If exactly one cell of it is hidden, it can be recomputed by
   subtraction, so a second cell is hidden: the smallest published row cell greater than 0
   (ties: the first row), else the total. Afterwards every equation has zero or at least two
   hidden cells. The pupils and the girls columns are separate equations (the boys are never
   published, so a row's pupils and girls do not determine each other).
3. **Derived values.** The share of girls is hidden whenever its pupils or its girls are,
   because `girls = share × pupils` and `pupils = girls / share`.

A hidden cell shows `<t` only when its value really is from 1 to t-1; any other hidden cell
(a complement, or a secondary suppression) shows `s` (« secret statistique »), so what is shown
is never false. Zero is published: it singles out nobody. Sessions, hours and money are never
suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10
SECRET = "s"


@dataclass(frozen=True)
class Counts:
    """What is known of one row (or the total): its pupils and, among them, girls."""

    pupils: int
    girls: int


@dataclass(frozen=True)
class Shown:
    """One row as it may be published: a number, or the text that replaces it."""

    pupils: int | str
    girls: int | str
    girls_share: float | str | None  # None when there are no pupils


def is_small(value: int, threshold: int) -> bool:
    return 1 <= value < threshold


def protect(
    rows: Sequence[Counts], total: Counts, threshold: int = DEFAULT_THRESHOLD
) -> tuple[list[Shown], Shown]:
    """The rows and the total as they may be published (see the module's rule)."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    cells = [*rows, total]
    hide_pupils = [is_small(c.pupils, threshold) for c in cells]
    hide_girls = [
        is_small(c.girls, threshold) or is_small(c.pupils - c.girls, threshold) for c in cells
    ]
    _secondary(hide_pupils, [c.pupils for c in cells])
    _secondary(hide_girls, [c.girls for c in cells])
    shown = [
        _shown(c, hp, hg, threshold)
        for c, hp, hg in zip(cells, hide_pupils, hide_girls, strict=True)
    ]
    return shown[:-1], shown[-1]


def _secondary(hidden: list[bool], values: list[int]) -> None:
    """Hide one more cell of the equation `values[-1] == sum(values[:-1])` when exactly one is
    hidden (in place)."""
    if hidden.count(True) != 1:
        return
    candidates = [i for i in range(len(values) - 1) if not hidden[i]]
    positive = [i for i in candidates if values[i] > 0]
    pool = positive or candidates
    if pool:
        hidden[min(pool, key=lambda i: (values[i], i))] = True
    else:
        hidden[-1] = True


def _shown(counts: Counts, hide_pupils: bool, hide_girls: bool, threshold: int) -> Shown:
    def text(value: int, hide: bool) -> int | str:
        if not hide:
            return value
        return f"<{threshold}" if is_small(value, threshold) else SECRET

    if hide_pupils or hide_girls:
        share: float | str | None = SECRET
    elif counts.pupils == 0:
        share = None
    else:
        share = counts.girls / counts.pupils
    return Shown(text(counts.pupils, hide_pupils), text(counts.girls, hide_girls), share)
