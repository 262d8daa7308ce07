"""A simulated board run in the test's own process: the simulator's real sandbox, runner and
peripherals, without the child process and its serial line, for tests of the `microbit`
module's behaviour that need many runs (a child would cost a process start each time).
Tests of what crosses the serial line and the side channel use `Board.connect("sim")`."""

from __future__ import annotations

import contextlib
import io

from device_bridge.sim.environment import Environment, environment
from device_bridge.sim.hardware import Hardware
from device_bridge.sim.runner import Runner
from device_bridge.sim.sandbox import BoardState, Sandbox


class LocalBoard:
    def __init__(self, firmware: str = "v2") -> None:
        self.state = BoardState(firmware=firmware)
        self.runner = Runner(self.state.clock, firmware)
        self.sandbox = Sandbox(self.state, self.runner.load_module)
        self.runner.attach(self.sandbox.builtins)
        self.events: list[dict] = []
        channel = self.hardware.channel
        channel.enabled = True
        channel._send = self.events.append  # type: ignore[method-assign]

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
        buffer = io.StringIO()
        self.runner.clear_interrupt()
        self.runner.running = True
        try:
            with contextlib.redirect_stdout(buffer):
                error = self.runner.execute(code, self.sandbox.globals)
        finally:
            self.runner.running = False
        return buffer.getvalue(), error.replace("\r\n", "\n")

    def error_line(self, code: str) -> str:
        """The last line of the traceback `code` gives ('' when it did not fail)."""
        _out, error = self.attempt(code)
        return error.strip().splitlines()[-1] if error else ""

    def give(self, message: dict, at_ms: float | None = None) -> None:
        """An input, as the side channel or a script gives it."""
        self.hardware.queue_input(message, at_ms)

    def of_kind(self, kind: str) -> list[dict]:
        return [event for event in self.events if event["kind"] == kind]
