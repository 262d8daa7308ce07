"""The project's one way to make a PDF: HTML printed by WeasyPrint (the registry's report,
the printed activities). WeasyPrint needs the Pango library, which Windows lacks unless GTK is
installed: `PdfUnavailable` says so, and each caller tells people what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class PdfUnavailable(Exception):
    """WeasyPrint cannot be loaded; `reason` is the import's own words, for the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


def render_pdf(html: str, base_url: str | None = None, url_fetcher: Any = None) -> Pdf:
    """`html` printed to PDF; relative links resolve against `base_url`, and are fetched by
    `url_fetcher` when one is given (WeasyPrint's default fetcher otherwise)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as problem:  # OSError: Pango missing (Windows without GTK)
        raise PdfUnavailable(str(problem)) from None
    options: dict[str, Any] = {"string": html, "base_url": base_url}
    if url_fetcher is not None:
        options["url_fetcher"] = url_fetcher
    document = HTML(**options).render()
    return Pdf(document.write_pdf(), len(document.pages))
