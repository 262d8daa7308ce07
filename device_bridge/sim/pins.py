"""The edge connector's pins, as `microbit.pin0` ... `pin20` (and `pin_logo`, `pin_speaker` on V2).

What a pin reads comes, in order, from a device of the simulated world that drives it
(`Hardware.pin_read`: a robot's line sensor), from a hand or a script (input
`{"kind": "pin", "name": "pin0", "value": N}`), or else from its pull resistor: a pin nobody
drives reads 1 with `PULL_UP` and 0 otherwise, and 0 in analog. What pupil code writes goes to
`Hardware.pin_written` and out as a `pin` event. Modes and errors follow the V1 firmware as
measured in QEMU (`get_pull()` only on a pin read digitally, `ValueError: value must be 0 or 1`).
"""

from __future__ import annotations

from .environment import Environment
from .hardware import Hardware

PULL_UP, PULL_DOWN, NO_PULL = 3, 1, 0
#: Pins with a touch pad and an ADC / with an ADC only / digital only (V1 and V2 alike).
TOUCH_PINS = (0, 1, 2)
ANALOG_PINS = (3, 4, 10)
DIGITAL_PINS = (5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 19, 20)
#: What the firmware uses a pin for at power-on.
START_MODES = {
    5: "button",
    11: "button",
    19: "i2c",
    20: "i2c",
    **dict.fromkeys((3, 4, 6, 7, 9, 10), "display"),
}
#: Pins the board pulls up itself (the buttons are wired to ground through them).
BUTTON_PINS = {5: "a", 11: "b"}
#: Default PWM period (µs), as the firmware's.
PERIOD_US = 20_000


def _value(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, int):
        raise TypeError(f"can't convert {type(value).__name__} to int")
    return value


class MicroBitDigitalPin:
    """A pin that reads and writes digital levels and writes PWM."""

    PULL_UP = PULL_UP
    PULL_DOWN = PULL_DOWN
    NO_PULL = NO_PULL

    def __init__(self, number: int | str, hardware: Hardware, env: Environment) -> None:
        self._name = f"pin{number}" if isinstance(number, int) else number
        self._number = number
        self._hardware = hardware
        self._env = env
        self._mode = START_MODES.get(number, "unused") if isinstance(number, int) else "unused"
        self._pull = PULL_UP if number in BUTTON_PINS else PULL_DOWN
        self._period_us = PERIOD_US
        self._written = 0

    @property
    def name(self) -> str:
        """The pin's name on the side channel and in `Hardware` ("pin0")."""
        return self._name

    def _emit(self, mode: str, value: int) -> None:
        self._hardware.pin_written(self._name, mode, value)
        channel = self._hardware.channel
        if channel.enabled:
            channel.emit("pin", name=self._name, mode=mode, value=value)

    def _level(self, mode: str) -> int | None:
        """What drives the pin from outside (0..1023 in analog, 0/1 in digital); None: nothing."""
        driven = self._hardware.pin_read(self._name, mode)
        if driven is not None:
            return int(driven)
        return self._undriven(mode)

    def _undriven(self, mode: str) -> int | None:
        """`_level` when no device drives the pin: a hand, a script, a button."""
        self._hardware.sync()
        button = BUTTON_PINS.get(self._number)  # type: ignore[call-overload]
        if button is not None:
            return 0 if button in self._env.inputs.held else (1 if mode == "digital" else 1023)
        level = self._env.inputs.levels.get(self._name)
        if level is None:
            return None
        return (1 if level >= 512 else 0) if mode == "digital" else level

    def write_digital(self, value: object) -> None:
        value = _value(value)
        if value not in (0, 1):
            raise ValueError("value must be 0 or 1")
        self._mode = "write_digital"
        self._written = value
        self._emit("digital", value)

    def read_digital(self) -> int:
        if self._mode not in ("read_digital", "button"):
            self._mode = "read_digital"
        # (`_level`, inlined: a robot reads its line sensors at every turn of its loop)
        driven = self._hardware.pin_read(self._name, "digital")
        level = int(driven) if driven is not None else self._undriven("digital")
        if level is not None:
            return 1 if level else 0
        return 1 if self._pull == PULL_UP else 0

    def write_analog(self, value: object) -> None:
        if isinstance(value, float):
            value = int(value)
        value = _value(value)
        if not 0 <= value <= 1023:
            raise ValueError("value must be between 0 and 1023")
        self._mode = "write_analog"
        self._written = value
        self._emit("analog", value)

    def set_analog_period(self, period: object) -> None:
        self.set_analog_period_microseconds(_value(period) * 1000)

    def set_analog_period_microseconds(self, period: object) -> None:
        period = _value(period)
        if period < 256:
            raise ValueError("invalid period")
        self._period_us = period
        self._emit("period", period)

    def get_analog_period_microseconds(self) -> int:
        return self._period_us

    def set_pull(self, pull: object) -> None:
        if pull not in (PULL_UP, PULL_DOWN, NO_PULL):
            raise ValueError("invalid pull")
        self._mode = "read_digital"
        self._pull = pull  # type: ignore[assignment]

    def get_pull(self) -> int:
        if self._mode not in ("read_digital", "button"):
            raise ValueError(f"Pin {self._number} in {self._mode} mode")
        return self._pull

    def get_mode(self) -> str:
        return self._mode

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class MicroBitAnalogDigitalPin(MicroBitDigitalPin):
    """A pin with an analog-to-digital converter."""

    def read_analog(self) -> int:
        level = self._level("analog")
        return 0 if level is None else max(0, min(int(level), 1023))


class MicroBitTouchPin(MicroBitAnalogDigitalPin):
    """A pin with a touch pad (pin0, pin1, pin2)."""

    def is_touched(self) -> bool:
        self._mode = "touch"
        driven = self._hardware.pin_read(self._name, "touch")
        if driven is not None:
            return bool(driven)
        self._hardware.sync()
        return self._name in self._env.inputs.touched


class MicroBitTouchOnlyPin:
    """The V2's golden logo (`pin_logo`): touch only."""

    def __init__(self, hardware: Hardware, env: Environment) -> None:
        self._hardware = hardware
        self._env = env

    def is_touched(self) -> bool:
        self._hardware.sync()
        return "logo" in self._env.inputs.touched

    def set_touch_mode(self, mode: object) -> None:
        pass


def make_pins(firmware: str, hardware: Hardware, env: Environment) -> dict[str, object]:
    """`pin0` ... `pin20` (and the V2's `pin_logo`, `pin_speaker`) for one boot."""
    pins: dict[str, object] = {}
    for number in sorted((*TOUCH_PINS, *ANALOG_PINS, *DIGITAL_PINS)):
        if number in TOUCH_PINS:
            kind: type[MicroBitDigitalPin] = MicroBitTouchPin
        elif number in ANALOG_PINS:
            kind = MicroBitAnalogDigitalPin
        else:
            kind = MicroBitDigitalPin
        pins[f"pin{number}"] = kind(number, hardware, env)
    if firmware == "v2":
        pins["pin_logo"] = MicroBitTouchOnlyPin(hardware, env)
        pins["pin_speaker"] = MicroBitAnalogDigitalPin("pin_speaker", hardware, env)
    return pins
