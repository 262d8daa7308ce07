"""What a simulated board keeps across a soft reboot: its files, its time, the firmware it
imitates and the hardware around it. The REPL reboots the engine; this state stays."""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import SimClock
from .hardware import Hardware
from .vfs import VirtualFS


@dataclass
class BoardState:
    """What survives a soft reboot: files, time, the imitated firmware."""

    firmware: str = "v2"
    seed: int = 0
    clock: SimClock = field(default_factory=SimClock)
    vfs: VirtualFS = field(default_factory=VirtualFS)
    stdout: object = None  # the text stream the board's serial line is written through
    hardware: Hardware | None = None  # the world beyond the pins (made from `clock` if None)

    def __post_init__(self) -> None:
        if self.hardware is None:
            self.hardware = Hardware(self.clock)
