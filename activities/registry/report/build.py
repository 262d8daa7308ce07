"""Build a report from the registry: every figure is one SQL `GROUP BY` over the scope, so the
database does the counting (a million usage events never travel to Python); Python only joins
the few grouped rows and applies the suppression rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session

from tne.i18n import _

from ..errors import RegistryError
from ..models import (
    ClassroomSession,
    Dossier,
    Equipment,
    Group,
    Project,
    School,
    SessionDevice,
    UsageDaily,
    UsageEvent,
    project_dossiers,
    utc_now,
)
from .figures import (
    ActivityRow,
    BreakdownRow,
    DeviceRow,
    Money,
    Report,
    UsageRow,
)
from .project import project_details
from .request import ReportRequest
from .suppression import Counts, protect


def build_report(session: Session, request: ReportRequest) -> Report:
    scope_label = _scope_label(session, request)
    builder = _Builder(session, request)
    rows_kind, rows = builder.breakdown()
    details = None
    if request.project is not None:
        details = project_details(session, request, {r.key: r for r in rows[:-1]})
    return Report(
        scope=request.scope,
        scope_key=_scope_key(request),
        scope_label=scope_label,
        start=request.start,
        end=request.end,
        threshold=request.threshold,
        generated_at=utc_now(),
        rows_kind=rows_kind,
        rows=rows[:-1],
        total=rows[-1],
        activities=builder.activities(),
        devices=builder.devices(),
        money=builder.money(),
        usage=builder.usage(),
        project=details,
    )


def _scope_key(request: ReportRequest) -> str | None:
    if request.project is not None:
        return str(request.project)
    return request.school or request.call


def _scope_label(session: Session, request: ReportRequest) -> str:
    """What the report covers, in words; an unknown project, school or call is refused."""
    if request.project is not None:
        project = session.get(Project, request.project)
        if project is None:
            raise RegistryError(
                _(
                    "There is no project {id}. See the projects with: tne registry projects list"
                ).format(id=request.project)
            )
        return f"{project.title} ({project.school.name}, {project.school.commune})"
    if request.school is not None:
        school = session.get(School, request.school)
        if school is None:
            raise RegistryError(
                _("The school {uai} is not in the registry.").format(uai=request.school)
            )
        return f"{school.name} ({school.commune})"
    if request.call is not None:
        known = session.scalar(
            select(func.count()).select_from(Dossier).where(Dossier.demarche == request.call)
        )
        if not known:
            raise RegistryError(
                _("No dossier of the registry belongs to the call '{call}'.").format(
                    call=request.call
                )
            )
        return request.call
    departments = sorted(session.scalars(select(School.department).distinct()))
    return _("Department {code}").format(code=", ".join(departments) or "—")


class _Builder:
    def __init__(self, session: Session, request: ReportRequest) -> None:
        self.session = session
        self.request = request
        self._devices: list[DeviceRow] | None = None
        self._money: Money | None = None

    # -- filters ---------------------------------------------------------------------------

    def in_scope(self, project_id: ColumnElement) -> ColumnElement[bool]:
        """The project is in the report's scope and not archived (`models.Archivable`)."""
        r = self.request
        active = Project.archived_at.is_(None)
        if r.project is not None:
            return project_id == r.project
        if r.school is not None:
            return project_id.in_(select(Project.id).where(Project.school_uai == r.school, active))
        if r.call is not None:
            return project_id.in_(
                select(project_dossiers.c.project_id)
                .join(Dossier, Dossier.id == project_dossiers.c.dossier_id)
                .join(Project, Project.id == project_dossiers.c.project_id)
                .where(Dossier.demarche == r.call, active)
            )
        return project_id.not_in(select(Project.id).where(Project.archived_at.is_not(None)))

    def in_period(self, day: ColumnElement) -> ColumnElement[bool]:
        r = self.request
        conditions = []
        if r.start is not None:
            conditions.append(day >= r.start)
        if r.end is not None:
            conditions.append(day <= r.end)
        return and_(true(), *conditions)

    def in_period_instant(self, instant: ColumnElement) -> ColumnElement[bool]:
        r = self.request
        conditions = []
        if r.start is not None:
            conditions.append(instant >= _midnight(r.start))
        if r.end is not None:
            conditions.append(instant < _midnight(r.end + dt.timedelta(days=1)))
        return and_(true(), *conditions)

    def sessions_in_scope(self) -> ColumnElement[bool]:
        return and_(
            self.in_scope(ClassroomSession.project_id),
            self.in_period(ClassroomSession.date),
            ClassroomSession.archived_at.is_(None),
        )

    # -- the breakdown table ---------------------------------------------------------------

    def breakdown(self) -> tuple[str, list[BreakdownRow]]:
        """Rows (the last one the total) by school, by project or by group, protected."""
        r = self.request
        if r.project is not None:
            kind, key, label, detail = "group", Group.id, Group.name, literal("")
        elif r.school is not None:
            kind, key, label, detail = "project", Project.id, Project.title, Project.level
        else:
            kind, key, label, detail = "school", School.uai, School.name, School.commune
        entities = self._entities(kind, key, label, detail)
        sessions = self._sessions_by(key)
        pupils = self._pupils_by(key)
        money: dict[object, int] = {}
        equipment: dict[object, tuple[int, int]] = {}
        if kind != "group":
            money = self._granted_by(key)
            equipment = self._equipment_by(key)

        counts = [Counts(*map(int, pupils.get(k, (0, 0)))) for k, _l, _d in entities]
        total_counts = Counts(sum(c.pupils for c in counts), sum(c.girls for c in counts))
        shown, total_shown = protect(counts, total_counts, r.threshold)
        rows = []
        for (k, name, more), protected in zip(entities, shown, strict=True):
            n, minutes = sessions.get(k, (0, 0))
            owned, used = equipment.get(k, (0, 0))
            rows.append(
                BreakdownRow(
                    key=str(k),
                    label=name,
                    detail=more or "",
                    sessions=int(n),
                    minutes=int(minutes or 0),
                    pupils=protected.pupils,
                    girls=protected.girls,
                    girls_share=protected.girls_share,
                    granted_cents=int(money.get(k, 0)) if kind != "group" else None,
                    equipment=int(owned) if kind != "group" else None,
                    equipment_in_use=int(used) if kind != "group" else None,
                )
            )
        total = BreakdownRow(
            key="",
            label=_("Total"),
            detail="",
            sessions=sum(row.sessions for row in rows),
            minutes=sum(row.minutes for row in rows),
            pupils=total_shown.pupils,
            girls=total_shown.girls,
            girls_share=total_shown.girls_share,
            granted_cents=self.money().granted_cents,
            equipment=sum(d.inventory for d in self.devices()),
            equipment_in_use=sum(d.in_use for d in self.devices()),
        )
        return kind, [*rows, total]

    def _entities(
        self, kind: str, key: ColumnElement, label: ColumnElement, detail: ColumnElement
    ) -> list:
        """(key, label, detail) of each group, project or school in scope, by label."""
        if kind == "group":
            query = _up_to_school(select(key, label, detail).select_from(Group)).where(
                self.in_scope(Project.id), Group.archived_at.is_(None)
            )
        else:
            query = (
                select(key, label, detail)
                .select_from(Project)
                .join(School, School.uai == Project.school_uai)
                .where(self.in_scope(Project.id))
            )
        return list(self.session.execute(query.group_by(key, label, detail).order_by(label, key)))

    def _sessions_by(self, key: ColumnElement) -> dict[object, tuple[int, int]]:
        """Sessions in scope and their minutes, by `key`."""
        return dict(
            (k, (n, m))
            for k, n, m in self.session.execute(
                _up_to_school(
                    select(key, func.count(ClassroomSession.id), func.sum(ClassroomSession.minutes))
                    .select_from(ClassroomSession)
                    .join(Group, Group.id == ClassroomSession.group_id)
                )
                .where(self.sessions_in_scope())
                .group_by(key)
            )
        )

    def _pupils_by(self, key: ColumnElement) -> dict[object, tuple[int, int]]:
        """Pupils and girls of the groups seen in a session in scope, by `key`."""
        seen_groups = select(ClassroomSession.group_id).where(self.sessions_in_scope())
        return dict(
            (k, (p, g))
            for k, p, g in self.session.execute(
                _up_to_school(
                    select(key, func.sum(Group.size), func.sum(Group.girls)).select_from(Group)
                )
                .where(Group.id.in_(seen_groups), Group.archived_at.is_(None))
                .group_by(key)
            )
        )

    def _granted_by(self, key: ColumnElement) -> dict[object, int]:
        """Money granted to the accepted dossiers of each school or project (a dossier shared
        by two projects of one school counts once for that school)."""
        pairs = (
            select(key.label("k"), Dossier.id.label("dossier"), Dossier.granted_cents.label("c"))
            .select_from(Project)
            .join(School, School.uai == Project.school_uai)
            .join(project_dossiers, project_dossiers.c.project_id == Project.id)
            .join(Dossier, Dossier.id == project_dossiers.c.dossier_id)
            .where(self.in_scope(Project.id), self._dossier_counts())
            .distinct()
            .subquery()
        )
        return dict(
            self.session.execute(
                select(pairs.c.k, func.coalesce(func.sum(pairs.c.c), 0)).group_by(pairs.c.k)
            ).all()
        )

    def _dossier_counts(self) -> ColumnElement[bool]:
        condition = Dossier.state == "accepte"
        if self.request.call is not None:
            condition = and_(condition, Dossier.demarche == self.request.call)
        return condition

    def _used(self) -> ColumnElement[bool]:
        """The equipment row is of a kind some session of its project used in the period."""
        return (
            exists()
            .where(
                SessionDevice.session_id == ClassroomSession.id,
                ClassroomSession.project_id == Equipment.project_id,
                SessionDevice.kind == Equipment.kind,
                self.in_period(ClassroomSession.date),
                ClassroomSession.archived_at.is_(None),
            )
            .correlate(Equipment)
        )

    def _equipment_by(self, key: ColumnElement) -> dict[object, tuple[int, int]]:
        used = func.sum(case((self._used(), 1), else_=0))
        query = (
            select(key, func.count(Equipment.id), used)
            .select_from(Equipment)
            .join(Project, Project.id == Equipment.project_id)
            .join(School, School.uai == Project.school_uai)
            .where(self.in_scope(Project.id), Equipment.archived_at.is_(None))
            .group_by(key)
        )
        return {k: (int(n), int(u or 0)) for k, n, u in self.session.execute(query)}

    # -- the other tables ------------------------------------------------------------------

    def activities(self) -> list[ActivityRow]:
        query = (
            select(
                ClassroomSession.activity,
                func.count(ClassroomSession.id),
                func.sum(ClassroomSession.minutes),
                func.count(distinct(ClassroomSession.group_id)),
            )
            .where(self.sessions_in_scope())
            .group_by(ClassroomSession.activity)
        )
        rows = [
            ActivityRow(a, int(n), int(m), int(g)) for a, n, m, g in self.session.execute(query)
        ]
        return sorted(rows, key=lambda a: (-a.sessions, a.activity))

    def devices(self) -> list[DeviceRow]:
        if self._devices is None:
            self._devices = self._device_rows()
        return self._devices

    def _device_rows(self) -> list[DeviceRow]:
        used = dict(
            (kind, (int(n), int(q)))
            for kind, n, q in self.session.execute(
                select(
                    SessionDevice.kind,
                    func.count(distinct(SessionDevice.session_id)),
                    func.sum(SessionDevice.quantity),
                )
                .join(ClassroomSession, ClassroomSession.id == SessionDevice.session_id)
                .where(self.sessions_in_scope())
                .group_by(SessionDevice.kind)
            )
        )
        owned = {
            kind: (int(n), int(u or 0))
            for kind, n, u in self.session.execute(
                select(
                    Equipment.kind,
                    func.count(Equipment.id),
                    func.sum(case((self._used(), 1), else_=0)),
                )
                .where(self.in_scope(Equipment.project_id), Equipment.archived_at.is_(None))
                .group_by(Equipment.kind)
            )
        }
        return [
            DeviceRow(kind, *used.get(kind, (0, 0)), *owned.get(kind, (0, 0)))
            for kind in sorted(set(used) | set(owned))
        ]

    def money(self) -> Money:
        if self._money is None:
            self._money = self._money_totals()
        return self._money

    def _money_totals(self) -> Money:
        linked = select(project_dossiers.c.dossier_id).where(
            self.in_scope(project_dossiers.c.project_id)
        )
        accepted = self._dossier_counts()
        dossiers, requested, granted, cofinancing = self.session.execute(
            select(
                func.count(Dossier.id),
                func.coalesce(func.sum(Dossier.requested_cents), 0),
                func.coalesce(func.sum(Dossier.granted_cents), 0),
                func.coalesce(func.sum(Dossier.cofinancing_cents), 0),
            ).where(Dossier.id.in_(linked), accepted)
        ).one()
        return Money(int(dossiers), int(requested), int(granted), int(cofinancing))

    def usage(self) -> list[UsageRow]:
        totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        events = (
            select(
                UsageEvent.kind,
                UsageEvent.activity,
                UsageEvent.device_kind,
                func.count(),
                func.sum(UsageEvent.cells),
                func.sum(UsageEvent.errors),
            )
            .where(
                self.in_scope(UsageEvent.project_id),
                self.in_period_instant(UsageEvent.occurred_at),
            )
            .group_by(UsageEvent.kind, UsageEvent.activity, UsageEvent.device_kind)
        )
        merged = (
            select(
                UsageDaily.kind,
                UsageDaily.activity,
                UsageDaily.device_kind,
                func.sum(UsageDaily.events),
                func.sum(UsageDaily.cells),
                func.sum(UsageDaily.errors),
            )
            .where(self.in_scope(UsageDaily.project_id), self.in_period(UsageDaily.day))
            .group_by(UsageDaily.kind, UsageDaily.activity, UsageDaily.device_kind)
        )
        for query in (events, merged):
            for kind, activity, device, n, cells, errors in self.session.execute(query):
                total = totals[(kind, activity or "", device or "")]
                total[0] += int(n)
                total[1] += int(cells or 0)
                total[2] += int(errors or 0)
        rows = [UsageRow(k, a, d, *values) for (k, a, d), values in totals.items()]
        return sorted(rows, key=lambda u: (-u.events, u.kind, u.activity, u.device_kind))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)


def _up_to_school(query: Select) -> Select:
    """`query` over groups, joined up to their school."""
    return query.join(Project, Project.id == Group.project_id).join(
        School, School.uai == Project.school_uai
    )
