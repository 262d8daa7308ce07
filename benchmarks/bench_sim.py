"""Simulator speed: a pupil's line follower on `piste` for 60 simulated seconds.

`python benchmarks/bench_sim.py` runs the teachers' example line follower
(teacher_guides/exemples/suiveur_de_ligne.py: read both line sensors, steer, `sleep(10)`) on a
simulated Maqueen (`sim:maqueen`, world `piste`, duration cap 60 s), and compares side by side:

- the floor a pupil waits for otherwise: the same loop on a real robot runs in real time, 60 s;
- the simulator as a widget shows it live (paced at real time, speed factor 1: measured on a
  shorter run and scaled to 60 s);
- the simulator as graders and `tne run` use it (as fast as it can): `Board.run` alone, and
  the whole `tne run --device sim:maqueen` command (interpreter start, child process, trace
  summary and picture).

Medians of 5 (fresh board each time). The target of issue 3: at least 100x real time, so under
0.6 s for the run. It replaces the "Simulator: robot speed" section of `benchmarks/RESULTS.md`
(between its markers), leaving the rest alone. Exit 0 even when a target is missed (the table
says so); 1 if a run failed.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results_section import (  # noqa: E402
    RESULTS,
    commit,
    cpu_model,
    load_average,
    markers,
    write_section,
)

from device_bridge.sim.trace import Trace  # noqa: E402
from device_bridge.transports.sim import SimTransport  # noqa: E402
from tests.helpers.sim_robot import traced_robot  # noqa: E402

SECTION = "bench_sim.py"
START, END = markers(SECTION)
PROGRAM = ROOT / "teacher_guides" / "exemples" / "suiveur_de_ligne.py"
SIMULATED_S = 60.0
RUNS = 5
PACED_S = 5.0  # simulated seconds of the paced run (scaled to 60 s in the table)
TARGET_S = SIMULATED_S / 100


def child_cpu(transport: SimTransport) -> float | None:
    """CPU seconds of the simulated board's process so far (Linux /proc), else None."""
    process = transport._process
    stat = Path(f"/proc/{process.pid}/stat") if process is not None else None
    if stat is None or not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(cap_s: float, speed: float = 0.0) -> tuple[float, float | None, Trace]:
    """Wall seconds of `Board.run` for the line follower, the child's CPU seconds, the trace."""
    transport = SimTransport(robot="maqueen", world="piste", duration=cap_s)
    with traced_robot(transport) as (board, trace):
        if speed:
            transport.send_input({"kind": "speed", "factor": speed})
        code = PROGRAM.read_text(encoding="utf-8")
        cpu_before = child_cpu(transport)
        started = time.perf_counter()
        result = board.run(code, timeout=None)
        wall = time.perf_counter() - started
        cpu_after = child_cpu(transport)
        trace.finish(transport)
        if result.stderr:
            raise RuntimeError(result.stderr.decode("utf-8", "replace"))
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return wall, cpu, trace


def tne_run() -> float:
    """Wall seconds of the whole command, as a teacher types it."""
    with tempfile.TemporaryDirectory(prefix="tne-bench-sim-") as folder:
        program = Path(folder) / "suiveur.py"
        program.write_bytes(PROGRAM.read_bytes())
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable, "-m", "tne.cli", "run", "--device", "sim:maqueen", str(program),
                "--world", "piste", "--duration", str(SIMULATED_S),
            ],
            capture_output=True, cwd=folder, timeout=300,
        )  # fmt: skip
        wall = time.perf_counter() - started
        if done.returncode != 0 or not program.with_suffix(".svg").exists():
            raise RuntimeError(done.stderr.decode("utf-8", "replace"))
        return wall


def fmt(values: list[float]) -> str:
    return ", ".join(f"{value:.3f}" for value in values)


