"""`Board` owns its run state: `request_stop()` from any thread, `phase` and `stuck` (the one path
from a Stop button, a Ctrl-C or a workshop's Stop to the board), on the real micro:bit firmware
(QEMU) and on the simulator.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from device_bridge import Board, BoardError
from device_bridge.board import STOP_GRACE
from device_bridge.errors import DeviceNotResponding
from device_bridge.protocol import Phase

STREAMING = "from microbit import sleep\nn = 0\nwhile True:\n print('tour', n)\n n += 1\n sleep(20)"


class StopLater:
    """`board.request_stop()` from another thread after `delay`."""

    def __init__(self, board: Board, delay: float) -> None:
        self._answers: list[bool] = []
        self._timer = threading.Timer(delay, lambda: self._answers.append(board.request_stop()))
        self._timer.daemon = True
        self._timer.start()

    def answers(self) -> list[bool]:
        """What `request_stop` answered, once it has returned: the stopped run may end on the
        main thread before the stopping thread records its answer."""
        self._timer.join(timeout=10)
        return self._answers


def stop_later(board: Board, delay: float) -> StopLater:
    return StopLater(board, delay)


def test_a_stop_from_another_thread_ends_a_streaming_program_and_the_board_answers_at_once(
    any_board: Board,
) -> None:
    chunks = any_board.stream(STREAMING)
    received = b""
    while b"tour 3" not in received:  # a chunk is whatever has arrived: maybe a part of a line
        received += next(chunks)
    stop = stop_later(any_board, 0.0)

    with pytest.raises(BoardError) as caught:
        for chunk in chunks:
            received += chunk

    assert stop.answers() == [True]
    assert caught.value.exception_name == "KeyboardInterrupt"
    assert any_board.phase == Phase.IDLE and not any_board.stuck
    start = time.monotonic()
    assert any_board.eval("6 * 7") == 42
    assert time.monotonic() - start < 1.0


def test_a_stop_with_nothing_running_says_so_and_sends_nothing(any_board: Board) -> None:
    assert any_board.request_stop() is False
    assert any_board.eval("1 + 1") == 2


def test_a_stop_ends_a_silent_endless_loop_run_without_a_time_limit(any_board: Board) -> None:
    stop = stop_later(any_board, 0.5)
    start = time.monotonic()

    result = any_board.run("while True:\n pass", timeout=None)

    assert stop.answers() == [True]
    assert b"KeyboardInterrupt" in result.stderr
    assert time.monotonic() - start < 0.5 + STOP_GRACE
    assert any_board.eval("'encore'") == "encore"


@pytest.mark.qemu
def test_a_stop_that_ctrl_c_cannot_honour_escalates_and_leaves_the_board_marked_stuck(
    board: Board,
) -> None:
    """`temperature()` blocks for ever on the emulated micro:bit and ignores Ctrl-C: the stop
    escalates on the running call's own thread, which ends with the French advice."""
    stop = stop_later(board, 0.5)
    start = time.monotonic()

    with pytest.raises(DeviceNotResponding) as caught:
        board.run("from microbit import *\ntemperature()", timeout=None)

    assert stop.answers() == [True]
    assert time.monotonic() - start < 0.5 + STOP_GRACE + 5
    assert "reset" in caught.value.message
    assert board.stuck and board.phase == Phase.STUCK


def test_front_ends_reach_the_board_through_board_only() -> None:
    """The kernel, the CLI and the widgets never reach past `Board` into its protocol or its
    transport, nor probe the simulator's controls by name."""
    root = Path(__file__).resolve().parents[2]
    sources = [*(root / "kernels").rglob("*.py"), *(root / "tne").rglob("*.py")]
    sources.append(root / "device_bridge" / "workshop.py")
    forbidden = (".repl.", ".transport.", '"send_input"', '"subscribe"', '"sync_events"')
    found = [
        f"{path.relative_to(root)}: {word}"
        for path in sources
        for word in forbidden
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []
