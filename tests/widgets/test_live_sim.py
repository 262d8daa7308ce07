"""The widgets on a real simulated board (`Board.connect("sim")`, its side channel): the LED
mirror follows `display` events, printed numbers reach the plotter, the simulator view's
clicks, tilts and speed reach the board. Widgets run without a browser here (ipywidgets opens
no comm outside a kernel); the browser side is tests/e2e/test_lab_chromium.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.sim.pictures import PATH_COLOUR
from kernels.widgets.live import LiveWidgets, tilt_input
from tests.helpers.waiting import eventually

HEART = [int(c) for c in "0909099999999990999000900"]


class KernelSide:
    """What the widgets read of the kernel (contract in kernels/microbit/live.py): its board,
    and ipykernel's `get_parent` for the request's metadata."""

    def __init__(self, board: Board | None) -> None:
        self.board = board
        self.cell: str | None = None  # the notebook cell of the request (JupyterLab's cellId)

    def get_parent(self, channel: str) -> dict:
        return {"metadata": {"cellId": self.cell} if self.cell else {}}


@pytest.fixture
def live(sim: Board) -> LiveWidgets:
    widgets = LiveWidgets(KernelSide(sim))
    widgets.on_connection(sim.label, True)
    return widgets


def click(view, name: str) -> None:
    """What the simulator view's module sends for a click (pointer down, then up)."""
    for pressed in (True, False):
        view._received(view, {"action": "button", "name": name, "pressed": pressed}, [])


def test_the_led_mirror_and_the_simulator_view_follow_the_display(
    sim: Board, live: LiveWidgets
) -> None:
    leds, view = live.leds, live.simulator
    live.on_cell_start = lambda: None  # no notebook to display into
    sim.exec("from microbit import *\ndisplay.show(Image.HEART)")
    live.on_cell_end(True)
    assert eventually(lambda: leds.pixels == HEART and view.pixels == HEART)
    sim.exec("display.set_pixel(0, 0, 3)\ndisplay.set_pixel(1, 0, 0)")
    live.on_cell_end(True)
    assert eventually(lambda: leds.pixels[:2] == [3, 0])
    assert view.available


def test_the_panel_says_which_board_and_whether_it_is_connected(
    sim: Board, live: LiveWidgets
) -> None:
    panel = live.panel
    assert panel.connected and "sim" in panel.label
    live.on_connection(sim.label, False)
    assert not panel.connected and not live.simulator.available


def test_printed_numbers_reach_the_plotter_and_its_export(
    sim: Board, live: LiveWidgets, tmp_path: Path
) -> None:
    result = sim.exec("for i in range(3):\n    print('mesure:', i * 1.5)")
    live.on_output(result.stdout.decode(), "stdout")
    live.on_output("Traceback: 99\n", "stderr")  # errors are not data
    live.on_cell_end(True)
    assert eventually(lambda: live.plotter.data["x"] == [1, 2, 3])
    path = live.export(tmp_path)
    assert path is not None and path.parent == tmp_path
    assert path.read_bytes().decode("utf-8-sig").splitlines() == [
        "ligne;mesure",
        "1;0,0",
        "2;1,5",
        "3;3,0",
    ]
    assert path.name in live.plotter.status and str(tmp_path) in live.plotter.status


def test_export_with_nothing_printed_says_so(live: LiveWidgets, tmp_path: Path) -> None:
    assert live.export(tmp_path) is None
    assert "Rien à exporter" in live.plotter.status
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_folder_that_cannot_be_written_says_so(
    live: LiveWidgets, tmp_path: Path
) -> None:
    live.on_output("1 2\n", "stdout")
    assert live.export(tmp_path / "absent") is None
    assert "Impossible d'écrire" in live.plotter.status


def test_the_simulator_views_speed_holds_the_board_to_wall_time(
    sim: Board, live: LiveWidgets
) -> None:
    live.simulator.speed = 2.0
    start = time.monotonic()
    sim.exec("from microbit import sleep\nsleep(800)")
    assert time.monotonic() - start >= 0.35
    live.simulator.speed = 0.0
    start = time.monotonic()
    sim.exec("sleep(10000)")
    assert time.monotonic() - start < 2.5  # paced at x2, it would take 5 s


def test_a_click_on_button_a_reaches_the_board(sim: Board, live: LiveWidgets) -> None:
    click(live.simulator, "a")
    assert sim.eval("__import__('microbit').button_a.was_pressed()") is True
    assert sim.eval("__import__('microbit').button_b.was_pressed()") is False


def test_the_tilt_sliders_reach_the_accelerometer(sim: Board, live: LiveWidgets) -> None:
    live.simulator.tilt_x = 512
    assert sim.eval("__import__('microbit').accelerometer.get_x()") == 512


def test_tilt_keeps_gravity_on_the_three_axes() -> None:
    assert tilt_input(0, 0) == {"kind": "accelerometer", "x": 0, "y": 0, "z": -1024}
    tilted = tilt_input(5000, -300)
    assert tilted["x"] == 1024 and tilted["y"] == -300 and tilted["z"] == 0


def test_clicks_without_a_simulated_board_go_nowhere() -> None:
    live = LiveWidgets(KernelSide(None))
    live.on_connection(None, False)
    click(live.simulator, "a")  # nothing raised, nothing sent
    assert not live.simulator.available


def test_the_simulator_view_draws_the_robots_world_and_the_path_of_the_cell() -> None:
    with Board.connect("sim:maqueen") as robot:
        live = LiveWidgets(KernelSide(robot))
        live.dashboard_shown = True  # no notebook to display into
        live.on_connection(robot.label, True)
        view = live.simulator
        assert eventually(lambda: view.picture.lstrip().startswith("<?xml"))
        live.on_cell_start()
        robot.exec(
            "import maqueen\nfrom microbit import sleep\n"
            "maqueen.motor_run(150, 150)\nsleep(1000)\nmaqueen.motor_stop()"
        )
        live.on_cell_end(True)
        # The robot's path is the unfilled polyline in the path's colour (the legend has a line in
        # that colour too, so the colour alone proves nothing); its poses may come after the cell.
        assert eventually(lambda: f"fill='none' stroke='{PATH_COLOUR}'" in view.picture)
        picture = view.picture
        live.on_cell_start()  # the next cell starts from where the robot stands
        assert live._picture is not None and len(live._picture._events) == 1
        assert picture.count("<svg") == 1


def test_a_bare_simulated_micro_bit_has_no_world_picture(live: LiveWidgets) -> None:
    assert live.simulator.picture == ""


def test_the_dashboard_comes_back_when_its_cell_runs_again(
    sim: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *objects: shown.extend(objects))
    kernel = KernelSide(sim)
    live = LiveWidgets(kernel)
    for cell in ("first", "second", "first"):  # a cell run again loses its output
        kernel.cell = cell
        live.on_cell_start()
    assert len(shown) == 2 and shown[0] is shown[1]
    kernel.cell = None  # a front end that does not name its cells: shown once
    live.on_cell_start()
    assert len(shown) == 2


def test_showing_the_simulator_view_makes_the_board_keep_to_real_time(
    sim: Board, live: LiveWidgets, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("IPython.display.display", lambda *objects: None)
    start = time.monotonic()
    sim.exec("from microbit import sleep\nsleep(2000)")
    assert time.monotonic() - start < 1.0  # nobody watches: as fast as it can
    live.show_simulator()  # its speed is x1
    start = time.monotonic()
    sim.exec("sleep(400)")
    assert time.monotonic() - start >= 0.35
