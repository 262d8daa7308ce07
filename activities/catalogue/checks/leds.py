"""LED pictures in checks: patterns with don't-care pixels, and what was on the LEDs when.

A pattern is five rows of five characters, written like the board's own `Image` text
(`"09090:99999:99999:09990:00900"`): a digit is that brightness exactly, `?` is any brightness
(don't care) and `*` is any lit LED (1 to 9). `Image.HEART` gives the built-in images.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from device_bridge.sim.image import STANDARD_IMAGES
from device_bridge.sim.trace import pixels_of
from tne.i18n import _

from .errors import CheckSetupError

BLANK = "00000:00000:00000:00000:00000"


class ImageNames:
    """`Image.HEART` and the other built-in images, as patterns (the check's `Image`)."""

    def __init__(self) -> None:
        for name, rows in STANDARD_IMAGES.items():
            setattr(self, name, rows)

    def __repr__(self) -> str:
        return "Image"


IMAGE_NAMES = frozenset(STANDARD_IMAGES)


def pattern_of(image: object) -> str:
    """A checked pattern (five rows of five `0-9`, `?` or `*`), or `CheckSetupError`."""
    if not isinstance(image, str):
        raise CheckSetupError(_("An image must be written as text, like Image.HEART."))
    rows = pixels_of(image).split(":")
    if len(rows) != 5 or any(len(row) != 5 or set(row) - set("0123456789?*") for row in rows):
        raise CheckSetupError(
            _(
                "The image '{image}' is not five rows of five characters (0-9, ? or *) "
                "separated by ':'."
            ).format(image=image)
        )
    return ":".join(rows)


def matches(pattern: str, pixels: str) -> bool:
    for want, got in zip(pattern, pixels, strict=False):
        if want == "?" or want == got or (want == "*" and got not in "0:"):
            continue
        return False
    return len(pattern) == len(pixels)


@dataclass(frozen=True)
class Shown:
    """One picture on the LEDs, from `start` until `end` (simulated ms)."""

    start: float
    end: float
    pixels: str


def timeline(frames: list[tuple[float, str]]) -> list[Shown]:
    """What the LEDs showed, as intervals: blank from power-on until the first picture, and
    the last picture for ever (the LEDs keep it after the program ends, as a board does)."""
    shown: list[Shown] = []
    previous_t, previous = 0.0, BLANK
    for t, pixels in frames:
        shown.append(Shown(previous_t, t, previous))
        previous_t, previous = t, pixels
    shown.append(Shown(previous_t, math.inf, previous))
    return shown


def within(shown: list[Shown], low: float, high: float) -> list[Shown]:
    """The pictures visible at some instant of [low, high]."""
    return [s for s in shown if s.start <= high and (s.end > low or s.start >= low)]


def as_rows(pixels: str) -> str:
    """Five lines of text, lit LEDs as blocks, for a message."""
    return "\n".join(
        "    " + " ".join("?" if ch == "?" else "█" if ch not in "0" else "·" for ch in row)
        for row in pixels.split(":")
    )
