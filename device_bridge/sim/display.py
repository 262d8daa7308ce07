"""The 5×5 LED matrix: `display.show` and `display.scroll` with the firmware's frames and timing.

Each frame is shown `delay` ms after the one before; `wait=True` returns when the animation
ends (so the simulated clock has moved on by frames × delay), `wait=False` returns at once and
the frames follow in the background of simulated time (`environment.Environment.start`).
Every change of the LEDs is a `display` event stamped with the simulated instant it happened,
so a trace can tell what was shown and when.

Scrolling follows the V1 firmware's column stepper: a character takes the columns from its
first lit one (the first character: from column 0) to its last lit one among columns 2..4,
then one blank column; `monospace=True` gives every character five columns and the blank; the
text ends by scrolling four more blank columns in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from .clock import SimClock
from .environment import Environment
from .font import column_lit, glyph
from .hardware import Hardware
from .image import MAX_BRIGHTNESS, MicroBitImage

Grid = list[list[int]]
ANIMATION = "display"


def blank() -> Grid:
    return [[0] * 5 for _ in range(5)]


def image_grid(image: MicroBitImage) -> Grid:
    """What the LEDs show for `image`: its top-left 5×5 corner, dark elsewhere."""
    rows = image.rows()
    return [
        [rows[y][x] if y < len(rows) and x < len(rows[y]) else 0 for x in range(5)]
        for y in range(5)
    ]


def scroll_frames(text: str, monospace: bool = False) -> Iterator[Grid]:
    """The frames `display.scroll(text)` shows, one per column step."""
    grid = blank()
    for column in _scroll_columns(text, monospace):
        grid = [row[1:] + [column[y]] for y, row in enumerate(grid)]
        yield grid


def _scroll_columns(text: str, monospace: bool) -> Iterator[list[int]]:
    dark = [0] * 5
    if not text:
        yield from itertools.repeat(dark, 5)
        return
    for index, char in enumerate(text):
        rows = glyph(char)
        if monospace:
            columns = range(5)
        else:
            first = 0 if index == 0 or column_lit(rows, 0) else 1
            last = 4 if column_lit(rows, 4) else 3 if column_lit(rows, 3) else 2
            columns = range(first, last + 1)
        for x in columns:
            yield [row[x] * MAX_BRIGHTNESS for row in rows]
        yield dark
    yield from itertools.repeat(dark, 4)


class Display:
    """`microbit.display`."""

    def __init__(
        self,
        clock: SimClock,
        hardware: Hardware,
        env: Environment,
        checkpoint: Callable[[], None],
    ) -> None:
        self._clock = clock
        self._hardware = hardware
        self._env = env
        self._checkpoint = checkpoint
        self._pixels = blank()
        self._on = True
        env.stop(ANIMATION)  # a reboot stops what the last program left running

    # -- the LEDs ----------------------------------------------------------------------------

    def _light(self, grid: Grid, at: float | None = None, **details: object) -> None:
        """Show `grid` and tell whoever watches (widgets, the trace)."""
        self._pixels = grid
        channel = self._hardware.channel
        if channel.enabled:
            pixels = ":".join("".join(map(str, row)) for row in grid)
            if at is not None:
                details["t"] = round(at, 3)
            channel.emit("display", pixels=pixels, **details)

    def _present(self) -> None:
        """Bring a background animation up to now before looking at or changing the LEDs."""
        if self._env.running(ANIMATION):
            self._hardware.sync()

    def get_pixel(self, x: int, y: int) -> int:
        self._present()
        _check_index(x, y)
        return self._pixels[y][x]

    def set_pixel(self, x: int, y: int, value: int) -> None:
        self._present()
        _check_index(x, y)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
            raise ValueError("brightness out of bounds")
        grid = [row[:] for row in self._pixels]
        grid[y][x] = value
        self._light(grid)

    def clear(self) -> None:
        self._present()
        self._env.stop(ANIMATION)
        self._light(blank())

    def on(self) -> None:
        self._on = True

    def off(self) -> None:
        self._on = False

    def is_on(self) -> bool:
        return self._on

    def read_light_level(self) -> int:
        self._hardware.sync()
        return self._env.inputs.light

    # -- animations --------------------------------------------------------------------------

    def show(
        self,
        image: object,
        delay: int = 400,
        *,
        wait: bool = True,
        loop: bool = False,
        clear: bool = False,
    ) -> None:
        self._present()
        self._env.stop(ANIMATION)
        if isinstance(image, (int, float)) and not isinstance(image, bool):
            image = str(image)
        if isinstance(image, str):
            if not image:
                return
            if len(image) == 1 and not loop and not clear:
                self._light(image_grid(MicroBitImage.for_char(image)), text=image)
                return
            frames: Iterable[object] = [MicroBitImage.for_char(char) for char in image]
        elif isinstance(image, MicroBitImage):
            if not loop and not clear:
                self._light(image_grid(image))
                return
            frames = [image]
        else:
            try:
                frames = iter(image)  # type: ignore[call-overload]
            except TypeError:
                raise TypeError("not an image.") from None
            if loop:
                frames = list(frames)
        grids = (_frame_grid(item) for item in (itertools.cycle(frames) if loop else frames))
        self._animate(grids, delay, wait, clear)

    def scroll(
        self,
        text: object,
        delay: int = 150,
        *,
        wait: bool = True,
        loop: bool = False,
        monospace: bool = False,
    ) -> None:
        self._present()
        self._env.stop(ANIMATION)
        if not isinstance(text, str):
            text = str(text)
        if loop:
            grids: Iterator[Grid] = itertools.chain.from_iterable(
                scroll_frames(text, monospace) for _ in itertools.count()
            )
        else:
            grids = scroll_frames(text, monospace)
        self._animate(grids, delay, wait, False, text=text)

    def _animate(
        self, grids: Iterator[Grid], delay: int, wait: bool, clear: bool, **details: object
    ) -> None:
        delay = max(int(delay), 0)
        if wait:
            for index, grid in enumerate(grids):
                self._checkpoint()  # Ctrl-C stops an endless animation, as on the board
                self._light(grid, **(details if index == 0 else {}))
                self._clock.advance(delay)
                self._hardware.sync()
            if clear:
                self._light(blank())
            return
        self._env.start(ANIMATION, self._scheduled(grids, delay, clear, details))

    def _scheduled(
        self, grids: Iterator[Grid], delay: int, clear: bool, details: dict
    ) -> Iterator[tuple[float, Callable[[], None]]]:
        at = self._clock.now_ms
        for index, grid in enumerate(grids):
            extra = details if index == 0 else {}
            yield at, lambda grid=grid, at=at, extra=extra: self._light(grid, at, **extra)
            at += delay
            if delay == 0 and index > 10_000:
                return  # an endless animation without delay would never let time move
        if clear:
            yield at, lambda at=at: self._light(blank(), at)


def _frame_grid(item: object) -> Grid:
    if isinstance(item, MicroBitImage):
        return image_grid(item)
    if isinstance(item, str) and len(item) == 1:
        return image_grid(MicroBitImage.for_char(item))
    raise TypeError("not an image.")


def _check_index(x: object, y: object) -> None:
    if not (isinstance(x, int) and isinstance(y, int) and 0 <= x < 5 and 0 <= y < 5):
        raise ValueError("index out of bounds")
