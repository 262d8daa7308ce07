"""The air between simulated boards, on the parent's side: every `radio` event one board emits
is handed to each other board that joined, as an input `{"kind": "radio", ...}` with the same
fields. Each receiver decides, as its radio chip does, whether the packet is for it (channel,
group, address, data rate), fits its `length` and finds room in its `queue` (radio.py).

Boards keep their own simulated clocks: a packet reaches another board at that board's next
simulated instant, not at the sender's time. Programs that talk by radio therefore see the
order of messages, not their exact timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from ..errors import BridgeError

#: Fields of a `radio` event that travel with the packet.
PACKET_FIELDS = ("data", "channel", "group", "address", "data_rate", "power")


class RadioBoard(Protocol):
    """What the medium needs of a board (`transports.sim.SimTransport` has it)."""

    def subscribe(self, callback: Callable[[dict], None]) -> Callable[[], None]: ...

    def send_input(self, message: dict) -> None: ...


class RadioMedium:
    def __init__(self) -> None:
        self._boards: list[RadioBoard] = []
        self._unsubscribe: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        #: Packets relayed so far (for tests and a teacher's curiosity).
        self.relayed = 0

    def join(self, board: RadioBoard) -> RadioMedium:
        """Put `board` in the air (its `radio` events reach the others). Returns the medium."""
        with self._lock:
            self._boards.append(board)
        self._unsubscribe.append(board.subscribe(lambda event: self._heard(board, event)))
        return self

    def _heard(self, sender: RadioBoard, event: dict) -> None:
        if event.get("kind") != "radio":
            return
        packet = {"kind": "radio", **{k: event[k] for k in PACKET_FIELDS if k in event}}
        with self._lock:
            others = [board for board in self._boards if board is not sender]
            self.relayed += 1
        for board in others:
            try:
                board.send_input(packet)
            except BridgeError:  # a board that stopped is out of range, not an error
                continue

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        with self._lock:
            self._boards.clear()
