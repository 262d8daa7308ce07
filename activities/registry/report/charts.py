"""The report's charts as SVG text, drawn by matplotlib (Agg, no display needed).

Text is drawn as paths (matplotlib's default `svg.fonttype`), so a school's name can neither
inject markup into the HTML nor depend on the fonts of the machine that renders the PDF.
"""

from __future__ import annotations

import io

from matplotlib.ticker import FuncFormatter, MaxNLocator

from tne.i18n import _, number

from .figures import Report

BLUE, ORANGE, GREY = "#1f5fa8", "#e07b00", "#9aa5b1"


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: inlined in HTML


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _thousands(value: float, _position: int) -> str:
    """Whole numbers grouped as the reader writes them (12 000 in French)."""
    return number(value, decimals=0)


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hours_chart(report: Report) -> str | None:
    """Hours of sessions per school, project or group: who is doing the work."""
    rows = sorted(report.rows, key=lambda r: r.minutes)[-15:]
    if not any(r.minutes for r in rows):
        return None
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(rows) + 0.9))
    axes.barh([_short(r.label) for r in rows], [float(r.hours) for r in rows], color=BLUE)
    for index, row in enumerate(rows):
        axes.text(float(row.hours), index, f" {row.sessions} " + _("sessions"), va="center")
    axes.set_xlabel(_("Hours of sessions"))
    axes.margins(x=0.25)
    return _svg(figure)


def money_chart(report: Report) -> str | None:
    """Money granted against the share of equipment in use, per school or project."""
    rows = [r for r in report.rows if r.granted_cents or r.equipment]
    if report.rows_kind == "group" or not rows:
        return None
    rows = sorted(rows, key=lambda r: r.granted_cents or 0)[-15:]
    plt = _pyplot()
    figure, (money, used) = plt.subplots(
        1, 2, figsize=(7.5, 0.35 * len(rows) + 1.0), sharey=True, width_ratios=(1.2, 1)
    )
    labels = [_short(r.label) for r in rows]
    money.barh(labels, [float(r.granted or 0) for r in rows], color=ORANGE)
    money.set_xlabel(_("Granted (€)"))
    money.xaxis.set_major_locator(MaxNLocator(4))
    money.xaxis.set_major_formatter(FuncFormatter(_thousands))
    shares = [100 * (r.equipment_in_use or 0) / r.equipment if r.equipment else 0 for r in rows]
    used.barh(labels, [100] * len(rows), color="#e6e9ed")
    used.barh(labels, shares, color=BLUE)
    for index, row in enumerate(rows):
        used.text(101, index, f" {row.equipment_in_use or 0}/{row.equipment or 0}", va="center")
    used.set_xlim(0, 125)
    used.set_xlabel(_("Equipment in use (%)"))
    return _svg(figure)


def activities_chart(report: Report) -> str | None:
    rows = report.activities[:12][::-1]
    if not rows:
        return None
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(rows) + 0.9))
    axes.barh([_short(a.activity) for a in rows], [a.sessions for a in rows], color=GREY)
    axes.set_xlabel(_("Sessions"))
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _svg(figure)
