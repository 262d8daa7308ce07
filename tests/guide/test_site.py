"""The guide site: built strictly from teacher_guides/ with the real MkDocs, every internal link
and picture present, external links listed (never fetched), nothing loaded from the network,
only commands that exist; and a broken link, a missing picture or a missing anchor each fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
import yaml

from tests.guide.commands import check_pages
from tests.guide.site_links import check_site
from tne.cli.app import app
from tne.cli.guide_site import PROJECT, GuideError, GuideSources, build

AUDIENCE_PAGES = {
    "enseignant.md": "enseignant",
    "formateur-erun.md": "formateur ERUN",
    "coordination-drane.md": "coordinat",
}
#: Tags that load something into the page (a link to click is not one of them).
LOADING = {"img", "script", "link", "source"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide as `tne guide` would show it, built strictly (a warning fails the build)."""
    folder = tmp_path_factory.mktemp("guide") / "site"
    build(GuideSources.of_project(), folder, strict=True)
    return folder


def nav_files(config: Path) -> list[str]:
    def walk(entries: list) -> list[str]:
        found = []
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            found += walk(value) if isinstance(value, list) else [value]
        return found

    return walk(yaml.safe_load(config.read_text(encoding="utf-8"))["nav"])


def test_the_site_has_no_broken_internal_link_and_lists_its_external_ones(site: Path) -> None:
    links = check_site(site)
    assert links.checked > 100  # the pages' links, pictures, styles and scripts were all read
    assert not links.broken, "\n".join(map(str, links.broken))
    print("External links (listed, not fetched):")
    for target in sorted({link.target for link in links.external}):
        print("  ", target)


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    links = check_site(site)
    loaded = [link for link in links.external if link.tag in LOADING]
    assert not loaded, "\n".join(map(str, loaded))
    assert not re.search(r"fonts\.googleapis|unpkg\.com", _all_html(site))
    # Search works from disk: the index is inlined as a script (Material's offline plugin).
    assert (site / "search" / "search_index.js").read_text("utf-8").startswith("var __index =")


def test_every_page_is_in_the_navigation_and_has_a_built_page(site: Path) -> None:
    in_nav = set(nav_files(PROJECT / "mkdocs.yml"))
    pages = {p.relative_to(PROJECT / "teacher_guides").as_posix() for p in _pages()}
    assert pages == in_nav
    for page in pages:
        built = "index.html" if page == "README.md" else page.replace(".md", ".html")
        assert (site / built).is_file(), built


def test_each_audience_has_its_home_page_linked_from_the_front_page(site: Path) -> None:
    front = (site / "index.html").read_text("utf-8")
    for page, audience in AUDIENCE_PAGES.items():
        built = page.replace(".md", ".html")
        assert f'href="{built}"' in front, built
        assert audience in (site / built).read_text("utf-8")


def test_the_pages_print_without_the_site_chrome(site: Path) -> None:
    css = (site / "assets" / "impression.css").read_text("utf-8")
    assert "@media print" in css and ".md-sidebar" in css
    assert 'href="assets/impression.css"' in (site / "prise-en-main.html").read_text("utf-8")


def test_the_pages_only_show_commands_that_exist() -> None:
    mistakes = check_pages(typer.main.get_command(app), _pages())
    assert not mistakes, "\n".join(map(str, mistakes))


def test_a_command_that_does_not_exist_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Tapez `tne lab --navigateur` puis :\n\n```\ntne registry projets list\n```\n",
        encoding="utf-8",
    )
    mistakes = check_pages(typer.main.get_command(app), [page])
    assert [(m.line, m.problem) for m in mistakes] == [
        (1, "lab has no option --navigateur"),
        (4, "registry has no subcommand 'projets'"),
    ]


@pytest.mark.parametrize(
    ("added", "named"),
    [
        ("[la suite](page-absente.md)", "page-absente.md"),
        ("![le montage](images/absente.png)", "images/absente.png"),
        ("[le glossaire](glossaire.md#mot-absent)", "#mot-absent"),
    ],
    ids=["broken link", "missing picture", "missing anchor"],
)
def test_a_broken_link_or_missing_picture_fails_the_build(
    tmp_path: Path, sources_copy: GuideSources, added: str, named: str
) -> None:
    sources = sources_copy
    page = sources.docs / "prise-en-main.md"
    page.write_text(page.read_text("utf-8") + f"\n{added}\n", encoding="utf-8")
    with pytest.raises(GuideError) as failure:
        build(sources, tmp_path / "strict", strict=True)
    assert "construit" in str(failure.value)
    # The check of the built pages finds it too, even when MkDocs lets it through.
    build(sources, tmp_path / "lenient", strict=False)
    broken = check_site(tmp_path / "lenient").broken
    assert [link.page for link in broken] == ["prise-en-main.html"]
    assert named.split("/")[-1] in broken[0].target


def test_an_external_link_is_listed_not_checked(tmp_path: Path, sources_copy: GuideSources) -> None:
    sources = sources_copy
    page = sources.docs / "glossaire.md"
    address = "https://microbit.org/fr/"
    page.write_text(page.read_text("utf-8") + f"\n[micro:bit]({address})\n", encoding="utf-8")
    build(sources, tmp_path / "site", strict=True)
    links = check_site(tmp_path / "site")
    assert not links.broken
    assert [(link.page, link.target) for link in links.external] == [("glossaire.html", address)]


def _pages() -> list[Path]:
    return sorted((PROJECT / "teacher_guides").rglob("*.md"))


def _all_html(site: Path) -> str:
    return "".join(p.read_text("utf-8") for p in site.rglob("*.html"))
