"""`tne guide`: open the teachers' and trainers' guide in the browser, from disk, offline.

The site is built on first use into the user's cache folder (see `guide_site`) and opened as a
`file://` page, so no server keeps running and no network is needed. The address is always
printed: on a machine where no browser can be started, the teacher can still paste it.
"""

from __future__ import annotations

import webbrowser

import typer

from tne.i18n import _

from .guide_site import GuideError, GuideSources, built_site
from .output import say

#: Exit codes: the guide is shown (or its address printed); it cannot be built or opened.
EXIT_OK = 0
EXIT_FAILED = 1


def open_guide(browser: bool = True) -> int:
    """Build the guide when needed, print its address and open it; the exit code."""
    try:
        sources = GuideSources.of_project()
        site, _built = built_site(sources, on_build=lambda: say(_("Preparing the guide…")))
    except GuideError as problem:
        say(str(problem))
        return EXIT_FAILED
    address = (site / "index.html").as_uri()
    say(_("The guide is at {address}").format(address=address))
    if browser and not webbrowser.open(address):
        say(_("No browser could be opened: open the address above in your browser."))
        return EXIT_FAILED
    return EXIT_OK


def guide(
    no_browser: bool = typer.Option(
        False, "--no-browser", help=_("Build the guide and print its address, without a browser.")
    ),
) -> None:
    raise typer.Exit(open_guide(browser=not no_browser))
