"""The report in its four formats: CSV (through the project's one CSV writer), JSON, and HTML and
PDF in French with charts (the PDF is the HTML printed by WeasyPrint, so both say the same)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from html import escape

from tne.csv_export import ENCODING, write_csv
from tne.i18n import _, number
from tne.pdf import render_pdf

from . import charts
from .figures import Report
from .tables import Cell, Table, all_tables, period_text, project_tables, suppression_note

FORMATS = ("csv", "json", "html", "pdf")


def render(report: Report, kind: str) -> bytes:
    return {"csv": to_csv, "json": to_json, "html": to_html, "pdf": to_pdf}[kind](report)


def to_json(report: Report) -> bytes:
    return (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_csv(report: Report) -> bytes:
    """Each table under its own header, separated by an empty line, after a short preface."""
    buffer = io.StringIO(newline="")
    write_csv(
        buffer,
        [_("Report"), report.scope_label],
        [
            [_("Period"), period_text(report)],
            [_("Generated on"), report.generated_at.strftime("%d/%m/%Y %H:%M")],
            [_("Note"), suppression_note(report)],
        ],
    )
    for table in all_tables(report):
        buffer.write("\r\n")
        write_csv(buffer, [table.title], [])
        write_csv(buffer, table.header, table.rows)
    return buffer.getvalue().encode(ENCODING)


# -- HTML ------------------------------------------------------------------------------------

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1d2733; margin: 2em; }
h1 { font-size: 1.5em; margin-bottom: 0.1em; color: #1f5fa8; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 2px solid #1f5fa8; }
.sub { color: #5b6775; margin-top: 0; }
.tiles { margin: 1em 0; }
.tile { display: inline-block; vertical-align: top; width: 7.4em; margin: 0 0.3em 0.4em 0;
        border: 1px solid #d5dbe1; border-radius: 6px; padding: 0.4em 0.5em; }
.tile b { display: block; font-size: 1.4em; color: #1f5fa8; white-space: nowrap; }
.tile span { font-size: 0.85em; color: #5b6775; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; width: 100%; }
th, td { border: 1px solid #d5dbe1; padding: 0.25em 0.4em; }
th { font-size: 0.9em; vertical-align: bottom; }
th { background: #eef2f6; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f6f8fa; }
.note { font-size: 0.8em; color: #5b6775; border-left: 3px solid #e07b00; padding-left: 0.6em; }
.chart svg { max-width: 100%; height: auto; }
@page { size: A4; margin: 1.5cm; }
@media print {
  body { margin: 0; } h2 { break-after: avoid; } .chart, table { break-inside: avoid; }
}
"""


def _number(value: Cell) -> str:
    """A number as the reader writes it (`12 345,50` in French), keeping the decimals the
    figure carries (euros to the cent, hours and percentages to the tenth)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return number(
            value, decimals=-exponent if isinstance(exponent, int) and exponent < 0 else 0
        )
    return number(value, decimals=0)


def _cell(value: Cell) -> str:
    if isinstance(value, str):
        return f"<td>{escape(value)}</td>"
    if value is None:
        return "<td></td>"
    return f'<td class="n">{escape(_number(value))}</td>'


def _table(table: Table) -> str:
    if not table.rows:
        nothing = _("Nothing recorded.")
        return f"<h2>{escape(table.title)}</h2><p>{escape(nothing)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = []
    for index, row in enumerate(table.rows):
        total = table.has_total and index == len(table.rows) - 1
        cells = "".join(_cell(value) for value in row)
        body.append(f'<tr class="total">{cells}</tr>' if total else f"<tr>{cells}</tr>")
    return (
        f"<h2>{escape(table.title)}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _tiles(report: Report) -> str:
    total = report.total
    share = total.girls_share
    tiles = [
        (_number(total.sessions), _("sessions")),
        (_number(total.hours), _("hours")),
        (
            _number(total.pupils) if isinstance(total.pupils, int) else total.pupils,
            _("pupils reached"),
        ),
        (
            f"{_number(round(share * 100))} %" if isinstance(share, float) else (share or "—"),
            _("girls"),
        ),
        (_number(len(report.activities)), _("activities")),
        (f"{_number(round(report.money.granted_cents / 100))} €", _("granted")),
        (f"{total.equipment_in_use or 0}/{total.equipment or 0}", _("equipment in use")),
    ]
    return (
        '<div class="tiles">'
        + "".join(
            f'<div class="tile"><b>{escape(str(value))}</b><span>{escape(label)}</span></div>'
            for value, label in tiles
        )
        + "</div>"
    )


def _chart(title: str, svg: str | None) -> str:
    if svg is None:
        return ""
    return f'<h2>{escape(title)}</h2><div class="chart">{svg}</div>'


def to_html_text(report: Report) -> str:
    first = project_tables(report)  # who the project is, before its figures
    tables = all_tables(report)[len(first) :]
    title = _("TNE robotics activity report")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>{escape(title)} — {escape(report.scope_label)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(report.scope_label)} · {escape(period_text(report))} · '
        + escape(_("generated on {date}").format(date=report.generated_at.strftime("%d/%m/%Y")))
        + "</p>",
        _tiles(report),
        f'<p class="note">{escape(suppression_note(report))}</p>',
        *(_table(t) for t in first),
        _table(tables[0]),
        _chart(_("Hours of sessions"), charts.hours_chart(report)),
        _chart(_("Money granted and equipment in use"), charts.money_chart(report)),
        _chart(_("Sessions by activity"), charts.activities_chart(report)),
        *(_table(t) for t in tables[1:]),
        "</body></html>",
    ]
    return "\n".join(parts)


def to_html(report: Report) -> bytes:
    return to_html_text(report).encode("utf-8")


def to_pdf(report: Report) -> bytes:
    """Raises `tne.pdf.PdfUnavailable` where Pango is missing: the caller offers the HTML."""
    return render_pdf(to_html_text(report)).data
