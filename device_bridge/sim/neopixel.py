"""The `neopixel` module: a strip of RGB LEDs on a pin. `show()` sends the colours out as a
`neopixel` event `{"pin": "pin15", "pixels": [[r, g, b], ...]}` (what the strip lights), and to
`Hardware.pin_written(pin, "neopixel", n)` for models that care. Errors keep the V1
firmware's wording."""

from __future__ import annotations

import types

from .hardware import Hardware


class Strip:
    """A strip on the V1 firmware; `make_neopixel` binds it to one board's hardware."""

    _hardware: Hardware

    def __init__(self, pin: object, n: int, bpp: int = 3, **_options: object) -> None:
        name = getattr(pin, "name", None)
        if not isinstance(name, str):
            raise TypeError("expecting a pin")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError("invalid number of pixels")
        self._pin = name
        self._bpp = 4 if bpp == 4 else 3
        self.n = n
        self._pixels = [(0,) * self._bpp for _ in range(n)]

    def __len__(self) -> int:
        return self.n

    def _index(self, index: object) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("NeoPixel indices must be integers")
        if index < 0:
            index += self.n
        if not 0 <= index < self.n:
            raise IndexError("NeoPixel index out of range")
        return index

    def __getitem__(self, index: object) -> tuple[int, ...]:
        return self._pixels[self._index(index)]

    def __setitem__(self, index: object, colour: object) -> None:
        position = self._index(index)
        self._pixels[position] = self._colour(colour)

    def _colour(self, colour: object) -> tuple[int, ...]:
        values = tuple(colour)  # type: ignore[call-overload]
        if len(values) != self._bpp:
            raise ValueError(f"requested length {self._bpp} but object has length {len(values)}")
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
                raise ValueError("invalid colour")
        return values

    def clear(self) -> None:
        self._pixels = [(0,) * self._bpp for _ in range(self.n)]
        self.show()

    def show(self) -> None:
        self._hardware.pin_written(self._pin, "neopixel", self.n)
        channel = self._hardware.channel
        if channel.enabled:
            channel.emit("neopixel", pin=self._pin, pixels=[list(p) for p in self._pixels])


class StripV2(Strip):
    """The V2 firmware's strip adds `fill` and `write` (the V1 firmware has neither)."""

    def fill(self, colour: object) -> None:
        value = self._colour(colour)
        self._pixels = [value] * self.n

    def write(self) -> None:
        self.show()


def make_neopixel(firmware: str, hardware: Hardware) -> types.ModuleType:
    base = Strip if firmware == "v1" else StripV2
    module = types.ModuleType("neopixel")
    module.NeoPixel = type("NeoPixel", (base,), {"_hardware": hardware})  # type: ignore[attr-defined]
    return module
