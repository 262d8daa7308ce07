"""End to end: `tne lab` serves JupyterLab in French on the first lesson, and a real headless
Chromium (Debian's `chromium`, driven by Playwright through `executable_path`; never a browser
Playwright downloads) runs the lesson's first cell and micro:bit cells on the simulator, sees
their output and the LED widget, and stops a `while True:` loop with the toolbar's Stop button;
then, in Notebook 7 on the same kernel, shows the simulator view and clicks its button A.

Without chromium or playwright the test skips on a developer's machine and fails with CI=true
(scripts/setup.sh installs both). A screenshot of the page is kept in the test's temporary
folder when it fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.helpers.lab import Lab

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEP_TIMEOUT = 30_000  # ms, for Playwright


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"needs {CHROMIUM} (Debian package chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("needs playwright (pip package)")


#: The cells of this test's own notebook.
SOURCES = [
    "from microbit import *\ndisplay.show(Image.HEART)\nprint('bonjour e2e')",
    "while True:\n    sleep(10)",
    "%%host\nfrom kernels.widgets import show_simulator\nshow_simulator()",
    "print('A pressé :', button_a.was_pressed())",
]


def write_notebook(path: Path, sources: list[str] = SOURCES) -> None:
    """A micro:bit notebook of these code cells (format 4, written as JSON: nbformat's import
    alone costs seconds)."""
    cells = [
        {
            "cell_type": "code",
            "id": f"c{number}",
            "metadata": {},
            "source": source,
            "outputs": [],
            "execution_count": None,
        }
        for number, source in enumerate(sources)
    ]
    kernelspec = {"name": "tne-microbit", "display_name": "micro:bit (MicroPython)"}
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": cells,
        "metadata": {"kernelspec": {**kernelspec, "language": "python"}},
    }
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    require_browser()
    write_notebook(tmp_path / "e2e.ipynb")
    server = Lab(tmp_path, "--device", "sim")
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def browser_page(lab: Lab, folder: Path) -> Iterator:
    """A page of Debian's Chromium (Playwright through `executable_path`); on failure, a
    screenshot in `folder` and the end of the lab's log are kept for the report."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(STEP_TIMEOUT)
        try:
            yield page
        except BaseException:
            page.screenshot(path=str(folder / "echec.png"), full_page=True)
            print("screenshot:", folder / "echec.png", "\n", "".join(lab.log[-40:]))
            raise
        finally:
            browser.close()


def run_cell(page, cell) -> None:
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def test_lab_in_french_runs_a_cell_on_the_simulator_and_stops_a_loop(
    lab: Lab, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT)

    lesson = tmp_path / "afficher-et-defiler.ipynb"  # the first lesson, written for the pupil
    assert "### BEGIN SOLUTION" not in lesson.read_text(encoding="utf-8")
    with browser_page(lab, tmp_path) as page:
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        page.goto(lab.url(""))  # redirected to where `tne lab` opens: the lesson
        expect(page.get_by_role("menuitem", name="Fichier", exact=True)).to_be_visible()
        status = page.locator(".jp-StatusBar-Widget", has_text="micro:bit (MicroPython)")
        expect(status.first).to_contain_text("Inactif")  # the kernel is up, in French
        expect(page.locator(".jp-Notebook").first).to_contain_text("Afficher et faire défiler")
        heart = page.locator(".jp-Notebook .jp-CodeCell").first  # the lesson's first cell
        run_cell(page, heart)
        expect(heart.locator(".tne-leds")).to_have_attribute("data-lit", "16")
        expect(heart.locator(".tne-device")).to_contain_text("sim")
        expect(idle).to_have_count(1)

        page.goto(lab.url("lab/tree/e2e.ipynb") + "&reset")  # this notebook alone on the page
        expect(status.first).to_contain_text("Inactif")

        cells = page.locator(".jp-Notebook .jp-CodeCell")
        run_cell(page, cells.nth(0))
        outputs = cells.nth(0).locator(".jp-OutputArea")
        expect(outputs).to_contain_text("bonjour e2e")
        expect(outputs.locator(".tne-leds")).to_have_attribute("data-lit", "16")
        expect(outputs.locator(".tne-device")).to_contain_text("sim")
        run_cell(page, cells.nth(0))  # run again: the dashboard comes back with its output
        expect(cells.nth(0).locator(".jp-InputPrompt")).to_contain_text("[2]")
        expect(outputs.locator(".tne-leds")).to_have_attribute("data-lit", "16")
        expect(outputs).to_contain_text("bonjour e2e")

        run_cell(page, cells.nth(1))
        expect(cells.nth(1).locator(".jp-InputPrompt")).to_contain_text("*")
        time.sleep(1.0)  # the loop runs on the board
        page.locator("[data-command='notebook:interrupt-kernel']").first.click()
        expect(cells.nth(1).locator(".jp-OutputArea")).to_contain_text("KeyboardInterrupt")
        expect(cells.nth(1).locator(".jp-InputPrompt")).not_to_contain_text("*")
        expect(idle).to_have_count(1)

        # The same kernel in Notebook 7: the simulator view, and a click on its button A.
        page.goto(lab.url("notebooks/e2e.ipynb"))
        expect(idle).to_have_count(1)
        cells = page.locator(".jp-Notebook .jp-CodeCell")
        run_cell(page, cells.nth(2))
        simulator = cells.nth(2).locator(".tne-simulator")
        expect(simulator.locator(".tne-leds")).to_have_attribute("data-lit", "16")
        simulator.locator(".tne-sim-button-a").click()
        run_cell(page, cells.nth(3))
        expect(cells.nth(3).locator(".jp-OutputArea")).to_contain_text("A pressé : True")
