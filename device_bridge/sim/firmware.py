"""What each imitated firmware reports about itself: versions, `os.uname()`, the banner.

Shared by the REPL (its banner), the child's command line (`--firmware`) and the simulated
`sys` and `os` modules (wasm/standard.py). V1 values as the V1 firmware answers in QEMU.
"""

from __future__ import annotations

#: What each imitated firmware reports (the bridge's probe reads these).
FIRMWARES = {
    "v1": {
        "version": (1, 9, 2),
        "release": "1.9.2",
        "machine": "micro:bit with nRF51822",
        "microbit": "1.1.1",
    },
    "v2": {
        "version": (1, 18, 0),
        "release": "1.18.0",
        "machine": "micro:bit with nRF52833",
        "microbit": "2.1.2",
    },
}


def version_text(firmware: str) -> str:
    info = FIRMWARES[firmware]
    return (
        f"micro:bit v{info['microbit']}+tne-simulator on 2026-01-01; "
        f"MicroPython v{info['release']} (tne simulator)"
    )
