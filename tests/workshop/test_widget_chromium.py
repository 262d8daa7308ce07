"""The workshop widget in JupyterLab, in a real headless Chromium: `show_workshop()` from a
`%%host` cell shows one card per board of the table (two simulated boards here), and its
buttons run the program on both, each board's output in its own pane, and stop them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_lab_chromium import STEP_TIMEOUT, browser_page, require_browser, run_cell
from tests.helpers.lab import Lab

PROGRAM = "from microbit import *\ndisplay.show(Image.HEART)\nprint('bonjour atelier')\n"
CELL = "%%host\nfrom kernels.widgets import show_workshop\ntable = show_workshop(file='prog.py')"


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    require_browser()
    monkeypatch.setenv("TNE_EXTRA_DEVICES", "sim,sim@v1")
    monkeypatch.setenv("TNE_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "prog.py").write_text(PROGRAM, encoding="utf-8")
    cell = {
        "cell_type": "code",
        "id": "c0",
        "metadata": {},
        "source": CELL,
        "outputs": [],
        "execution_count": None,
    }
    kernelspec = {"name": "tne-microbit", "display_name": "micro:bit (MicroPython)"}
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": [cell],
        "metadata": {"kernelspec": {**kernelspec, "language": "python"}},
    }
    (tmp_path / "atelier.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    server = Lab(tmp_path, "--device", "sim")
    try:
        yield server
    finally:
        server.stop()


def test_the_workshop_widget_runs_and_stops_every_board_from_its_buttons(
    lab: Lab, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT)
    with browser_page(lab, tmp_path) as page:
        page.goto(lab.url("lab/tree/atelier.ipynb"))
        status = page.locator(".jp-StatusBar-Widget", has_text="micro:bit (MicroPython)")
        expect(status.first).to_contain_text("Inactif")
        cell = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").nth(0)
        run_cell(page, cell)

        widget = cell.locator(".tne-workshop")
        rows = widget.locator(".tne-workshop-row")
        expect(rows).to_have_count(2)
        expect(widget.locator(".tne-workshop-row[data-state='ready']")).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("sim@v2")
        expect(rows.nth(1)).to_contain_text("sim@v1")

        widget.get_by_role("button", name="Lancer sur toutes les cartes").click()
        for index in range(2):
            expect(rows.nth(index).locator(".tne-row-output")).to_have_text("bonjour atelier")
            expect(rows.nth(index).locator(".tne-leds")).to_have_attribute("data-lit", "16")

        code = widget.locator(".tne-workshop-code")
        code.fill("from microbit import sleep\nwhile True:\n    sleep(50)\n")
        widget.get_by_role("button", name="Lancer sur toutes les cartes").click()
        expect(widget.locator(".tne-workshop-row[data-state='running']")).to_have_count(2)
        widget.get_by_role("button", name="Tout arrêter").click()
        expect(widget.locator(".tne-workshop-row[data-state='ready']")).to_have_count(2)
        expect(rows.nth(0).locator(".tne-row-state")).to_contain_text("arrêtée")
