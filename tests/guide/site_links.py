"""Every link and picture of a built guide site, sorted into those that work, those that do not,
and those that leave the site (listed, never fetched: the tests run offline and a teacher's
machine may be offline too).

It reads the HTML MkDocs wrote, so it judges what a reader gets, whatever the Markdown said:
an `<a href>` to a missing page or to an anchor the page lacks, an `<img src>` (or a stylesheet,
a script) whose file is missing. The 404 page is left out: only a web server shows it, and its
links are absolute on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that point somewhere, per tag.
LINKING = {"a": "href", "img": "src", "script": "src", "link": "href", "source": "src"}
SKIPPED_PAGES = {"404.html"}


@dataclass(frozen=True)
class Link:
    page: str  # the built page, relative to the site
    tag: str
    target: str  # as written in the page

    def __str__(self) -> str:
        return f"{self.page}: <{self.tag}> {self.target}"


@dataclass
class SiteLinks:
    broken: list[Link] = field(default_factory=list)
    external: list[Link] = field(default_factory=list)
    checked: int = 0


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        wanted = LINKING.get(tag)
        if wanted and values.get(wanted):
            self.links.append((tag, values[wanted] or ""))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_site(site: Path) -> SiteLinks:
    """Sort every link of every page of the built `site`."""
    site = site.resolve()
    pages = {
        p.resolve(): _parse(p) for p in sorted(site.rglob("*.html")) if p.name not in SKIPPED_PAGES
    }
    result = SiteLinks()
    for path, page in pages.items():
        name = path.relative_to(site).as_posix()
        for tag, target in page.links:
            link = Link(name, tag, target)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc:
                if parts.scheme in ("http", "https", "mailto"):
                    result.external.append(link)
                else:
                    result.broken.append(link)  # file:, javascript: and the like
                continue
            result.checked += 1
            if not _resolves(site, path, parts.path, parts.fragment, pages):
                result.broken.append(link)
    return result


def _resolves(site: Path, page: Path, path: str, fragment: str, pages: dict[Path, _Page]) -> bool:
    if path.startswith("/"):
        return False  # absolute: breaks when the site is opened from disk
    target = (page.parent / unquote(path)).resolve() if path else page
    if site not in target.parents:
        return False
    if not target.is_file():
        return False
    if not fragment:
        return True
    parsed = pages.get(target) or (_parse(target) if target.suffix == ".html" else None)
    return parsed is not None and unquote(fragment) in parsed.ids
