"""Benchmark the Bluetooth LE transport on the emulated radio, at MTU 23 and at MTU 247.

Run from the repository root: `python benchmarks/bench_ble.py`. For each MTU it starts the
emulated rig (`tests.helpers.ble_peripheral`: bumble virtual controllers, one NUS peripheral,
the real micro:bit V1 MicroPython in QEMU behind it), connects a `Board` through bleak's public
API with the bumble backend, and measures:

- the `exec("x=1")` round trip inside one connection (median and p90 of N);
- `fs.put` of a 4 KB Python source file (median of several copies, each read back and checked);
- the ATT writes it took and the bytes each carried, beside the payload limit of the link: what
  one write carries at that MTU, and what a real link could carry per second at a given
  connection interval with one write per connection event.

No other tool is compared: mpremote, microfs and Thonny have no BLE transport. The serial
figures for the same firmware are in the section above (written by bench_bridge.py).

The emulated radio has no connection interval (bumble's virtual link delivers at once), so the
times here are the cost of our stack plus the relay to QEMU at the 115200-baud line rate; a real
link adds one connection interval (7.5 to 30 ms, or more) per exchange. The "real link, lower
bound" column turns the counted writes into that time.

It replaces its own section of `benchmarks/RESULTS.md` (between the `bench_ble` markers) and
leaves the rest of the file alone. Exit status 0 when everything ran and every copy verified.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results_section import RESULTS, commit, markers, write_section  # noqa: E402

from device_bridge.board import Board  # noqa: E402
from device_bridge.transports.ble import BleTransport  # noqa: E402
from tests.helpers.ble_rig import BleRig  # noqa: E402

SECTION = "bench_ble"
START, END = markers(SECTION)
MTUS = (23, 247)
EXEC_N = 100
WARMUP = 10
PUT_REPS = 5
FILE_SIZE = 4096
#: Connection intervals for the real-link columns: the shortest the specification allows, and a
#: common default of phones and Windows.
INTERVALS = (0.0075, 0.030)


@dataclass
class Figures:
    mtu: int
    payload: int = 0
    connect: float = 0.0
    exec_times: list[float] = field(default_factory=list)
    exec_writes: float = 0.0
    put_times: list[float] = field(default_factory=list)
    put_writes: int = 0
    put_statements: int = 0
    put_bytes: int = 0
    resends: int = 0
    verified: bool = True


def python_source(size: int) -> bytes:
    """A realistic pupil file: short lines of Python, exactly `size` bytes."""
    lines = []
    n = 0
    while sum(len(line) for line in lines) < size:
        lines.append(f"distance_{n} = capteur.lire() * {n % 7} + 12  # mesure {n}\n")
        n += 1
    return "".join(lines).encode()[:size]


def measure(mtu: int) -> Figures:
    figures = Figures(mtu)
    with BleRig("--mtu", str(mtu)) as rig:
        os.environ.update(rig.env)
        began = time.perf_counter()
        board = Board.connect("ble:mpy-uart")
        figures.connect = time.perf_counter() - began
        try:
            transport = board.transport
            assert isinstance(transport, BleTransport)
            figures.payload = transport.payload
            for _ in range(WARMUP):
                board.exec("x=1")
            writes = transport.writes
            for _ in range(EXEC_N):
                began = time.perf_counter()
                board.exec("x=1")
                figures.exec_times.append(time.perf_counter() - began)
            figures.exec_writes = (transport.writes - writes) / EXEC_N
            data = python_source(FILE_SIZE)
            statements = count_statements(board)
            for _ in range(PUT_REPS):
                statements.clear()
                writes, sent = transport.writes, board.repl.bytes_sent
                began = time.perf_counter()
                board.fs.put(data, "bench.py")
                figures.put_times.append(time.perf_counter() - began)
                figures.put_writes = transport.writes - writes
                figures.put_bytes = board.repl.bytes_sent - sent
                figures.put_statements = len(statements)
                figures.verified &= board.fs.get("bench.py") == data
            board.fs.rm("bench.py")
            figures.resends = board.repl.resends
        finally:
            board.close()
    return figures


def count_statements(board: Board) -> list[None]:
    """A list that grows by one per statement the board runs (its round trips)."""
    runs: list[None] = []
    run = board.repl.run

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        runs.append(None)
        return run(*args, **kwargs)  # type: ignore[arg-type]

    board.repl.run = counted  # type: ignore[method-assign]
    return runs


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def section(results: list[Figures], started: float) -> str:
    from importlib.metadata import version

    lines = [
        START,
        "## BLE (emulated)",
        "",
        "Written by `python benchmarks/bench_ble.py` (this section only): the BLE transport "
        "through bleak's API and the bumble backend, to the emulated NUS peripheral with the "
        "micro:bit V1 MicroPython in QEMU behind it. mpremote, microfs and Thonny have no BLE "
        "transport, so the yardstick is the link itself.",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit()}, "
        f"load average {os.getloadavg()[0]:.2f}, Python {platform.python_version()}, bleak "
        f"{version('bleak')}, bumble {version('bumble')}, run time "
        f"{time.monotonic() - started:.0f} s.",
        "",
        f'### `exec("x=1")` round trip inside one connection (N={EXEC_N}, after {WARMUP} warm-up)',
        "",
        "| MTU | payload per write (B) | connect (s) | median (ms) | p90 (ms) | ATT writes "
        "per exec | real link, lower bound at 7.5 / 30 ms interval (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in results:
        p90 = statistics.quantiles(f.exec_times, n=10)[-1]
        # One write from us and at least one notification back: two connection events.
        events = f.exec_writes + 1
        floors = " / ".join(f"{events * interval * 1000:.1f}" for interval in INTERVALS)
        lines.append(
            f"| {f.mtu} | {f.payload} | {f.connect:.2f} | {ms(statistics.median(f.exec_times))} "
            f"| {ms(p90)} | {f.exec_writes:.1f} | {floors} |"
        )
    lines += [
        "",
        f"### `fs.put` of a {FILE_SIZE // 1024} KB Python source (median of {PUT_REPS}, each "
        "read back and compared)",
        "",
        "| MTU | median (s) | file throughput (B/s) | bytes sent | ATT writes | bytes per write "
        "| payload limit per write | link limit at 7.5 / 30 ms, one write per event (B/s) "
        "| round trips | real link estimate at 7.5 / 30 ms (s) | verified |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in results:
        put = statistics.median(f.put_times)
        limits = " / ".join(f"{f.payload / interval:.0f}" for interval in INTERVALS)
        # One connection event per write, and one more for each answer.
        events = f.put_writes + f.put_statements
        real = " / ".join(f"{events * interval:.2f}" for interval in INTERVALS)
        lines.append(
            f"| {f.mtu} | {put:.3f} | {FILE_SIZE / put:.0f} | {f.put_bytes} | {f.put_writes} "
            f"| {f.put_bytes / max(1, f.put_writes):.1f} | {f.payload} | {limits} "
            f"| {f.put_statements} | {real} "
            f"| {'yes' if f.verified else 'NO'} |"
        )
    lines += [
        "",
        "Statements resent because the board lost bytes (`RawRepl.resends`): "
        + ", ".join(f"MTU {f.mtu}: {f.resends}" for f in results)
        + ".",
        "",
        "Reading: a put is a series of short statements (each at most 48 bytes, the micro:bit "
        "V1's safe burst), each waiting for the board's answer, so the MTU changes how many "
        "writes a statement takes (3 at MTU 23, 1 at MTU 247) but not the number of round trips. "
        "On the emulated radio the time is our stack plus the relay's 115200-baud line to QEMU "
        "(bumble's virtual link has no connection interval). On a real link with one packet per "
        "connection event, each write and each answer costs an event: the estimate column "
        "((writes + round trips) × interval) is the figure to expect, and the MTU's gain shows "
        "there. Links that carry several packets per event do better.",
        END,
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    started = time.monotonic()
    results = []
    for mtu in MTUS:
        print(f"MTU {mtu}…", flush=True)
        figures = measure(mtu)
        print(
            f"  exec median {ms(statistics.median(figures.exec_times))} ms, put "
            f"{statistics.median(figures.put_times):.3f} s, {figures.put_writes} writes",
            flush=True,
        )
        results.append(figures)
    write_section(SECTION, section(results, started))
    print(f"written: {RESULTS.relative_to(ROOT)}")
    return 0 if all(f.verified for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
