"""Benchmark a workshop table: `tne fs put --device all` of a 4 KB file on 1, 2 and 4 boards.

Run from the repository root: `python benchmarks/bench_workshop.py`. For each table size it
starts that many emulated micro:bits (the real V1 MicroPython under QEMU), runs the real command
`tne fs put --device all` as a child process (each copy read back and checked by the bridge),
and records the wall time and the bridge's own CPU time (user + system of the `tne` process,
from `resource.getrusage(RUSAGE_CHILDREN)`: the QEMU processes are still running, so they are
not in it). The emulated boards run on this machine's 2 cores too, so their CPU time is given
beside it: on a real table each micro:bit has its own processor.

Target (issue 17): four boards take at most twice the time of one, because each board has its
own thread and the bridge's CPU time per board is small.

It replaces its own section of `benchmarks/RESULTS.md` (between the `bench_workshop` markers).
Exit status 0 when every run succeeded.
"""

from __future__ import annotations

import datetime
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_ble import python_source  # noqa: E402
from results_section import commit, cpu_model, load_average, markers, write_section  # noqa: E402

from tests.helpers.qemu import QemuMicrobit  # noqa: E402

SECTION = "bench_workshop"
START, END = markers(SECTION)
TABLES = (1, 2, 4)
REPS = 5
FILE_SIZE = 4096
TARGET_RATIO = 2.0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """User + system seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def put_on_all(boards: list[QemuMicrobit], path: Path) -> tuple[float, float, float]:
    """Wall seconds, the bridge's CPU seconds and the emulators' CPU seconds of one put."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TNE_LANG="en")
    env["TNE_EXTRA_DEVICES"] = ",".join(board.address for board in boards)
    env.pop("TNE_DEVICE", None)
    qemu_before = sum(process_cpu(b.process.pid) for b in boards if b.process)
    cpu_before = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "fs", "put", "--device", "all", str(path), "bench.py"],
        capture_output=True,
        env=env,
        timeout=300,
    )
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu_before
    qemu_cpu = sum(process_cpu(b.process.pid) for b in boards if b.process) - qemu_before
    if done.returncode != 0:
        raise SystemExit(f"fs put failed on {len(boards)} boards:\n{done.stderr.decode()}")
    return wall, cpu, qemu_cpu


def main() -> int:
    load = load_average()
    figures: dict[int, list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.py"
        path.write_bytes(python_source(FILE_SIZE))
        for count in TABLES:
            boards = [QemuMicrobit("pty").start() for _index in range(count)]
            try:
                put_on_all(boards, path)  # warm-up: the first connection to each pty
                figures[count] = [put_on_all(boards, path) for _rep in range(REPS)]
            finally:
                for board in boards:
                    board.stop()
            print(count, figures[count], flush=True)
    medians = {
        count: tuple(statistics.median(run[i] for run in runs) for i in range(3))
        for count, runs in figures.items()
    }
    one = medians[1][0]
    rows = [
        f"| {count} | {wall:.2f} | {min(run[0] for run in figures[count]):.2f}–"
        f"{max(run[0] for run in figures[count]):.2f} | {wall / one:.2f}× | {cpu:.2f} | "
        f"{cpu / count:.2f} | {qemu:.2f} |"
        for count, (wall, cpu, qemu) in medians.items()
    ]
    ratio = medians[4][0] / one
    verdict = "met" if ratio <= TARGET_RATIO else "missed"
    text = "\n".join(
        [
            START,
            "## Workshop: one file on every board of a table",
            "",
            f"`tne fs put --device all` of a {FILE_SIZE // 1024} KB Python source on 1, 2 and 4 "
            f"emulated micro:bits (QEMU, V1 firmware), each copy read back and checked; median of "
            f"{REPS} runs after a warm-up run. The `tne` process as people run it (start-up, "
            f"discovery, one connection per board, the copies in parallel, the summary).",
            "",
            "| boards | wall (s) | wall, min–max (s) | vs 1 board | bridge CPU (s) | "
            "bridge CPU per board (s) | emulators' CPU (s) |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Target « four boards take at most 2× the time of one »: {ratio:.2f}× ({verdict}). "
            "The emulated boards share this machine's 2 cores with the bridge (their CPU time is "
            "in the last column); on a real table each micro:bit has its own processor, and the "
            "bridge's CPU time per board is what the laptop pays. Most of the wall time is "
            "Python's start-up and the connection (QEMU's pty notices a new client about once a "
            "second), which the boards wait for side by side; hence the spread between runs.",
            "",
            f"Measured {datetime.date.today().isoformat()} at commit {commit()} on {cpu_model()} "
            f"(2 cores), load average before the run {load}: "
            f"`python benchmarks/bench_workshop.py`.",
            END,
            "",
        ]
    )
    write_section(SECTION, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
