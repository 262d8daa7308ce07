"""The `radio` module between simulated boards.

A packet sent goes out as a `radio` event `{"data": <base64>, "channel", "group", "address",
"data_rate", "power"}`; the parent's `RadioMedium` (radio_medium.py) hands it to the other
boards as an input `{"kind": "radio", ...}` with the same fields. The receiving board keeps it
only if its radio is on with the same channel, group, address and data rate, if the packet fits
its configured `length`, and while its queue has room (`queue` packets), as the nRF radio does.

`send(text)` puts the firmware's 3-byte header (`\\x01\\x00\\x01`) before the UTF-8 text, and
`receive()` takes it off, so boards of both kinds understand each other's bytes.
"""

from __future__ import annotations

import base64
import types
from collections import deque

from .clock import SimClock
from .environment import Environment
from .hardware import Hardware

RATE_250KBIT, RATE_1MBIT, RATE_2MBIT = 2, 0, 1
HEADER = b"\x01\x00\x01"
DEFAULTS = {
    "length": 32,
    "queue": 3,
    "channel": 7,
    "power": 6,
    "address": 0x75626974,
    "group": 0,
    "data_rate": RATE_1MBIT,
}
RANGES = {
    "length": (1, 251),
    "queue": (1, 254),
    "channel": (0, 83),
    "power": (0, 7),
    "address": (0, 0xFFFFFFFF),
    "group": (0, 255),
}
#: Settings a packet carries through the air.
AIR_FIELDS = ("channel", "group", "address", "data_rate", "power")
#: Received signal strength the simulated air gives (dBm).
RSSI = -50


class Radio:
    def __init__(self, clock: SimClock, hardware: Hardware, env: Environment) -> None:
        self._clock = clock
        self._hardware = hardware
        self._config = dict(DEFAULTS)
        self._on = False
        self._queue: deque[tuple[bytes, int, int]] = deque()
        env.listeners["radio"] = self._arrived

    def config(self, **settings: object) -> None:
        for name, value in settings.items():
            if name not in DEFAULTS:
                raise ValueError(f"unknown argument '{name}'")
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"can't convert {type(value).__name__} to int")
            if name == "data_rate":
                if value not in (RATE_250KBIT, RATE_1MBIT, RATE_2MBIT):
                    raise ValueError(f"value out of range for argument '{name}'")
            else:
                low, high = RANGES[name]
                if not low <= value <= high:
                    raise ValueError(f"value out of range for argument '{name}'")
            self._config[name] = value
        if "queue" in settings or "length" in settings:
            self._queue.clear()

    def reset(self) -> None:
        self._config = dict(DEFAULTS)
        self._queue.clear()

    def on(self) -> None:
        self._on = True

    def off(self) -> None:
        self._on = False
        self._queue.clear()

    def _enabled(self) -> None:
        if not self._on:
            raise ValueError("radio is not enabled")

    def send_bytes(self, message: object) -> None:
        self._enabled()
        if isinstance(message, str):
            raise TypeError("object with buffer protocol required")
        data = bytes(message)[: self._config["length"]]  # type: ignore[call-overload]
        self._hardware.sync()
        channel = self._hardware.channel
        if channel.enabled:
            channel.emit(
                "radio",
                data=base64.b64encode(data).decode("ascii"),
                **{
                    k: self._config[k]
                    for k in ("channel", "group", "address", "data_rate", "power")
                },
            )

    def send(self, message: object) -> None:
        self.send_bytes(HEADER + str(message).encode("utf-8"))

    def _arrived(self, packet: dict) -> None:
        if not self._on:
            return
        for name in ("channel", "group", "address", "data_rate"):
            if int(packet.get(name, DEFAULTS[name])) != self._config[name]:
                return
        try:
            data = base64.b64decode(str(packet["data"]), validate=True)
        except (KeyError, ValueError):
            return
        if len(data) > self._config["length"] or len(self._queue) >= self._config["queue"]:
            return  # too long for this receiver, or its queue is full: the packet is lost
        self._queue.append((data, int(packet.get("rssi", RSSI)), int(self._clock.now_ms * 1000)))

    def receive_full(self) -> tuple[bytes, int, int] | None:
        self._enabled()
        self._hardware.sync()
        return self._queue.popleft() if self._queue else None

    def receive_bytes(self) -> bytes | None:
        packet = self.receive_full()
        return None if packet is None else packet[0]

    def receive_bytes_into(self, buffer: bytearray) -> int | None:
        data = self.receive_bytes()
        if data is None:
            return None
        size = min(len(data), len(buffer))
        buffer[:size] = data[:size]
        return size

    def receive(self) -> str | None:
        data = self.receive_bytes()
        if data is None:
            return None
        if not data.startswith(HEADER):
            raise ValueError("received packet is not a string")
        return data[len(HEADER) :].decode("utf-8", "replace")


def make_radio(clock: SimClock, hardware: Hardware, env: Environment) -> types.ModuleType:
    state = Radio(clock, hardware, env)
    module = types.ModuleType("radio")
    for name in (
        "reset", "config", "on", "off", "send_bytes", "receive_bytes", "send", "receive",
        "receive_bytes_into", "receive_full",
    ):  # fmt: skip
        setattr(module, name, getattr(state, name))
    module.RATE_250KBIT, module.RATE_1MBIT, module.RATE_2MBIT = (  # type: ignore[attr-defined]
        RATE_250KBIT, RATE_1MBIT, RATE_2MBIT,
    )  # fmt: skip
    return module
