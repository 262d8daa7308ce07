"""Byte movers. `base.Transport` is the contract; `open_transport` picks the implementation.

`Transport` is imported at first use (PEP 562): `tne run --device sim...` starts its board's
child through `sim_child` before anything else, and the contract's module (with `typing`)
would cost that start about 3 ms.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's own import is part of the cost above
if TYPE_CHECKING:
    from ..address import DeviceAddress
    from .base import Transport


def __getattr__(name: str) -> object:
    if name != "Transport":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .base import Transport

    globals()["Transport"] = Transport
    return Transport


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
