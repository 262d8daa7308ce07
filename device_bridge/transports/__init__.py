"""Byte movers. `base.Transport` is the contract; `open_transport` picks the implementation."""

from __future__ import annotations

from ..address import DeviceAddress
from .base import Transport


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
        from tne.i18n import _

        from ..errors import UsageError

        raise UsageError(
            _("Device addresses of kind '{kind}' are not supported yet.").format(kind=address.kind)
        )
    transport.open()
    return transport


__all__ = ["Transport", "open_transport"]
