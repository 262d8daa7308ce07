"""Plain data objects the service returns, detached from the database, ready for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .models import Archivable, ClassroomSession, Equipment, Group, Project, School


def archived_on(row: Archivable) -> str | None:
    """The day a row was archived (ISO), None while it is in use."""
    return row.archived_at.date().isoformat() if row.archived_at is not None else None


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
    archived: str | None = None

    @classmethod
    def of(cls, school: School) -> SchoolView:
        return cls(
            school.uai,
            school.name,
            school.commune,
            school.degree,
            school.department,
            archived_on(school),
        )


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
    archived: str | None = None

    @classmethod
    def of(cls, project: Project, sessions: int) -> ProjectView:
        return cls(
            id=project.id,
            school=project.school_uai or project.school.uai,
            title=project.title,
            level=project.level,
            teachers=[{"role": t.role, "initials": t.initials} for t in project.teachers],
            dossiers=sorted(d.number for d in project.dossiers),
            groups=[g.name for g in project.groups if not g.archived],
            sessions=sessions,
            archived=archived_on(project),
        )


@dataclass(frozen=True)
class GroupView(View):
    id: int
    project: int
    name: str
    size: int
    girls: int
    archived: str | None = None

    @classmethod
    def of(cls, group: Group) -> GroupView:
        return cls(
            group.id, group.project_id, group.name, group.size, group.girls, archived_on(group)
        )


@dataclass(frozen=True)
class SessionView(View):
    id: int
    project: int
    group: str
    activity: str
    date: str
    minutes: int
    devices: dict[str, int] = field(default_factory=dict)
    archived: str | None = None

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
            archived=archived_on(record),
        )


@dataclass(frozen=True)
class EquipmentView(View):
    id: int
    project: int
    kind: str
    label: str | None
    identifier: str
    archived: str | None = None

    @classmethod
    def of(cls, device: Equipment) -> EquipmentView:
        return cls(
            device.id,
            device.project_id,
            device.kind,
            device.label,
            device.identifier,
            archived_on(device),
        )


@dataclass(frozen=True)
class StatusView(View):
    database: str
    revision: str | None
    counts: dict[str, int]
    #: The project this machine records usage for (`link.MachineLink.to_json`), if any.
    link: dict | None = None
