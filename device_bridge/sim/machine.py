"""MicroPython's `machine` module on the simulated board.

`time_pulse_us` asks the device that drives the pin (`Hardware.time_pulse_us`: a robot's
ultrasonic echo, which advances the clock as long as the real call blocks); with nothing on the
pin it times out (-2) after `timeout_us` of simulated time. `mem8/16/32` read zeros: there is
no memory map to peek at.
"""

from __future__ import annotations

import types

from .clock import SimClock
from .hardware import Hardware

#: CPU frequency (Hz) and the chip's id, per firmware (V1 read in QEMU).
FREQUENCIES = {"v1": 16_000_000, "v2": 64_000_000}
UNIQUE_ID = b"\x03\x00\x00\x00xV4\x12"


class _Memory:
    def __getitem__(self, address: int) -> int:
        return 0

    def __setitem__(self, address: int, value: int) -> None:
        pass


def make_machine(
    firmware: str, clock: SimClock, hardware: Hardware, reset: types.FunctionType
) -> types.ModuleType:
    module = types.ModuleType("machine")

    def time_pulse_us(pin: object, level: int, timeout_us: int = 1_000_000) -> int:
        name = getattr(pin, "name", None)
        if not isinstance(name, str):
            raise TypeError("expecting a pin")
        if level not in (0, 1):
            raise ValueError("level must be 0 or 1")
        driven = name in hardware.pulse_providers  # a device's echo costs its own time
        result = hardware.time_pulse_us(name, level, int(timeout_us))
        if not driven:
            clock.advance(int(timeout_us) / 1000)
            hardware.sync()
        return result

    irq_state = {"enabled": True}

    def disable_irq() -> bool:
        state, irq_state["enabled"] = irq_state["enabled"], False
        return state

    def enable_irq(state: object = True) -> None:
        irq_state["enabled"] = bool(state)

    for name, value in {
        "unique_id": lambda: UNIQUE_ID,
        "reset": reset,
        "freq": lambda: FREQUENCIES[firmware],
        "disable_irq": disable_irq,
        "enable_irq": enable_irq,
        "time_pulse_us": time_pulse_us,
        "mem8": _Memory(),
        "mem16": _Memory(),
        "mem32": _Memory(),
    }.items():
        setattr(module, name, value)
    return module
