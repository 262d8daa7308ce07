"""Run Python on MicroPython boards: transports, the raw REPL, board profiles, files, flashing.

from device_bridge import Board
with Board.connect("serial:/dev/ttyACM0") as board:
    board.exec("print(1 + 1)")

The names below are imported at first use (PEP 562): the simulator's child process imports
`device_bridge.sim`, hence this package, and needs none of the bridge's own side (the board, its
protocol, files and flashing), which would cost each simulated board's start about 20 ms.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing's own costs `tne run` about 3 ms before its board starts
if TYPE_CHECKING:
    from .address import DeviceAddress, parse_address
    from .board import Board
    from .errors import BoardError, BridgeError

__all__ = ["Board", "BoardError", "BridgeError", "DeviceAddress", "parse_address"]

#: Where each public name lives.
_HOMES = {
    "Board": ".board",
    "BoardError": ".errors",
    "BridgeError": ".errors",
    "DeviceAddress": ".address",
    "parse_address": ".address",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
