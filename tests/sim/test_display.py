"""`display.show` and `display.scroll`: the firmware's font, frames and timing, each frame a
`display` event stamped with its simulated instant."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from device_bridge import Board
from device_bridge.sim.display import scroll_frames
from device_bridge.transports.sim import SimTransport
from tests.sim.local import LocalBoard


@pytest.fixture
def board() -> LocalBoard:
    board = LocalBoard("v2")
    board.run("from microbit import *")
    return board


def row(board: LocalBoard, y: int) -> str:
    return board.run(f"print(''.join(str(display.get_pixel(x, {y})) for x in range(5)))").strip()


def test_a_character_is_drawn_with_the_font_at_once(board: LocalBoard) -> None:
    board.run("t = running_time()\ndisplay.show('A')\nd = running_time() - t")
    assert [row(board, y) for y in range(5)] == ["09900", "90090", "99990", "90090", "90090"]
    # No animation: only the call's own work, under a millisecond (it may cross one tick).
    assert int(board.run("print(d)")) <= 1
    assert board.of_kind("display")[-1]["pixels"] == "09900:90090:99990:90090:90090"


def test_text_shows_each_character_for_delay_ms_then_clears_if_asked(board: LocalBoard) -> None:
    board.run("t = running_time()\ndisplay.show('Hello', 100, clear=True)\nd = running_time() - t")
    assert 500 <= int(board.run("print(d)")) <= 501
    frames = board.of_kind("display")
    assert [f["pixels"] for f in frames][-1] == "00000:00000:00000:00000:00000"
    shown = frames[-6:-1]
    assert [round(b["t"] - a["t"]) for a, b in zip(shown, shown[1:], strict=False)] == [100] * 4


def test_scroll_takes_the_firmwares_number_of_column_steps(board: LocalBoard) -> None:
    # H: 4 columns and a gap; i: 2 columns (its blank first column skipped) and a gap; 4 more.
    assert len(list(scroll_frames("Hi"))) == 12
    assert len(list(scroll_frames("Hi", monospace=True))) == 16
    assert len(list(scroll_frames(""))) == 5
    board.run("t = running_time()\ndisplay.scroll('Hi')\nd = running_time() - t")
    assert 1800 <= int(board.run("print(d)")) <= 1801
    assert row(board, 2) == "00000"


def test_scroll_without_waiting_goes_on_in_simulated_time(board: LocalBoard) -> None:
    board.run(
        "t = running_time()\ndisplay.scroll('ABCDEFGH', 20, wait=False)\nd = running_time() - t"
    )
    assert int(board.run("print(d)")) <= 1  # the call's own work only (it may cross one tick)
    board.run("sleep(100)")
    # six steps so far: A's four columns, the gap, B's first column
    assert row(board, 2) == "99909"
    board.run("sleep(10000)")
    assert row(board, 2) == "00000"
    times = [event["t"] for event in board.of_kind("display")]
    assert times == sorted(times)


def test_a_new_show_stops_the_animation_in_the_background(board: LocalBoard) -> None:
    board.run("display.scroll('ABCDEFGH', 20, wait=False)\nsleep(30)\ndisplay.show(Image.HEART)")
    board.run("sleep(1000)")
    assert board.of_kind("display")[-1]["pixels"] == "09090:99999:99999:09990:00900"


def test_show_of_images_numbers_and_bad_values(board: LocalBoard) -> None:
    board.run("display.show([Image.HEART, 'B'], delay=50)")
    assert board.of_kind("display")[-1]["pixels"] == "99900:90090:99900:90090:99900"
    board.run("display.show(7)")
    assert row(board, 0) == "99999"
    assert board.error_line("display.show(None)") == "TypeError: not an image."
    assert board.error_line("display.get_pixel(5, 0)") == "ValueError: index out of bounds"
    assert board.error_line("display.set_pixel(0, 0, 10)") == "ValueError: brightness out of bounds"


def test_an_endless_animation_stops_on_ctrl_c_and_the_board_lives_on() -> None:
    with Board.connect("sim") as sim:
        threading.Timer(0.5, sim.repl.interrupt).start()
        started = time.monotonic()
        result = sim.run("from microbit import *\ndisplay.scroll('hop', loop=True)", timeout=10)
        assert time.monotonic() - started < 5
        assert b"KeyboardInterrupt" in result.stderr
        assert sim.eval("6 * 7") == 42


@pytest.fixture
def sim() -> Iterator[tuple[Board, SimTransport]]:
    with Board.connect("sim") as board:
        transport = board.transport
        assert isinstance(transport, SimTransport)
        assert transport.sync_events()
        yield board, transport


def test_each_scrolled_frame_reaches_the_side_channel_with_its_instant(sim) -> None:
    board, transport = sim
    events: list[dict] = []
    transport.subscribe(events.append)
    board.exec("from microbit import *\ndisplay.scroll('Hi', 100)")
    assert transport.sync_events()
    frames = [e for e in events if e["kind"] == "display"]
    assert len(frames) == 12
    assert frames[0]["text"] == "Hi"
    steps = {round(b["t"] - a["t"]) for a, b in zip(frames, frames[1:], strict=False)}
    assert steps == {100}
