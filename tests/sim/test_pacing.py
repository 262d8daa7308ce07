"""Simulated time held back to wall time when someone watches (device_bridge/sim/pacing.py):
`speed` and `pause` inputs on a real simulated board, and the pacer's arithmetic on a fake
wall clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from device_bridge import Board
from device_bridge.sim.pacing import MAX_LAG, Pacer
from device_bridge.transports.sim import SimTransport


@pytest.fixture
def sim() -> Iterator[tuple[Board, SimTransport]]:
    with Board.connect("sim") as board:
        assert isinstance(board.transport, SimTransport)
        yield board, board.transport


def timed(board: Board, code: str) -> float:
    start = time.monotonic()
    board.exec(code, timeout=20)
    return time.monotonic() - start


def test_unwatched_board_sleeps_without_waiting(sim) -> None:
    board, _transport = sim
    assert timed(board, "from microbit import sleep\nsleep(5000)") < 1.0


def test_speed_one_makes_a_sleep_last_its_real_time_and_speed_zero_undoes_it(sim) -> None:
    board, transport = sim
    transport.send_input({"kind": "speed", "factor": 1})
    assert transport.sync_events()
    assert 0.45 <= timed(board, "from microbit import sleep\nsleep(250)\nsleep(250)") < 2.0
    transport.send_input({"kind": "speed", "factor": 4})
    assert transport.sync_events()
    assert 0.2 <= timed(board, "from microbit import sleep\nsleep(1000)") < 1.5
    transport.send_input({"kind": "speed", "factor": 0})
    assert transport.sync_events()
    assert timed(board, "from microbit import sleep\nsleep(5000)") < 1.0


def test_a_sleep_after_the_board_sat_idle_still_lasts_its_real_time(sim) -> None:
    """The minutes a board waits at its prompt are not credited to the next sleep."""
    board, transport = sim
    transport.send_input({"kind": "speed", "factor": 1})
    assert transport.sync_events()
    time.sleep(1.0)
    assert timed(board, "from microbit import sleep\nsleep(500)") >= 0.45


def test_a_paused_board_waits_until_resumed(sim) -> None:
    board, transport = sim
    transport.send_input({"kind": "pause", "paused": True})
    assert transport.sync_events()
    threading.Timer(0.6, transport.send_input, [{"kind": "pause", "paused": False}]).start()
    assert 0.5 <= timed(board, "from microbit import sleep\nsleep(10)\nprint('fini')") < 5.0


def test_stop_ends_a_paused_program(sim) -> None:
    board, transport = sim
    transport.send_input({"kind": "pause", "paused": True})
    assert transport.sync_events()
    threading.Timer(0.4, board.repl.interrupt).start()
    start = time.monotonic()
    result = board.run("from microbit import sleep\nwhile True:\n    sleep(10)", timeout=10)
    assert time.monotonic() - start < 3.0
    assert b"KeyboardInterrupt" in result.stderr
    transport.send_input({"kind": "pause", "paused": False})
    assert board.eval("1 + 1") == 2


@pytest.mark.parametrize("factor", ["vite", None, -2, float("nan")])
def test_a_senseless_speed_means_as_fast_as_possible(factor) -> None:
    pacer = Pacer(lambda: 0.0)
    pacer.apply({"kind": "speed", "factor": 3})
    pacer.apply({"kind": "speed", "factor": factor})
    assert pacer.factor == 0 and not pacer.active


def test_other_inputs_are_not_the_pacers() -> None:
    pacer = Pacer(lambda: 0.0)
    assert not pacer.apply({"kind": "button", "name": "a", "pressed": True})
    assert pacer.apply({"kind": "pause", "paused": True}) and pacer.active


def test_a_host_that_fell_behind_does_not_race_to_catch_up() -> None:
    wall = [100.0]
    pacer = Pacer(lambda: 0.0, clock=lambda: wall[0])
    pacer.apply({"kind": "speed", "factor": 1})  # anchored at wall 100 s, simulated 0 ms
    wall[0] += 10 * MAX_LAG  # a long computation between two pacing points
    pacer.pace(1000)  # one simulated second: far behind, so the pacer starts again from here
    wall[0] += 0.1
    started = time.monotonic()
    pacer.pace(1100)  # 100 ms later in both clocks: no wait
    assert time.monotonic() - started < 0.05