def section(
    runs: list[tuple[float, float | None, Trace]],
    commands: list[float],
    paced: float,
    load_before: str,
    elapsed: float,
) -> tuple[str, list[str]]:
    walls = [wall for wall, _cpu, _trace in runs]
    cpus = [cpu for _wall, cpu, _trace in runs if cpu is not None]
    median = statistics.median(walls)
    command = statistics.median(commands)
    paced_60 = paced * SIMULATED_S / PACED_S
    trace = runs[0][2]
    laps = trace.distance_travelled() / 316  # the oval is about 316 cm round
    same = len({run[2].to_json() for run in runs}) == 1
    missed = [] if median < TARGET_S else [f"run {median:.3f} s >= {TARGET_S:.1f} s"]
    lines = [
        START,
        "## Simulator: robot speed",
        "",
        "Written by `python benchmarks/bench_sim.py` (this section only). A pupil's line "
        "follower (`teacher_guides/exemples/suiveur_de_ligne.py`: read both line sensors, "
        "steer, `sleep(10)`) drives a simulated Maqueen round `piste` for 60 simulated "
        f"seconds; medians of {RUNS}, a fresh simulated board each time.",
        "",
        "| item | value |",
        "|---|---|",
        f"| date | {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC |",
        f"| CPU | {cpu_model()} ({os.cpu_count()} logical CPUs) |",
        f"| load average at start / at the end | {load_before} / {load_average()} |",
        f"| Python | {platform.python_version()} |",
        f"| repository commit | {commit()} |",
        f"| run time of the benchmark | {elapsed:.0f} s |",
        "",
        "| how the 60 s are run | wall time (s) | × real time | each run (s) | target | met? |",
        "|---|---|---|---|---|---|",
        f"| real robot (the floor a pupil waits otherwise) | {SIMULATED_S:.1f} | 1 | | | |",
        f"| simulator paced at real time (a widget watching live; {PACED_S:.0f} s measured, "
        f"scaled) | {paced_60:.1f} | {SIMULATED_S / paced_60:.2f} | | | |",
        f"| simulator, `Board.run` as graders use it | {median:.3f} | "
        f"{SIMULATED_S / median:.0f} | {fmt(walls)} | < {TARGET_S:.1f} s (100×) | "
        f"{'yes' if not missed else 'no'} |",
        f"| `tne run --device sim:maqueen` (whole command: Python start, child, picture) | "
        f"{command:.3f} | {SIMULATED_S / command:.0f} | {fmt(commands)} | | |",
        "",
        f"- CPU time of the simulated board's process during the run: median "
        f"{statistics.median(cpus):.3f} s ({fmt(cpus)})."
        if cpus
        else "- CPU time: not measured.",
        f"- What the runs did: {trace.distance_travelled():.0f} cm travelled (about "
        f"{laps:.1f} laps), {len(trace.events)} side-channel events, line under a sensor "
        f"{trace.time_on_line() / trace.duration_ms():.0%} of the time; the {RUNS} traces "
        f"are {'byte-identical' if same else 'NOT identical'} (same code, same seed).",
        "- The wall time includes whatever else the machine runs: on a loaded machine, the "
        "child's CPU time is the steadier figure.",
        "",
        "Profile (cProfile of the run inside one process) and what was done about it: the "
        "world moved in many tiny steps (a pupil's loop touches the hardware five times per "
        "simulated 10 ms), so it now waits until 1 ms of simulated time has passed "
        "(`MIN_STEP_MS`, pose at most 0.3 mm late); the heading's sine and cosine are kept "
        "between turns; clearance to walls is kept from the last step; a motor write that "
        "repeats the current speeds returns at once; walls and the track are filed in 5 cm "
        "buckets so each query looks at a few segments; the duration cap costs nothing per "
        "statement (a C-level `islice` over the clock's counter); side-channel events go out "
        "in batches instead of one system call each (they cost about as much as the "
        "simulation); code reaches the simulated board unpaced (it was paced for a UART: "
        "90-170 ms for this program). What remains is spread over the I2C and pin calls of "
        "the `microbit` module, the motion integration and the JSON encoding of about 5,000 "
        "events (always sent when the board is started by `SimTransport`).",
    ]
    if missed:
        lines += ["", "Targets missed: " + "; ".join(missed)]
    lines.append(END)
    return "\n".join(lines) + "\n", missed


def main() -> int:
    started = time.perf_counter()
    load_before = load_average()
    try:
        one_run(2.0)  # warm-up: imports and file caches
        runs = []
        for number in range(RUNS):
            runs.append(one_run(SIMULATED_S))
            print(f"run {number + 1}: {runs[-1][0]:.3f} s", flush=True)
        commands = []
        for number in range(RUNS):
            commands.append(tne_run())
            print(f"tne run {number + 1}: {commands[-1]:.3f} s", flush=True)
        paced = one_run(PACED_S, speed=1.0)[0]
        print(f"paced at real time: {paced:.3f} s for {PACED_S:.0f} s", flush=True)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as problem:
        print(f"failed: {problem}", file=sys.stderr)
        return 1
    text, missed = section(runs, commands, paced, load_before, time.perf_counter() - started)
    write_section(SECTION, text)
    print(text)
    print(f"written: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
