"""Plain data objects the service returns, detached from the database, ready for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .models import ClassroomSession, Equipment, Group, Project, School


@dataclass(frozen=True)
class View:
    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SchoolView(View):
    uai: str
    name: str
    commune: str
    degree: int
    department: str

    @classmethod
    def of(cls, school: School) -> SchoolView:
        return cls(school.uai, school.name, school.commune, school.degree, school.department)


@dataclass(frozen=True)
class ProjectView(View):
    id: int
    school: str
    title: str
    level: str
    teachers: list[dict[str, str]]
    dossiers: list[str]
    groups: list[str]
    sessions: int

    @classmethod
    def of(cls, project: Project, sessions: int) -> ProjectView:
        return cls(
            id=project.id,
            school=project.school_uai or project.school.uai,
            title=project.title,
            level=project.level,
            teachers=[{"role": t.role, "initials": t.initials} for t in project.teachers],
            dossiers=sorted(d.number for d in project.dossiers),
            groups=[g.name for g in project.groups],
            sessions=sessions,
        )


@dataclass(frozen=True)
class GroupView(View):
    id: int
    project: int
    name: str
    size: int
    girls: int

    @classmethod
    def of(cls, group: Group) -> GroupView:
        return cls(group.id, group.project_id, group.name, group.size, group.girls)


@dataclass(frozen=True)
class SessionView(View):
    id: int
    project: int
    group: str
    activity: str
    date: str
    minutes: int
    devices: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, record: ClassroomSession) -> SessionView:
        return cls(
            id=record.id,
            project=record.project_id,
            group=record.group.name,
            activity=record.activity,
            date=record.date.isoformat(),
            minutes=record.minutes,
            devices={d.kind: d.quantity for d in record.devices},
        )


@dataclass(frozen=True)
class EquipmentView(View):
    id: int
    project: int
    kind: str
    label: str | None
    identifier: str

    @classmethod
    def of(cls, device: Equipment) -> EquipmentView:
        return cls(device.id, device.project_id, device.kind, device.label, device.identifier)


@dataclass(frozen=True)
class StatusView(View):
    database: str
    revision: str | None
    counts: dict[str, int]
    #: The project this machine records usage for (`link.MachineLink.to_json`), if any.
    link: dict | None = None
