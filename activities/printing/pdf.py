"""Printed activities through the project's PDF helper (tne/pdf.py, WeasyPrint): the paper
sizes, the stylesheet every printed page shares, and a fetcher that reads only the activity's
own folder, so a sheet cannot pull a file from elsewhere on the computer, or the web, into a PDF.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from tne.i18n import _
from tne.pdf import Pdf, PdfUnavailable, render_pdf

from .errors import PrintingError

__all__ = ["PAPERS", "PT_PER_MM", "Pdf", "css_string", "html_to_pdf"]

#: Millimetres to PDF points.
PT_PER_MM = 72 / 25.4
#: Paper sizes (mm, portrait).
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}

#: What every sheet shares: black on white (it is photocopied), sizes in print units.
BASE_CSS = """
html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #000;
       line-height: 1.35; hyphens: auto; }
body { margin: 0; }
h1, h2, h3 { break-after: avoid; font-weight: bold; }
h1 { font-size: 17pt; margin: 0 0 3mm; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; border-bottom: 0.6pt solid #000; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
p, li { orphans: 2; widows: 2; }
code, pre, kbd { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; hyphens: none; }
code { background: #eee; padding: 0 0.15em; border-radius: 1pt; }
pre { background: #f2f2f2; border: 0.6pt solid #777; border-left: 2.5pt solid #000;
      padding: 2mm 3mm; white-space: pre-wrap; break-inside: avoid; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; break-inside: auto; }
th, td { border: 0.6pt solid #000; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #e6e6e6; }
tr { break-inside: avoid; }
img { max-width: 100%; }
blockquote { margin: 2mm 0; padding: 1mm 3mm; border-left: 2.5pt solid #000; }
"""


def html_to_pdf(html: str, folder: Path) -> Pdf:
    """The PDF of `html`, whose relative links (images) resolve in `folder` and nowhere else."""
    try:
        return render_pdf(html, folder.resolve().as_uri() + "/", confined_fetcher(folder))
    except PdfUnavailable as problem:
        raise PrintingError(
            _(
                "Making PDFs needs WeasyPrint and its Pango library ({error}). Run tne doctor "
                "to see what is missing."
            ).format(error=problem.reason)
        ) from None


def _check(url: str, root: Path) -> None:
    """Let `data:` URLs and files below `root` through; refuse anything else."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return
    if parsed.scheme == "file":
        path = Path(url2pathname(unquote(parsed.path))).resolve()
        if path == root or root in path.parents:
            return
    raise ValueError(f"outside the activity's folder: {url}")


def confined_fetcher(folder: Path):
    """A WeasyPrint URL fetcher limited to `folder` (WeasyPrint ≥ 68 has a fetcher class;
    older versions take a function)."""
    import weasyprint.urls as urls

    root = folder.resolve()
    if hasattr(urls, "URLFetcher"):

        class Confined(urls.URLFetcher):
            def fetch(self, url, headers=None):
                _check(url, root)
                return super().fetch(url, headers)

        return Confined()

    def fetch(url: str):
        _check(url, root)
        return urls.default_url_fetcher(url)

    return fetch


def css_string(text: str) -> str:
    """`text` as a CSS string literal (for `content:` in page margins)."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'
