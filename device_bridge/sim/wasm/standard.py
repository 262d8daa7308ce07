"""The host side of the board's standard modules (`os`, `time`, `sys`, `gc` as the
firmware has them, guest/board_*.py): the few values and calls the guest cannot make itself.

Each is a plain module of constants and functions, reached only through the names
`peripherals.MANIFEST` lists. The files behind `os` are `files.py`'s ops; sleeping is
`microbit.sleep`'s.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from ..clock import SimClock
from ..firmware import FIRMWARES, version_text


def _module(name: str, **members: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in members.items():
        setattr(module, key, value)
    return module


def make_os(firmware: str) -> types.ModuleType:
    info = FIRMWARES[firmware]
    uname = (
        ("sysname", "microbit"),
        ("nodename", "microbit"),
        ("release", info["microbit"]),
        ("version", version_text(firmware)),
        ("machine", info["machine"]),
    )
    return _module("os", UNAME=uname, STAT=firmware == "v2")


def make_time(clock: SimClock) -> types.ModuleType:
    return _module("time", ticks_us=clock.ticks_us)


def make_gc(heap_bytes: int) -> types.ModuleType:
    """The heap's size, for `gc.mem_free()` (guest/board_gc.py)."""
    return _module("gc", HEAP=heap_bytes)


def make_sys(firmware: str, reword: Callable[[str], str]) -> types.ModuleType:
    """The V1 firmware's `sys` has these members only (measured in QEMU); the V2 adds the
    streams, `modules`, `path`, `argv` and `maxsize` (`FULL`). `reword` gives a traceback the
    firmware's wording, for `sys.print_exception` (wording.py)."""
    return _module(
        "sys",
        version="3.4.0",
        version_info=(3, 4, 0),
        platform="microbit",
        byteorder="little",
        maxsize=2**31 - 1,
        IMPLEMENTATION=FIRMWARES[firmware]["version"],
        FULL=firmware == "v2",
        reword=lambda text: reword(text) if type(text) is str else "",
    )
