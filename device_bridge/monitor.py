"""A plain text link to a board, for boards with no Python behind their link.

A micro:bit running a MakeCode program with the Bluetooth UART service sends and receives text
lines, but has no REPL: `Board` refuses it, and `tne monitor` talks to it through a `TextLink`.
It works on any address (a MicroPython board's friendly prompt answers too), and offers the same
terminal methods as `Board`, so `tne.cli.terminal` drives both.
"""

from __future__ import annotations

from .address import DeviceAddress
from .transports import Transport, open_transport


class TextLink:
    """Bytes to and from one board, nothing more. `close()` (or `with`) when done."""

    def __init__(self, transport: Transport, address: DeviceAddress | None = None) -> None:
        self.transport = transport
        self.address = address

    @classmethod
    def connect(cls, address: str | DeviceAddress) -> TextLink:
        from .discovery import resolve_address

        address = resolve_address(address)
        return cls(open_transport(address), address)

    @property
    def label(self) -> str:
        return str(self.address) if self.address else self.transport.label

    def open_terminal(self) -> None:
        """Nothing to leave: the link is text already."""

    def terminal_write(self, data: bytes) -> None:
        self.transport.write(data)

    def terminal_read(self, timeout: float) -> bytes:
        return self.transport.read(timeout)

    def close_terminal(self) -> None:
        """Nothing to restore."""

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> TextLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
