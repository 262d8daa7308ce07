"""Between the database and report files (`exchange`'s records): export what the registry holds,
marking each row as gone out, and merge what schools sent.

Merging is idempotent, on natural keys and stable uids: schools by UAI, dossiers by number,
projects and sessions by their uid (made when they were created, see `models.new_uid`), groups
by name within their project, daily usage by (project, day, kind, activity, device kind), whose
totals are *replaced*, not added. A school's file is the truth about its projects (teachers and
equipment are replaced, archiving follows the file), but a dossier the department already knows
keeps the department's figures: its own import of the démarches export is authoritative. All
files of one `import-report` are checked before anything is written, then merged in one
transaction (see `service.Registry.import_reports`): a broken file leaves the registry as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Date, cast, func, literal_column, select
from sqlalchemy.orm import Session

from tne.i18n import _

from .errors import RegistryError
from .exchange import (
    Content,
    DossierRecord,
    EquipmentLineRecord,
    EquipmentRecord,
    GroupRecord,
    ProjectRecord,
    SchoolRecord,
    SessionRecord,
    TeacherRecord,
    UsageDayRecord,
)
from .models import (
    Archivable,
    ClassroomSession,
    Dossier,
    DossierEquipmentLine,
    Equipment,
    Group,
    Project,
    ProjectTeacher,
    School,
    SessionDevice,
    UsageDaily,
    UsageEvent,
    utc_now,
)
from .uai import department_of

# -- export ----------------------------------------------------------------------------------


def export_content(session: Session, exported_at: dt.datetime | None = None) -> Content:
    """Everything the registry holds, archived rows included (the file tells the DRANE they
    are archived), usage summed per day. With `exported_at`, every row sent is marked as gone
    out at that instant if it was not already (inside the caller's transaction)."""
    mark = _marker(exported_at)
    usage = _usage_by_project_day(session)
    schools = [_school(s, mark) for s in session.scalars(select(School).order_by(School.uai))]
    dossiers = [_dossier(d) for d in session.scalars(select(Dossier).order_by(Dossier.number))]
    projects = [
        _project(session, p, usage.get(p.id, []), mark)
        for p in session.scalars(select(Project).order_by(Project.id))
    ]
    return Content(schools=schools, dossiers=dossiers, projects=projects)


def _marker(when: dt.datetime | None):
    def mark(row: Archivable) -> bool:
        if when is not None and row.exported_at is None:
            row.exported_at = when
        return row.archived

    return mark


def _school(s: School, mark) -> SchoolRecord:
    return SchoolRecord(
        uai=s.uai, name=s.name, commune=s.commune, degree=s.degree, archived=mark(s)
    )


def _dossier(d: Dossier) -> DossierRecord:
    return DossierRecord(
        number=d.number,
        demarche=d.demarche,
        state=d.state,
        school=d.school_uai,
        deposited_on=d.deposited_on,
        processed_on=d.processed_on,
        requested_cents=d.requested_cents,
        granted_cents=d.granted_cents,
        cofinancer=d.cofinancer or None,
        cofinancing_cents=d.cofinancing_cents,
        equipment_lines=[
            EquipmentLineRecord(
                label=line.label, quantity=line.quantity, unit_cost_cents=line.unit_cost_cents
            )
            for line in d.equipment_lines
        ],
    )


def _project(session: Session, p: Project, usage: list[UsageDayRecord], mark) -> ProjectRecord:
    names = {g.id: g.name for g in p.groups}
    sessions = session.scalars(
        select(ClassroomSession)
        .where(ClassroomSession.project_id == p.id)
        .order_by(ClassroomSession.id)
    )
    return ProjectRecord(
        uid=p.uid,
        school=p.school_uai,
        title=p.title,
        level=p.level,
        teachers=[TeacherRecord(role=t.role, initials=t.initials) for t in p.teachers],
        dossiers=sorted(d.number for d in p.dossiers),
        equipment=sorted(
            (
                EquipmentRecord(
                    kind=e.kind, identifier=e.identifier, label=e.label, archived=mark(e)
                )
                for e in p.equipment
            ),
            key=lambda e: (e.kind, e.identifier),
        ),
        groups=[
            GroupRecord(name=g.name, size=g.size, girls=g.girls, archived=mark(g))
            for g in sorted(p.groups, key=lambda g: g.id)
        ],
        sessions=[
            SessionRecord(
                uid=s.uid,
                group=names[s.group_id],
                activity=s.activity,
                date=s.date,
                minutes=s.minutes,
                devices={d.kind: d.quantity for d in sorted(s.devices, key=lambda d: d.kind)},
                archived=mark(s),
            )
            for s in sessions
        ],
        usage=usage,
        archived=mark(p),
    )


def _usage_by_project_day(session: Session) -> dict[int, list[UsageDayRecord]]:
    """Usage events summed per project and UTC day in SQL, plus daily totals already merged."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for query in (_events_per_day(session), _merged_days()):
        for project_id, when, kind, act, dev, n, cells, errors in session.execute(query):
            when = when if isinstance(when, str) else when.isoformat()
            total = totals[(project_id, when[:10], kind, act or "", dev or "")]
            total[0] += int(n)
            total[1] += int(cells or 0)
            total[2] += int(errors or 0)
    found: dict[int, list[UsageDayRecord]] = defaultdict(list)
    for (project_id, when, kind, act, dev), (n, cells, errors) in sorted(totals.items()):
        found[project_id].append(
            UsageDayRecord(
                day=dt.date.fromisoformat(when),
                kind=kind,
                activity=act,
                device_kind=dev,
                events=n,
                cells=cells,
                errors=errors,
            )
        )
    return found


def _events_per_day(session: Session):
    if session.get_bind().dialect.name == "sqlite":
        day = func.date(UsageEvent.occurred_at)
    else:
        # a literal, not a bound parameter: PostgreSQL must see the same expression in GROUP BY
        day = cast(func.timezone(literal_column("'UTC'"), UsageEvent.occurred_at), Date)
    keys = (UsageEvent.project_id, day, UsageEvent.kind, UsageEvent.activity)
    return select(
        *keys,
        UsageEvent.device_kind,
        func.count(),
        func.sum(UsageEvent.cells),
        func.sum(UsageEvent.errors),
    ).group_by(*keys, UsageEvent.device_kind)


def _merged_days():
    return select(
        UsageDaily.project_id,
        UsageDaily.day,
        UsageDaily.kind,
        UsageDaily.activity,
        UsageDaily.device_kind,
        UsageDaily.events,
        UsageDaily.cells,
        UsageDaily.errors,
    )


# -- merging ---------------------------------------------------------------------------------


class _Merge:
    """One file's content merged into the registry; `changed` counts what was created or
    changed, by kind."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = utc_now()
        self.changed: dict[str, int] = defaultdict(int)

    def archive(self, row: Archivable, archived: bool) -> int:
        """Follow the file's archiving; 1 when that changed the row."""
        if archived == row.archived:
            return 0
        row.archived_at = self.now if archived else None
        return 1

    def schools(self, records: Iterable[SchoolRecord]) -> None:
        for s in records:
            school = self.session.get(School, s.uai)
            if school is None:
                school = School(uai=s.uai, department=department_of(s.uai))
                self.session.add(school)
            touched = _assign(school, name=s.name, commune=s.commune, degree=s.degree)
            self.changed["schools"] += touched | self.archive(school, s.archived)
        self.session.flush()

    def dossiers(self, records: Iterable[DossierRecord]) -> None:
        for d in records:
            if self.session.scalar(select(Dossier).where(Dossier.number == d.number)):
                continue  # the department's own import of the démarches export wins
            self._require_school(d.school)
            fields = dataclasses.asdict(d)
            lines = fields.pop("equipment_lines")
            dossier = Dossier(school_uai=fields.pop("school"), **fields)
            dossier.equipment_lines = [DossierEquipmentLine(**line) for line in lines]
            self.session.add(dossier)
            self.changed["dossiers"] += 1
        self.session.flush()

    def _require_school(self, uai: str | None) -> None:
        if uai and self.session.get(School, uai) is None:
            raise RegistryError(_("The school {uai} is not in the registry.").format(uai=uai))

    def project(self, p: ProjectRecord) -> None:
        self._require_school(p.school)
        project = self.session.scalar(select(Project).where(Project.uid == p.uid))
        if project is None:
            project = Project(uid=p.uid)
            self.session.add(project)
        touched = _assign(project, school_uai=p.school, title=p.title, level=p.level)
        touched |= self.archive(project, p.archived)
        teachers = sorted((t.role, t.initials) for t in p.teachers)
        if sorted((t.role, t.initials) for t in project.teachers) != teachers:
            project.teachers = [ProjectTeacher(role=r, initials=i) for r, i in teachers]
            touched = 1
        self.changed["projects"] += touched
        self.equipment(project, p.equipment)
        self.links(project, p.dossiers)
        groups = self.groups(project, p.groups)
        self.sessions(project, groups, p.sessions)
        self.usage(project, p.usage)

    def equipment(self, project: Project, records: list[EquipmentRecord]) -> None:
        wanted = sorted({(e.kind, e.identifier, e.label or "", e.archived) for e in records})
        held = sorted((e.kind, e.identifier, e.label or "", e.archived) for e in project.equipment)
        if held == wanted:
            return
        project.equipment.clear()
        self.session.flush()  # the old rows go before new ones with the same unique key arrive
        project.equipment = [
            Equipment(
                kind=k, identifier=i, label=label or None, archived_at=self.now if gone else None
            )
            for k, i, label, gone in wanted
        ]
        self.session.flush()
        self.changed["equipment"] += 1

    def links(self, project: Project, numbers: list[str]) -> None:
        for number in numbers:
            dossier = self.session.scalar(select(Dossier).where(Dossier.number == number))
            if dossier is None:
                raise RegistryError(
                    _(
                        "The dossier {number} is not in the registry. Import the dossiers "
                        "export first."
                    ).format(number=number)
                )
            if dossier not in project.dossiers:
                project.dossiers.append(dossier)
                self.changed["links"] += 1
        self.session.flush()

    def groups(self, project: Project, records: list[GroupRecord]) -> dict[str, Group]:
        groups = {g.name: g for g in project.groups}
        for g in records:
            group = groups.get(g.name)
            if group is None:
                group = groups[g.name] = Group(name=g.name, size=g.size, girls=g.girls)
                project.groups.append(group)
                self.changed["groups"] += 1
            changed = _assign(group, size=g.size, girls=g.girls)
            self.changed["groups"] += changed | self.archive(group, g.archived)
        self.session.flush()
        return groups

    def sessions(
        self, project: Project, groups: dict[str, Group], records: list[SessionRecord]
    ) -> None:
        for s in records:
            record = self.session.scalar(
                select(ClassroomSession).where(ClassroomSession.uid == s.uid)
            )
            if record is None:
                record = ClassroomSession(uid=s.uid, project_id=project.id)
                self.session.add(record)
            n = _assign(
                record,
                project_id=project.id,
                group_id=groups[s.group].id,
                activity=s.activity,
                date=s.date,
                minutes=s.minutes,
            )
            n |= self.archive(record, s.archived)
            if {d.kind: d.quantity for d in record.devices} != s.devices:
                record.devices.clear()
                self.session.flush()  # likewise: a kind kept is the same primary key
                record.devices = [
                    SessionDevice(kind=k, quantity=q) for k, q in sorted(s.devices.items())
                ]
                n = 1
            self.changed["sessions"] += n
        self.session.flush()

    def usage(self, project: Project, records: list[UsageDayRecord]) -> None:
        for u in records:
            key = (project.id, u.day, u.kind, u.activity, u.device_kind)
            row = self.session.get(UsageDaily, key)
            if row is None:
                row = UsageDaily(
                    project_id=project.id,
                    day=u.day,
                    kind=u.kind,
                    activity=u.activity,
                    device_kind=u.device_kind,
                )
                self.session.add(row)
            self.changed["usage_days"] += _assign(
                row, events=u.events, cells=u.cells, errors=u.errors
            )
        self.session.flush()


def merge(session: Session, content: Content) -> dict[str, int]:
    """Merge checked content into the registry (inside the caller's transaction); how many
    records were created or changed, by kind."""
    merging = _Merge(session)
    merging.schools(content.schools)
    merging.dossiers(content.dossiers)
    for project in content.projects:
        merging.project(project)
    return dict(merging.changed)


def _assign(record: object, **values: object) -> int:
    """Set the values that differ; 1 when something changed (a new record counts), else 0."""
    different = {k: v for k, v in values.items() if getattr(record, k, None) != v}
    for key, value in different.items():
        setattr(record, key, value)
    return int(bool(different))
