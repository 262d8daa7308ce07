"""The report's figures as plain data, before and after suppression: what every format renders.

Hours and money are kept exact (`Decimal`), so that CSV, JSON, HTML and PDF show the same
numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def euros(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class BreakdownRow:
    """One school, project or group of the scope (or the total). `pupils`, `girls` and
    `girls_share` are already protected: a number, `<N` or `s`."""

    key: str
    label: str
    detail: str
    sessions: int
    minutes: int
    pupils: int | str
    girls: int | str
    girls_share: float | str | None
    granted_cents: int | None
    equipment: int | None
    equipment_in_use: int | None

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def granted(self) -> Decimal | None:
        return euros(self.granted_cents)


@dataclass(frozen=True)
class ActivityRow:
    activity: str
    sessions: int
    minutes: int
    groups: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass(frozen=True)
class DeviceRow:
    """A kind of device: sessions that used it, devices used summed over sessions, and the
    inventory of that kind with how much of it some session of its project used."""

    kind: str
    sessions: int
    uses: int
    inventory: int
    in_use: int


@dataclass(frozen=True)
class UsageRow:
    """Usage events summed (from this machine's events and the aggregates schools sent)."""

    kind: str
    activity: str
    device_kind: str
    events: int
    cells: int
    errors: int


@dataclass(frozen=True)
class Money:
    dossiers: int
    requested_cents: int
    granted_cents: int
    cofinancing_cents: int


@dataclass(frozen=True)
class DossierLine:
    number: str
    call: str
    state: str
    granted_cents: int | None


@dataclass(frozen=True)
class SessionLine:
    """One session of a project's report; `pupils` and `girls` are its group's counts as the
    group table publishes them (a number, `<N` or `s`)."""

    date: dt.date
    activity: str
    group: str
    minutes: int
    pupils: int | str
    girls: int | str
    devices: dict[str, int]


@dataclass(frozen=True)
class EquipmentBalance:
    """One kind of equipment of a project: bought on its dossiers' lines, held in its
    inventory, and used by its sessions (in how many, and the most in one session)."""

    kind: str
    label: str | None
    bought: int
    inventory: int
    sessions: int
    most_in_one_session: int


@dataclass(frozen=True)
class ProjectDetails:
    """What a project's report adds for the DRANE (`project.project_details`)."""

    title: str
    level: str
    school_uai: str
    school_name: str
    commune: str
    dossiers: list[DossierLine]
    sessions: list[SessionLine]
    equipment: list[EquipmentBalance]

    def to_json(self) -> dict:
        data = asdict(self)
        for line, record in zip(data["sessions"], self.sessions, strict=True):
            line["date"] = record.date.isoformat()
        for line in data["dossiers"]:
            cents = line.pop("granted_cents")
            line["granted_euros"] = None if cents is None else float(euros(cents) or 0)
        return data


@dataclass(frozen=True)
class Report:
    scope: str  # department, call, school, project
    scope_key: str | None
    scope_label: str
    start: dt.date | None
    end: dt.date | None
    threshold: int
    generated_at: dt.datetime
    rows_kind: str  # school, project, group
    rows: list[BreakdownRow]
    total: BreakdownRow
    activities: list[ActivityRow]
    devices: list[DeviceRow]
    money: Money
    usage: list[UsageRow] = field(default_factory=list)
    #: Only in a project's report.
    project: ProjectDetails | None = None

    def to_json(self) -> dict:
        """Plain JSON types: hours and euros as numbers, dates in ISO 8601."""

        def row(r: BreakdownRow) -> dict:
            data = asdict(r)
            data["hours"] = float(r.hours)
            data["granted_euros"] = None if r.granted is None else float(r.granted)
            del data["granted_cents"]
            if isinstance(r.girls_share, float):
                data["girls_share"] = round(r.girls_share, 4)
            return data

        return {
            "format": "tne-report",
            "version": 1,
            "scope": {"kind": self.scope, "key": self.scope_key, "label": self.scope_label},
            "period": {
                "from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
            },
            "threshold": self.threshold,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "rows_kind": self.rows_kind,
            "rows": [row(r) for r in self.rows],
            "total": row(self.total),
            "activities": [asdict(a) | {"hours": float(a.hours)} for a in self.activities],
            "devices": [asdict(d) for d in self.devices],
            "money": {
                "dossiers": self.money.dossiers,
                "requested_euros": float(euros(self.money.requested_cents) or 0),
                "granted_euros": float(euros(self.money.granted_cents) or 0),
                "cofinancing_euros": float(euros(self.money.cofinancing_cents) or 0),
            },
            "usage": [asdict(u) for u in self.usage],
            "project": self.project.to_json() if self.project else None,
        }
