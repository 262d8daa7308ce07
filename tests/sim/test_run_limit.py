"""Each run's limit on simulated time (device_bridge/sim/run_limit.py), set through the side
channel as the grading kernels set it: an endless program is stopped at a sleep with the ■
button's `KeyboardInterrupt` and a French line that says why; the REPL keeps its state; every
run gets the whole limit again; without the input, or with a value that does not read, nothing
is limited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from device_bridge import Board

ENDLESS = "from microbit import *\nwhile True:\n    tours += 1\n    sleep(20)\n"


@pytest.fixture
def board(french: None) -> Iterator[Board]:
    connected = Board.connect("sim")
    try:
        yield connected
    finally:
        connected.close()


def limit(board: Board, seconds: object) -> None:
    assert board.sim is not None
    board.sim.send_input({"kind": "run_limit", "seconds": seconds})
    board.sim.sync_events()


def test_an_endless_loop_stops_at_the_limit_says_why_and_keeps_the_repl(board: Board) -> None:
    limit(board, 30)
    board.exec("tours = 0\nprint('avant')")

    result = board.run("print('début')\n" + ENDLESS)

    out = result.stdout.decode()
    assert out.startswith("début\r\nTon programme tournait encore après 30\u00a0s de temps simulé")
    assert "comme avec le bouton ■" in out
    assert result.stderr.decode().strip().endswith("KeyboardInterrupt:")
    turns, now = board.eval("(tours, running_time())")
    assert 1400 <= turns <= 1500 and 30_000 <= now < 30_500  # (the work of each turn counts)


def test_each_run_gets_the_whole_limit_again(board: Board) -> None:
    limit(board, 2.5)
    first = board.run("tours = 0\nfrom microbit import *\nsleep(10_000)\nprint('pas ici')")
    started = board.eval("running_time()")

    second = board.run(ENDLESS)

    assert "pas ici" not in first.stdout.decode() and 2_500 <= started < 3_000
    assert "après 2,5\u00a0s de temps simulé" in second.stdout.decode()
    assert started + 2_500 <= board.eval("running_time()") < started + 3_000
    # A program that ends within its limit is left alone, and says nothing more.
    assert board.run("sleep(2400)\nprint('fini')").stdout == b"fini\r\n"


def test_a_program_that_catches_the_interrupt_goes_on_until_it_ends(board: Board) -> None:
    """The limit stops a run once, as the ■ button does: what the program does then is its
    own (the kernel's wall-time limit and the CPU limit still hold)."""
    limit(board, 1)
    result = board.run(
        "from microbit import *\ntry:\n    sleep(5000)\nexcept KeyboardInterrupt:\n"
        "    print('attrapé', running_time())\nsleep(5000)\nprint('suite', running_time())\n"
    )

    caught, then = (line.split() for line in result.stdout.decode().splitlines()[-2:])
    assert caught[0] == "attrapé" and 1_000 <= int(caught[1]) < 1_500
    assert then == ["suite", str(int(caught[1]) + 5_000)]


@pytest.mark.parametrize("seconds", [0, -3, "trente", None, float("inf")])
def test_without_a_limit_that_reads_nothing_is_limited(board: Board, seconds: object) -> None:
    if seconds is not None:
        limit(board, seconds)

    result = board.run("from microbit import *\nsleep(600_000)\nprint(running_time())")

    assert 600_000 <= int(result.stdout) < 600_500


def test_a_board_someone_watches_is_not_limited(board: Board) -> None:
    """Paced to wall time (the simulator view sets a speed), a pupil's endless loop runs until
    ■, as on a board: the limit is for boards that run as fast as they can, unwatched."""
    limit(board, 1)
    assert board.sim is not None
    board.sim.send_input({"kind": "speed", "factor": 100})
    board.sim.sync_events()

    result = board.run("from microbit import *\nsleep(3000)\nprint(running_time())")

    assert 3_000 <= int(result.stdout) < 3_500
