"""Byte movers. `base.Transport` is the contract; `open_transport` picks the implementation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Transport

if TYPE_CHECKING:
    from ..address import DeviceAddress


def open_transport(address: DeviceAddress) -> Transport:
    """The transport for a concrete (already resolved) address, opened."""
    if address.kind == "serial":
        from .serial import SerialTransport

        transport: Transport = SerialTransport(address.target)
    elif address.kind == "ble":
        from .ble import BleTransport

        transport = BleTransport(address.target)
    elif address.kind == "sim":
        from .sim import SimTransport

        transport = SimTransport(firmware=address.firmware, robot=address.target)
    else:
        # `auto`, `all` and `label:` name boards that discovery finds (`resolve_address`), which
        # every caller does first: reaching here is a bug in the caller, not a person's input.
        raise ValueError(f"open_transport needs a resolved address, not {address}")
    transport.open()
    return transport


__all__ = ["Transport", "open_transport"]
