"""The simulated board's side channel: events out (stamped with simulated time), inputs in,
applied at a simulated instant (device_bridge/sim/channel.py and hardware.py)."""

from __future__ import annotations

import pytest

from device_bridge import Board
from device_bridge.sim.clock import SimClock
from device_bridge.sim.environment import environment
from device_bridge.sim.hardware import ENODEV, Hardware
from device_bridge.transports.sim import SimTransport


def test_display_changes_and_printed_lines_come_out_with_simulated_time(sim: Board) -> None:
    transport = sim.transport
    assert isinstance(transport, SimTransport)
    assert transport.sync_events()  # the probe's own output is not this test's
    events: list[dict] = []
    transport.subscribe(events.append)
    sim.exec("from microbit import *\ndisplay.show(Image.HEART)\nsleep(1000)\nprint('fini')")
    assert transport.sync_events()
    shown = [e for e in events if e["kind"] == "display"]
    printed = [e for e in events if e["kind"] == "stdout"]
    assert shown[-1]["pixels"] == "09090:99999:99999:09990:00900"
    assert [e["text"] for e in printed] == ["fini", "\n"]
    assert printed[0]["t"] - shown[-1]["t"] >= 1000


def test_events_keep_coming_after_the_board_restarts(sim: Board) -> None:
    transport = sim.transport
    assert isinstance(transport, SimTransport)
    events: list[dict] = []
    transport.subscribe(events.append)
    # The reset button (the last step when Ctrl-C cannot stop a program) starts a new child.
    assert transport.reset_line()
    sim._enter()
    sim.exec("from microbit import display\ndisplay.set_pixel(0, 0, 9)")
    assert transport.sync_events()
    assert events[-1]["kind"] == "display" and events[-1]["pixels"].startswith("90000:")


def test_an_input_is_applied_at_its_simulated_instant_after_the_world_caught_up() -> None:
    clock = SimClock()
    hardware = Hardware(clock)
    log: list[tuple[str, float]] = []
    hardware.steppers.append(lambda now: log.append(("step", now)))
    hardware.on_input("button", lambda message: log.append(("press", clock.now_ms)))
    hardware.queue_input({"kind": "button", "name": "a", "pressed": True}, at_ms=100)
    clock.advance(50)
    hardware.sync()
    assert ("press", 50.0) not in [(k, round(t)) for k, t in log]
    clock.advance(100)
    hardware.sync()
    assert [k for k, _ in log].count("press") == 1
    steps = [t for k, t in log if k == "step"]
    assert 100.0 in steps, "the world did not move to the input's instant before it applied"


def test_the_world_is_brought_to_an_instant_once_however_often_it_is_synced_there() -> None:
    """A turn of a robot's loop touches the hardware several times at one instant (the motor
    writes the sealed engine queued, then the call after them): the steppers move the world
    only when the clock moved."""
    clock = SimClock()
    hardware = Hardware(clock)
    steps: list[float] = []
    hardware.steppers.append(steps.append)
    clock.advance(10)
    hardware.sync()
    hardware.sync()
    clock.advance(5)
    hardware.sync()
    assert steps == [10.0, 15.0]


def test_background_activities_step_in_the_place_the_environment_took_at_its_start() -> None:
    """The environment joins the steppers at its first activity (before, it has nothing to
    run), where it would have stood from the start: before a robot equipped after it."""
    clock = SimClock()
    hardware = Hardware(clock)
    env = environment(hardware)
    order: list[str] = []
    hardware.steppers.append(lambda now: order.append("robot"))

    def frames():
        yield 0.0, lambda: order.append("frame 0")
        yield 20.0, lambda: order.append("frame 20")

    env.start("display", frames())
    assert order == ["frame 0"]
    clock.advance(30)
    hardware.sync()
    assert order == ["frame 0", "frame 20", "robot"]


def test_an_i2c_transfer_to_an_empty_address_fails_as_on_the_bus() -> None:
    hardware = Hardware(SimClock())
    with pytest.raises(OSError) as raised:
        hardware.i2c_write(0x10, b"\x00\x00\x80")
    assert raised.value.args == (ENODEV,)
