"""The workshop widget's model, driven as its view drives it (the `{"action": ...}` messages its
buttons send), on simulated boards; and the fallback of a row whose board will not connect."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernels.widgets.workshop import WorkshopTable, WorkshopView
from tests.helpers.waiting import eventually

PROGRAM = "from microbit import *\ndisplay.show(Image.HEART)\nprint('coucou')\n"


def press(view: WorkshopView, **message: object) -> None:
    """What the browser sends when a button of the view is clicked."""
    view._received(view, message, [])


def states(table: WorkshopTable) -> list[str]:
    return [row["state"] for row in table.view.rows]


@pytest.fixture
def table(tmp_path: Path, french: None):
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM, encoding="utf-8")
    shown = WorkshopTable([("R1", "sim"), ("R2", "sim@v1")], program).start()
    try:
        assert eventually(lambda: states(shown) == ["ready", "ready"], 30)
        yield shown
    finally:
        shown.close()


def test_the_view_starts_with_the_file_and_one_row_per_board(table: WorkshopTable) -> None:
    assert table.view.code == PROGRAM
    assert [row["name"] for row in table.view.rows] == ["R1", "R2"]
    assert [row["state_text"] for row in table.view.rows] == ["prête", "prête"]
    assert table.view.texts["run"] == "Lancer sur toutes les cartes"


def test_run_puts_each_board_output_in_its_own_pane_and_its_leds_in_its_row(
    table: WorkshopTable,
) -> None:
    press(table.view, action="run", code=PROGRAM.replace("coucou", "bonjour"))

    assert eventually(lambda: all(row["lines"] == ["bonjour"] for row in table.view.rows), 20)
    heart_top = [0, 9, 0, 9, 0]
    assert eventually(lambda: all(row["pixels"][:5] == heart_top for row in table.view.rows))
    assert table.view.code.endswith("print('bonjour')\n")  # kept for the next run


def test_stop_and_reset_reach_every_board(table: WorkshopTable) -> None:
    press(table.view, action="run", code="from microbit import sleep\nwhile True:\n    sleep(50)\n")
    assert eventually(lambda: states(table) == ["running", "running"], 10)

    press(table.view, action="stop")
    assert eventually(lambda: states(table) == ["ready", "ready"], 5)
    assert [row["message"] for row in table.view.rows] == ["arrêtée", "arrêtée"]

    press(table.view, action="reset")
    assert eventually(lambda: [r["message"] for r in table.view.rows] == ["remise à zéro"] * 2)


def test_an_empty_program_is_refused_in_french_and_runs_nothing(table: WorkshopTable) -> None:
    table.view.code = ""
    press(table.view, action="run", code="   ")
    assert "programme" in table.view.note
    assert all(row["lines"] == [] for row in table.view.rows)


def test_a_board_that_will_not_connect_can_be_replaced_by_a_simulated_one(french: None) -> None:
    shown = WorkshopTable([("R1", "sim"), ("R4", "serial:/dev/tne-absent")]).start()
    try:
        assert eventually(lambda: states(shown) == ["ready", "lost"], 30)
        assert shown.view.rows[1]["state_text"] == "perdue"

        press(shown.view, action="simulate", row=1)

        assert eventually(lambda: states(shown) == ["ready", "ready"], 30)
        assert shown.view.rows[1]["simulated"] is True
        assert shown.view.rows[1]["name"] == "R4"  # still the table's R4, marked simulated
        press(shown.view, action="run", code="print('relais')")
        assert eventually(lambda: all(r["lines"] == ["relais"] for r in shown.view.rows), 20)
    finally:
        shown.close()
