"""A simulated board run in the test's own process: the simulator's real engine (the guest
MicroPython under wasmtime) and peripherals, without the child process and its serial line, for
tests of the `microbit` module's behaviour that need many runs (a child would cost a process
start each time). Tests of what crosses the serial line and the side channel use
`Board.connect("sim")`."""

from __future__ import annotations

from device_bridge.sim.clock import SimClock
from device_bridge.sim.environment import Environment, environment
from device_bridge.sim.hardware import Hardware
from device_bridge.sim.robots import equip
from device_bridge.sim.state import BoardState
from device_bridge.sim.wasm.board import WasmEngine
from device_bridge.sim.wasm.vm import Limits


class LocalBoard:
    def __init__(
        self,
        firmware: str = "v2",
        seed: int = 0,
        limits: Limits | None = None,
        robot: str = "",
        world: str = "",
    ) -> None:
        """`limits`: the engine's (board.py's for the firmware when None); `robot` and `world`
        as the simulator's command line takes them."""
        clock = SimClock()
        self.state = BoardState(firmware=firmware, seed=seed, clock=clock)
        self.robot = equip(self.state, robot, world) if robot else None
        self._out: list[str] = []
        self.engine = WasmEngine(
            firmware, seed, clock, self.state.vfs, self.hardware, self._out.append, limits
        )
        self.events: list[dict] = []
        channel = self.hardware.channel
        channel.enabled = True
        channel._send = self.events.append  # type: ignore[method-assign]
        self.engine.boot()

    @property
    def hardware(self) -> Hardware:
        assert self.state.hardware is not None
        return self.state.hardware

    @property
    def env(self) -> Environment:
        return environment(self.hardware)

    def run(self, code: str) -> str:
        """stdout of `code`; raises AssertionError with the traceback when it failed."""
        out, error = self.attempt(code)
        assert not error, error
        return out

    def attempt(self, code: str) -> tuple[str, str]:
        """(stdout, traceback) of `code`."""
        self._out.clear()
        error = self.engine.execute(code)
        return "".join(self._out), error.replace("\r\n", "\n")

    def error_line(self, code: str) -> str:
        """The last line of the traceback `code` gives ('' when it did not fail)."""
        _out, error = self.attempt(code)
        return error.strip().splitlines()[-1] if error else ""

    def give(self, message: dict, at_ms: float | None = None) -> None:
        """An input, as the side channel or a script gives it."""
        self.hardware.queue_input(message, at_ms)

    def of_kind(self, kind: str) -> list[dict]:
        return [event for event in self.events if event["kind"] == kind]

    def close(self) -> None:
        self.engine.close()
