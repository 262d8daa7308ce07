"""The simulated board's interpreter for the REPL: a guest MicroPython per boot, wired to the
board's host side (its clock, hardware, files, serial line).

The REPL (`repl.py`) calls `boot` for each power-on or soft reboot, `execute` for each piece of
code, and `request_interrupt` on Ctrl-C. When a limit ended the guest, `execute` returns the
French reason as the run's error and the next boot starts a fresh guest, as a board that
restarted; the board's files and its simulated time carry on.
"""

from __future__ import annotations

import codecs
import types
from collections.abc import Callable, Sequence
from pathlib import Path

from tne.i18n import _, number

from .. import image as image_module
from ..audio import make_audio
from ..clock import SimClock
from ..duration import DurationCap
from ..environment import environment
from ..limits import cpu_message, wall_message
from ..machine import make_machine
from ..microbit import ResetRequested, make_microbit
from ..music import make_music
from ..neopixel import make_neopixel
from ..radio import make_radio
from ..randomness import make_random
from ..run_limit import RunLimit
from ..vfs import VirtualFS
from . import standard, wording
from .door import encode
from .files import file_ops
from .peripherals import HostModules
from .stdin import SerialInput
from .v1_heap import v1_memory_error
from .vm import EOT_SHOWN_TEXT as EOT_SHOWN
from .vm import GUEST, GuestVM, Limits, VMHooks

#: The guest's library: /lib/NAME.py -> the host file it is read from.
LIBRARY: dict[str, Path] = {
    **{path.name: path for path in GUEST.glob("*.py") if path.name != "boot.py"},
    "image.py": Path(image_module.__file__),
}
#: The guest's heap (bytes). Large, so that it is seldom full: collecting it walks all of it
#: (guest/_door.py: "Garbage collection").
#: (64 KB less than 128 MB: the build's `malloc` rounds a block up to a power of two, and the
#: heap is one block, with its header, in a store capped at the heap plus 8 MB: vm.py.)
HEAP_BYTES = {"v1": 128 * 1024 * 1024 - 65536, "v2": 128 * 1024 * 1024 - 65536}
#: The most one allocation of a program may ask for (bytes; none where absent): the V1's
#: largest free block at a fresh REPL, measured on its firmware in QEMU (`bytearray(6048)`
#: fits, `bytearray(6049)` raises `MemoryError: memory allocation failed, allocating 6049
#: bytes`; `[0] * 1512` fits, `[0] * 1513` asks for 6052 bytes and fails). The heap stays large
#: (above), so a V1 program gets the V1's refusal of a large object, not its total heap.
LARGEST_ALLOCATION = {"v1": 6048}


