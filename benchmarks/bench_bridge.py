"""Benchmark the device bridge against mpremote, microfs and the raw protocol floor.

Run from the repository root: `python benchmarks/bench_bridge.py`. It starts ONE emulated
micro:bit V1 (the real MicroPython firmware under qemu-system-arm, `tests.helpers.qemu`) and
measures every tool on that same board, one tool at a time: each tool opens the pty itself, its
connection set-up is timed and reported apart (QEMU's pty notices a new client only about once a
second), and the tool closes the pty before the next one opens it.

It replaces its own section of `benchmarks/RESULTS.md` (between its markers) and prints a
summary. Exit status: 0 when every measurement ran and every copy was verified, 1 otherwise. A
missed target is reported in RESULTS.md ("target met?" column) and is not a failure of the
script.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.metadata
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import serial

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import microfs  # noqa: E402
from mpremote.transport_serial import SerialTransport  # noqa: E402
from results_section import (  # noqa: E402
    RESULTS,
    commit,
    cpu_model,
    load_average,
    markers,
    write_section,
)

import device_bridge.fs as bridge_fs  # noqa: E402
import device_bridge.protocol.raw_repl as raw_repl  # noqa: E402
from device_bridge.board import Board  # noqa: E402
from device_bridge.errors import BoardFileError, BridgeError, PartialFileError  # noqa: E402
from tests.helpers.qemu import QemuMicrobit  # noqa: E402

SECTION = "bench_bridge.py"
START, END = markers(SECTION)
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
EXEC_N = 200  # timed exec round trips per in-connection series
WARMUP = 10  # untimed round trips before each series
PROCESS_RUNS = 5  # per-process runs per tool
FILE_REPS = 3  # put/get repetitions per tool and file
PUT_ATTEMPTS = 3  # tne put attempts per repetition (a rejected attempt is reported)
ROUNDS = 5  # the floor and tne exec series alternate, so drift hits both alike
CAPACITY_MARGIN = 2048  # bytes left free: after a few put/rm cycles the filesystem takes ~400 less
SIZES = (4096, 16384)
BINARY_SIZE = 4096
REPLY_BYTES = len(b"OK\x04\x04>")  # the least a board answers to one statement
LINE_BYTES_PER_S = 11520  # 115200 baud, 8N1: 10 bits per byte
SECTION_LIMIT = 120  # seconds; a tool that hangs longer is a failure

FLOOR = "raw protocol floor (pyserial loop)"
OURS = "tne Board.exec"
MPREMOTE = "mpremote SerialTransport.exec"
OURS_SETUP = "tne device_bridge (Board.connect: enter raw mode + probe)"
MPREMOTE_SETUP = "mpremote (SerialTransport + enter_raw_repl)"
MICROFS_SETUP = "microfs (open Serial + wait for the board)"

# Targets from issue 2, part 8.
EXEC_RATIO_MAX = 1.5
PUT_SPEEDUP_MIN = 10.0
GET_SPEEDUP_MIN = 5.0
WIRE_PER_BYTE_MAX = 1.5


# -- small helpers ---------------------------------------------------------------------------


class Failure(Exception):
    """A real failure: a tool did not work, or a copy came back wrong."""


@contextlib.contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Raise TimeoutError in the main thread if the block runs longer than `seconds`."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def median(values: list[float]) -> float:
    return statistics.median(values)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


def sec(seconds: float) -> str:
    return f"{seconds:.3f}"


def met(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def command_output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"? ({error})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout else "?"


def python_source(size: int) -> bytes:
    """Real Python source text (the project's own modules, concatenated), cut to `size` bytes
    on a character boundary so that it stays valid UTF-8 text."""
    paths = [
        p for folder in ("device_bridge", "tne", "tests") for p in (ROOT / folder).rglob("*.py")
    ]
    data = "\n".join(path.read_text(encoding="utf-8") for path in sorted(paths)).encode("utf-8")
    if len(data) < size:
        raise Failure(f"not enough project source to make a {size}-byte file")
    return data[:size].decode("utf-8", "ignore").encode("utf-8")


class CountingSerial(serial.Serial):
    """pyserial's Serial, counting the bytes written (to compare microfs's wire cost)."""

    bytes_sent = 0

    def write(self, data: bytes) -> int | None:  # type: ignore[override]
        self.bytes_sent += len(data)
        return super().write(data)


def read_until(link: serial.Serial, marker: bytes, timeout: float) -> bytes:
    """Bare reading for the floor loop: whatever is waiting, else block for one byte."""
    buffer = bytearray()
    end = time.perf_counter() + timeout
    while marker not in buffer:
        chunk = link.read(link.in_waiting or 1)
        if not chunk and time.perf_counter() > end:
            raise Failure(f"no {marker!r} within {timeout} s; got {bytes(buffer[-100:])!r}")
        buffer += chunk
    return bytes(buffer)


def wake(link: serial.Serial, attempts: int = 10) -> None:
    """Wait until the board answers on a freshly opened pty (QEMU notices a new client about
    once a second), then drop what it printed."""
    for _attempt in range(attempts):
        link.write(b"\r\x03")
        if link.read(1):
            time.sleep(0.1)
            link.reset_input_buffer()
            return
    raise Failure("the board does not answer on the pty")


def timed_process(command: list[str], timeout: float = 60) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise Failure(f"{' '.join(command[:4])}... exited {done.returncode}: {tail}")
    return elapsed


# -- the measurements ------------------------------------------------------------------------

#: Run on the board after a rejected put: close the file and remove what it left.
ABANDON = (
    "import os\n"
    "try:\n _tne_f.close()\nexcept Exception:\n pass\n"
    "for n in ('bench.py','.tne-put'):\n try:\n  os.remove(n)\n except OSError:\n  pass"
)

#: Fill the filesystem with one file, 128 bytes at a time, to find the largest file it takes.
CAPACITY_PROBE = (
    "import os\n"
    "f=open('bench.cap','w')\nn=0\n"
    "try:\n while 1:\n  f.write('x'*128)\n  n+=128\nexcept OSError:\n pass\n"
    "try:\n f.close()\nexcept OSError:\n pass\n"
    "try:\n os.remove('bench.cap')\nexcept OSError:\n pass\n"
    "print(n)"
)


class Bench:
    def __init__(self, qemu: QemuMicrobit, workdir: Path) -> None:
        self.qemu = qemu
        self.pty = qemu.pty
        self.workdir = workdir
        self.setup: dict[str, list[float]] = {}
        self.exec_times: dict[str, list[float]] = {}
        self.exec_wire: dict[str, int] = {}
        self.exec_rounds: dict[str, list[float]] = {}  # median of each connection's series
        self.load_start = load_average()
        self.process_times: dict[str, list[float]] = {}
        self.import_times: dict[str, list[float]] = {}
        # files[(tool, label)] = {"put": [...], "get": [...], "bytes": [...], "ok": bool}
        self.files: dict[tuple[str, str], dict] = {}
        self.files_data: dict[str, bytes] = {}
        self.paths: dict[str, Path] = {}
        self.capacity: int | None = None
        self.too_big = ""  # what our put says about a file larger than the filesystem
        self.rejected: list[tuple[str, str, float]] = []  # puts our own verification refused
        self.put_attempts = 0
        self.exec_failures: list[str] = []  # tne exec round trips that raised
        self.resends: dict[str, int] = {"exec": 0, "files": 0}  # statements tne sent again
        self.connect_failures: list[str] = []  # tne Board.connect attempts that raised
        self.errors: list[str] = []
        self.wrong_copies: list[str] = []
        self.cp_result = "not run"
        self.firmware = ""
        self.tne_cli = "not measured"

    def prepare_files(self) -> None:
        """The test files: 4 KB and 16 KB of Python source, or the largest whole number of KB
        that the board's filesystem takes when 16 KB does not fit; and a binary file."""
        if self.files_data:
            return
        sizes = list(SIZES)
        if self.capacity is not None and self.capacity < SIZES[-1] + CAPACITY_MARGIN:
            sizes[-1] = (self.capacity - CAPACITY_MARGIN) // 1024 * 1024
        for size in sizes:
            self.files_data[f"source {size // 1024} KB"] = python_source(size)
        binary = bytes(range(256)) * (BINARY_SIZE // 256)
        self.files_data[f"binary {BINARY_SIZE // 1024} KB"] = binary
        for index, (label, data) in enumerate(self.files_data.items()):
            path = self.workdir / f"bench{index}.{'py' if label.startswith('source') else 'bin'}"
            path.write_bytes(data)
            self.paths[label] = path

    def section(self, name: str, action: Callable[[], None]) -> None:
        print(f"-- {name}", flush=True)
        try:
            with deadline(SECTION_LIMIT, name):
                action()
        except Exception as error:  # reported, and the run goes on with the next tool
            self.errors.append(f"{name}: {type(error).__name__}: {error}")
            traceback.print_exc()

    def add_series(self, name: str, times: list[float]) -> None:
        self.exec_times.setdefault(name, []).extend(times)
        self.exec_rounds.setdefault(name, []).append(median(times))

    def record_copy(self, tool: str, label: str, put: float, get: float, sent: int, ok: bool):
        entry = self.files.setdefault(
            (tool, label), {"put": [], "get": [], "bytes": [], "ok": True}
        )
        entry["put"].append(put)
        entry["get"].append(get)
        entry["bytes"].append(sent)
        if not ok:
            entry["ok"] = False
            self.wrong_copies.append(f"{tool} {label}")

    # 1. the raw protocol floor
    def floor(self) -> None:
        start = time.perf_counter()
        with serial.Serial(self.pty, 115200, timeout=2, exclusive=True) as link:
            for _attempt in range(5):
                link.write(b"\r\x03\x03\x01")
                try:
                    read_until(link, RAW_BANNER, 1.5)
                    break
                except Failure:
                    continue
            else:
                raise Failure("the floor loop could not enter raw mode")
            self.setup.setdefault(FLOOR, []).append(time.perf_counter() - start)
            time.sleep(0.05)
            link.reset_input_buffer()
            times = []
            for index in range(WARMUP + EXEC_N // ROUNDS):
                began = time.perf_counter()
                link.write(b"x=1\x04")
                reply = read_until(link, b"\x04>", 5)
                elapsed = time.perf_counter() - began
                if reply != b"OK\x04\x04>":
                    raise Failure(f"unexpected raw REPL reply {reply!r}")
                if index >= WARMUP:
                    times.append(elapsed)
            self.add_series(FLOOR, times)
            self.exec_wire[FLOOR] = len(b"x=1\x04")
            link.write(b"\x02")
            time.sleep(0.05)

    # 2. our bridge: exec (and, on the last round, files) in one connection
    def ours(self, files: bool) -> None:
        board = self.connect_ours()
        try:
            self.firmware = board.profile.firmware if board.profile else "?"
            times = []
            resends = getattr(board.repl, "resends", 0)
            for index in range(WARMUP + EXEC_N // ROUNDS):
                began = time.perf_counter()
                try:
                    board.exec("x=1")
                except BridgeError as error:  # counted and reported; the series goes on
                    self.exec_failures.append(f"{type(error).__name__}: {error}")
                    continue
                elapsed = time.perf_counter() - began
                if index >= WARMUP:
                    times.append(elapsed)
            self.add_series(OURS, times)
            self.resends["exec"] += getattr(board.repl, "resends", 0) - resends
            board.repl.bytes_sent = 0
            board.exec("x=1")
            self.exec_wire[OURS] = board.repl.bytes_sent
            if self.capacity is None:
                for info in board.fs.ls():  # leftovers of an earlier, interrupted run
                    if info.name.startswith("bench"):
                        board.fs.rm(info.name)
                self.capacity = int(board.exec(CAPACITY_PROBE, 60).stdout)
            if files:
                resends = getattr(board.repl, "resends", 0)
                try:
                    self.our_files(board)
                finally:
                    self.resends["files"] += getattr(board.repl, "resends", 0) - resends
        finally:
            board.close()

    def our_files(self, board: Board) -> None:
        self.prepare_files()
        for label, data in self.files_data.items():
            for _rep in range(FILE_REPS):
                try:
                    put, sent = self.our_put(board, label, data)
                except Failure as error:  # a real failure; the other files are still measured
                    self.errors.append(f"tne files: {error}")
                    break
                began = time.perf_counter()
                back = board.fs.get("bench.py")
                get = time.perf_counter() - began
                board.fs.rm("bench.py")
                self.record_copy("tne", label, put, get, sent, back == data)
        if self.capacity is not None and self.capacity < SIZES[-1] + CAPACITY_MARGIN:
            too_big = python_source(SIZES[-1])
            for _attempt in range(PUT_ATTEMPTS):
                self.put_attempts += 1
                try:
                    board.fs.put(too_big, "bench.py")
                    self.too_big = "accepted (unexpected)"
                    board.fs.rm("bench.py")
                    break
                except BoardFileError as error:
                    if isinstance(error, PartialFileError):
                        self.reject(f"source {SIZES[-1] // 1024} KB (too big)", error, 0.0)
                        continue
                    self.too_big = f"{type(error).__name__}: {error}"
                    break
                except BridgeError as error:  # bytes lost on the way; counted, tried again
                    self.reject(f"source {SIZES[-1] // 1024} KB (too big)", error, 0.0)
                    with contextlib.suppress(BridgeError):
                        board.exec(ABANDON)

    def reject(self, label: str, error: BridgeError, elapsed: float) -> None:
        detail = (error.detail or "").strip().splitlines()
        self.rejected.append(
            (label, f"{type(error).__name__}: {detail[-1] if detail else error}", elapsed)
        )

    def our_put(self, board: Board, label: str, data: bytes) -> tuple[float, int]:
        """One verified put; an attempt that the bridge itself rejects (its on-board size and
        Adler-32 check failed, or the board went silent) is counted and retried."""
        for _attempt in range(PUT_ATTEMPTS):
            self.put_attempts += 1
            board.repl.bytes_sent = 0
            began = time.perf_counter()
            try:
                board.fs.put(data, "bench.py")
            except BridgeError as error:
                self.reject(label, error, time.perf_counter() - began)
                with contextlib.suppress(BridgeError):
                    board.exec(ABANDON)
                continue
            return time.perf_counter() - began, board.repl.bytes_sent
        raise Failure(f"tne put of {label} failed {PUT_ATTEMPTS} times in a row")

    # 3. mpremote inside one connection, through its Python API
    def mpremote_api(self) -> None:
        start = time.perf_counter()
        transport = SerialTransport(self.pty, baudrate=115200)
        try:
            transport.enter_raw_repl(soft_reset=False)
            self.setup.setdefault(MPREMOTE_SETUP, []).append(time.perf_counter() - start)
            times = []
            for index in range(WARMUP + EXEC_N):
                began = time.perf_counter()
                out = transport.exec("x=1")
                elapsed = time.perf_counter() - began
                if out != b"":
                    raise Failure(f"mpremote exec printed {out!r}")
                if index >= WARMUP:
                    times.append(elapsed)
            self.add_series(MPREMOTE, times)
            transport.exit_raw_repl()
        finally:
            transport.close()

    # 4. per process: one whole command, connection included
    def per_process(self) -> None:
        ours_code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from device_bridge.board import Board\n"
            f"b = Board.connect({self.qemu.address!r})\n"
            "try:\n    b.exec('x=1')\nfinally:\n    b.close()\n"
        )
        mpremote_command = [sys.executable, "-m", "mpremote", "connect", self.pty, "exec", "x=1"]
        commands = {
            "mpremote: `python -m mpremote connect PTY exec x=1`": mpremote_command,
            "tne: `python -c` Board.connect + exec + close": [sys.executable, "-c", ours_code],
        }
        tne = shutil.which("tne")
        if tne:
            command = [tne, "exec", "--device", self.qemu.address, "x=1"]
            try:
                timed_process(command, timeout=30)
                commands["tne: `tne exec --device serial:PTY x=1`"] = command
                self.tne_cli = f"`{tne}` measured"
            except (Failure, subprocess.TimeoutExpired) as error:
                self.tne_cli = f"`{tne}` present but failed: {error}"
        else:
            self.tne_cli = "no `tne` console script on PATH; the `python -c` figure stands for it"
        for _run in range(PROCESS_RUNS):  # interleaved, so drift hits every tool alike
            for name, command in commands.items():
                self.process_times.setdefault(name, []).append(timed_process(command))
        imports = {
            "mpremote": "import mpremote.main",
            "tne": f"import sys; sys.path.insert(0, {str(ROOT)!r}); import device_bridge.board",
        }
        if tne:
            imports["tne CLI"] = "import tne.cli.app"
        for _run in range(3):
            for name, code in imports.items():
                self.import_times.setdefault(name, []).append(
                    timed_process([sys.executable, "-c", code])
                )

    # 5. microfs, on a pyserial Serial opened as microfs.get_serial() does
    def microfs_files(self) -> None:
        self.prepare_files()
        start = time.perf_counter()
        with CountingSerial(self.pty, 115200, timeout=1, parity="N", exclusive=True) as link:
            wake(link)
            self.setup.setdefault(MICROFS_SETUP, []).append(time.perf_counter() - start)
            back_path = self.workdir / "microfs-back.py"
            for label, data in self.files_data.items():
                if not label.startswith("source"):
                    continue
                for _rep in range(FILE_REPS):
                    link.bytes_sent = 0
                    began = time.perf_counter()
                    microfs.put(str(self.paths[label]), target="bench.py", serial=link)
                    put = time.perf_counter() - began
                    sent = link.bytes_sent
                    back_path.unlink(missing_ok=True)
                    began = time.perf_counter()
                    microfs.get("bench.py", target=str(back_path), serial=link)
                    get = time.perf_counter() - began
                    microfs.rm("bench.py", serial=link)
                    ok = back_path.read_bytes() == data
                    self.record_copy("microfs", label, put, get, sent, ok)

    # 6. mpremote fs cp on this firmware
    def mpremote_cp(self) -> None:
        self.prepare_files()
        label = next(iter(self.files_data))
        command = [sys.executable, "-m", "mpremote", "connect", self.pty, "fs", "cp"]
        command += [str(self.paths[label]), ":bench_cp.py"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
        lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
        if done.returncode == 0:
            self.cp_result = "succeeded (exit 0)"
        else:
            error = next(
                (ln for ln in reversed(lines) if "Error" in ln), lines[-1] if lines else ""
            )
            self.cp_result = f"failed (exit {done.returncode}): `{error}`"

    def connect_ours(self) -> Board:
        """Board.connect, timed; a failed attempt (its probe garbled on the way) is counted
        and tried again."""
        for _attempt in range(PUT_ATTEMPTS):
            start = time.perf_counter()
            try:
                board = Board.connect(self.qemu.address)
            except BridgeError as error:
                self.connect_failures.append(f"{type(error).__name__}: {error}")
                continue
            self.setup.setdefault(OURS_SETUP, []).append(time.perf_counter() - start)
            return board
        raise Failure(f"Board.connect failed {PUT_ATTEMPTS} times in a row")

    def cleanup(self) -> None:
        with self.connect_ours() as board:
            for info in board.fs.ls():
                if info.name.startswith("bench"):
                    board.fs.rm(info.name)


# -- the report ------------------------------------------------------------------------------


def statement_count(tool: str, data: bytes) -> int:
    """About how many raw REPL statements (each one round trip) a put takes."""
    if tool == "microfs":
        return -(-len(data) // 64) + 3  # open, f = fd.write, one per 64 bytes, close
    encode = getattr(bridge_fs, "encode_chunks", None)
    pieces = len(encode(data)) if encode else 0
    return pieces + 3  # journal and open, the pieces, verify, drop the journal


def pacing_paragraph() -> str:
    doc = raw_repl.__doc__ or ""
    for paragraph in doc.split("\n\n"):
        if paragraph.startswith("Pacing"):
            return " ".join(paragraph.split())
    return "(not found in device_bridge/protocol/raw_repl.py)"


def report(bench: Bench, started: float) -> tuple[str, list[str]]:
    pacing = raw_repl.Pacing()
    missed: list[str] = []
    out: list[str] = []
    add = out.append
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    add("# Device bridge benchmark results\n")
    add(
        "Written by `python benchmarks/bench_bridge.py` (this section only, between its "
        "markers): the tne device bridge against the raw protocol floor, mpremote and microfs, "
        "all on one emulated micro:bit V1 in one run. Method and pacing are explained at the end.\n"
    )
    add("## Machine and versions\n")
    add("| item | value |\n|---|---|")
    rows = [
        ("date", now),
        ("CPU", f"{cpu_model()} ({os.cpu_count()} logical CPUs)"),
        ("load average at start (1, 5, 15 min)", bench.load_start),
        ("load average at the end", load_average()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("QEMU", command_output(["qemu-system-arm", "--version"])),
        ("board firmware", bench.firmware or "?"),
        ("mpremote", version("mpremote")),
        ("microfs", version("microfs")),
        ("pyserial", version("pyserial")),
        ("repository commit", commit()),
        ("run time", f"{time.perf_counter() - started:.0f} s"),
    ]
    for key, value in rows:
        add(f"| {key} | {value} |")

    add("\n## Connection set-up (each tool opens the pty itself)\n")
    add(
        "QEMU's pty notices a new client only about once a second, so opening the board costs "
        "from almost nothing to ~1 s, whatever the tool, depending on where QEMU's poll stands. "
        "It is timed here, apart from the round trips below.\n"
    )
    add("| tool | set-up (s), each connection |\n|---|---|")
    for name, values in bench.setup.items():
        add(f"| {name} | {', '.join(sec(v) for v in values)} |")

    add(
        f'\n## `exec("x=1")` round trip inside one connection (N={EXEC_N}, after {WARMUP} '
        "warm-up round trips per connection)\n"
    )
    add(
        f"The floor and tne run in {ROUNDS} alternating connections of {EXEC_N // ROUNDS} round "
        "trips each, so that drift of the machine hits both alike.\n"
    )
    floor = bench.exec_times.get(FLOOR)
    add(
        "| tool | median (ms) | p90 (ms) | median of each connection (ms) | bytes sent | "
        "× floor (median) | target | met? |"
    )
    add("|---|---|---|---|---|---|---|---|")
    for name, times in bench.exec_times.items():
        ratio = median(times) / median(floor) if floor else float("nan")
        target, ok = "", ""
        if name == OURS:
            target = f"≤ {EXEC_RATIO_MAX}×"
            ok = met(ratio <= EXEC_RATIO_MAX)
            if not ratio <= EXEC_RATIO_MAX:
                missed.append(f"exec is {ratio:.2f}× the floor (target ≤ {EXEC_RATIO_MAX}×)")
        wire = bench.exec_wire.get(name, "")
        add(
            f"| {name} | {ms(median(times))} | {ms(p90(times))} | "
            f"{', '.join(f'{r * 1000:.2f}' for r in bench.exec_rounds.get(name, []))} | "
            f"{wire} | {ratio:.2f} | "
            f"{target} | {ok} |"
        )

    if bench.exec_failures or bench.connect_failures:
        add(
            f'\n**tne failures in these series: {len(bench.exec_failures)} `exec("x=1")` '
            f"raised, {len(bench.connect_failures)} `Board.connect` attempts raised** (not "
            "timed; the series went on):\n"
        )
        for line in sorted(set(bench.exec_failures + bench.connect_failures)):
            add(f"- `{line}`")
    add(f"\n## One `exec` per process ({PROCESS_RUNS} runs each, wall time)\n")
    add(
        "Everything one command costs: interpreter start, imports, opening the pty (QEMU's ~1 s "
        "poll dominates), entering raw mode, the exec, closing. mpremote also soft-resets the "
        "board on its first command; tne does not. No target: shown for comparison.\n"
    )
    add("| command | median (s) | min (s) | max (s) |\n|---|---|---|---|")
    for name, times in bench.process_times.items():
        add(f"| {name} | {sec(median(times))} | {sec(min(times))} | {sec(max(times))} |")
    for name, times in bench.import_times.items():
        add(
            f"| ({name}: interpreter start + imports only, no board) | {sec(median(times))} | "
            f"{sec(min(times))} | {sec(max(times))} |"
        )
    add(f"\n`tne` console script: {bench.tne_cli}.\n")

    add(f"## Files: put and get (medians of {FILE_REPS}, each copy read back and compared)\n")
    if bench.capacity is not None:
        add(
            f"The largest file this firmware's filesystem accepted (written 128 bytes at a time "
            f"until `OSError: 28`, ENOSPC): **{bench.capacity} bytes**. "
            + (
                f"A 16 KB file does not fit, so the large file is the largest whole number of KB "
                f"that leaves {CAPACITY_MARGIN} bytes free. tne's put of a 16 KB file says: "
                f"`{bench.too_big or 'not tried'}`.\n"
                if bench.capacity < SIZES[-1] + CAPACITY_MARGIN
                else "\n"
            )
        )
    add("| file | bytes | op | microfs (s) | tne (s) | speed-up | target | met? | verified |")
    add("|---|---|---|---|---|---|---|---|---|")
    for label, data in bench.files_data.items():
        ours = bench.files.get(("tne", label))
        theirs = bench.files.get(("microfs", label))
        verified = ", ".join(
            f"{tool} {'ok' if entry['ok'] else '**WRONG**'}"
            for tool, entry in (("microfs", theirs), ("tne", ours))
            if entry
        )
        for op, minimum in (("put", PUT_SPEEDUP_MIN), ("get", GET_SPEEDUP_MIN)):
            ours_t = median(ours[op]) if ours else None
            theirs_t = median(theirs[op]) if theirs else None
            if ours_t is not None and theirs_t is not None:
                speedup = theirs_t / ours_t
                ok = speedup >= minimum
                if not ok:
                    missed.append(f"{op} {label}: {speedup:.1f}× microfs (target ≥ {minimum:g}×)")
                add(
                    f"| {label} | {len(data)} | {op} | {sec(theirs_t)} | {sec(ours_t)} | "
                    f"{speedup:.1f}× | ≥ {minimum:g}× | {met(ok)} | {verified} |"
                )
            elif ours_t is not None:
                add(
                    f"| {label} | {len(data)} | {op} | (not compared) | {sec(ours_t)} | | | | "
                    f"{verified} |"
                )
    attempts = bench.put_attempts
    add(
        f"\n**tne put attempts rejected by the bridge's own verification: {len(bench.rejected)} "
        f"of {attempts}** (a rejected attempt is retried, up to {PUT_ATTEMPTS} per repetition; "
        "the times above are those of the accepted attempts).\n"
    )
    if bench.rejected:
        add(
            "Each rejection means bytes were lost between the host and the firmware despite the "
            "pacing: the size or Adler-32 computed on the board did not match, a garbled "
            "statement raised on the board (SyntaxError...), or the final Ctrl-D was lost and "
            "the board stayed silent until the 10 s timeout. The bridge caught every one; none "
            "left a wrong file.\n"
        )
        add("| file | why | time lost (s) |\n|---|---|---|")
        for label, why, elapsed in bench.rejected:
            add(f"| {label} | `{why}` | {sec(elapsed)} |")
        add("")

    add(
        "Statements that tne's protocol sent again because the board did not acknowledge them "
        f"(`RawRepl.resends`): {bench.resends['files']} during the file copies, "
        f"{bench.resends['exec']} during the exec series. `fs.put` may also redo a whole garbled "
        "put by itself; such retries are inside its time and its wire bytes.\n"
    )
    add("## Bytes on the wire per byte of file (put)\n")
    add(
        "All bytes written to the serial line during the whole put, divided by the file size. For "
        "tne this includes the journal, the open, the chunks, the on-board size + Adler-32 "
        "check, and anything sent again. Implied throughput on a real 115200-baud line = "
        f"{LINE_BYTES_PER_S} bytes/s ÷ bytes per byte (the line is the bottleneck there, not "
        "the pacing).\n"
    )
    add(
        "| tool | file | bytes | wire bytes | per file byte | statements (≈) | "
        "real-line throughput, upper bound (B/s) | real-line put time, lower bound (s) | "
        "target | met? |"
    )
    add("|---|---|---|---|---|---|---|---|---|---|")
    for (tool, label), entry in sorted(bench.files.items(), key=lambda item: item[0][0] != "tne"):
        data = bench.files_data[label]
        size = len(data)
        sent = median(entry["bytes"])
        per = sent / size
        statements = statement_count(tool, data)
        line_time = (sent + REPLY_BYTES * statements) / LINE_BYTES_PER_S
        target, ok = "", ""
        if tool == "tne" and label.startswith("source"):
            target = f"≤ {WIRE_PER_BYTE_MAX} (≥ {LINE_BYTES_PER_S / WIRE_PER_BYTE_MAX:.0f} B/s)"
            ok = met(per <= WIRE_PER_BYTE_MAX)
            if per > WIRE_PER_BYTE_MAX:
                missed.append(f"{label}: {per:.2f} wire bytes per byte (target ≤ 1.5)")
        elif tool == "tne":
            target = "reported only"
        add(
            f"| {tool} | {label} | {size} | {sent:.0f} | {per:.3f} | {statements} | "
            f"{LINE_BYTES_PER_S / per:.0f} | {line_time:.2f} | {target} | {ok} |"
        )
    add(
        "\nThe throughput column is the target's measure (line rate ÷ wire bytes per byte). It is "
        "an upper bound: each statement also waits for the board's reply (at least "
        f"`OK\\x04\\x04>`, {REPLY_BYTES} bytes) and for the USB-serial turnaround of a real "
        "board (about a millisecond or more, not modelled). The put-time column adds the "
        "replies' bytes but no turnaround; with S statements, add about S × the turnaround.\n"
    )

    add("\n## mpremote `fs cp` on this firmware\n")
    add(f"`python -m mpremote connect PTY fs cp bench0.py :bench_cp.py`: {bench.cp_result}\n")

    add("## Targets missed, failures\n")
    trouble = bench.rejected or bench.exec_failures or bench.connect_failures
    if not (missed or bench.errors or bench.wrong_copies or trouble):
        add("None: every target met, every copy verified.\n")
    for line in missed:
        add(f"- target missed: {line}")
    if bench.rejected:
        add(
            f"- tne put attempts rejected by its own verification (bytes lost on the way to the "
            f"board): {len(bench.rejected)} of {attempts}; see above"
        )
    if bench.exec_failures or bench.connect_failures:
        add(
            f"- tne exec round trips that raised: {len(bench.exec_failures)}; Board.connect "
            f"attempts that raised: {len(bench.connect_failures)}; see above"
        )
    for line in bench.wrong_copies:
        add(f"- copy came back WRONG: {line}")
    for line in bench.errors:
        add(f"- error: {line}")
    add(
        "\nThe script exits non-zero when a measurement could not run or a copy came back wrong; "
        "a missed target or a put that tne rejected and then redid is reported, not a failure.\n"
    )

    add("## Method\n")
    add(
        "- One `QemuMicrobit` (micro:bit V1 MicroPython firmware in qemu-system-arm, UART on a "
        "pty) serves every tool in turn; each tool opens the pty itself and closes it before the "
        "next opens it.\n"
        f"- Floor: a bare pyserial loop; raw mode entered with `\\r\\x03\\x03\\x01`, then write "
        f"`x=1\\x04` and read whatever is waiting until `\\x04>` (the board answers `OK`, "
        f"stdout, `\\x04`, stderr, `\\x04`, `>`), {EXEC_N} times.\n"
        '- tne: `Board.connect(address)`, `board.exec("x=1")`; files with '
        "`board.fs.put/get/rm`; wire bytes from `board.repl.bytes_sent`.\n"
        f"- mpremote {version('mpremote')}: `SerialTransport(pty, baudrate=115200)`, "
        '`enter_raw_repl(soft_reset=False)`, `exec("x=1")`; per process, its CLI.\n'
        f"- microfs {version('microfs')}: `microfs.put/get/rm(..., serial=s)` on a pyserial "
        "`Serial(pty, 115200, timeout=1)` as `microfs.get_serial()` opens it; every microfs call "
        "enters raw mode and soft-resets the board, as microfs does. Its wire bytes are counted "
        "by a `Serial` subclass.\n"
        "- Test files: the project's own Python source concatenated and cut to size on a "
        "character boundary; the binary file is the bytes 0-255 repeated. One file on the board "
        "at a time: put, get back, compare with the original, remove.\n"
        "- Median and p90 (inclusive quantiles). Times are wall clock on the host.\n"
    )
    add("## Pacing (why writes are slowed down)\n")
    buffer = getattr(pacing, "buffer", None)
    literal = getattr(bridge_fs, "LITERAL_SIZE", None)
    add(
        "QEMU models neither the 115200-baud line nor the firmware's small receive buffer: bytes "
        "arrive as fast as the host writes them, and when the host is busy QEMU can be starved "
        "of CPU so that bytes pile up and reach the firmware in one burst. The micro:bit V1's "
        "MicroPython 1.9.2 has no raw-paste (the board's own flow control), so the bridge paces "
        "its writes itself, with the values that a real board needs (read from the code at run "
        f"time: `{pacing!r}` in device_bridge/protocol/raw_repl.py"
        + (f", `LITERAL_SIZE = {literal}` in device_bridge/fs.py" if literal else "")
        + "):\n"
    )
    if buffer:
        add(
            f"- a statement of at most {buffer} bytes, Ctrl-D included, goes out in one write: it "
            "fits in the firmware's receive buffer while the board waits at the prompt, so it "
            "cannot overflow it, whatever the board's speed. File copies are made of such "
            + (
                f"statements (`_T(literal)` with literals of at most {literal} bytes);"
                if literal
                else "statements;"
            )
        )
    add(
        f"- longer code goes out in {pacing.chunk}-byte chunks at most one per "
        f"{pacing.interval * 1000:g} ms, i.e. at most {pacing.chunk / pacing.interval / 1000:.0f} "
        f"KB/s (a real 115200-baud line carries {LINE_BYTES_PER_S / 1000:.2f} KB/s; where the "
        "line is slower than the pacing, the line sets the pace).\n"
    )
    add(
        "For comparison: microfs writes 32-byte chunks 10 ms apart (64 file bytes per statement, "
        "as a `bytes` repr, plus 0.1 s sleeps and a soft reset per call); mpremote writes "
        "256-byte chunks 10 ms apart when raw-paste is missing, more than the V1's receive "
        "buffer holds.\n"
    )
    add(f"From the module docstring:\n\n> {pacing_paragraph()}\n")
    return "\n".join(out) + "\n", missed


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tne-bench-") as folder, QemuMicrobit() as qemu:
        print(f"QEMU micro:bit on {qemu.pty}", flush=True)
        bench = Bench(qemu, Path(folder))
        for index in range(ROUNDS):
            last = index == ROUNDS - 1
            bench.section(f"raw protocol floor, round {index + 1}", bench.floor)
            bench.section(
                f"tne device_bridge, round {index + 1}" + (" (and files)" if last else ""),
                lambda last=last: bench.ours(files=last),
            )
        bench.section("mpremote API (exec)", bench.mpremote_api)
        bench.section("per process (mpremote, tne)", bench.per_process)
        bench.section("microfs (files)", bench.microfs_files)
        bench.section("mpremote fs cp", bench.mpremote_cp)
        bench.section("clean-up", bench.cleanup)
        text, missed = report(bench, started)
    write_section(SECTION, f"{START}\n{text.rstrip()}\n{END}\n")
    print()
    print(summary(bench, missed))
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")
    return 1 if bench.errors or bench.wrong_copies else 0


def summary(bench: Bench, missed: list[str]) -> str:
    lines = []
    for name, values in bench.setup.items():
        lines.append(f"set-up   {name}: {', '.join(sec(v) for v in values)} s")
    floor = bench.exec_times.get(FLOOR)
    for name, times in bench.exec_times.items():
        ratio = f", {median(times) / median(floor):.2f}x floor" if floor else ""
        lines.append(
            f"exec     {name}: median {ms(median(times))} ms, p90 {ms(p90(times))} ms{ratio}"
        )
    for name, times in bench.process_times.items():
        lines.append(f"process  {name}: median {sec(median(times))} s")
    for (tool, label), entry in bench.files.items():
        size = len(bench.files_data[label])
        lines.append(
            f"files    {tool:8} {label:14} put {sec(median(entry['put']))} s, get "
            f"{sec(median(entry['get']))} s, {median(entry['bytes']) / size:.3f} wire B/B, "
            f"{'verified' if entry['ok'] else 'WRONG'}"
        )
    lines.append(f"capacity of the board's filesystem: {bench.capacity} bytes")
    lines.append(f"tne puts rejected by its own verification: {len(bench.rejected)}")
    lines.append(f"tne statements resent: {bench.resends}")
    lines.append(
        f"tne exec failures: {len(bench.exec_failures)}, "
        f"Board.connect failures: {len(bench.connect_failures)}"
    )
    lines.append(f"mpremote fs cp: {bench.cp_result}")
    lines += [f"TARGET MISSED: {line}" for line in missed] or ["all targets met"]
    lines += [f"ERROR: {line}" for line in bench.errors]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
