"""The trace of a simulated run (device_bridge/sim/trace.py), its determinism, and the cap on
simulated time (device_bridge/sim/duration.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.address import parse_address
from device_bridge.sim.clock import SimClock
from device_bridge.sim.duration import DurationCap, DurationReached
from device_bridge.sim.image import Image
from device_bridge.sim.trace import Trace, pixels_of
from device_bridge.transports.sim import SimTransport
from tests.helpers.sim_robot import traced_robot
from tests.sim.local import LocalBoard

HEART = "09090:99999:99999:09990:00900"

EVENTS = [
    {"t": 0.0, "kind": "pose", "x": 100.0, "y": 75.0, "heading": 0.0},
    {"t": 0.5, "kind": "display", "pixels": HEART},
    {"t": 1.0, "kind": "motor", "left": 150, "right": 150},
    {"t": 50.0, "kind": "pose", "x": 101.0, "y": 75.0, "heading": 0.0},
    {"t": 100.0, "kind": "pose", "x": 103.0, "y": 75.0, "heading": 0.0},
    {"t": 100.0, "kind": "line", "left": 0, "right": 1},
    {"t": 150.0, "kind": "line", "left": 1, "right": 1},
    {"t": 200.0, "kind": "line", "left": 1, "right": 0},
    {"t": 250.0, "kind": "collision", "x": 103.0, "y": 75.0, "heading": 0.0},
    {"t": 300.0, "kind": "stdout", "text": "bonjour\r\n"},
    {"t": 400.0, "kind": "pose", "x": 100.0, "y": 78.0, "heading": 90.0},
]


def test_queries_answer_what_graders_ask() -> None:
    trace = Trace(EVENTS)
    assert trace.was_shown(HEART) and trace.shown(Image.HEART)
    assert trace.was_shown("09090:99999:99999:09990:00900:")  # the Image() spelling
    assert not trace.was_shown(Image.SAD)
    assert trace.printed() == "bonjour\r\n" and trace.printed_lines() == ["bonjour"]
    assert trace.final_pose().heading == 90.0
    assert trace.distance_to_start() == pytest.approx(3.0)
    assert trace.distance_travelled() == pytest.approx(1 + 2 + 18**0.5)
    assert trace.max_speed() == pytest.approx(40.0)  # 2 cm in 50 ms
    assert trace.motor_commands() == [(1.0, 150, 150)]
    assert len(trace.collisions()) == 1
    assert trace.lines_crossed == 2
    assert trace.time_on_line() == pytest.approx(50 + 200)  # 100-150, then 200 to the end
    assert trace.duration_ms() == 400.0 and not trace.duration_reached


def test_pixels_are_compared_whatever_their_spelling() -> None:
    assert pixels_of(Image.HEART) == HEART
    assert pixels_of("09090\n99999\n99999\n09990\n00900\n") == HEART


def test_a_trace_saved_as_json_loads_back_identical(tmp_path: Path) -> None:
    trace = Trace(EVENTS)
    path = tmp_path / "run.json"
    trace.save(path)
    again = Trace.load(path)
    assert again.events == trace.events and again.to_json() == trace.to_json()
    with pytest.raises(ValueError):
        Trace.from_json('{"events": []}')


def test_the_summary_is_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TNE_LANG", "fr")
    text = "\n".join(Trace(EVENTS).summary())
    assert "Temps simulé : 0,4 s." in text
    assert "Collisions : 1." in text
    assert "Position finale : x = 100 cm, y = 78 cm, orientation 90°." in text


# -- runs on the simulated robot -----------------------------------------------------------------

WANDERER = """
from microbit import *
import maqueen, random
display.show(Image.HAPPY)
for step in range(40):
    if button_a.was_pressed():
        display.show(Image.SURPRISED)
        maqueen.motor_run(150, -150)
        sleep(400)
    if maqueen.distance() < 4:
        maqueen.motor_run(-120, 120)
        sleep(random.randint(200, 600))
    maqueen.motor_run(200, 190)
    sleep(100)
    print(step, maqueen.line_left())
