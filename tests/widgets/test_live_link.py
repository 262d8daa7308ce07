"""The widgets with the kernel's real `BoardLink` (the board on one worker thread): the LED
mirror of a real micro:bit (the emulated one, QEMU) read after each cell, and the panel's
Reconnect button."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from device_bridge import Board
from kernels.microbit.link import BoardLink
from kernels.widgets.live import LiveWidgets
from tests.helpers.waiting import eventually

HEART = [int(c) for c in "0909099999999990999000900"]


class KernelSide:
    """What the widgets use of the kernel (contract in kernels/microbit/live.py): `link` and
    `board`, the link's current board."""

    def __init__(self) -> None:
        self.live = LiveWidgets(self)
        self.live.dashboard_shown = True  # no notebook to display into
        self.link = BoardLink(on_connection=self.live.on_connection)

    @property
    def board(self) -> Board | None:
        return self.link.board


@pytest.fixture
def kernel() -> Iterator[KernelSide]:
    side = KernelSide()
    try:
        yield side
    finally:
        side.link.close()


def test_the_mirror_reads_a_real_micro_bits_leds_after_each_cell(
    kernel: KernelSide, board: Board
) -> None:
    kernel.link.submit(kernel.link.attach, board).result(10)
    panel = kernel.live.panel
    assert panel.connected and "lues sur la carte après chaque cellule" in panel.note
    kernel.link.submit(board.exec, "from microbit import *\ndisplay.show(Image.HEART)").result(10)
    kernel.live.on_cell_end(True)
    assert eventually(lambda: kernel.live.leds.pixels == HEART)
    # Nothing of the mirror's is left in the pupil's namespace.
    assert kernel.link.submit(board.eval, "'_tne_d' in dir()").result(10) is False


def test_reconnect_connects_again_to_the_address_asked_last(kernel: KernelSide) -> None:
    kernel.link.submit(kernel.link.connect, "sim").result(30)
    first = kernel.board
    panel = kernel.live.panel
    panel._received(panel, {"action": "reconnect"}, [])
    assert eventually(lambda: kernel.board is not None and kernel.board is not first, 30)
    assert eventually(lambda: panel.connected and "sim" in panel.label)
    assert panel.note == ""  # the simulator was asked for: nothing to explain


def test_reconnect_to_a_board_that_is_gone_says_why_in_the_panel(kernel: KernelSide) -> None:
    kernel.link.address = "serial:/dev/ttyACM-absent"
    panel = kernel.live.panel
    panel._received(panel, {"action": "reconnect"}, [])
    assert eventually(lambda: panel.note not in ("", "Connexion…"))
    assert not panel.connected and "ttyACM-absent" in panel.note


def test_cells_run_one_after_the_other_do_not_wait_for_the_led_read(
    kernel: KernelSide, board: Board
) -> None:
    kernel.link.submit(kernel.link.attach, board).result(10)
    kernel.link.submit(board.exec, "from microbit import *\ndisplay.show(Image.HEART)").result(10)
    kernel.live.on_cell_end(True)
    kernel.live.on_cell_start()  # the next cell of "run all", at once: no read is queued
    time.sleep(0.6)
    assert kernel.live.leds.pixels == [0] * 25
    kernel.live.on_cell_end(True)  # then the notebook is quiet: the LEDs are read
    assert eventually(lambda: kernel.live.leds.pixels == HEART)
