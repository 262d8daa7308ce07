"""The simulated `microbit` module: the hardware boundary, as pupil code sees it.

This first slice covers the display (with `Image`), the buttons (never pressed yet), time on the
simulated clock and the temperature. Text shown or scrolled is not drawn into the LED matrix yet
(the simulator has no font): `display.text` keeps it, the pixels are cleared, and the clock
advances as long as the real display takes.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from .clock import SimClock
from .hardware import Hardware

#: What `temperature()` returns, in °C: a classroom.
TEMPERATURE = 21

STANDARD_IMAGES = {
    "HEART": "09090:99999:99999:09990:00900",
    "HEART_SMALL": "00000:09090:09990:00900:00000",
    "HAPPY": "00000:09090:00000:90009:09990",
    "SMILE": "00000:00000:00000:90009:09990",
    "SAD": "00000:09090:00000:09990:90009",
    "CONFUSED": "00000:09090:00000:09090:90909",
    "ANGRY": "90009:09090:00000:99999:90909",
    "ASLEEP": "00000:99099:00000:09990:00000",
    "SURPRISED": "09090:00000:00900:09090:00900",
    "YES": "00000:00009:00090:90900:09000",
    "NO": "90009:09090:00900:09090:90009",
    "SQUARE": "99999:90009:90009:90009:99999",
    "SQUARE_SMALL": "00000:09990:09090:09990:00000",
    "DIAMOND": "00900:09090:90009:09090:00900",
    "ARROW_N": "00900:09990:90909:00900:00900",
    "ARROW_S": "00900:00900:90909:09990:00900",
    "ARROW_E": "00900:00090:99999:00090:00900",
    "ARROW_W": "00900:09000:99999:09000:00900",
}


class _PixelGrid:
    """Pixels with brightness 0-9, as an Image and the display both hold them."""

    _pixels: list[list[int]]
    _width = 5
    _height = 5

    def _index(self, x: int, y: int) -> None:
        if not (0 <= x < self._width and 0 <= y < self._height):
            raise ValueError("index out of bounds")

    def get_pixel(self, x: int, y: int) -> int:
        self._index(x, y)
        return self._pixels[y][x]

    def set_pixel(self, x: int, y: int, value: int) -> None:
        self._index(x, y)
        if not 0 <= value <= 9:
            raise ValueError("brightness out of bounds")
        self._pixels[y][x] = value


class Image(_PixelGrid):
    """A picture of brightness values 0..9, as `microbit.Image`."""

    def __init__(self, *args: object) -> None:
        if not args:
            args = (5, 5)
        if len(args) == 1 and isinstance(args[0], str):
            rows = [row for row in args[0].replace("\n", ":").split(":") if row != ""]
            width = max((len(row) for row in rows), default=0)
            self._width, self._height = width, len(rows)
            self._pixels = [
                [int(ch) if ch.isdigit() else 0 for ch in row.ljust(width, "0")] for row in rows
            ]
        elif len(args) in (2, 3) and all(isinstance(a, int) for a in args[:2]):
            width, height = int(args[0]), int(args[1])  # type: ignore[call-overload]
            self._width, self._height = width, height
            values = list(args[2]) if len(args) == 3 else [0] * (width * height)  # type: ignore[call-overload]
            if len(values) != width * height:
                raise ValueError("image data is incorrect size")
            self._pixels = [values[y * width : (y + 1) * width] for y in range(height)]
        else:
            raise TypeError("Image(s) takes a string")

    def width(self) -> int:
        return self._width

    def height(self) -> int:
        return self._height

    def copy(self) -> Image:
        return Image(repr(self)[7:-2])

    def invert(self) -> Image:
        return Image(":".join("".join(str(9 - v) for v in row) for row in self._pixels))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and other._pixels == self._pixels

    def __repr__(self) -> str:
        rows = ":".join("".join(str(v) for v in row) for row in self._pixels)
        return f"Image('{rows}:')"

    def __str__(self) -> str:
        """`print(image)` shows one row per line, as the firmware does."""
        rows = "".join(f"\n    '{''.join(str(v) for v in row)}:'" for row in self._pixels)
        return f"Image({rows}\n)"


for _name, _rows in STANDARD_IMAGES.items():
    setattr(Image, _name, Image(_rows))


class Display(_PixelGrid):
    """The 5×5 LED matrix."""

    def __init__(self, clock: SimClock, hardware: Hardware) -> None:
        self._clock = clock
        self._hardware = hardware
        self._pixels = [[0] * 5 for _ in range(5)]
        self._on = True
        #: The last text shown or scrolled (not drawn into the pixels: see the module docstring).
        self.text = ""

    def _changed(self) -> None:
        """Tell whoever watches (widgets, the trace) what the LEDs show now."""
        channel = self._hardware.channel
        if channel.enabled:
            channel.emit("display", pixels=":".join("".join(map(str, r)) for r in self._pixels))

    def set_pixel(self, x: int, y: int, value: int) -> None:
        super().set_pixel(x, y, value)
        self._changed()

    def clear(self) -> None:
        self._pixels = [[0] * 5 for _ in range(5)]
        self._changed()

    def _draw(self, image: Image) -> None:
        self._pixels = [
            [
                image.get_pixel(x, y) if x < image.width() and y < image.height() else 0
                for x in range(5)
            ]
            for y in range(5)
        ]
        self._changed()

    def show(
        self,
        value: object,
        delay: int = 400,
        *,
        wait: bool = True,
        loop: bool = False,
        clear: bool = False,
    ) -> None:
        if isinstance(value, Image):
            self._draw(value)
            return
        if isinstance(value, (int, float)):
            value = str(value)
        if isinstance(value, str):
            self.text = value
            self.clear()
            frames = len(value)
        else:
            frames = 0
            for item in value:  # type: ignore[attr-defined]
                if isinstance(item, Image):
                    self._draw(item)
                else:
                    self.text = str(item)
                frames += 1
        if wait and frames > 1:
            self._clock.advance(frames * delay)
        if clear:
            self.clear()

    def scroll(
        self,
        text: object,
        delay: int = 150,
        *,
        wait: bool = True,
        loop: bool = False,
        monospace: bool = False,
    ) -> None:
        text = str(text)
        self.text = text
        self.clear()
        if wait:
            # Each character is about 6 columns wide, and the text scrolls fully out of view.
            self._clock.advance((len(text) * 6 + 5) * delay)

    def on(self) -> None:
        self._on = True

    def off(self) -> None:
        self._on = False

    def is_on(self) -> bool:
        return self._on

    def read_light_level(self) -> int:
        return 0


class Button:
    """A button nobody presses yet (scripted presses come with the world and the widgets)."""

    def __init__(self) -> None:
        self._presses = 0

    def is_pressed(self) -> bool:
        return False

    def was_pressed(self) -> bool:
        return False

    def get_presses(self) -> int:
        presses, self._presses = self._presses, 0
        return presses


class ResetRequested(BaseException):
    """`microbit.reset()`: the board restarts (the REPL handles it; pupil code cannot catch it
    with `except Exception`)."""


def make_microbit(clock: SimClock, hardware: Hardware | None = None) -> types.ModuleType:
    """A fresh `microbit` module on `clock`, as after power-on, wired to `hardware`."""
    hardware = hardware or Hardware(clock)
    module = types.ModuleType("microbit")

    def sleep(ms: float) -> None:
        if ms < 0:
            raise ValueError("sleep length must be non-negative")
        clock.advance(ms)

    def reset() -> None:
        raise ResetRequested

    functions: dict[str, Callable[..., object]] = {
        "sleep": sleep,
        "running_time": clock.ticks_ms,
        "temperature": lambda: TEMPERATURE,
        "reset": reset,
        "panic": lambda code=0: reset(),
    }
    for name, function in functions.items():
        setattr(module, name, function)
    module.Image = Image  # type: ignore[attr-defined]
    module.display = Display(clock, hardware)  # type: ignore[attr-defined]
    module.button_a = Button()  # type: ignore[attr-defined]
    module.button_b = Button()  # type: ignore[attr-defined]
    module.__all__ = [  # type: ignore[attr-defined]
        "Image",
        "display",
        "button_a",
        "button_b",
        "sleep",
        "running_time",
        "temperature",
        "reset",
        "panic",
    ]
    return module
