"""The modules and builtins that pupil code sees: MicroPython's, built on the simulated board.

`import` reaches an allow-list of simulated modules (and `.py` files on the board's own file
system, as on a real micro:bit); `open` reaches the virtual file system. The host's `os`, `open`,
`subprocess` and `socket` are not in the namespace. `exec` and `eval` keep these builtins, so a
fresh globals dict does not bring the host's back.
"""

from __future__ import annotations

import builtins
import math
import types
from collections.abc import Callable
from dataclasses import dataclass, field

from . import guard
from .audio import make_audio
from .clock import SimClock
from .environment import environment
from .firmware import FIRMWARES, version_text
from .hardware import Hardware
from .machine import make_machine
from .microbit import make_microbit
from .music import make_music
from .neopixel import make_neopixel
from .radio import make_radio
from .randomness import make_random
from .runner import TICK
from .vfs import VirtualFS

#: Builtins pupil code does not get: host access, or nothing MicroPython has.
REMOVED_BUILTINS = (
    "open",
    "input",
    "breakpoint",
    "help",
    "exit",
    "quit",
    "copyright",
    "credits",
    "license",
    "memoryview",
    "__loader__",
    "__spec__",
)
#: Module aliases: MicroPython's `u` names reach the same module.
ALIASES = {"uos": "os", "utime": "time", "urandom": "random"}


@dataclass
class BoardState:
    """What survives a soft reboot: files, time, the imitated firmware."""

    firmware: str = "v2"
    seed: int = 0
    clock: SimClock = field(default_factory=SimClock)
    vfs: VirtualFS = field(default_factory=VirtualFS)
    stdout: object = None  # the text stream pupil code prints to
    hardware: Hardware | None = None  # the world beyond the pins (made from `clock` if None)

    def __post_init__(self) -> None:
        if self.hardware is None:
            self.hardware = Hardware(self.clock)


