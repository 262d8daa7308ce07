"""HTML to PDF, the project's one way to make a PDF (the registry's report, the printed
activities): WeasyPrint prints the HTML.

WeasyPrint draws text with the Pango library, which no wheel carries: a Windows school without
GTK, or a Linux machine without `libpango`, has WeasyPrint installed but cannot load it. PDF is
therefore optional: `PdfUnavailable` says why in French, and each caller says what to do
instead (the report falls back to the same page as HTML, which any browser prints to PDF).
WeasyPrint also prints a long troubleshooting text on stdout when Pango is missing; it is kept
out of our output (and out of `--json`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import sys
from dataclasses import dataclass
from typing import Any

from tne.i18n import _


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its Pango library cannot be loaded on this machine; `reason` is the
    import's own words, for the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            _(
                "PDF export is unavailable on this computer (the Pango library is missing: "
                "{error})."
            ).format(error=reason)
        )
        self.reason = reason


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


@functools.lru_cache(maxsize=1)
def _weasyprint() -> Any:
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except (ImportError, OSError) as problem:
        raise PdfUnavailable(
            str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        ) from None
    return weasyprint


def unavailable_reason() -> str | None:
    """None when PDFs can be made here, else the French reason."""
    try:
        _weasyprint()
    except PdfUnavailable as problem:
        return str(problem)
    return None


def render_pdf(html: str, base_url: str | None = None, url_fetcher: Any = None) -> Pdf:
    """`html` printed to PDF; relative links resolve against `base_url`, and are fetched by
    `url_fetcher` when one is given (WeasyPrint's default fetcher otherwise)."""
    options: dict[str, Any] = {"string": html, "base_url": base_url}
    if url_fetcher is not None:
        options["url_fetcher"] = url_fetcher
    document = _weasyprint().HTML(**options).render()
    return Pdf(document.write_pdf(), len(document.pages))


def install_hint() -> str:
    """What to do without PDF, for people (the doctor and the fallbacks say it)."""
    if sys.platform.startswith("linux"):
        return _(
            "The page stays available as HTML (print it to PDF from the browser). For PDF, an "
            "administrator runs: sudo apt install libpango-1.0-0 libpangoft2-1.0-0"
        )
    return _("The page stays available as HTML (print it to PDF from the browser).")
