"""One boot of the simulated board's interpreter: a MicroPython guest in its own wasmtime store,
running on a thread of its own, fed code by the host's REPL.

The guest runs `guest/boot.py`: it loads the simulator's modules, then loops, asking the host
for the next piece of code (`next`), running it, and reporting how it ended (`done`). The REPL
calls `execute`, which hands one piece over and waits for its report. Between the two, every
call the program makes beyond its interpreter goes through the door, on the guest's thread.

Limits, none of which needs the program's cooperation:
- CPU: fuel. Each run gets `cpu_fuel` units; when they are spent, the guest traps.
- Wall time: epochs (`watch.py`).
- Memory: the guest's heap is fixed at boot (`-X heapsize`), and the store caps the linear
  memory, so an allocation beyond it is MicroPython's own `MemoryError`.
- Output: `output_cap` bytes per run, counted in the host as the guest writes them.
A limit that traps ends this guest: the REPL starts a new one (a soft reboot) and says why.

Simulated time is the time the program slept plus the work it did: fuel spent, at
`MS_PER_FUEL` (a calibration: about 50,000 simple statements per simulated second, as before).
The same code, seed and inputs spend the same fuel, so a run repeats exactly.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import queue
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import wasmtime

from ..clock import LINE_COST_MS
from . import artifact, compiled, interrupt
from .door import ANSWER_SIZE, NATIVE_FUNCTION, NATIVE_METHOD, Door, Handler, Refused, piece
from .fuel import Fuel
from .memory import GuestMemory, HostFunctions, Trapped
from .queued import Queue
from .wasi import Wasi
from .watch import Watch

GUEST = Path(__file__).with_name("guest")
#: Simulated milliseconds per unit of fuel. One turn of `for i in range(n): x = x + 1` (two
#: statements) costs about 1,300 units on the PyPI artifact the engine first ran on, and
#: statements cost 0.02 ms each in the simulator's convention (clock.LINE_COST_MS: 50,000 simple
#: statements a simulated second). Our build spills pointers for its collector
#: (artifact.OWN_BUILD): the same work costs it about 15% more fuel (a run's compilation 13%, a
#: loop in a function 29%), hence 750.
FUEL_PER_STATEMENT = 750
MS_PER_FUEL = LINE_COST_MS / FUEL_PER_STATEMENT
#: What one call through the text door costs the guest itself, whatever the program does: its
#: wrapper (guest/_door.py, microbit.py), the arguments' encoding, the crossing and the answer's
#: decoding. Measured between two calls in a loop, and kept a little below what was measured
#: (tests/sim/test_engine.py checks the shapes; first on the PyPI artifact, then on our build
#: where it differs): a call without arguments about 7,000 units, binary arguments 6,000 more
#: and each int 3,700 (calls with ints only now take the typed door, below), bytes 5,000
#: (`i2c.write(16, b'abc')` 22,000), a str 50,000 (the display's own wrapper:
#: `display.scroll('A')` 61,000, `display.show('A')` 58,000), an image 100,000
#: (`display.show(Image.HEART)` 188,000); JSON arguments (keywords, lists, floats) 95,000
#: (`display.scroll('AB', 20, wait=False)` 114,000), each image in them 80,000 more, and each
#: byte of payload 20. (The figures vary with the program's globals: a name is looked up there
#: first.)
DOOR_FUEL_BASE = 7_000
DOOR_FUEL_BINARY = 6_000
DOOR_FUEL_ITEM = {ord("i"): 3_700, ord("b"): 5_000, ord("s"): 50_000, ord("I"): 100_000}
DOOR_FUEL_JSON = 95_000
DOOR_FUEL_JSON_IMAGE = 80_000
DOOR_FUEL_BYTE = 20
#: The same for a call through the typed door (ints only: guest/_door.py's `function` and
#: `method`), whatever its arguments: the crossing in native/door/doormodule.c, about 1,000
#: units for a function (`sleep(1)`), 2,000 to 3,600 for a method (its binding, then the call).
NATIVE_FUNCTION_FUEL = 900
NATIVE_METHOD_FUEL = 2_000
#: What an `i2c.write` that the guest queues instead of crossing costs it (guest/_door.py:
#: `queue_i2c`, microbit.py's wrapper: about 21,000 units measured), left out like a call's.
QUEUED_FUEL = 18_000
#: What a call costs the program in simulated time at least (five statements, 0.1 ms: a call
#: and a statement or two on the V1), so that a loop that only polls moves time on at least
#: as fast as a board would.
MIN_CALL_FUEL = 5 * FUEL_PER_STATEMENT


_ONE_INT_FUEL = DOOR_FUEL_BASE + DOOR_FUEL_BINARY + DOOR_FUEL_ITEM[105] + DOOR_FUEL_BYTE * 6


def door_fuel(payload: bytes) -> int:
    """The fuel the guest spent on the door for a call with `payload`: an estimate by the
    shape of its arguments (guest/_door.py: args), left out of simulated time."""
    if not payload:
        return DOOR_FUEL_BASE
    if payload is NATIVE_FUNCTION:
        return NATIVE_FUNCTION_FUEL
    if payload is NATIVE_METHOD:
        return NATIVE_METHOD_FUEL
    if len(payload) == 6 and payload[1] == 105:  # one int, the commonest
        return _ONE_INT_FUEL
    if payload[0] == 1:  # binary: items of a kind letter, then 4 bytes or a length and bytes
        fuel = DOOR_FUEL_BASE + DOOR_FUEL_BINARY + DOOR_FUEL_BYTE * len(payload)
        at = 1
        while at < len(payload):
            kind = payload[at]
            fuel += DOOR_FUEL_ITEM.get(kind, 0)
            if kind == 105:  # i
                at += 5
            elif kind == 73:  # I: width, height, a byte a pixel
                size = int.from_bytes(payload[at + 1 : at + 3], "little")
                at += 5 + size * int.from_bytes(payload[at + 3 : at + 5], "little")
            else:
                at += 3 + int.from_bytes(payload[at + 1 : at + 3], "little")
        return fuel
    images = payload.count(b"\\u0000I")
    return (
        DOOR_FUEL_BASE
        + DOOR_FUEL_JSON
        + DOOR_FUEL_JSON_IMAGE * images
        + DOOR_FUEL_BYTE * len(payload)
    )


#: Fuel the guest may spend on loading the simulator's modules at boot.
BOOT_FUEL = 2_000_000_000
#: Seconds a program may ignore a Ctrl-C before its guest is ended.
GRACE_S = 3.0
#: How the program's bytes may not end the raw REPL's framing: `\x04` is shown as `␄`.
EOT_SHOWN_TEXT = "\u2404"
EOT, EOT_SHOWN = b"\x04", EOT_SHOWN_TEXT.encode()
#: What the host's modules shared with the guest (image.py) say to CPython only.
HOST_ONLY_LINES = ("from __future__ import annotations",)


@functools.lru_cache(maxsize=64)
def _source(path: Path, _version: tuple[int, int]) -> str:
    text = path.read_text(encoding="utf-8")
    return "\n".join("" if line in HOST_ONLY_LINES else line for line in text.split("\n"))


def guest_source(path: Path) -> str:
    """The source of a module of the guest's library, read once per version of the file (a
    boot reads each in pieces)."""
    status = path.stat()
    return _source(path, (status.st_mtime_ns, status.st_size))


class EngineError(RuntimeError):
    """The guest MicroPython could not boot."""


@dataclass
class Limits:
    heap_bytes: int = 256 * 1024
    cpu_fuel: int = 3_000_000_000_000  # about 300 s of CPU on this machine
    wall_s: float = 1800.0
    output_bytes: int = 1024 * 1024
    #: The most one allocation of a program may ask for, in bytes (0: no cap). More gets
    #: MicroPython's own `MemoryError` (native/alloccap/alloccap.c): sim@v1's heap is large,
    #: the V1's largest free block is not (board.LARGEST_ALLOCATION).
    largest_allocation: int = 0


@dataclass
class Outcome:
    """How a run ended: `ok`, `er` (a traceback in `text`), `rs` (the program reset the
    board), or `dead` (the guest was ended: `text` says why: cpu, wall, output, interrupt...)."""

    status: str
    text: str = ""


@dataclass
class VMHooks:
    """What the VM needs from the board around it."""

    sink: Callable[[bytes], None]  # the serial line, for what the program prints
    now_ns: Callable[[], int]  # the simulated clock, for the guest's own `time`
    set_work_ms: Callable[[float], None]  # simulated ms of work done since power-on
    library: dict[str, Path] = field(default_factory=dict)  # /lib name -> source file
    #: Writes the guest may queue (queued.py): `i2c.write(address, data)` on the host for each
    #: queued `(address, data)`, in order, and the addresses of the devices that accept every
    #: write.
    i2c_writes: Callable[[Sequence[tuple[int, bytes]]], object] | None = None
    queueable: Callable[[], bytes] = bytes
    #: The duration cap's hook (duration.py): simulated ms of work the program may still do, or
    #: None. Simulated time comes from fuel, so a run gets only the fuel for that much, and
    #: spending it all is reaching the cap ("duration"), not the CPU limit.
    work_left_ms: Callable[[], float] | None = None


def _no_cap() -> float:
    return float("inf")


class GuestVM:
    def __init__(self, ops: dict[str, Handler], hooks: VMHooks, limits: Limits) -> None:
        self.hooks = hooks
        self.limits = limits
        self._jobs: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._ops = {
            **ops,
            "next": self._next,
            "done": self._done,
            "job.read": self._job_read,
            "go": self._go,
            "token": self._give_token,
            "heap": lambda _payload: str(self.limits.heap_bytes),
            "lib.stat": self._lib_stat,
            "lib.read": self._lib_read,
        }
        self._store: wasmtime.Store | None = None
        self._memory: GuestMemory | None = None
        self._watch: Watch | None = None
        self._finder: interrupt.Finder | None = None
        self._door: Door | None = None
        self._functions: HostFunctions | None = None
        #: The guest's export that sets the cap on one allocation (native/alloccap/alloccap.c).
        self._alloc_cap: wasmtime.Func | None = None
        self._running = False
        self._interrupt = False
        self._stop_timer: threading.Timer | None = None
        self._exception = 0  # the guest's KeyboardInterrupt for the current run
        self._work_fuel = 0  # fuel spent by earlier runs
        self._withheld = 0  # fuel of this run taken back for the duration cap (not work)
        #: The fuel the guest had as it went on after its last door call (this run's; what it
        #: has at the next call less this is the work it did in between).
        self._resumed = 0
        self._charged = 0  # the work charged to simulated time so far
        #: The board's hooks that every call uses, bound once.
        self._set_work_ms = hooks.set_work_ms
        self._work_left_ms: Callable[[], float] = _no_cap
        self._run_output = 0
        self._job = ""
        self._token = secrets.token_hex(16)
        self._token_given = False
        self._queue_asked = False
        self.dead: str | None = None
        self.failure: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="tne-sim-guest", daemon=True)

    # -- the host's side -----------------------------------------------------------------------

    def start(self) -> GuestVM:
        """Boot the guest; `EngineError` if it could not reach its REPL loop (a broken install,
        not a pupil's doing: nothing of theirs runs at boot)."""
        self._thread.start()
        self._ready.wait()
        if self.dead is not None:
            raise EngineError(f"the simulator's engine did not start ({self.dead})") from (
                self.failure
            )
        return self

    @property
    def interruptible(self) -> bool:
        """Whether a Ctrl-C reaches code that makes no host call (`interrupt.py`)."""
        return self._finder is not None and self._finder.slots is not None

    def execute(self, source: str, mode: str = "exec") -> Outcome:
        if self.dead is not None:
            return Outcome("dead", self.dead)
        self._jobs.put(("s" if mode == "single" else "e") + source)
        return self._outcomes.get()

    def interrupt(self) -> None:
        """Ctrl-C, from any thread: the program gets a `KeyboardInterrupt` where it is; if it
        does not stop within `GRACE_S`, the guest is ended."""
        door = self._door
        if door is None or not self._running:
            return
        with door.lock:
            self._interrupt = True
            if not door.inside:
                self._deliver()
        if self._stop_timer is None:
            self._stop_timer = threading.Timer(GRACE_S, self.kill, ("interrupt",))
            self._stop_timer.daemon = True
            self._stop_timer.start()

    def checkpoint(self) -> None:
        """Where a long host call (a sleep, an animation) lets a Ctrl-C in."""
        if self._interrupt:
            self._interrupt = False
            raise KeyboardInterrupt

    def check_wall(self) -> None:
        """Where the host waits on the guest's behalf (a paused view holding a sleep): past the
        run's wall time, the guest ends, as its epochs would end it if it ran."""
        watch = self._watch
        if (
            watch is not None
            and watch.deadline is not None
            and time.monotonic() > watch.deadline
            and threading.current_thread() is self._thread
        ):
            watch.reason = "wall"
            raise Trapped("wall")

    def kill(self, reason: str) -> None:
        """End the guest at its next epoch, wherever it is."""
        if self._watch is not None:
            self._watch.stop_reason = reason

    def close(self) -> None:
        if self.dead is None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=2)
        self.kill("closed")

    # -- the guest's thread --------------------------------------------------------------------

    def _main(self) -> None:
        reason = "exit"
        try:
            self._run_guest()
        except Exception as error:  # noqa: BLE001 - a trap, reported below
            reason = self._reason(error)
            self._apply_queued()
        finally:
            self.dead = reason
            self._running = False
            self._ready.set()
            self._outcomes.put(Outcome("dead", reason))

    def _apply_queued(self) -> None:
        """The writes the guest queued before it was ended (a limit reached) were done by the
        program: they take effect, as far as the host can still apply them."""
        queue = self._door.queue if self._door is not None else None
        if queue is not None and queue.waiting():
            with contextlib.suppress(Exception, SystemExit):  # the guest is gone: none to tell
                queue.flush()

    def _reason(self, error: Exception) -> str:
        if self._watch is not None and self._watch.reason:
            return self._watch.reason
        functions = self._functions
        if functions is None:  # the guest could not even start: the engine is broken
            self.failure = error
            return "host"
        if functions.failure is not None:
            self.failure = functions.failure
            return "host"
        if functions.trap_reason:
            return functions.trap_reason.split()[0]
        text = str(error)
        if "fuel" in text:
            return "duration" if self._withheld else "cpu"
        if "stack" in text:
            return "stack"
        if "out of bounds" in text or "unreachable" in text:
            return "crash"
        return "crash"

    def _run_guest(self) -> None:
        module = artifact.module()
        store = wasmtime.Store(artifact.engine())
        self._store = store
        # Fuel is read at every door call and cut at every call of a capped run (fuel.py).
        # (kept with the store: `read` writes into `fuel.left` by its address)
        fuel = self._fuel = Fuel(store)
        self._fuel_left = fuel.left
        self._read_fuel = fuel.read
        self._write_fuel = fuel.write
        store.set_limits(
            memory_size=self.limits.heap_bytes + 8 * 1024 * 1024,
            instances=2,  # the interpreter, and the door's answer size (door.CAP_MODULE)
            memories=1,
            tables=4,
            table_elements=20_000,
        )
        store.set_fuel(BOOT_FUEL)
        self._watch = Watch(store)
        self._functions = HostFunctions(store)
        linker = wasmtime.Linker(store.engine)
        boot = (GUEST / "boot.py").read_bytes()
        argv = [b"micropython", b"-X", f"heapsize={self.limits.heap_bytes}".encode(), b"-c", boot]
        wasi = Wasi(argv, self._write, self.hooks.now_ns)
        wasi.define(linker, self._functions, module)
        door = Door(self._ops, self._entered, door_fuel)
        door.returned = self._returned
        if self.hooks.work_left_ms is not None:
            self._work_left_ms = self.hooks.work_left_ms
            door.returned = self._returned_capped  # the duration cap looks at each call's return
        door.define(linker, self._functions, module)
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        memory = exports["memory"]
        assert isinstance(memory, wasmtime.Memory)
        self._memory = GuestMemory(store, memory)
        wasi.memory = door.memory = self._memory
        self._finder = interrupt.Finder(self._memory)
        self._ops.update(
            {
                "probe.globals": self._finder.globals_at,
                "probe.snap": self._finder.snapshot,
                "probe.stop": self._finder.stop,
                "probe.result": self._finder.result,
                "queue.at": self._queue_at,
            }
        )
        door.ops.update({name.encode(): handler for name, handler in self._ops.items()})
        self._door = door
        cap = exports["tne_set_alloc_cap"]
        assert isinstance(cap, wasmtime.Func)
        self._alloc_cap = cap
        start = exports["_start"]
        assert isinstance(start, wasmtime.Func)
        start(store)

    def _entered(self, door: int, queued: int) -> None:
        """A call begins: the work since the last one, less what the door cost the guest (the
        simulator's cost, not the program's: `door`, from `door_fuel`, and `QUEUED_FUEL` for
        each of the `queued` writes applied with it), is charged to simulated time, and at
        least `MIN_CALL_FUEL` a call (else `while running_time() < t: display.set_pixel(...)`
        could wait for ever)."""
        if not self._running:
            return
        if self._read_fuel():
            self._fuel_left.value = self._store.get_fuel()  # type: ignore[union-attr]  # raises
        left = self._fuel_left.value
        gap = self._resumed - left
        self._resumed = left  # (a host call spends none: unless the cap cuts it, below)
        if queued:
            door += queued * QUEUED_FUEL
            self._charged += max(MIN_CALL_FUEL * (1 + queued), gap - door)
        else:
            self._charged += max(MIN_CALL_FUEL, gap - door)
        self._set_work_ms(self._charged * MS_PER_FUEL)

    def _returned(self) -> None:
        """As a host call returns: a Ctrl-C that came during the call and that the call did not
        turn into an exception is delivered now (under the door's lock)."""
        if self._interrupt:
            with self._door.lock:  # type: ignore[union-attr]
                if self._interrupt and self._running:
                    self._deliver()

    def _returned_capped(self) -> None:
        """`_returned`, then, with a duration cap: the run keeps no more fuel than the simulated
        work left before the cap (`work_left_ms`; a sleep shortens it). What is taken back is
        not work done. (The door's own fuel is not simulated time, so the cap may come up to
        one door call's fuel early: the engine then sets the clock at the cap.) One method,
        bound once: it runs at every call of a capped run."""
        if self._interrupt:
            self._returned()
        if not self._running:
            return
        allowed = int(self._work_left_ms() / MS_PER_FUEL)
        if allowed < 0:
            allowed = 0
        # The fuel left, as read when this call began (`_entered`; `_go` sets it): a host call
        # spends none.
        left = self._resumed
        if allowed < left:
            if self._write_fuel(allowed):
                self._store.set_fuel(allowed)  # type: ignore[union-attr]  # raises the error
            self._resumed = allowed
            self._withheld += left - allowed

    def _deliver(self) -> None:
        if self._finder is None or self._finder.slots is None or not self._exception:
            return  # only host calls see it; the grace timer ends the guest otherwise
        assert self._memory is not None
        interrupt.deliver(self._memory, self._finder.slots, self._exception)
        self._interrupt = False

    def _write(self, _fd: int, data: bytes) -> None:
        self.count_output(len(data))
        self.hooks.sink(data.replace(EOT, EOT_SHOWN))

    def count_output(self, size: int) -> None:
        """Bytes the program sends on the serial line (its prints, and `uart.write` from a host
        call): past the run's cap, the guest ends."""
        self._run_output += size
        if self._run_output > self.limits.output_bytes:
            raise Trapped("output")

    # -- the REPL loop's ops -------------------------------------------------------------------

    def _give_token(self, _payload: str) -> str:
        """The REPL loop's secret, once: `next`, `job.read` and `done` need it, so a program
        that calls the door by hand cannot take the next run's code or report its end."""
        if self._token_given:
            return ""
        self._token_given = True
        return self._token

    def _loop_only(self, payload: str) -> str:
        if not payload.startswith(self._token):
            raise Refused("not available")
        return payload[len(self._token) :]

    def _next(self, payload: str) -> str:
        payload = self._loop_only(payload)
        if self._running:
            raise Refused("not available")
        if not self._ready.is_set():
            self._ready.set()  # boot.py asks for its first job once the modules are loaded
        job = self._jobs.get()
        if job is None:
            return ""
        self._exception = int(payload) if payload.isdigit() else 0  # (zero-padded)
        self._job = job
        return str(len(job))

    def _go(self, payload: str) -> None:
        """The run starts: its fuel, its wall time. The loop has read the job already, so the
        work counted from here does not depend on the secret or on addresses (the same code
        spends the same fuel: a trace repeats byte for byte)."""
        self._loop_only(payload)
        if self._running or not self._job:
            raise Refused("not available")
        store = self._store
        assert store is not None and self._watch is not None
        self._cap_allocations(self.limits.largest_allocation)  # (before the run's fuel is set)
        self._run_output = 0
        self._interrupt = False
        self._withheld = 0
        store.set_fuel(self.limits.cpu_fuel)
        self._resumed = self.limits.cpu_fuel
        self._watch.deadline = time.monotonic() + self.limits.wall_s
        self._running = True
        return None

    def _cap_allocations(self, size: int) -> None:
        """The cap on one allocation (0: none): only during a program's run, so that the
        simulator's own modules load, and the REPL loop reads the next program, uncapped.
        Set by the host alone: the guest has no way to call this export itself."""
        if self.limits.largest_allocation:
            assert self._alloc_cap is not None and self._store is not None
            self._alloc_cap(self._store, size)

    def _job_read(self, payload: str) -> str:
        payload = self._loop_only(payload)
        start = int(payload) if payload.isdigit() else 0
        return piece(self._job, start)

    def _done(self, payload: str) -> None:
        payload = self._loop_only(payload)
        if not self._running:
            raise Refused("not available")
        store = self._store
        assert store is not None and self._watch is not None and self._door is not None
        with self._door.lock:
            self._running = False
            self._work_fuel += self.limits.cpu_fuel - self._withheld - store.get_fuel()
            self._cap_allocations(0)  # (after the run's fuel is counted)
            if self._finder is not None and self._finder.slots is not None:
                assert self._memory is not None
                interrupt.clear(self._memory, self._finder.slots)
            self._interrupt = False
        if self._stop_timer is not None:
            self._stop_timer.cancel()
            self._stop_timer = None
        self._watch.deadline = None
        self._job = ""
        self._outcomes.put(Outcome(payload[:2], payload[2:]))
        return None

    def _queue_at(self, payload: str) -> bytes:
        """The guest's queue of I2C writes (queued.py), once, at boot: the addresses whose
        writes it may queue (none if the queue is refused)."""
        door, memory, write = self._door, self._memory, self.hooks.i2c_writes
        if door is None or memory is None or write is None or self._queue_asked:
            return b""
        self._queue_asked = True
        queue = Queue(memory, write)
        if not queue.register(payload):
            return b""
        door.queue = queue
        return self.hooks.queueable()[: ANSWER_SIZE - 2]

    def _lib_stat(self, path: str) -> str:
        """A module's size, or -1: a module compiled ahead of time (compiled.py) has no `.py`
        for the guest, which then imports its `.mpy`."""
        text = self._library_text(path)
        return str(len(text)) if text is not None else "-1"

    def _lib_read(self, payload: str) -> str:
        path, _, offset = payload.partition("\x00")
        text = self._library_text(path)
        if text is None or not offset.isdigit():
            return ""
        return piece(text, int(offset))

    def _library_text(self, path: str) -> str | None:
        """What the guest reads at `path` of its library: a module's source, or its
        bytecode in base64 (`NAME.mpy`, when compiled from that same source)."""
        name = path.lstrip("/").removeprefix("lib/")
        stem, dot, suffix = name.rpartition(".")
        source = self.hooks.library.get(f"{stem}.py") if dot else None
        if source is None:
            return None
        text = guest_source(source)
        data = compiled.bytecode(stem, text)
        if suffix == "mpy":
            return base64.b64encode(data).decode() if data is not None else None
        return text if suffix == "py" and data is None else None
