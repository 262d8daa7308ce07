"""The two kernelspecs, and their installation (`tne kernel install`).

- `tne-microbit`, "micro:bit (MicroPython)": the board named by `TNE_DEVICE`, else `auto`
  (the board plugged in, or the simulator with a notice);
- `tne-microbit-sim`, "micro:bit simulé (MicroPython)": always the simulator, for grading
  (nbgrader runs notebooks with it, deterministically and without hardware).

A third one, `tne-microbit-grading`, is never installed where Jupyter looks: `tne class init`
writes it into the course folder (`write_grading_spec`), and `tne class grade` points
`JUPYTER_PATH` at it, so that it is not offered in the launcher. It runs the same kernel in
grading mode (`kernels/microbit/grading.py`): a fresh simulated board, no way to the host.

All use `interrupt_mode: message`, so the Stop button reaches the kernel as an
`interrupt_request` (the kernel sends Ctrl-C to the board) instead of a signal.
"""

from __future__ import annotations

import json
import struct
import sys
import tempfile
import zlib
from pathlib import Path

from tne.i18n import _
from tne.version import installed_version

KERNEL_NAME = "tne-microbit"
SIM_KERNEL_NAME = "tne-microbit-sim"
GRADING_KERNEL_NAME = "tne-microbit-grading"
#: Simulated seconds a cell's program may run on the grading kernels: a `while True:` loop's
#: run shows that the program starts, its checks run it again on boards of their own.
RUN_LIMIT_S = "60"


def kernel_spec(simulated: bool) -> dict[str, object]:
    spec: dict[str, object] = {
        "argv": [sys.executable, "-m", "kernels.microbit", "-f", "{connection_file}"],
        "display_name": _("simulated micro:bit (MicroPython)")
        if simulated
        else "micro:bit (MicroPython)",
        "language": "python",
        "interrupt_mode": "message",
        # The version that wrote the spec: an upgrade (tne/cli/upgrade.py) and `tne doctor`
        # tell a kernelspec left by an older install from a fresh one.
        "metadata": {"debugger": False, "tne_version": installed_version()},
    }
    if simulated:
        # Grading runs the simulated board as fast as it can (`sleep()` does not wait).
        # and a cell's endless loop is stopped after RUN_LIMIT_S simulated seconds
        # (device_bridge/sim/run_limit.py).
        spec["env"] = {"TNE_DEVICE": "sim", "TNE_SIM_SPEED": "0", "TNE_SIM_RUN_LIMIT": RUN_LIMIT_S}
    return spec


def grading_spec() -> dict[str, object]:
    """The grading kernelspec: the simulator, as fast as it can, in grading mode."""
    spec = kernel_spec(simulated=True)
    spec["display_name"] = _("micro:bit grading (nbgrader)")
    spec["env"] = {
        "TNE_DEVICE": "sim",
        "TNE_SIM_SPEED": "0",
        "TNE_SIM_RUN_LIMIT": RUN_LIMIT_S,
        "TNE_GRADING": "1",
        "TNE_WIDGETS": "off",  # no widget outputs in graded notebooks
    }
    return spec


def write_spec(folder: Path, simulated: bool, spec: dict[str, object] | None = None) -> Path:
    """The kernelspec folder (kernel.json and logos) under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = spec if spec is not None else kernel_spec(simulated)
    (folder / "kernel.json").write_text(
        json.dumps(chosen, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for size in (32, 64):
        (folder / f"logo-{size}x{size}.png").write_bytes(led_logo(size))
    return folder


def write_grading_spec(kernels_folder: Path) -> Path:
    """The grading kernelspec under `kernels_folder` (a `kernels` folder that only
    `JUPYTER_PATH` leads to); returns its folder."""
    return write_spec(kernels_folder / GRADING_KERNEL_NAME, True, grading_spec())


def install(user: bool = False, prefix: str | None = None) -> list[tuple[str, str]]:
    """Install both kernelspecs with jupyter_client; return (name, installed folder) pairs."""
    from jupyter_client.kernelspec import KernelSpecManager

    manager = KernelSpecManager()
    installed = []
    with tempfile.TemporaryDirectory() as temporary:
        for name, simulated in ((KERNEL_NAME, False), (SIM_KERNEL_NAME, True)):
            source = write_spec(Path(temporary) / name, simulated)
            where = manager.install_kernel_spec(
                str(source), kernel_name=name, user=user, prefix=prefix
            )
            installed.append((name, where))
    return installed


def led_logo(size: int) -> bytes:
    """A PNG of the micro:bit's 5x5 LED grid showing a heart (made here: no image file to
    ship, no imaging library)."""
    heart = ["01010", "11111", "11111", "01110", "00100"]
    cell = size // 5
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type: none
        for x in range(size):
            gx, gy = min(x // cell, 4), min(y // cell, 4)
            cx, cy = x - gx * cell - cell / 2 + 0.5, y - gy * cell - cell / 2 + 0.5
            lit = heart[gy][gx] == "1"
            inside = cx * cx + cy * cy <= (cell * 0.35) ** 2
            row += bytes(
                (230, 30, 30, 255)
                if inside and lit
                else (60, 20, 20, 255)
                if inside
                else (20, 20, 20, 255)
            )
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
