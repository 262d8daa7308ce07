"""The simulated board's side channel: events out (stamped with simulated time), inputs in,
applied at a simulated instant (device_bridge/sim/channel.py and hardware.py)."""

from __future__ import annotations

import json
import socket
import time

import pytest

from device_bridge import Board
from device_bridge.sim.channel import LISTEN, EventChannel
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


def test_a_child_that_nobody_listens_to_makes_no_events_until_someone_does() -> None:
    """The child's end, over a real socket pair: after `listen: false` nothing is written (the
    events are not even encoded), a `sync` is still answered, and `listen: true` brings the
    events back; events that waited are still sent."""
    parent, child = socket.socketpair()
    parent.settimeout(5)
    channel = EventChannel(SimClock(), child)
    channel.start(lambda message: None)
    reader = parent.makefile("rb")

    def say(message: dict) -> None:
        parent.sendall((json.dumps(message) + "\n").encode())

    def synced(number: int) -> list[dict]:
        """What the child wrote until it answered sync `number`."""
        say({"kind": "sync", "id": number})
        lines = []
        while (line := json.loads(reader.readline()))["kind"] != "synced":
            lines.append(line)
        assert line["id"] == number
        return lines

    try:
        channel.emit("display", pixels="1")
        assert [e["pixels"] for e in synced(1)] == ["1"]
        say({"kind": LISTEN, "on": False})
        assert synced(2) == []  # (inputs are read in order: the listen came first)
        assert not channel.enabled
        channel.emit("display", pixels="2")
        assert synced(3) == []
        say({"kind": LISTEN, "on": True})
        assert synced(4) == []
        channel.emit("display", pixels="3")
        assert [e["pixels"] for e in synced(5)] == ["3"]
        say({"kind": LISTEN, "on": "yes"})  # only `true` turns it on
        assert synced(6) == [] and not channel.enabled
    finally:
        parent.close()
        child.close()


def test_a_subscriber_gets_every_event_that_follows_its_subscription(sim: Board) -> None:
    """A board nobody listens to makes no events: subscribing turns them on before it returns,
    so the events of the very next command arrive; after the last subscriber left and a new
    one came, they arrive again. (Events already on their way when it subscribes may reach it
    too, as they always could.)"""
    transport = sim.transport
    assert isinstance(transport, SimTransport)
    for round_ in range(3):
        events: list[dict] = []
        unsubscribe = transport.subscribe(events.append)
        sim.exec(f"from microbit import display\ndisplay.set_pixel({round_}, 0, 9)")
        assert transport.sync_events()
        unsubscribe()
        shown = [e["pixels"] for e in events if e["kind"] == "display"]
        # (The last one: an event of the previous command may still be on its way, as before.)
        assert shown and shown[-1][round_] == "9", (round_, shown)
        sim.exec("from microbit import display\ndisplay.clear()")  # (nobody listens)


def test_subscribing_to_a_board_whose_process_died_raises_nothing_and_does_not_hang(
    sim: Board,
) -> None:
    """A widget shown after the simulated board's process died: nothing to listen to, and no
    answer to wait for (the sync's 5 s would be a frozen notebook)."""
    transport = sim.transport
    assert isinstance(transport, SimTransport)
    process = transport._process
    assert process is not None
    process.kill()
    process.wait()
    started = time.monotonic()
    unsubscribe = transport.subscribe(lambda event: None)
    assert time.monotonic() - started < 4.0
    unsubscribe()


def test_a_subscriber_may_subscribe_another_from_its_callback(sim: Board) -> None:
    """The callback runs on the transport's channel thread: a subscription made there must not
    wait for that thread to read the child's answer."""
    transport = sim.transport
    assert isinstance(transport, SimTransport)
    later: list[dict] = []
    subscribed: list[bool] = []

    def first(event: dict) -> None:
        if not subscribed:
            subscribed.append(True)
            transport.subscribe(later.append)

    transport.subscribe(first)
    sim.exec("from microbit import display\ndisplay.set_pixel(0, 0, 9)\ndisplay.set_pixel(1, 0, 9)")
    assert transport.sync_events(timeout=2)
    assert later, "the second subscriber got nothing"


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
