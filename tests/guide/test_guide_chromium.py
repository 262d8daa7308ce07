"""The built guide in a real headless Chromium (Debian's, through Playwright), opened from disk
as `tne guide` opens it: the search finds a word of the glossary without any server or network,
no request leaves the disk, and the printed page keeps the text and drops the menus.

Every request that is not `file://` is refused and recorded, so a page that needed the network
(a web font, a script on a CDN) fails the test instead of passing on a connected machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_lab_chromium import CHROMIUM, CHROMIUM_ARGS, require_browser
from tne.cli.guide_site import GuideSources, build

STEP_TIMEOUT = 20_000  # ms


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("guide") / "site"
    build(GuideSources.of_project(), folder, strict=True)
    return folder


def test_search_and_print_work_from_disk_without_network(site: Path, tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    outside: list[str] = []

    def only_disk(route) -> None:  # noqa: ANN001 - Playwright's Route
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(STEP_TIMEOUT)
        page.route("**/*", only_disk)
        try:
            page.goto((site / "index.html").as_uri())
            expect(page.locator("h1")).to_have_text("Guide tne-robotique")

            page.get_by_role("textbox", name="Rechercher").click()
            page.keyboard.type("micrologiciel")
            result = page.locator(".md-search-result__link").first
            expect(result).to_be_visible()
            assert "glossaire.html" in (result.get_attribute("href") or "")
            page.screenshot(path=str(tmp_path / "recherche.png"))

            page.goto((site / "animer-une-seance.html").as_uri())
            page.emulate_media(media="print")
            expect(page.locator(".md-sidebar--primary")).to_be_hidden()
            expect(page.locator(".md-header")).to_be_hidden()
            expect(page.get_by_role("heading", name="Quand une carte se bloque")).to_be_visible()
            pdf = page.pdf(path=str(tmp_path / "seance.pdf"), format="A4")
            assert pdf.startswith(b"%PDF")
        except Exception:
            page.screenshot(path=str(tmp_path / "echec.png"), full_page=True)
            print("screenshot:", tmp_path / "echec.png")
            raise
        finally:
            browser.close()
    assert not outside, outside
