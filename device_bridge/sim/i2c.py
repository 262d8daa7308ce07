"""`microbit.i2c` on the simulated bus (`Hardware`): a device registered at the address answers,
an empty address fails with `OSError: [Errno 19] ENODEV` as on a real bus.

(The V1 firmware in QEMU answers at every address from 8 to 119, because QEMU's bus has no
empty addresses; the simulator behaves like a real board. docs/simulator.md lists this.)
"""

from __future__ import annotations

from .hardware import Hardware

#: The bus's addresses (7 bits), and what the firmware says of any other.
MAX_ADDRESS = 0x7F
OUT_OF_RANGE = "I2C address out of range"


def _address(addr: object) -> int:
    if isinstance(addr, bool) or not isinstance(addr, int):
        raise TypeError(f"can't convert {type(addr).__name__} to int")
    if not 0 <= addr <= MAX_ADDRESS:
        raise ValueError(OUT_OF_RANGE)
    return addr


class MicroBitI2C:
    def __init__(self, hardware: Hardware) -> None:
        self._hardware = hardware
        self.freq = 100_000

    def init(self, freq: int = 100_000, sda: object = None, scl: object = None) -> None:
        self.freq = int(freq)

    def scan(self) -> list[int]:
        return [a for a in self._hardware.i2c_scan() if 0x08 <= a <= 0x77]

    def read(self, addr: object, n: int, repeat: bool = False) -> bytes:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError("invalid number of bytes")
        return bytes(self._hardware.i2c_read(_address(addr), n))[:n]

    def write(self, addr: object, buf: object, repeat: bool = False) -> None:
        if isinstance(buf, str) or not hasattr(buf, "__len__"):
            raise TypeError("object with buffer protocol required")
        self._hardware.i2c_write(_address(addr), bytes(buf))  # type: ignore[call-overload]

    def write_queued(self, addr: int, data: bytes) -> None:
        """`write(addr, data)` for an int `addr` and bytes `data`, as the sealed engine's queued
        writes are (wasm/queued.py: a robot's loop queues several a turn): of `write`'s checks,
        only the address's range can fail for them."""
        if not 0 <= addr <= MAX_ADDRESS:
            raise ValueError(OUT_OF_RANGE)
        self._hardware.i2c_write(addr, data)
