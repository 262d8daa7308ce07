"""What a firmware can do, found by probing it at connect time, never guessed from the port.

micro:bit V1 MicroPython has `os.listdir/size/remove` only; V2 adds `stat`/`ilistdir`; ESP32 and
Pico have the full `os`. File operations pick their strategy from the profile.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

#: Modules of the micro:bit firmware (V1 and V2) that pupils import; any other module a
#: program imports is a file on the board (or on no board at all).
FIRMWARE_MODULES = (
    "microbit", "music", "radio", "random", "speech", "neopixel", "time", "utime", "math",
    "os", "machine", "gc", "sys", "struct", "ustruct", "array", "collections", "audio", "power",
    "log", "love", "antigravity", "this",
)  # fmt: skip

# One round trip: platform, uname fields, the names in `os`, and whether a few helpers exist.
PROBE_CODE = """\
import sys
try:
 import os
except ImportError:
 import uos as os
try:
 u=os.uname()
 u=(u.sysname,u.release,u.version,u.machine)
except Exception:
 u=('','','','')
m=[]
for n in ('ubinascii','binascii','deflate'):
 try:
  __import__(n);m.append(n)
 except ImportError:
  pass
print(repr((sys.platform,sys.implementation.version,u,dir(os),m)))
"""


@dataclass(frozen=True)
class BoardProfile:
    """What one connected firmware offers. `kind` is a stable name used in messages and JSON."""

    kind: str  # microbit-v1, microbit-v2, esp32, pico, micropython
    platform: str
    version: tuple[int, ...]
    machine: str
    firmware: str  # the version text the board announces
    os_names: frozenset[str] = field(default_factory=frozenset)
    modules: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        return {
            "microbit-v1": "micro:bit V1",
            "microbit-v2": "micro:bit V2",
            "esp32": "ESP32",
            "pico": "Raspberry Pi Pico",
        }.get(self.kind, "MicroPython")

    @property
    def has_stat(self) -> bool:
        return "stat" in self.os_names

    @property
    def has_rename(self) -> bool:
        return "rename" in self.os_names

    @property
    def has_dirs(self) -> bool:
        return "mkdir" in self.os_names and "ilistdir" in self.os_names

    @property
    def has_deflate(self) -> bool:
        """`deflate.DeflateIO` (MicroPython 1.21+ on most ports; not the micro:bit's)."""
        return "deflate" in self.modules

    @property
    def binascii(self) -> str | None:
        """The module to decode base64 with on the board, if it has one."""
        for name in ("binascii", "ubinascii"):
            if name in self.modules:
                return name
        return None


def classify(platform: str, machine: str) -> str:
    machine_lower = machine.lower()
    if platform == "microbit" or "micro:bit" in machine_lower:
        return "microbit-v1" if "nrf51" in machine_lower else "microbit-v2"
    if platform == "esp32" or "esp32" in machine_lower:
        return "esp32"
    if platform == "rp2" or "rp2040" in machine_lower or "rp2350" in machine_lower:
        return "pico"
    return "micropython"


def parse_probe(output: bytes) -> BoardProfile:
    platform, version, uname, os_names, modules = ast.literal_eval(output.decode().strip())
    sysname, release, uversion, machine = uname
    firmware = uversion or f"MicroPython {release}"
    return BoardProfile(
        kind=classify(platform, machine),
        platform=platform,
        version=tuple(version),
        machine=machine,
        firmware=firmware,
        os_names=frozenset(os_names),
        modules=frozenset(modules),
    )
