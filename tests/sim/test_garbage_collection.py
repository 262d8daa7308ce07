"""The guest's heap is collected during a run when it is full, as a board's is: a robot's loop
that makes garbage at every turn, with hardware calls in between, runs for as long as it likes
on a heap far smaller than what it allocates, and every object it keeps, every answer of the
door, stays right across the collections (guest/_door.py: "Garbage collection")."""

from __future__ import annotations

import pytest

from device_bridge.sim.wasm.vm import Limits
from tests.sim.local import LocalBoard

#: A heap the simulator's modules fit in with about 100 KB to spare: a collection about every
#: hundred turns of the loop below (3 MB allocated in 3,000 turns).
SMALL_HEAP = 256 * 1024

#: A follower-like loop: reads a pin and a button, writes pins and the display, sleeps, makes
#: garbage (strings, lists, a dict, a bytearray), and checks at each turn what it keeps and
#: what the door answers.
LOOP = """\
from microbit import *
import gc
kept = [str(k) * 3 for k in range(40)]
table = {"left": [1, 2, 3], "right": (4, 5), "name": "maqueen"}
start = running_time()
last = start
bad = 0
for turn in range(TURNS):
    pin0.write_digital(turn % 2)
    pin2.read_digital()
    display.set_pixel(turn % 5, 2, turn % 10)
    if display.get_pixel(turn % 5, 2) != turn % 10:
        bad += 1
    pin1.write_analog(turn % 1024)
    button_a.was_pressed()
    junk = [str(turn) + "x" * 20 for _ in range(8)]
    junk2 = {"a": junk, "b": bytearray(64), "c": (turn, turn + 1)}
    if len(junk2["a"]) != 8 or junk2["c"][1] != turn + 1:
        bad += 1
    now = running_time()
    if now < last:
        bad += 1
    last = now
    sleep(10)
ok = kept == [str(k) * 3 for k in range(40)]
ok = ok and table == {"left": [1, 2, 3], "right": (4, 5), "name": "maqueen"}
print(bad, ok, gc.isenabled(), (running_time() - start) // 1000 >= TURNS // 100)
"""


@pytest.fixture
def small() -> LocalBoard:
    board = LocalBoard("v1", limits=Limits(heap_bytes=SMALL_HEAP))
    yield board
    board.close()


def test_a_robot_loop_making_many_heaps_of_garbage_runs_on_with_every_object_kept(
    small: LocalBoard,
) -> None:
    turns = 3000  # 30 simulated seconds; at least ten times the heap in garbage
    assert small.run(LOOP.replace("TURNS", str(turns))) == "0 True True True\n"
    # The board goes on: the next runs find their heap as usual.
    assert small.run("x = [0] * 1000\nprint(len(x), sum(x))") == "1000 0\n"


#: The line follower (teacher_guides/exemples/suiveur_de_ligne.py), for a number of turns, with
#: checks: its sensors answer 0 or 1 at each turn, and what it keeps stays right.
FOLLOWER = """\
from microbit import *
import maqueen
kept = [str(k) * 3 for k in range(40)]
bad = 0
for turn in range(TURNS):
    gauche = maqueen.line_left()
    droite = maqueen.line_right()
    if gauche not in (0, 1) or droite not in (0, 1):
        bad += 1
    if gauche == 0 and droite == 0:
        maqueen.motor_run(120, 120)
    elif gauche == 0:
        maqueen.motor_run(20, 120)
    elif droite == 0:
        maqueen.motor_run(120, 20)
    else:
        maqueen.motor_run(120, 120)
    sleep(10)
print(bad, kept == [str(k) * 3 for k in range(40)])
"""


def _follow(limits: Limits | None) -> float:
    """How far the robot drove in 2,000 turns of the follower (cm), on a board with `limits`."""
    board = LocalBoard("v1", limits=limits, robot="maqueen", world="piste")
    try:
        assert board.run(FOLLOWER.replace("TURNS", "2000")) == "0 True\n"
        assert board.robot is not None
        return board.robot.distance_travelled
    finally:
        board.close()


def test_the_line_follower_on_a_small_heap_drives_through_many_collections_as_on_a_large_one() -> (
    None
):
    # (A collection is work, charged as simulated time: a robot that drives about as far shows
    # that the collections did not stall it.)
    large = _follow(None)
    assert large > 100
    assert _follow(Limits(heap_bytes=SMALL_HEAP)) == pytest.approx(large, rel=0.1)


def test_a_run_that_keeps_more_than_the_heap_gets_memory_error_and_the_board_goes_on(
    small: LocalBoard,
) -> None:
    error = small.error_line("kept = []\nwhile True:\n    kept.append(bytearray(1000))")
    assert error.startswith("MemoryError: memory allocation failed")
    assert small.run("del kept\nprint([1, 2] * 2)") == "[1, 2, 1, 2]\n"
