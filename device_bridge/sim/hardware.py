"""What lies beyond the simulated micro:bit's pins: the contract between the `microbit` module
and the simulated world (a robot, a mat, a person pressing buttons).

The `microbit` module never knows which robot it sits on. It routes I2C transfers to the
device registered at the address (as the real bus does: no device, `OSError: [Errno 19]`),
asks the registered providers what a pin reads, and tells listeners what a pin was set to.
A robot model plugs its parts in here (its motor driver at 0x10, its line sensors on pins,
its ultrasonic echo), so the driver library pupils use (`maqueen.py`) runs unchanged on the
real robot and in the simulator.

Time: the world moves only when somebody looks. `sync()` brings every registered stepper up to
the simulated clock's present, and the `microbit` module calls it before each hardware access
and after each sleep. Inputs (button presses, tilt) queued by the side channel or a script are
applied there too, at a simulated instant, so a run with scripted inputs repeats exactly. A
stepper brings its model up to an instant: called again at the same instant, it has nothing to
do, so `sync` calls the steppers only when the clock moved since it last did (a turn of a
robot's loop touches the hardware several times at one instant: the motor writes that the
sealed engine queued, then the call that follows them).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from typing import Protocol

from .channel import EventChannel
from .clock import SimClock

#: errno of an I2C transfer to an address where no device answers (MicroPython: ENODEV).
ENODEV = 19


class I2CDevice(Protocol):
    """A chip on the I2C bus, as the micro:bit's `i2c.write`/`i2c.read` reach it. One whose
    `i2c_write` takes any bytes without failing may say so (`accepts_every_write = True`): the
    sealed engine's guest then queues its writes instead of crossing for each
    (wasm/queued.py)."""

    def i2c_write(self, data: bytes) -> None: ...

    def i2c_read(self, nbytes: int) -> bytes: ...


#: `(pin name, mode, value)`: mode is "digital", "analog" (0-1023 duty) or "period" (µs).
PinListener = Callable[[str, str, int], None]
#: What a pin reads: `provider(mode)` with mode "digital" (0/1), "analog" (0-1023), "touch".
PinProvider = Callable[[str], int]
#: `machine.time_pulse_us(pin, level, timeout_us)` on a pin a device drives.
PulseProvider = Callable[[int, int], int]
#: Moves a model from its last time to `now_ms` (and does nothing when it is there already).
Stepper = Callable[[float], None]
#: Applies one input (a dict as the side channel carries it).
InputHandler = Callable[[dict], None]


class Hardware:
    """The board's connections to the world, shared by the `microbit` module of every boot (a
    soft reboot restarts pupil code, not the robot it sits on)."""

    def __init__(self, clock: SimClock, channel: EventChannel | None = None) -> None:
        self.clock = clock
        self.channel = channel or EventChannel(clock)
        self.i2c_devices: dict[int, I2CDevice] = {}
        self.pin_providers: dict[str, PinProvider] = {}
        self.pulse_providers: dict[str, PulseProvider] = {}
        self.pin_listeners: list[PinListener] = []
        self.steppers: list[Stepper] = []
        self.input_handlers: dict[str, InputHandler] = {}
        self._inputs: list[tuple[float, int, dict]] = []  # heap of (at ms, order, input)
        self._order = itertools.count()
        self._stepped_ms = -math.inf  # the instant the steppers were last brought to

    # -- what models register ----------------------------------------------------------------

    def attach_i2c(self, address: int, device: I2CDevice) -> None:
        self.i2c_devices[address] = device

    def on_input(self, kind: str, handler: InputHandler) -> None:
        self.input_handlers[kind] = handler

    # -- time and inputs ---------------------------------------------------------------------

    def queue_input(self, message: dict, at_ms: float | None = None) -> None:
        """An input to apply at `at_ms` (a script) or at the next instant (a person)."""
        when = self.clock.now_ms if at_ms is None else float(at_ms)
        heapq.heappush(self._inputs, (when, next(self._order), message))

    def sync(self) -> float:
        """Bring the world to the present; the present, in simulated ms."""
        clock = self.clock
        now = clock.now_ms
        inputs = self._inputs
        while inputs and inputs[0][0] <= now:
            at, _, message = heapq.heappop(inputs)
            self._step(at)
            handler = self.input_handlers.get(str(message.get("kind")))
            if handler is not None:
                handler(message)
                self.channel.emit("input", input=message)
        if now != self._stepped_ms:
            self._stepped_ms = now
            for stepper in self.steppers:  # (`_step`, inlined: this runs at every hardware call)
                stepper(now)
        pacer = clock.pacer
        if pacer is not None and pacer.active:
            pacer.pace(now)
        return now

    def _step(self, now_ms: float) -> None:
        for stepper in self.steppers:
            stepper(now_ms)

    # -- what the microbit module calls ------------------------------------------------------

    def i2c_write(self, address: int, data: bytes) -> None:
        self.sync()
        # (`_device`, inlined: a robot's loop writes its motors at every turn)
        device = self.i2c_devices.get(address)
        if device is None:
            raise OSError(ENODEV)
        device.i2c_write(bytes(data))

    def i2c_read(self, address: int, nbytes: int) -> bytes:
        self.sync()
        return self._device(address).i2c_read(nbytes)

    def i2c_scan(self) -> list[int]:
        return sorted(self.i2c_devices)

    def _device(self, address: int) -> I2CDevice:
        device = self.i2c_devices.get(address)
        if device is None:
            raise OSError(ENODEV)
        return device

    def pin_written(self, pin: str, mode: str, value: int) -> None:
        self.sync()
        for listener in self.pin_listeners:
            listener(pin, mode, value)

    def pin_read(self, pin: str, mode: str) -> int | None:
        """What a device drives on the pin; None when nothing is connected to it."""
        provider = self.pin_providers.get(pin)
        if provider is None:
            return None
        self.sync()
        return provider(mode)

    def time_pulse_us(self, pin: str, level: int, timeout_us: int) -> int:
        provider = self.pulse_providers.get(pin)
        if provider is None:
            return -2  # MicroPython: timed out waiting for the pulse to start
        self.sync()
        return provider(level, timeout_us)
