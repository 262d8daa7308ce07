"""The transport contract: move bytes, know nothing of Python.

A transport is opened once, then written to and read from until closed. Implementations:
`serial.SerialTransport` (USB serial and any pyserial URL), `sim.SimTransport` (a simulated
board in a child process), `ble.BleTransport` (Bluetooth LE, Nordic UART Service).
"""

from __future__ import annotations

import queue
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol


class SimControls(Protocol):
    """What only a simulated board offers beside its serial line: its settings, its events
    (display, motors, pose...) and inputs to it (buttons, tilt, pace). `Board.sim` is this, or
    None on a real board: callers test for None, never for a method's name."""

    firmware: str
    #: The robot that carries the micro:bit ("" for a bare micro:bit).
    robot: str
    #: The seed of the board's randomness (noise, `random`).
    seed: int
    #: The robot's world: a name or a .toml path ("" for the default world).
    world: str

    def subscribe(self, callback: Callable[[dict], None]) -> Callable[[], None]:
        """Call `callback(event)` for each event of the board; returns the unsubscriber."""
        ...

    def send_input(self, message: dict) -> None:
        """An input for the board, applied at its next simulated instant."""
        ...

    def sync_events(self, timeout: float = 5.0) -> bool:
        """Wait until every event emitted so far has reached the subscribers."""
        ...


class Transport(ABC):
    """A bidirectional byte link to one board.

    - `write` sends all of `data` or raises `LinkLost`; pacing is the protocol's business, because
      it depends on the firmware's receive buffer, not on the medium.
    - `read(timeout)` returns the bytes available now, waiting up to `timeout` seconds for at least
      one; `b""` means nothing came in time. It raises `LinkLost` when the link is gone.
    - `reset_line()` resets the board through the medium (serial break, DTR/RTS) where the medium
      has such a line, and says whether it could.
    """

    #: A short human-readable name for messages ("/dev/ttyACM0", "COM3").
    label: str = ""
    #: What carries the bytes: "wire" or "ble". The protocol picks its write pacing from it.
    medium: str = "wire"
    #: False for a link with no Python behind it (a micro:bit running MakeCode's UART service):
    #: only text goes through, and `Board` refuses it.
    runs_python: bool = True

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def write(self, data: bytes) -> None: ...

    @abstractmethod
    def read(self, timeout: float) -> bytes: ...

    @abstractmethod
    def close(self) -> None: ...

    def reset_line(self) -> bool:
        return False

    @property
    def sim_controls(self) -> SimControls | None:
        """The simulator's controls, for a simulated board only."""
        return None

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def take_queued(chunks: queue.SimpleQueue[bytes | None], timeout: float) -> tuple[bytes, bool]:
    """For a transport whose reader thread queues what arrives (`None` once the link ended):
    the bytes queued, waiting up to `timeout` seconds for the first chunk (not at all for 0),
    then taking what is there without waiting; and whether the end mark was met."""
    data = bytearray()
    try:
        chunk = chunks.get(timeout=timeout) if timeout > 0 else chunks.get_nowait()
    except queue.Empty:
        chunk = b""
    while chunk is not None:
        data += chunk
        try:
            chunk = chunks.get_nowait()
        except queue.Empty:
            return bytes(data), False
    return bytes(data), True
