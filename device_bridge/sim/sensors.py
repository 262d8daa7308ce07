"""Buttons, accelerometer (with gestures), compass: read from the `Environment`, which the side
channel's inputs and scripted inputs set (docs/simulator.md, "Inputs").

Gestures are derived from the acceleration as the micro:bit runtime (DAL) classifies a posture:
shake first, then free fall (under 0.4 g), 3/6/8 g, face up/down, then tilt up/down/left/right,
each within 200 mg of the axis. The runtime also waits for a posture to last a few samples
before reporting it; the simulator reports it at once.
"""

from __future__ import annotations

import math

from .environment import Environment
from .hardware import Hardware

GESTURES = (
    "up", "down", "left", "right", "face up", "face down", "freefall", "3g", "6g", "8g", "shake",
)  # fmt: skip
#: mg, as the runtime's thresholds.
TILT, FREEFALL = 200, 400
#: Gestures the runtime remembers for `get_gestures()`.
HISTORY = 8


class Button:
    """`button_a` / `button_b`: held while an input says so; each press counts once."""

    def __init__(self, name: str, hardware: Hardware, env: Environment) -> None:
        self._name = name
        self._hardware = hardware
        self._env = env
        env.inputs.presses[name] = 0  # presses before a reboot are forgotten

    def is_pressed(self) -> bool:
        self._hardware.sync()
        return self._name in self._env.inputs.held

    def was_pressed(self) -> bool:
        self._hardware.sync()
        pressed = self._env.inputs.presses[self._name] > 0
        self._env.inputs.presses[self._name] = 0
        return pressed

    def get_presses(self) -> int:
        self._hardware.sync()
        presses = self._env.inputs.presses[self._name]
        self._env.inputs.presses[self._name] = 0
        return presses


def posture(x: int, y: int, z: int) -> str:
    """The gesture an acceleration (mg) shows, '' for none."""
    force = math.sqrt(x * x + y * y + z * z)
    if force < FREEFALL:
        return "freefall"
    for limit, name in ((8192, "8g"), (6144, "6g"), (3072, "3g")):
        if force > limit:
            return name
    checks = (
        (z < -1000 + TILT, "face up"),
        (z > 1000 - TILT, "face down"),
        (y < -1000 + TILT, "up"),
        (y > 1000 - TILT, "down"),
        (x < -1000 + TILT, "left"),
        (x > 1000 - TILT, "right"),
    )
    return next((name for matched, name in checks if matched), "")


class Accelerometer:
    """`microbit.accelerometer`."""

    def __init__(self, hardware: Hardware, env: Environment) -> None:
        self._hardware = hardware
        self._env = env
        self._history: list[str] = []
        self._current = ""
        self._seen: set[str] = set()
        env.listeners["accelerometer"] = lambda message: self._tilted()
        env.listeners["gesture"] = lambda message: self._gestured()
        env.inputs.gesture_events.clear()
        self._tilted()

    def _tilted(self) -> None:
        self._record(posture(*self._env.inputs.acceleration), only_changes=True)

    def _gestured(self) -> None:
        """A gesture given as such (a shake) lasts until the next acceleration."""
        events, self._env.inputs.gesture_events[:] = list(self._env.inputs.gesture_events), []
        for name in events:
            self._record(name)

    def _record(self, name: str, only_changes: bool = False) -> None:
        if only_changes and name == self._current:
            return
        self._current = name
        if name:
            self._seen.add(name)
            self._history = (self._history + [name])[-HISTORY:]

    def _values(self) -> tuple[int, int, int]:
        self._hardware.sync()
        return self._env.inputs.acceleration

    def get_x(self) -> int:
        return self._values()[0]

    def get_y(self) -> int:
        return self._values()[1]

    def get_z(self) -> int:
        return self._values()[2]

    def get_values(self) -> tuple[int, int, int]:
        return self._values()

    def current_gesture(self) -> str:
        self._hardware.sync()
        return self._current

    def is_gesture(self, name: str) -> bool:
        _check_gesture(name)
        return self.current_gesture() == name

    def was_gesture(self, name: str) -> bool:
        _check_gesture(name)
        self._hardware.sync()
        seen = name in self._seen
        self._seen.discard(name)
        return seen

    def get_gestures(self) -> tuple[str, ...]:
        self._hardware.sync()
        history, self._history = tuple(self._history), []
        self._seen.clear()
        return history


def _check_gesture(name: object) -> None:
    if name not in GESTURES:
        raise ValueError("invalid gesture")


class Compass:
    """`microbit.compass`: the heading an input gives (0 = north), and the field it implies.

    A real board asks the pupil to tilt it to calibrate; the simulated one is calibrated as
    soon as `calibrate()` or `heading()` is called."""

    def __init__(self, hardware: Hardware, env: Environment, field_nt: int) -> None:
        self._hardware = hardware
        self._env = env
        self._field = field_nt
        self._calibrated = False

    def calibrate(self) -> None:
        self._calibrated = True

    def is_calibrated(self) -> bool:
        return self._calibrated

    def clear_calibration(self) -> None:
        self._calibrated = False

    def heading(self) -> int:
        self._calibrated = True
        self._hardware.sync()
        return int(round(self._env.inputs.heading)) % 360

    def _field_xyz(self) -> tuple[int, int, int]:
        self._hardware.sync()
        angle = math.radians(self._env.inputs.heading)
        return (
            int(round(-self._field * math.sin(angle))),
            int(round(self._field * math.cos(angle))),
            -self._field,
        )

    def get_x(self) -> int:
        return self._field_xyz()[0]

    def get_y(self) -> int:
        return self._field_xyz()[1]

    def get_z(self) -> int:
        return self._field_xyz()[2]

    def get_field_strength(self) -> int:
        x, y, z = self._field_xyz()
        return int(round(math.sqrt(x * x + y * y + z * z)))
