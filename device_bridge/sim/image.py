"""`microbit.Image`, with the firmware's behaviour measured on the V1 firmware in QEMU.

The same file runs on the host (the display draws with it) and in the simulator's guest
MicroPython (pupils' `Image`: device_bridge/sim/wasm/), so it keeps to what both interpreters
understand: no dataclasses, no keyword arguments to builtins, imports only inside the host's
own methods.

Images compare by identity (`Image.HEART == Image.HEART.copy()` is False on the board), the
standard images cannot be modified, brightness arithmetic clips to 0..9, and errors keep the
firmware's wording, because pupils compare what they see with a real board.
"""

from __future__ import annotations

MAX_BRIGHTNESS = 9

#: The standard images, as `repr()` shows them on the V1 firmware (the V2 set is the same).
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
    "SILLY": "90009:00000:99999:00909:00999",
    "FABULOUS": "99999:99099:00000:09090:09990",
    "MEH": "09090:00000:00090:00900:09000",
    "YES": "00000:00009:00090:90900:09000",
    "NO": "90009:09090:00900:09090:90009",
    "CLOCK12": "00900:00900:00900:00000:00000",
    "CLOCK1": "00090:00090:00900:00000:00000",
    "CLOCK2": "00000:00099:00900:00000:00000",
    "CLOCK3": "00000:00000:00999:00000:00000",
    "CLOCK4": "00000:00000:00900:00099:00000",
    "CLOCK5": "00000:00000:00900:00090:00090",
    "CLOCK6": "00000:00000:00900:00900:00900",
    "CLOCK7": "00000:00000:00900:09000:09000",
    "CLOCK8": "00000:00000:00900:99000:00000",
    "CLOCK9": "00000:00000:99900:00000:00000",
    "CLOCK10": "00000:99000:00900:00000:00000",
    "CLOCK11": "09000:09000:00900:00000:00000",
    "ARROW_N": "00900:09990:90909:00900:00900",
    "ARROW_NE": "00999:00099:00909:09000:90000",
    "ARROW_E": "00900:00090:99999:00090:00900",
    "ARROW_SE": "90000:09000:00909:00099:00999",
    "ARROW_S": "00900:00900:90909:09990:00900",
    "ARROW_SW": "00009:00090:90900:99000:99900",
    "ARROW_W": "00900:09000:99999:09000:00900",
    "ARROW_NW": "99900:99000:90900:00090:00009",
    "TRIANGLE": "00000:00900:09090:99999:00000",
    "TRIANGLE_LEFT": "90000:99000:90900:90090:99999",
    "CHESSBOARD": "09090:90909:09090:90909:09090",
    "DIAMOND": "00900:09090:90009:09090:00900",
    "DIAMOND_SMALL": "00000:00900:09090:00900:00000",
    "SQUARE": "99999:90009:90009:90009:99999",
    "SQUARE_SMALL": "00000:09990:09090:09990:00000",
    "RABBIT": "90900:90900:99990:99090:99990",
    "COW": "90009:90009:99999:09990:00900",
    "MUSIC_CROTCHET": "00900:00900:00900:99900:99900",
    "MUSIC_QUAVER": "00900:00990:00909:99900:99900",
    "MUSIC_QUAVERS": "09999:09009:09009:99099:99099",
    "PITCHFORK": "90909:90909:99999:00900:00900",
    "XMAS": "00900:09990:00900:09990:99999",
    "PACMAN": "09999:99090:99900:99990:09999",
    "TARGET": "00900:09990:99099:09990:00900",
    "TSHIRT": "99099:99999:09990:09990:09990",
    "ROLLERSKATE": "00099:00099:99999:99999:09090",
    "DUCK": "09900:99900:09999:09990:00000",
    "HOUSE": "00900:09990:99999:09990:09090",
    "TORTOISE": "00000:09990:99999:09090:00000",
    "BUTTERFLY": "99099:99999:00900:99999:99099",
    "STICKFIGURE": "00900:99999:00900:09090:90009",
    "GHOST": "99999:90909:99999:99999:90909",
    "SWORD": "00900:00900:00900:09990:00900",
    "GIRAFFE": "99000:09000:09000:09990:09090",
    "SKULL": "09990:90909:99999:09990:09990",
    "UMBRELLA": "09990:99999:00900:90900:09900",
    "SNAKE": "99000:99099:09090:09990:00000",
}
CLOCKS = ("CLOCK12",) + tuple("CLOCK" + str(n) for n in range(1, 12))
ARROWS = tuple(f"ARROW_{d}" for d in ("N", "NE", "E", "SE", "S", "SW", "W", "NW"))


