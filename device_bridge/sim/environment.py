"""What surrounds a bare simulated micro:bit: the hands on its buttons and pins, its tilt, the
room's temperature and light, and what the board does in the background of simulated time.

One `Environment` belongs to each `Hardware` (so it outlives soft reboots, as the room outlives
the board's reset). It registers the input kinds of the side channel once
(docs/simulator.md, "Inputs"), keeps what they set, and runs the board's background activities
(an animation shown with `wait=False`, a tune playing) whenever the world is brought to the
present (`Hardware.sync`, a stepper). Peripherals of a new boot register themselves here.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .hardware import Hardware

#: An activity: yields `(at_ms, action)` in time order; each action runs when time reaches it.
Activity = Iterator[tuple[float, Callable[[], None]]]

#: Board lying flat on a table, face up: what the accelerometer reads (mg).
FLAT = (0, 0, -1024)
#: A classroom.
ROOM_CELSIUS = 21
#: A lit classroom, as `display.read_light_level()` reads it.
ROOM_LIGHT = 128
#: The Earth's field in France, horizontal component (nT), for the compass.
FIELD_NT = 22000


def _nothing() -> None:
    pass


@dataclass
class Inputs:
    """What a person or a script set; read by the peripherals."""

    held: set[str] = field(default_factory=set)  # buttons "a", "b" held down
    presses: dict[str, int] = field(default_factory=lambda: {"a": 0, "b": 0})
    touched: set[str] = field(default_factory=set)  # "pin0", "logo"...
    levels: dict[str, int] = field(default_factory=dict)  # pin -> analog level 0..1023
    acceleration: tuple[int, int, int] = FLAT
    gesture_events: list[str] = field(default_factory=list)  # gestures given as such ("shake")
    heading: float = 0.0
    celsius: float = ROOM_CELSIUS
    light: int = ROOM_LIGHT


class Environment:
    def __init__(self, hardware: Hardware) -> None:
        self.hardware = hardware
        self.inputs = Inputs()
        #: Called with each input after it changed `inputs` (peripherals of the current boot).
        self.listeners: dict[str, Callable[[dict], None]] = {}
        self._activities: dict[str, _Pending] = {}
        self._order = itertools.count()
        for kind, handler in {
            "button": self._button,
            "pin": self._pin,
            "touch": self._touch,
            "accelerometer": self._accelerometer,
            "gesture": self._gesture,
            "compass": self._compass,
            "temperature": self._temperature,
            "light": self._light,
            "radio": lambda message: None,
        }.items():
            hardware.on_input(kind, self._handler(kind, handler))
        #: `run_until` joins the hardware's steppers at the first activity (`start`), in the
        #: place it would have had from the start: until then it has nothing to run, and a
        #: board that never runs one (a robot's loop) syncs at every hardware access.
        self._stepper_at: int | None = len(hardware.steppers)

    def _handler(self, kind: str, apply: Callable[[dict], None]) -> Callable[[dict], None]:
        def handle(message: dict) -> None:
            try:
                apply(message)
            except (KeyError, TypeError, ValueError):
                return  # a malformed input is ignored, as noise on a wire
            listener = self.listeners.get(kind)
            if listener is not None:
                listener(message)

        return handle

    # -- inputs ------------------------------------------------------------------------------

    def _button(self, message: dict) -> None:
        name, pressed = str(message["name"]), bool(message["pressed"])
        if name == "logo":
            (self.inputs.touched.add if pressed else self.inputs.touched.discard)("logo")
            return
        if name not in ("a", "b"):
            raise ValueError(name)
        if pressed and name not in self.inputs.held:
            self.inputs.presses[name] += 1
        (self.inputs.held.add if pressed else self.inputs.held.discard)(name)

    def _pin(self, message: dict) -> None:
        value = int(message["value"])
        level = 1023 if value == 1 else value
        self.inputs.levels[str(message["name"])] = max(0, min(level, 1023))

    def _touch(self, message: dict) -> None:
        name = str(message["name"])
        name = "logo" if name in ("logo", "pin_logo") else name
        (self.inputs.touched.add if message["touched"] else self.inputs.touched.discard)(name)

    def _accelerometer(self, message: dict) -> None:
        self.inputs.acceleration = (int(message["x"]), int(message["y"]), int(message["z"]))

    def _gesture(self, message: dict) -> None:
        self.inputs.gesture_events.append(str(message["name"]))

    def _compass(self, message: dict) -> None:
        self.inputs.heading = float(message["heading"]) % 360

    def _temperature(self, message: dict) -> None:
        self.inputs.celsius = float(message["celsius"])

    def _light(self, message: dict) -> None:
        self.inputs.light = max(0, min(int(message["level"]), 255))

    # -- background activities ---------------------------------------------------------------

    def start(self, name: str, activity: Activity, on_stop: Callable[[], None] = _nothing) -> None:
        """Run `activity` in the background of simulated time, replacing the one called
        `name` (a new `display.show` stops the animation before it)."""
        self.stop(name)
        if self._stepper_at is not None:
            self.hardware.steppers.insert(self._stepper_at, self.run_until)
            self._stepper_at = None
        self._schedule(name, activity, on_stop)
        self.run_until(self.hardware.clock.now_ms)

    def _schedule(self, name: str, activity: Activity, on_stop: Callable[[], None]) -> None:
        try:
            at, action = next(activity)
        except StopIteration:
            self._activities.pop(name, None)
            return
        self._activities[name] = _Pending(at, next(self._order), action, activity, on_stop)

    def reboot(self) -> None:
        """A new boot: what the last program left playing stops, and the last boot's
        peripherals no longer hear inputs (the inputs' state, the world's, stays)."""
        for name in list(self._activities):
            self.stop(name)
        self.listeners.clear()

    def stop(self, name: str) -> None:
        pending = self._activities.pop(name, None)
        if pending is not None:
            pending.on_stop()

    def running(self, name: str) -> bool:
        return name in self._activities

    def run_until(self, now_ms: float) -> None:
        """Run every background action due by `now_ms`, in time order across activities."""
        while self._activities:
            name, pending = min(self._activities.items(), key=lambda item: item[1].key)
            if pending.at > now_ms:
                return
            pending.action()
            if self._activities.get(name) is pending:  # the action did not stop or replace it
                self._schedule(name, pending.activity, pending.on_stop)


@dataclass
class _Pending:
    at: float
    order: int
    action: Callable[[], None]
    activity: Activity
    on_stop: Callable[[], None]

    @property
    def key(self) -> tuple[float, int]:
        return (self.at, self.order)


_ENVIRONMENTS: weakref.WeakKeyDictionary[Hardware, Environment] = weakref.WeakKeyDictionary()


def environment(hardware: Hardware) -> Environment:
    """The environment of `hardware`, made on first use."""
    found = _ENVIRONMENTS.get(hardware)
    if found is None:
        found = _ENVIRONMENTS[hardware] = Environment(hardware)
    return found
