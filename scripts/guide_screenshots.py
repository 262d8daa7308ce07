"""Take the pictures of the teachers' guide from the real thing, and write them where the pages
find them (teacher_guides/images/). Re-run it after a change to `tne lab`, the notebook or the
widgets; the tests fail when a page refers to a picture that is missing.

It starts `tne lab` as a teacher does (no board plugged in, so the cells run on the simulated
micro:bit), drives JupyterLab in Debian's Chromium through Playwright, runs the first cell of
the lesson `tne lab` opens and the examples the quick start has the teacher copy from the
guide's page « Le noyau micro:bit en détail » (read from that page, in a notebook of their
own), and photographs them; the terminal picture shows what `tne lab` really printed.

    python3 scripts/guide_screenshots.py [--out FOLDER]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.e2e.test_lab_chromium import CHROMIUM, CHROMIUM_ARGS, write_notebook  # noqa: E402
from tests.helpers.lab import Lab  # noqa: E402

IMAGES = PROJECT / "teacher_guides" / "images"
#: The guide's page whose examples the quick start copies, and the notebook they go in here.
KERNEL_PAGE = PROJECT / "teacher_guides" / "noyau-microbit.md"
TRIALS = "essais.ipynb"
STEP_TIMEOUT = 60_000  # ms: the first cell waits for the simulated board to start
#: The pictures this script writes; the pages use them.
PICTURES = (
    "terminal-tne-lab.png",
    "jupyterlab-premiere-lecon.png",
    "premiere-cellule.png",
    "arreter-un-programme.png",
    "simulateur.png",
)
#: The lesson's first code cell (the heart); then the trial notebook's cells, in order: the
#: endless loop, then the simulator's three examples.
HEART = 0
LOOP, CONNECT_SIM, SHOW_SIMULATOR, BUTTONS = 0, 1, 2, 3
#: (section of the page, how many of its Python examples) making the trial notebook.
EXAMPLES = (("Arrêter un programme", 1), ("Le simulateur", 3))
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
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
                    notebook(browser, lab, folder, out, expect)
                finally:
                    browser.close()
        finally:
            lab.stop()
    return [out / name for name in PICTURES]


def page_examples(page: Path) -> list[str]:
    """The Python examples of the page's sections named in EXAMPLES, in order."""
    sections = re.split(r"^## ", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    found = []
    for title, count in EXAMPLES:
        [section] = [part for part in sections if part.startswith(title)]
        blocks = [block.strip() for block in FENCE.findall(section)]
        assert len(blocks) == count, (title, blocks)
        found += blocks
    return found


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


def notebook(browser, lab: Lab, folder: Path, out: Path, expect) -> None:  # noqa: ANN001 - Playwright's
    page = browser.new_page(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    page.set_default_timeout(STEP_TIMEOUT)
    page.goto(lab.url(""))  # the server redirects to tne lab's default page: the first lesson
    status = page.locator(".jp-StatusBar-Widget", has_text="micro:bit (MicroPython)")
    expect(status.first).to_contain_text("Inactif")
    expect(page.locator(".jp-Notebook").first).to_contain_text("Afficher et faire défiler")
    page.screenshot(path=str(out / "jupyterlab-premiere-lecon.png"))

    cells = page.locator(".jp-Notebook .jp-CodeCell")
    run(page, cells.nth(HEART))
    output = cells.nth(HEART).locator(".jp-OutputArea")
    expect(output.locator(".tne-leds")).to_have_attribute("data-lit", "16")  # the heart
    cells.nth(HEART).screenshot(path=str(out / "premiere-cellule.png"))

    write_notebook(folder / TRIALS, page_examples(KERNEL_PAGE))  # after the lesson's picture
    page.goto(lab.url("lab/tree/" + TRIALS) + "&reset")  # this notebook alone on the page
    expect(status.first).to_contain_text("Inactif")

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
