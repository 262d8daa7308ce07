"""The report as titled tables of cells, in the reader's language: what CSV, HTML and PDF show.

One place decides the columns and their headings, so the formats cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tne.i18n import _

from .figures import BreakdownRow, ProjectDetails, Report, euros
from .labels import device_label, event_label, state_label

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


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def project_table(details: ProjectDetails) -> Table:
    """Who the project is: what the DRANE matches against its dossiers."""
    numbers = ", ".join(d.number for d in details.dossiers) or "—"
    return Table(
        _("Project"),
        [_("Field"), _("Value")],
        [
            [_("Project"), details.title],
            [_("Level"), details.level],
            [_("School"), f"{details.school_name} ({details.commune})"],
            [_("UAI"), details.school_uai],
            [_("Dossiers"), numbers],
        ],
    )


def dossiers_table(details: ProjectDetails) -> Table:
    return Table(
        _("Dossiers of the project"),
        [_("Dossier"), _("Call for projects"), _("State"), _("Granted (€)")],
        [
            [d.number, d.call, state_label(d.state), euros(d.granted_cents)]
            for d in details.dossiers
        ],
    )


def sessions_table(details: ProjectDetails) -> Table:
    """The dated sessions, each with its group's counts as the group table shows them."""

    def devices(used: dict[str, int]) -> str:
        return ", ".join(f"{device_label(kind)} × {n}" for kind, n in used.items())

    return Table(
        _("Sessions"),
        [
            _("Date"),
            _("Activity"),
            _("Group"),
            _("Minutes"),
            _("Pupils in the group"),
            _("Girls in the group"),
            _("Devices used"),
        ],
        [
            [_day(s.date), s.activity, s.group, s.minutes, s.pupils, s.girls, devices(s.devices)]
            for s in details.sessions
        ],
    )


def equipment_table(details: ProjectDetails) -> Table:
    return Table(
        _("Equipment bought and used"),
        [
            _("Kind"),
            _("Bought (dossiers)"),
            _("Inventory"),
            _("Sessions that used it"),
            _("Most used in one session"),
        ],
        [
            [
                e.label or device_label(e.kind),
                e.bought,
                e.inventory,
                e.sessions,
                e.most_in_one_session,
            ]
            for e in details.equipment
        ],
    )


def project_tables(report: Report) -> list[Table]:
    """The tables only a project's report has (none for a wider scope)."""
    details = report.project
    if details is None:
        return []
    return [
        project_table(details),
        dossiers_table(details),
        sessions_table(details),
        equipment_table(details),
    ]


def all_tables(report: Report) -> list[Table]:
    return [
        *project_tables(report),
        breakdown_table(report),
        activities_table(report),
        devices_table(report),
        money_table(report),
        usage_table(report),
    ]


def period_text(report: Report) -> str:
    if report.start and report.end:
        return _("from {start} to {end}").format(start=_day(report.start), end=_day(report.end))
    if report.start:
        return _("since {start}").format(start=_day(report.start))
    if report.end:
        return _("until {end}").format(end=_day(report.end))
    return _("all time")


def suppression_note(report: Report) -> str:
    return _(
        "Counts of pupils from 1 to {last} are shown as <{threshold}; 's' marks a count hidden "
        "so that it cannot be recomputed from a total (statistical secrecy). Sessions, hours "
        "and money are never hidden."
    ).format(last=report.threshold - 1, threshold=report.threshold)
