"""The « aide-mémoire »: one A4 page of the micro:bit functions pupils use, and those of the
activity's robot. Its text is French Markdown in `memo/` (`microbit.md`, then `<robot>.md`),
written for pupils like the pupil sheets and printed in two columns; a test keeps it to one page.
"""

from __future__ import annotations

from pathlib import Path

from tne.i18n import _

from .pdf import Pdf, html_to_pdf
from .sheets import markdown_html, page_html
from .source import ActivityInfo, uses_robot

MEMO_DIR = Path(__file__).with_name("memo")

MEMO_CSS = """
@page { margin: 14mm 11mm 12mm; }
html { font-size: 8pt; line-height: 1.22; }
header.activity { padding: 1.5mm 3mm; margin-bottom: 2.5mm; }
header.activity h1 { font-size: 12pt; margin: 0; }
header.activity p { font-size: 8pt; }
main { column-count: 2; column-gap: 5mm; }
main > p:first-child { column-span: all; font-size: 9pt; margin: 0 0 2mm; }
h2 { font-size: 9pt; margin: 2.5mm 0 1mm; break-after: avoid; }
table { margin: 0 0 1mm; table-layout: fixed; }
th, td { padding: 0.5mm 1mm; }
th { font-size: 7pt; }
th:first-child { width: 47%; }
td:first-child code { background: none; padding: 0; font-size: 7.3pt; overflow-wrap: anywhere; }
"""


def memo_sources(activity: ActivityInfo) -> list[Path]:
    """`microbit.md`, then the robot's page when the activity uses one that has a page."""
    sources = [MEMO_DIR / "microbit.md"]
    robot = MEMO_DIR / f"{activity.hardware}.md"
    if uses_robot(activity) and robot.is_file():
        sources.append(robot)
    return sources


def memo_pdf(activity: ActivityInfo) -> Pdf:
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in memo_sources(activity))
    body = f"<main>{markdown_html(text)}</main>"
    return html_to_pdf(page_html(activity, _("Memo"), body, MEMO_CSS), MEMO_DIR)
