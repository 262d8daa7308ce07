"""Take the pictures of the teachers' guide from the real thing, and write them where the pages
find them (teacher_guides/images/). Re-run it after a change to `tne lab`, the notebook or the
widgets; the tests fail when a page refers to a picture that is missing.

It starts `tne lab` as a teacher does (no board plugged in, so the cells run on the simulated
micro:bit), drives JupyterLab in Debian's Chromium through Playwright, runs the cells of
« Premiers pas » that the quick start describes, and photographs them; the terminal picture
shows what `tne lab` really printed.

    python3 scripts/guide_screenshots.py [--out FOLDER]
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.e2e.test_lab_chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.helpers.lab import Lab  # noqa: E402

IMAGES = PROJECT / "teacher_guides" / "images"
NOTEBOOK = "Premiers pas.ipynb"
STEP_TIMEOUT = 60_000  # ms: the first cell waits for the simulated board to start
#: The pictures this script writes; the pages use them.
PICTURES = (
    "terminal-tne-lab.png",
    "jupyterlab-premiers-pas.png",
    "premiere-cellule.png",
    "arreter-un-programme.png",
    "simulateur.png",
)
#: The code cells of « Premiers pas » the pictures need, by their position among code cells.
HEART, LOOP, CONNECT_SIM, SHOW_SIMULATOR, BUTTONS = 0, 2, 9, 10, 11
TERMINAL_PAGE = """<!doctype html><meta charset="utf-8">
<style>body {{ margin: 0; background: #fff; }}
pre {{ display: inline-block; margin: 0; padding: 14px 18px; background: #1e1e1e; color: #e6e6e6;
font: 15px/1.45 "DejaVu Sans Mono", monospace; white-space: pre-wrap; width: 900px; }}
.prompt {{ color: #8ae234; }}</style>
<pre><span class="prompt">$</span> {command}
{output}</pre>"""


def take(out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tne-guide-") as home:
        # Laid out as the default folder is (tne-robotique in the Documents), so that the
        # terminal picture shows the path a teacher will see, with `~` for the home folder.
        folder = Path(home) / "Documents" / "tne-robotique"
        folder.mkdir(parents=True)
        lab = Lab(folder)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    terminal(browser, lab, Path(home), out / "terminal-tne-lab.png")
                    notebook(browser, lab, out, expect)
                finally:
                    browser.close()
        finally:
            lab.stop()
    return [out / name for name in PICTURES]


def terminal(browser, lab: Lab, home: Path, path: Path) -> None:  # noqa: ANN001 - Playwright's
    """What `tne lab` printed before JupyterLab's own log (whose lines start with `[`)."""
    ours = []
    for line in lab.output().splitlines():
        if line.startswith("["):
            break
        ours.append(line.rstrip().replace(str(home), "~"))
    page = browser.new_page(viewport={"width": 960, "height": 300}, device_scale_factor=1)
    page.set_content(TERMINAL_PAGE.format(command="tne lab", output=html.escape("\n".join(ours))))
    page.locator("pre").screenshot(path=str(path))
    page.close()


def notebook(browser, lab: Lab, out: Path, expect) -> None:  # noqa: ANN001 - Playwright's
    page = browser.new_page(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    page.set_default_timeout(STEP_TIMEOUT)
    page.goto(lab.url("lab/tree/" + NOTEBOOK.replace(" ", "%20")))
    status = page.locator(".jp-StatusBar-Widget", has_text="micro:bit (MicroPython)")
    expect(status.first).to_contain_text("Inactif")
    page.screenshot(path=str(out / "jupyterlab-premiers-pas.png"))

    cells = page.locator(".jp-Notebook .jp-CodeCell")
    run(page, cells.nth(HEART))
    output = cells.nth(HEART).locator(".jp-OutputArea")
    expect(output).to_contain_text("Bonjour depuis le micro:bit")
    expect(output.locator(".tne-leds")).not_to_have_attribute("data-lit", "0")
    cells.nth(HEART).screenshot(path=str(out / "premiere-cellule.png"))

    run(page, cells.nth(LOOP))
    time.sleep(1.5)  # the faces alternate on the board
    page.locator("[data-command='notebook:interrupt-kernel']").first.click()
    expect(cells.nth(LOOP).locator(".jp-OutputArea")).to_contain_text("KeyboardInterrupt")
    cells.nth(LOOP).screenshot(path=str(out / "arreter-un-programme.png"))

    run(page, cells.nth(CONNECT_SIM))
    expect(cells.nth(CONNECT_SIM).locator(".jp-InputPrompt")).not_to_contain_text("*")
    run(page, cells.nth(SHOW_SIMULATOR))
    simulator = cells.nth(SHOW_SIMULATOR).locator(".tne-simulator")
    expect(simulator).to_be_visible()
    run(page, cells.nth(BUTTONS))
    time.sleep(1.0)
    simulator.locator(".tne-sim-button-a").click()
    expect(simulator.locator(".tne-leds")).not_to_have_attribute("data-lit", "0")
    time.sleep(0.5)  # the tick is drawn
    simulator.screenshot(path=str(out / "simulateur.png"))
    page.locator("[data-command='notebook:interrupt-kernel']").first.click()
    expect(cells.nth(BUTTONS).locator(".jp-OutputArea")).to_contain_text("KeyboardInterrupt")
    page.close()


def run(page, cell) -> None:  # noqa: ANN001 - Playwright's Page and Locator
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder of the pictures")
    for picture in take(parser.parse_args().out):
        print(picture)


if __name__ == "__main__":
    main()
