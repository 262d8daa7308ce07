"""`microbit.uart` and `microbit.spi` on the simulated board.

The UART is the board's serial line to the computer (as on a real micro:bit after
`uart.init()` with the default pins): `uart.write` prints there, through the same stream as
`print` (so `\\n` goes out as `\\r\\n`, where a real UART sends the bytes as they are). Nothing
is ever received (`any()` is False, reads give None). The SPI bus has no device on it: writes go
nowhere and reads give zeros.
"""

from __future__ import annotations


def _bytes(buf: object) -> bytes:
    if isinstance(buf, str):
        return buf.encode("utf-8")
    if not hasattr(buf, "__len__"):
        raise TypeError("object with buffer protocol required")
    return bytes(buf)  # type: ignore[call-overload]


class MicroBitUART:
    ODD, EVEN = 1, 0

    def __init__(self, stdout: object) -> None:
        self._stdout = stdout

    def init(
        self,
        baudrate: int = 9600,
        bits: int = 8,
        parity: object = None,
        stop: int = 1,
        *,
        pins: object = None,
        tx: object = None,
        rx: object = None,
    ) -> None:
        pass

    def any(self) -> bool:
        return False

    def read(self, nbytes: int | None = None) -> None:
        return None

    def readinto(self, buf: object, nbytes: int | None = None) -> None:
        return None

    def readline(self) -> None:
        return None

    def write(self, buf: object) -> int:
        data = _bytes(buf)
        if self._stdout is not None:
            self._stdout.write(data.decode("utf-8", "replace"))  # type: ignore[attr-defined]
        return len(data)


class MicroBitSPI:
    def init(
        self,
        baudrate: int = 1_000_000,
        bits: int = 8,
        mode: int = 0,
        sclk: object = None,
        mosi: object = None,
        miso: object = None,
    ) -> None:
        pass

    def write(self, buf: object) -> None:
        _bytes(buf)

    def read(self, nbytes: int, sendbyte: int = 0) -> bytes:
        return bytes(int(nbytes))

    def write_readinto(self, out: object, into: bytearray) -> None:
        _bytes(out)
        into[:] = bytes(len(into))