"""


def recorded_run(code: str, seed: int, inputs: Path | None = None) -> Trace:
    transport = SimTransport(
        robot="maqueen", world="labyrinthe", seed=seed, duration=60, inputs=inputs
    )
    with traced_robot(transport) as (board, trace):
        board.exec(code, timeout=30)
        trace.finish(transport)
    return trace


def test_same_code_seed_and_scripted_inputs_give_a_byte_identical_trace(tmp_path: Path) -> None:
    presses = tmp_path / "appuis.json"
    presses.write_text(
        '[{"t": 3500, "kind": "button", "name": "a", "pressed": true},'
        ' {"t": 3600, "kind": "button", "name": "a", "pressed": false}]',
        encoding="utf-8",
    )
    first = recorded_run(WANDERER, seed=7, inputs=presses)
    second = recorded_run(WANDERER, seed=7, inputs=presses)
    assert first.collisions(), "the wanderer should bump into the maze"
    assert first.printed_lines()[0].startswith("0 ") and first.start_pose().t == 0
    assert first.was_shown(Image.SURPRISED) and len(first.inputs()) == 2
    assert first.to_json() == second.to_json()
    assert recorded_run(WANDERER, seed=8, inputs=presses).to_json() != first.to_json()
    assert recorded_run(WANDERER, seed=7).to_json() != first.to_json()


# -- the cap on simulated time ---------------------------------------------------------------------

#: A line follower that ends by itself after two simulated seconds.
SHORT_FOLLOWER = """
from microbit import *
import maqueen
while running_time() < 2000:
    if maqueen.line_left() == 0 and maqueen.line_right() == 0:
        maqueen.motor_run(120, 120)
    else:
        maqueen.motor_run(120, 20)
    sleep(10)
print(running_time())
"""


def test_a_cap_the_run_does_not_reach_changes_nothing_in_its_trace() -> None:
    def run(duration: float) -> Trace:
        transport = SimTransport(robot="maqueen", world="piste", seed=3, duration=duration)
        with traced_robot(transport) as (board, trace):
            board.exec(SHORT_FOLLOWER, timeout=30)
            trace.finish(transport)
        return trace

    capped, free = run(60), run(0)
    assert not capped.duration_reached and len(capped.motor_commands()) > 1
    assert capped.to_json() == free.to_json()


@pytest.fixture
def capped() -> Board:
    transport = SimTransport(duration=5)
    transport.open()
    board = Board.started(transport, parse_address("sim"))
    yield board
    board.close()


@pytest.mark.parametrize(
    "code",
    [
        "from microbit import *\nwhile True:\n    sleep(100)\n",
        "while True:\n    pass\n",
        "from microbit import *\nsleep(4000)\nwhile True:\n    x = 1\n",
        "from microbit import *\nsleep(1000000)\n",
        "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass\n",
        "while True:\n    try:\n        pass\n    except Exception:\n        pass\n",
    ],
    ids=[
        "sleeping",
        "busy",
        "sleep-then-busy",
        "one-long-sleep",
        "bare-except",
        "except-exception",
    ],
)
def test_the_cap_ends_any_program_cleanly_at_the_capped_instant(capped: Board, code: str) -> None:
    trace = Trace.record(capped.transport)
    result = capped.run(code, timeout=20)
    trace.finish(capped.transport)
    assert result.stderr == b""
    assert trace.duration_reached
    assert trace.of_kind("duration")[0]["t"] == pytest.approx(5000, abs=0.05)
    # From then on, the board runs nothing more (its time is up), without an error.
    assert capped.run("print('encore')").stdout == b""


def test_simulated_time_carries_on_across_a_soft_reboot() -> None:
    board = LocalBoard("v2")
    board.run("from microbit import *\nfor i in range(20000):\n    pass\nsleep(1000)")
    before = board.state.clock.now_ms
    assert before > 1300  # the loop's work counts too
    board.engine.boot()  # a soft reboot: a new guest, whose own work starts at 0
    assert int(board.run("from microbit import *\nprint(running_time())")) >= before


def test_a_sleep_past_the_cap_stops_the_clock_at_the_cap_and_tells_it_once() -> None:
    clock = SimClock()
    told: list[bool] = []
    cap = DurationCap(clock, 1000.0, on_reached=lambda: told.append(True))
    clock.advance(600)
    assert clock.now_ms == 600 and not cap.reached
    with pytest.raises(DurationReached):
        clock.advance(600)
    assert clock.now_ms == 1000
    assert cap.work_left_ms() == 0
    with pytest.raises(DurationReached):
        clock.advance(1)
    assert told == [True]


def test_answers_follow_the_events_added_or_replaced_after_a_question() -> None:
    """The trace answers from an index of its events by kind, made again when events came
    (a live trace) or the list was replaced; the lists it returns are the caller's own."""
    trace = Trace([{"kind": "pose", "t": 0, "x": 0.0, "y": 0.0, "heading": 0.0}])
    assert len(trace.poses()) == 1 and trace.distance_travelled() == 0
    trace.add({"kind": "pose", "t": 50, "x": 3.0, "y": 4.0, "heading": 0.0})
    assert trace.distance_travelled() == 5.0 and trace.final_pose().x == 3.0
    trace.of_kind("pose").clear()
    trace.poses().clear()
    assert len(trace.of_kind("pose")) == 2 and len(trace.poses()) == 2
    trace.events = [event for event in trace.events if event["t"] > 0]
    assert [pose.t for pose in trace.poses()] == [50]
