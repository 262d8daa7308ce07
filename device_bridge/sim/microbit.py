"""The host side of the simulated `microbit` module, assembled for one boot: the guest's
`microbit` (wasm/guest/) calls its members through the door (wasm/peripherals.py: `MANIFEST`).

Each peripheral lives in its own module (display.py, image.py, pins.py, sensors.py, i2c.py) and
reaches the world through `Hardware` and the board's `Environment` (the inputs a person or a
script gives). Nothing here runs between statements of pupil code: a peripheral costs time
only when it is called.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from .audio import sound_class
from .clock import SimClock
from .display import Display
from .environment import FIELD_NT, environment
from .hardware import Hardware
from .i2c import MicroBitI2C
from .image import MicroBitImage
from .pins import make_pins
from .sensors import Accelerometer, Button, Compass
from .uart import MicroBitSPI, MicroBitUART

#: Kept for callers that want the picture class without building a board.
Image = MicroBitImage


class ResetRequested(BaseException):
    """`microbit.reset()`: the board restarts (the REPL handles it; pupil code cannot catch it
    with `except Exception`)."""


def _reset() -> None:
    raise ResetRequested


class Speaker:
    """The V2's built-in speaker (`microbit.speaker`)."""

    def __init__(self, hardware: Hardware) -> None:
        self._hardware = hardware
        self._on = True

    def on(self) -> None:
        self._on = True
        self._hardware.pin_written("speaker", "enabled", 1)

    def off(self) -> None:
        self._on = False
        self._hardware.pin_written("speaker", "enabled", 0)

    def is_on(self) -> bool:
        return self._on


class Microphone:
    """The V2's microphone: a quiet room (`sound_level()` is 0, no loud or quiet events)."""

    def sound_level(self) -> int:
        return 0

    def current_event(self) -> None:
        return None

    def was_event(self, event: object) -> bool:
        return False

    def is_event(self, event: object) -> bool:
        return False

    def get_events(self) -> tuple[()]:
        return ()

    def set_threshold(self, event: object, value: int) -> None:
        pass


def _no_checkpoint() -> None:
    return None


def make_microbit(
    clock: SimClock,
    hardware: Hardware | None = None,
    firmware: str = "v2",
    checkpoint: Callable[[], None] | None = None,
    audio: types.ModuleType | None = None,
    stdout: object = None,
) -> types.ModuleType:
    """A fresh `microbit` module on `clock`, as after power-on, wired to `hardware`.
    `checkpoint` is called between frames of blocking animations, so that Ctrl-C stops them
    (the engine's; none: nothing stops them);
    `audio` is the board's `audio` module, which the V2's `microbit` also carries; `stdout` is
    the board's serial line (`uart.write`)."""
    hardware = hardware or Hardware(clock)
    env = environment(hardware)
    checkpoint = checkpoint or _no_checkpoint
    module = types.ModuleType("microbit")

    def sleep(ms: float) -> None:
        if isinstance(ms, bool) or not isinstance(ms, (int, float)):
            raise TypeError(f"can't convert {type(ms).__name__} to float")
        if ms > 0:  # the firmware takes a negative length as no wait at all
            clock.advance(ms)
        checkpoint()  # a Ctrl-C that ended a paced wait stops the program here
        hardware.sync()

    def temperature() -> int:
        hardware.sync()
        return int(round(env.inputs.celsius))

    members: dict[str, object] = {
        "Image": MicroBitImage,
        "display": Display(clock, hardware, env, checkpoint),
        "button_a": Button("a", hardware, env),
        "button_b": Button("b", hardware, env),
        "accelerometer": Accelerometer(hardware, env),
        "compass": Compass(hardware, env, FIELD_NT),
        "i2c": MicroBitI2C(hardware),
        "uart": MicroBitUART(stdout),
        "spi": MicroBitSPI(),
        "reset": _reset,
        "sleep": sleep,
        "running_time": clock.ticks_ms,
        "panic": lambda code=0: _reset(),
        "temperature": temperature,
        **make_pins(firmware, hardware, env),
    }
    if firmware == "v2":
        members["speaker"] = Speaker(hardware)
        members["microphone"] = Microphone()
        members["Sound"] = sound_class()
        if audio is not None:
            members["audio"] = audio
    for name, value in members.items():
        setattr(module, name, value)
    module.__all__ = list(members)  # type: ignore[attr-defined]
    return module