class WasmEngine:
    """What the REPL runs pupil code with (one per board; a new guest at each boot)."""

    def __init__(
        self,
        firmware: str,
        seed: int,
        clock: SimClock,
        vfs: VirtualFS,
        hardware,  # hardware.Hardware
        write: Callable[[str], object],
        limits: Limits | None = None,
    ) -> None:
        self.firmware = firmware
        self.seed = seed
        self.clock = clock
        self.vfs = vfs
        self.hardware = hardware
        self._serial = write
        self.limits = limits or Limits(
            heap_bytes=HEAP_BYTES.get(firmware, HEAP_BYTES["v2"]),
            largest_allocation=LARGEST_ALLOCATION.get(firmware, 0),
        )
        self.vm: GuestVM | None = None
        #: The cap on simulated time (`--duration`), if any: set before the first boot.
        self.cap: DurationCap | None = None
        #: Each run's limit on simulated time, for a board nobody watches (run_limit.py).
        self.run_limit: RunLimit | None = None
        self._work_base = 0.0  # simulated ms of work done by the earlier boots' guests
        self.modules: dict[str, object] = {}
        #: This boot's `i2c.write` for queued writes (`MicroBitI2C.write_queued`).
        self._i2c_write: Callable[[int, bytes], None] | None = None
        #: Where `input()` reads its answers (the serial line; set once the console exists).
        self.serial_input: SerialInput | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._printed = wording.PrintedObjects(firmware)

    @property
    def running(self) -> bool:
        return self.vm is not None and self.vm._running

    # -- booting -------------------------------------------------------------------------------

    def boot(self) -> None:
        if self.vm is not None:
            self.vm.close()
        self.modules = {}
        self._i2c_write = None
        environment(self.hardware).reboot()
        host = HostModules(self._module, image_module.MicroBitImage)
        ops = {
            **host.ops(),
            **file_ops(self.vfs, self.firmware),
            "input": self._input,
        }
        self._work_base = self.clock.work_ms
        hooks = VMHooks(
            sink=self._sink,
            now_ns=lambda: int(self.clock.now_ms * 1_000_000),
            set_work_ms=self._set_work,
            library=LIBRARY,
            work_left_ms=self.cap.work_left_ms if self.cap is not None else None,
            i2c_writes=self._queued_i2c_writes,
            queueable=self._queueable,
        )
        self.vm = GuestVM(ops, hooks, self.limits).start()
        if self.clock.pacer is not None:
            self.clock.pacer.check = self.vm.check_wall

    def _set_work(self, ms: float) -> None:
        """The work this boot's guest has done so far (`ms`, at each call through the door, the
        door's own cost left out: vm.door_fuel). Time carries on across boots."""
        if self._printed.held:
            self._flush_printed()
        self.clock.work_ms = self._work_base + ms

    def _queued_i2c_writes(self, writes: Sequence[tuple[int, bytes]]) -> None:
        """The `i2c.write(address, data)` calls the guest queued (queued.py), in order, each as
        this boot's `i2c` does it (`write_queued`, found at the first)."""
        write = self._i2c_write
        if write is None:
            write = self._i2c_write = self._module("microbit").i2c.write_queued  # type: ignore[attr-defined]
        for address, data in writes:
            write(address, data)

    def _queueable(self) -> bytes:
        """The I2C addresses whose writes the guest may queue: devices that accept every write
        (so that a queued write cannot fail where a crossing one would have)."""
        devices = self.hardware.i2c_devices
        return bytes(
            sorted(a for a, d in devices.items() if getattr(d, "accepts_every_write", False))
        )

    def _sink(self, data: bytes) -> None:
        text = self._printed.feed(self._decoder.decode(data))
        if text:
            self._write(text)

    def _flush_printed(self) -> None:
        """What the guest printed and `_printed` held back (a repr that may still be coming)."""
        held = self._printed.flush()
        if held:
            self._write(held)

    def tell(self, text: str) -> None:
        """A line of the simulator's own in the run's output, after what the program printed."""
        self._flush_printed()
        self._write(text)

    def _uart_write(self, text: str) -> None:
        """`uart.write`, from a host call: counted against the run's output cap too."""
        self._flush_printed()
        if self.vm is not None:
            self.vm.count_output(len(text.encode("utf-8", "replace")))
        self._write(text)

    def _write(self, text: str) -> None:
        """Everything the program sends on the serial line (`print`, `uart.write`): a `\x04`
        in it would end the raw REPL's output early, so it is shown as `␄`."""
        self._serial(text.replace("\x04", EOT_SHOWN))

    def _input(self, prompt: str) -> str:
        """`input(prompt)` (wasm/stdin.py); the answer as a door result."""
        if self.serial_input is None:
            raise RuntimeError("input() has no serial line")
        return encode(self.serial_input.ask(prompt, self._uart_write, self._checkpoint))

    def _checkpoint(self) -> None:
        assert self.vm is not None
        self.vm.checkpoint()

    def _module(self, name: str) -> object:
        """The host module `name` of this boot, built on first use."""
        module = self.modules.get(name)
        if module is None:
            module = self._build(name)
            self.modules[name] = module
        return module

    def _build(self, name: str) -> object:
        clock, hardware, firmware = self.clock, self.hardware, self.firmware
        env = environment(hardware)
        if name == "microbit":
            audio = self._module("audio") if firmware == "v2" else None
            return make_microbit(
                clock,
                hardware,
                firmware,
                self._checkpoint,
                audio,  # type: ignore[arg-type]
                _Stdout(self._uart_write),
            )
        if name == "music":
            return make_music(firmware, clock, hardware, env, self._checkpoint)
        if name == "radio":
            return make_radio(clock, hardware, env)
        if name == "machine":
            return make_machine(firmware, clock, hardware, self._module("microbit").reset)  # type: ignore[attr-defined]
        if name == "neopixel":
            return make_neopixel(firmware, hardware)
        if name == "audio":
            return make_audio(clock, hardware, env, self._checkpoint)
        if name == "os":
            return standard.make_os(firmware)
        if name == "time":
            return standard.make_time(clock)
        if name == "gc":
            return standard.make_gc(self.limits.heap_bytes)
        if name == "sys":
            return standard.make_sys(firmware, lambda text: wording.reword(text, firmware))
        if name == "random":
            return make_random(self.seed)
        return types.ModuleType(name)

    # -- running -------------------------------------------------------------------------------

    def execute(self, source: str, mode: str = "exec") -> str:
        """Run `source`; the traceback text ('' when it ended normally). Raises
        `ResetRequested` when the program reset the board."""
        if self.vm is None or self.vm.dead == "duration":
            self.boot()  # the guest that reached the cap, replaced when there is more to run
        assert self.vm is not None
        if self.firmware == "v1":
            refused = wording.v1_syntax_error(source) or v1_memory_error(source)
            if refused is not None:
                return refused.replace("\n", "\r\n")
        if self.run_limit is not None:
            self.run_limit.start()
        outcome = self.vm.execute(source, mode)
        self._flush_printed()
        if outcome.status == "ok":
            return ""
        if outcome.status == "dead" and outcome.text == "duration" and self.cap is not None:
            # The cap ends a program as `sys.exit()` would: no traceback, nothing more runs.
            self.clock.reach(self.cap.cap_ms)
            self.cap.tell_reached()
            return ""
        if outcome.status == "rs":
            raise ResetRequested
        if outcome.status == "er":  # (a \x04 in an error's message would end the framing)
            text = wording.reword(outcome.text, self.firmware)
            return text.replace("\x04", EOT_SHOWN).replace("\n", "\r\n")
        message = self.stop_message(outcome.text)
        self.boot()
        return message + "\r\n"

    def request_interrupt(self) -> None:
        if self.vm is not None:
            self.vm.interrupt()

    def stop_message(self, reason: str) -> str:
        if reason == "cpu":
            return cpu_message(self.limits.cpu_fuel / CPU_FUEL_PER_S)
        if reason == "wall":
            return wall_message(self.limits.wall_s)
        if reason == "output":
            return _(
                "Your program printed more than {size} and was stopped: print less often, or "
                "inside a loop that sleeps. The board restarted."
            ).format(size=_megabytes(self.limits.output_bytes))
        if reason == "interrupt":
            return _(
                "Your program did not stop when asked, so the board restarted (its variables "
                "are lost, its files are kept)."
            )
        return _("The simulated board had to restart (its variables are lost, its files are kept).")

    def close(self) -> None:
        if self.vm is not None:
            self.vm.close()
            self.vm = None


#: Fuel per second of CPU, for the CPU limit's message (measured on the test machine).
CPU_FUEL_PER_S = 10_000_000_000


def _megabytes(size: int) -> str:
    return f"{number(size / (1024 * 1024))} Mo"


class _Stdout:
    """`uart.write` on the serial line, as `print` goes."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write