def _check_brightness(value: object) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_BRIGHTNESS:
        raise ValueError("brightness out of bounds")
    return value


class MicroBitImage:
    """A picture of brightness values 0..9 (`microbit.Image`)."""

    __slots__ = ("_width", "_height", "_pixels", "_frozen")

    def __init__(self, *args: object) -> None:
        self._frozen = False
        if len(args) > 3:
            raise TypeError(f"function expected at most 3 arguments, got {len(args)}")
        if not args:
            self._set_size(5, 5)
        elif len(args) == 1 and isinstance(args[0], str):
            self._parse(args[0])
        elif len(args) == 1:
            raise TypeError("Image(s) takes a string")
        else:
            width, height = (_integer(a) for a in args[:2])
            self._set_size(width, height)
            if len(args) == 3:
                self._fill_from(args[2])

    def _set_size(self, width: int, height: int) -> None:
        width, height = max(width, 0), max(height, 0)
        self._width, self._height = width, height
        self._pixels = [[0] * width for _ in range(height)]

    def _parse(self, text: str) -> None:
        rows: list[list[int]] = []
        row: list[int] = []
        for char in text:
            if char in ":\n":
                rows.append(row)
                row = []
            elif char == " ":
                row.append(0)
            elif "0" <= char <= "9":
                row.append(ord(char) - ord("0"))
            else:
                raise ValueError("unexpected character in Image definition")
        if row:
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        self._width, self._height = width, len(rows)
        self._pixels = [r + [0] * (width - len(r)) for r in rows]

    def _fill_from(self, buffer: object) -> None:
        if (
            not isinstance(buffer, (bytes, bytearray, memoryview))
            and type(buffer).__name__ != "array"
        ):
            raise TypeError("object with buffer protocol required")
        values = list(buffer)
        if len(values) != self._width * self._height:
            raise ValueError("image data is incorrect size")
        for index, value in enumerate(values):
            self._pixels[index // self._width][index % self._width] = _check_brightness(value)

    @classmethod
    def _from_rows(cls, rows: list[list[int]]) -> MicroBitImage:
        image = cls(0, 0)  # MicroPython's classes have no `__new__` to call
        image._height = len(rows)
        image._width = len(rows[0]) if rows else 0
        image._pixels = rows
        return image

    @classmethod
    def for_char(cls, char: str) -> MicroBitImage:
        """The image `display.show(char)` draws."""
        from .font import glyph  # the host's only: the guest's images never draw text

        return cls._from_rows([[v * MAX_BRIGHTNESS for v in row] for row in glyph(char)])

    # -- reading -----------------------------------------------------------------------------

    def width(self) -> int:
        return self._width

    def height(self) -> int:
        return self._height

    def _at(self, x: int, y: int) -> int:
        if 0 <= x < self._width and 0 <= y < self._height:
            return self._pixels[y][x]
        return 0

    def get_pixel(self, x: int, y: int) -> int:
        x, y = _integer(x), _integer(y)
        if x < 0 or y < 0:
            raise ValueError("index cannot be negative")
        if x >= self._width or y >= self._height:
            raise ValueError("index too large")
        return self._pixels[y][x]

    def rows(self) -> list[list[int]]:
        """A copy of the pixels, row by row (for the display; not part of the pupil's API)."""
        return [row[:] for row in self._pixels]

    # -- changing ----------------------------------------------------------------------------

    def _check_mutable(self) -> None:
        if self._frozen:
            raise TypeError("image cannot be modified (try copying first)")

    def set_pixel(self, x: int, y: int, value: int) -> None:
        self._check_mutable()
        x, y = _integer(x), _integer(y)
        if x < 0 or y < 0:
            raise ValueError("index cannot be negative")
        if x >= self._width or y >= self._height:
            raise ValueError("index too large")
        self._pixels[y][x] = _check_brightness(value)

    def fill(self, value: int) -> None:
        self._check_mutable()
        _check_brightness(value)
        self._pixels = [[value] * self._width for _ in range(self._height)]

    def blit(self, src: object, x: int, y: int, w: int, h: int, *dest: int) -> None:
        self._check_mutable()
        if not isinstance(src, MicroBitImage):
            raise TypeError("expecting an image")
        if len(dest) == 1:
            raise TypeError("must specify both offsets")
        if len(dest) > 2:
            raise TypeError(f"function expected at most 8 arguments, got {6 + len(dest)}")
        if w < 0 or h < 0:
            raise ValueError("size cannot be negative")
        xdest, ydest = dest if dest else (0, 0)
        for j in range(h):
            for i in range(w):
                tx, ty = xdest + i, ydest + j
                if 0 <= tx < self._width and 0 <= ty < self._height:
                    self._pixels[ty][tx] = src._at(x + i, y + j)

    # -- new images --------------------------------------------------------------------------

    def copy(self) -> MicroBitImage:
        return self._from_rows(self.rows())

    def invert(self) -> MicroBitImage:
        return self._from_rows([[MAX_BRIGHTNESS - v for v in row] for row in self._pixels])

    def crop(self, x: int, y: int, w: int, h: int) -> MicroBitImage:
        w, h = max(_integer(w), 0), max(_integer(h), 0)
        return self._from_rows([[self._at(x + i, y + j) for i in range(w)] for j in range(h)])

    def _shifted(self, dx: int, dy: int) -> MicroBitImage:
        dx, dy = _integer(dx), _integer(dy)
        return self._from_rows(
            [[self._at(i + dx, j + dy) for i in range(self._width)] for j in range(self._height)]
        )

    def shift_left(self, n: int) -> MicroBitImage:
        return self._shifted(n, 0)

    def shift_right(self, n: int) -> MicroBitImage:
        return self._shifted(-_integer(n), 0)

    def shift_up(self, n: int) -> MicroBitImage:
        return self._shifted(0, n)

    def shift_down(self, n: int) -> MicroBitImage:
        return self._shifted(0, -_integer(n))

    # -- arithmetic --------------------------------------------------------------------------

    def _combine(self, other: object, sign: int) -> MicroBitImage:
        if not isinstance(other, MicroBitImage):
            return NotImplemented
        if (other._width, other._height) != (self._width, self._height):
            raise ValueError("images must be the same size")
        pairs = zip(self._pixels, other._pixels)  # noqa: B905 - same size, checked above
        return self._from_rows([[_clip(a + sign * b) for a, b in zip(m, t)] for m, t in pairs])  # noqa: B905

    def __add__(self, other: object) -> MicroBitImage:
        return self._combine(other, 1)

    def __sub__(self, other: object) -> MicroBitImage:
        return self._combine(other, -1)

    def _dim(self, factor: float) -> MicroBitImage:
        if factor < 0:
            raise ValueError("brightness multiplier must not be negative")
        return self._from_rows(
            [[min(int(v * factor + 0.5), MAX_BRIGHTNESS) for v in row] for row in self._pixels]
        )

    def __mul__(self, factor: object) -> MicroBitImage:
        if not isinstance(factor, (int, float)) or isinstance(factor, bool):
            return NotImplemented
        return self._dim(float(factor))

    def __truediv__(self, divisor: object) -> MicroBitImage:
        if not isinstance(divisor, (int, float)) or isinstance(divisor, bool):
            return NotImplemented
        return self._dim(1.0 / divisor)

    # -- text --------------------------------------------------------------------------------

    def __repr__(self) -> str:
        rows = "".join("".join(map(str, row)) + ":" for row in self._pixels)
        return f"Image('{rows}')"

    def __str__(self) -> str:
        """`print(image)` shows one row per line, as the firmware does."""
        rows = "".join(f"\n    '{''.join(map(str, row))}:'" for row in self._pixels)
        return f"Image({rows}\n)"


def _clip(value: int) -> int:
    return min(max(value, 0), MAX_BRIGHTNESS)


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise TypeError("can't convert float to int")
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return value


def _standard(rows: str) -> MicroBitImage:
    image = MicroBitImage(rows)
    image._frozen = True
    return image


for _name, _rows in STANDARD_IMAGES.items():
    setattr(MicroBitImage, _name, _standard(_rows))
MicroBitImage.ALL_CLOCKS = tuple(getattr(MicroBitImage, n) for n in CLOCKS)  # type: ignore[attr-defined]
MicroBitImage.ALL_ARROWS = tuple(getattr(MicroBitImage, n) for n in ARROWS)  # type: ignore[attr-defined]

#: The name pupils use.
Image = MicroBitImage