class Sandbox:
    """One boot of the simulated board: its modules, builtins and globals."""

    def __init__(
        self,
        state: BoardState,
        load_source: Callable[[str, str, dict], None],
    ) -> None:
        self.state = state
        self._load_source = load_source
        self.modules: dict[str, types.ModuleType] = {}
        self._factories: dict[str, Callable[[], object]] = {
            "microbit": lambda: make_microbit(
                state.clock,
                state.hardware,
                state.firmware,
                self.checkpoint,
                self.import_("audio") if state.firmware == "v2" else None,
                state.stdout,
            ),
            "music": lambda: make_music(
                state.firmware, state.clock, self.hardware, self.environment, self.checkpoint
            ),
            "radio": lambda: make_radio(state.clock, self.hardware, self.environment),
            "machine": lambda: make_machine(
                state.firmware, state.clock, self.hardware, self.import_("microbit").reset
            ),
            "neopixel": lambda: make_neopixel(state.firmware, self.hardware),
            "audio": lambda: make_audio(
                state.clock, self.hardware, self.environment, self.checkpoint
            ),
            "sys": self._sys,
            "os": self._os,
            "time": self._time,
            "random": self._random,
            "gc": self._gc,
            "micropython": self._micropython,
            "math": lambda: math,
        }
        self.builtins = self._builtins()
        self.environment.reboot()
        self.globals: dict[str, object] = {"__name__": "__main__", "__builtins__": self.builtins}
        # The firmware's REPL starts with `from microbit import *` done (measured on the V1
        # firmware in QEMU: `display` needs no import at the prompt or in the raw REPL).
        microbit = self.import_("microbit")
        names = getattr(microbit, "__all__", [n for n in dir(microbit) if not n.startswith("_")])
        self.globals.update({name: getattr(microbit, name) for name in names})

    @property
    def hardware(self) -> Hardware:
        assert self.state.hardware is not None
        return self.state.hardware

    @property
    def environment(self):  # -> environment.Environment
        return environment(self.hardware)

    def checkpoint(self) -> None:
        """Where a blocking call of the simulated modules lets Ctrl-C (or a limit) in: the
        statement counter, or whatever replaced it to stop the program."""
        self.builtins[TICK]()  # type: ignore[operator]

    # -- imports -----------------------------------------------------------------------------

    def import_(
        self,
        name: str,
        globals: object = None,
        locals: object = None,
        fromlist: object = (),
        level: int = 0,
    ) -> object:
        name = ALIASES.get(name, name)
        if name in self.modules:
            return self.modules[name]
        if name in self._factories:
            module = self._factories[name]()
        elif f"{name}.py" in self.state.vfs.files:
            module = types.ModuleType(name)
            module.__dict__["__builtins__"] = self.builtins
            source = self.state.vfs.files[f"{name}.py"].decode("utf-8", "replace")
            self.modules[name] = module
            try:
                self._load_source(source, f"{name}.py", module.__dict__)
            except BaseException:
                del self.modules[name]
                raise
        else:
            raise ImportError(f"no module named '{name}'")
        self.modules[name] = module  # type: ignore[assignment]
        return module

    def _builtins(self) -> dict[str, object]:
        table = {k: v for k, v in vars(builtins).items() if k not in REMOVED_BUILTINS}
        table["__import__"] = self.import_
        table["__tne_attribute__"] = guard.attribute
        table["__tne_private__"] = guard.private
        table.update(guard.GUARDED_BUILTINS)
        table["open"] = self.state.vfs.open

        def exec_(source: object, globals: dict | None = None, locals: object = None) -> None:
            builtins.exec(source, self._guard(globals), locals)  # type: ignore[arg-type]

        def eval_(source: object, globals: dict | None = None, locals: object = None) -> object:
            return builtins.eval(source, self._guard(globals), locals)  # type: ignore[arg-type]

        table["exec"] = exec_
        table["eval"] = eval_
        return table

    def _guard(self, namespace: dict | None) -> dict:
        if namespace is None:
            return self.globals
        namespace["__builtins__"] = self.builtins
        return namespace

    # -- the modules -------------------------------------------------------------------------

    def _sys(self) -> types.ModuleType:
        info = FIRMWARES[self.state.firmware]
        module = types.ModuleType("sys")
        module.platform = "microbit"  # type: ignore[attr-defined]
        module.implementation = types.SimpleNamespace(  # type: ignore[attr-defined]
            name="micropython", version=info["version"]
        )
        module.version = f"3.4.0; MicroPython v{info['release']}"  # type: ignore[attr-defined]
        module.version_info = (3, 4, 0)  # type: ignore[attr-defined]
        module.byteorder = "little"  # type: ignore[attr-defined]
        module.maxsize = 2**31 - 1  # type: ignore[attr-defined]
        module.path = ["", "/"]  # type: ignore[attr-defined]
        module.argv = []  # type: ignore[attr-defined]
        module.modules = self.modules  # type: ignore[attr-defined]
        module.stdout = self.state.stdout  # type: ignore[attr-defined]

        def sys_exit(code: object = None) -> None:
            raise SystemExit(code)

        module.exit = sys_exit  # type: ignore[attr-defined]
        return module

    def _os(self) -> types.ModuleType:
        vfs, firmware = self.state.vfs, self.state.firmware
        info = FIRMWARES[firmware]
        module = types.ModuleType("os")
        uname = types.SimpleNamespace(
            sysname="microbit",
            nodename="microbit",
            release=info["microbit"],
            version=version_text(firmware),
            machine=info["machine"],
        )
        module.uname = lambda: uname  # type: ignore[attr-defined]
        module.listdir = lambda path="": vfs.listdir()  # type: ignore[attr-defined]
        module.size = vfs.size  # type: ignore[attr-defined]
        module.remove = vfs.remove  # type: ignore[attr-defined]
        if firmware == "v2":

            def stat(name: str) -> tuple[int, ...]:
                return (0x8000, 0, 0, 0, 0, 0, vfs.size(name), 0, 0, 0)

            def ilistdir(path: str = ""):
                return iter([(name, 0x8000, 0, len(vfs.files[name])) for name in vfs.listdir()])

            module.stat = stat  # type: ignore[attr-defined]
            module.ilistdir = ilistdir  # type: ignore[attr-defined]
        return module

    def _time(self) -> types.ModuleType:
        clock = self.state.clock
        module = types.ModuleType("time")

        def sleep(seconds: float) -> None:
            clock.advance(seconds * 1000)

        functions: dict[str, Callable[..., object]] = {
            "sleep": sleep,
            "sleep_ms": clock.advance,
            "sleep_us": lambda us: clock.advance(us / 1000),
            "ticks_ms": clock.ticks_ms,
            "ticks_us": clock.ticks_us,
            "ticks_add": lambda ticks, delta: ticks + delta,
            "ticks_diff": lambda end, start: end - start,
        }
        for name, function in functions.items():
            setattr(module, name, function)
        return module

    def _random(self) -> types.ModuleType:
        return make_random(self.state.seed)

    def _gc(self) -> types.ModuleType:
        module = types.ModuleType("gc")
        for name, function in {
            "collect": lambda: None,
            "enable": lambda: None,
            "disable": lambda: None,
            "mem_free": lambda: 60000 if self.state.firmware == "v2" else 9000,
            "mem_alloc": lambda: 4000,
        }.items():
            setattr(module, name, function)
        return module

    def _micropython(self) -> types.ModuleType:
        module = types.ModuleType("micropython")
        module.const = lambda value: value  # type: ignore[attr-defined]
        module.opt_level = lambda level=None: 0  # type: ignore[attr-defined]
        module.mem_info = lambda verbose=None: None  # type: ignore[attr-defined]
        return module


class CPythonEngine:
    """The unsealed engine, pupil code in this CPython behind `guard.py` (not a boundary): there
    only to be measured side by side with the sealed one (`--engine cpython`)."""

    def __init__(self, state: BoardState, runner) -> None:  # runner.Runner
        self.state = state
        self.runner = runner
        self.sandbox: Sandbox | None = None

    @property
    def running(self) -> bool:
        return self.runner.running

    def boot(self) -> None:
        self.sandbox = Sandbox(self.state, self.runner.load_module)
        self.runner.attach(self.sandbox.builtins)

    def execute(self, source: str, mode: str = "exec") -> str:
        assert self.sandbox is not None
        self.runner.clear_interrupt()
        self.runner.running = True
        try:
            return self.runner.execute(source, self.sandbox.globals, mode)
        finally:
            self.runner.running = False

    def request_interrupt(self) -> None:
        self.runner.request_interrupt()
