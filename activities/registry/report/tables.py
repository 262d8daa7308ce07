"""The report as titled tables of cells, in the reader's language: what CSV, HTML and PDF show.

One place decides the columns and their headings, so the formats cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tne.i18n import _

from .figures import BreakdownRow, Report, euros
from .labels import device_label, event_label

Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]
    #: The last row is a total (shown in bold).
    has_total: bool = False


def percent(share: float | str | None) -> Cell:
    """A share as a percentage with one decimal, or the text that hides it."""
    if share is None or isinstance(share, str):
        return share
    return (Decimal(share) * 100).quantize(Decimal("0.1"))


def rows_title(report: Report) -> str:
    return {
        "school": _("By school"),
        "project": _("By project"),
        "group": _("By group of pupils"),
    }[report.rows_kind]


def breakdown_table(report: Report) -> Table:
    with_money = report.rows_kind != "group"
    header = [_("Name"), _("Detail"), _("Sessions"), _("Hours"), _("Pupils reached")]
    header += [_("Girls"), _("Share of girls (%)")]
    if with_money:
        header += [_("Granted (€)"), _("Equipment"), _("Equipment in use")]

    def cells(row: BreakdownRow) -> list[Cell]:
        values: list[Cell] = [row.label, row.detail, row.sessions, row.hours, row.pupils]
        values += [row.girls, percent(row.girls_share)]
        if with_money:
            values += [row.granted, row.equipment, row.equipment_in_use]
        return values

    rows = [cells(r) for r in report.rows] + [cells(report.total)]
    return Table(rows_title(report), header, rows, has_total=True)


def activities_table(report: Report) -> Table:
    return Table(
        _("Activities"),
        [_("Activity"), _("Sessions"), _("Hours"), _("Groups")],
        [[a.activity, a.sessions, a.hours, a.groups] for a in report.activities],
    )


def devices_table(report: Report) -> Table:
    return Table(
        _("Devices"),
        [
            _("Kind"),
            _("Sessions that used it"),
            _("Devices used (sum over sessions)"),
            _("Inventory"),
            _("In use"),
        ],
        [[device_label(d.kind), d.sessions, d.uses, d.inventory, d.in_use] for d in report.devices],
    )


def money_table(report: Report) -> Table:
    m = report.money
    return Table(
        _("Funding (accepted dossiers)"),
        [_("Dossiers"), _("Requested (€)"), _("Granted (€)"), _("Co-financing (€)")],
        [
            [
                m.dossiers,
                euros(m.requested_cents),
                euros(m.granted_cents),
                euros(m.cofinancing_cents),
            ]
        ],
    )


def usage_table(report: Report) -> Table:
    return Table(
        _("Usage recorded by the linked machines"),
        [_("Event"), _("Activity"), _("Device"), _("Events"), _("Cells run"), _("Errors")],
        [
            [
                event_label(u.kind),
                u.activity,
                device_label(u.device_kind),
                u.events,
                u.cells,
                u.errors,
            ]
            for u in report.usage
        ],
    )


def all_tables(report: Report) -> list[Table]:
    return [
        breakdown_table(report),
        activities_table(report),
        devices_table(report),
        money_table(report),
        usage_table(report),
    ]


def period_text(report: Report) -> str:
    def day(value: dt.date) -> str:
        return value.strftime("%d/%m/%Y")

    if report.start and report.end:
        return _("from {start} to {end}").format(start=day(report.start), end=day(report.end))
    if report.start:
        return _("since {start}").format(start=day(report.start))
    if report.end:
        return _("until {end}").format(end=day(report.end))
    return _("all time")


def suppression_note(report: Report) -> str:
    return _(
        "Counts of pupils from 1 to {last} are shown as <{threshold}; 's' marks a count hidden "
        "so that it cannot be recomputed from a total (statistical secrecy). Sessions, hours "
        "and money are never hidden."
    ).format(last=report.threshold - 1, threshold=report.threshold)
