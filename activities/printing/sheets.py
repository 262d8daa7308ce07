"""The pupil sheet and the teacher sheet: their Markdown printed on A4 under a header that says
which activity, for which level and for how long, in French typography and black on white."""

from __future__ import annotations

from html import escape

import markdown

from tne.i18n import _, ngettext

from .errors import PrintingError
from .pdf import BASE_CSS, Pdf, css_string, html_to_pdf
from .source import ActivityInfo
from .typography import french_html, french_text

#: The sheets of an activity's folder, and the name printed on each.
PUPIL_SHEET, TEACHER_SHEET = "fiche-eleve.md", "fiche-enseignant.md"

PAGE_CSS = """
@page { size: A4; margin: 20mm 17mm 17mm;
  @top-left { content: RUNNING; font-size: 8pt; vertical-align: bottom;
              padding-bottom: 2mm; border-bottom: 0.5pt solid #000; }
  @bottom-right { content: KIND " · " counter(page) " / " counter(pages); font-size: 8pt; }
}
"""
SHEET_CSS = """
header.activity { border: 1.2pt solid #000; padding: 3mm 4mm; margin-bottom: 5mm; }
header.activity h1 { margin: 0 0 1.5mm; }
header.activity p { margin: 0; font-size: 10pt; }
header.activity .kind { float: right; font-size: 9pt; text-transform: uppercase;
                        letter-spacing: 0.05em; border: 0.8pt solid #000; padding: 0.5mm 2mm; }
"""


def sheet_kinds() -> dict[str, str]:
    """The sheets' file names and what each is called on paper."""
    return {PUPIL_SHEET: _("Pupil sheet"), TEACHER_SHEET: _("Teacher sheet")}


def facts(activity: ActivityInfo) -> str:
    """« Niveaux : 5e, 4e · Durée : 55 min », the line under every printed title."""
    levels = ngettext("Level: {levels}", "Levels: {levels}", len(activity.levels)).format(
        levels=", ".join(activity.levels)
    )
    duration = _("Duration: {minutes} min").format(minutes=activity.duration_minutes)
    return f"{levels} · {duration}"


def header_html(activity: ActivityInfo, kind: str) -> str:
    return (
        f'<header class="activity"><span class="kind">{escape(kind)}</span>'
        f"<h1>{escape(french_text(activity.title))}</h1>"
        f"<p>{escape(facts(activity))}</p></header>"
    )


def page_html(activity: ActivityInfo, kind: str, body: str, extra_css: str = "") -> str:
    """A whole printable document: the shared style, the running header and the body."""
    running = f"{french_text(activity.title)} · {facts(activity)}"
    page = PAGE_CSS.replace("RUNNING", css_string(running)).replace("KIND", css_string(kind))
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(activity.title)} — {escape(kind)}</title>"
        f"<style>{page}{BASE_CSS}{SHEET_CSS}{extra_css}</style></head>"
        f"<body>{header_html(activity, kind)}{body}</body></html>"
    )


def markdown_html(text: str) -> str:
    return french_html(
        markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    )


def sheet_pdf(activity: ActivityInfo, file_name: str) -> Pdf:
    """The PDF of one of the activity's sheets (`fiche-eleve.md`, `fiche-enseignant.md`)."""
    path = activity.folder / file_name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PrintingError(
            _("The activity '{id}' has no {file}: there is nothing to print.").format(
                id=activity.id, file=file_name
            )
        ) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise PrintingError(
            _("Cannot read '{path}': {error}").format(path=path, error=problem)
        ) from None
    kind = sheet_kinds()[file_name]
    return html_to_pdf(page_html(activity, kind, markdown_html(text)), activity.folder)
