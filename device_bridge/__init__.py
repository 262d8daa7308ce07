"""Run Python on MicroPython boards: transports, the raw REPL, board profiles, files, flashing.

from device_bridge import Board
with Board.connect("serial:/dev/ttyACM0") as board:
    board.exec("print(1 + 1)")
"""

from .address import DeviceAddress, parse_address
from .board import Board
from .errors import BoardError, BridgeError

__all__ = ["Board", "BoardError", "BridgeError", "DeviceAddress", "parse_address"]
