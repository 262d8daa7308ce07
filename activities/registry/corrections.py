"""Correcting what was typed: show, edit, delete and merge for groups, sessions, equipment,
projects and schools, mixed into `service.Registry` (which keeps the use cases that add things).

Nothing is lost by a slip: a group, project or school that still has sessions, projects or
dossiers under it is only deleted with `force`, which says what goes with it. What already went
out in a report file is archived, never deleted (`models.Archivable`): lists and reports leave
it out, and the next report file tells the DRANE.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tne.i18n import _, ngettext

from . import inputs
from .errors import RegistryError
from .models import (
    Archivable,
    ClassroomSession,
    Dossier,
    Equipment,
    Group,
    Project,
    School,
    SessionDevice,
    utc_now,
)
from .uai import normalise_uai
from .views import EquipmentView, GroupView, ProjectView, SchoolView, SessionView

A = TypeVar("A", bound=Archivable)


def retire(session: Session, row: A, children: Sequence[Archivable] = ()) -> A:
    """Delete `row` and `children`, or archive them all when any of them went out in a report
    file; `row` either way (its `archived` says which)."""
    rows = [row, *children]
    if any(r.exported_at is not None for r in rows):
        now = utc_now()
        for r in rows:
            if r.archived_at is None:
                r.archived_at = now
        session.flush()
        return row
    for r in reversed(rows):
        session.delete(r)
    return row


def active(rows: Sequence[A]) -> list[A]:
    return [r for r in rows if not r.archived]


def _missing(what: str, id_: object, listing: str) -> RegistryError:
    return RegistryError(
        _("There is no {what} {id}. See them with: {listing}").format(
            what=what, id=id_, listing=listing
        )
    )


class Corrections:
    """Show, edit and delete; `self` is a `service.Registry`."""

    # -- lookups -----------------------------------------------------------------------------

    @staticmethod
    def _group(session: Session, group_id: int) -> Group:
        found = session.get(Group, group_id)
        if found is None:
            raise _missing(_("group"), group_id, "tne registry groups list PROJET")
        return found

    @staticmethod
    def _session(session: Session, session_id: int) -> ClassroomSession:
        found = session.get(ClassroomSession, session_id)
        if found is None:
            raise _missing(_("session"), session_id, "tne registry sessions list PROJET")
        return found

    @staticmethod
    def _equipment(session: Session, equipment_id: int) -> Equipment:
        found = session.get(Equipment, equipment_id)
        if found is None:
            raise _missing(_("device"), equipment_id, "tne registry equipment list PROJET")
        return found

    @staticmethod
    def _school(session: Session, uai: str) -> School:
        code = normalise_uai(uai)
        found = session.get(School, code)
        if found is None:
            raise _missing(_("school"), code, "tne registry schools list")
        return found

    @staticmethod
    def _sessions_of(session: Session, project_id: int) -> int:
        return session.scalar(
            select(func.count()).where(
                ClassroomSession.project_id == project_id, ClassroomSession.archived_at.is_(None)
            )
        )

    @staticmethod
    def _group_sessions(session: Session, group: Group) -> list[ClassroomSession]:
        return list(
            session.scalars(select(ClassroomSession).where(ClassroomSession.group_id == group.id))
        )

    # -- groups ------------------------------------------------------------------------------

    def groups(self, project_id: int) -> list[GroupView]:
        with self.reading() as session:
            project = self._project(session, project_id)
            return [GroupView.of(g) for g in sorted(active(project.groups), key=lambda g: g.id)]

    def group(self, group_id: int) -> GroupView:
        with self.reading() as session:
            return GroupView.of(self._group(session, group_id))

    def edit_group(
        self,
        group_id: int,
        name: str | None = None,
        size: int | None = None,
        girls: int | None = None,
    ) -> GroupView:
        with self.writing() as session:
            group = self._group(session, group_id)
            if name is not None:
                name = inputs.text(name, _("group's name"), 100)
                if any(g.name == name and g.id != group.id for g in group.project.groups):
                    raise RegistryError(
                        _("The project {id} already has a group named '{name}'.").format(
                            id=group.project_id, name=name
                        )
                    )
                group.name = name
            group.size, group.girls = inputs.group_counts(
                group.size if size is None else size, group.girls if girls is None else girls
            )
            session.flush()
            return GroupView.of(group)

    def delete_group(self, group_id: int, force: bool = False) -> GroupView:
        """Delete a group; with its sessions only when `force` (they would be lost)."""
        with self.writing() as session:
            group = self._group(session, group_id)
            held = self._group_sessions(session, group)
            if active(held) and not force:
                raise RegistryError(
                    ngettext(
                        "The group {id} has {count} session: deleting it would delete it too. "
                        "Move or delete it first, or add --force.",
                        "The group {id} has {count} sessions: deleting it would delete them too. "
                        "Move or delete them first, or add --force.",
                        len(active(held)),
                    ).format(id=group_id, count=len(active(held)))
                )
            shown = GroupView.of(group)
            retire(session, group, held)
            return GroupView.of(group) if group.archived else shown

    def merge_groups(self, source_id: int, target_id: int) -> GroupView:
        """Fold the group `source_id` into `target_id` of the same project (one group typed
        twice): its sessions move to the target, which keeps its own counts; the source is
        then deleted, or archived if it went out in a report file."""
        with self.writing() as session:
            source = self._group(session, source_id)
            target = self._group(session, target_id)
            if source.id == target.id or source.project_id != target.project_id:
                raise RegistryError(
                    _(
                        "Only two different groups of one project can be merged: the groups "
                        "{source} and {target} cannot."
                    ).format(source=source_id, target=target_id)
                )
            if source.archived or target.archived:
                archived = source_id if source.archived else target_id
                raise RegistryError(
                    _("The group {id} is archived: it cannot be merged.").format(id=archived)
                )
            for record in self._group_sessions(session, source):
                record.group = target
            session.flush()
            retire(session, source)
            session.flush()
            return GroupView.of(target)

    # -- sessions ----------------------------------------------------------------------------

    def sessions(self, project_id: int) -> list[SessionView]:
        with self.reading() as session:
            self._project(session, project_id)
            found = session.scalars(
                select(ClassroomSession)
                .where(
                    ClassroomSession.project_id == project_id,
                    ClassroomSession.archived_at.is_(None),
                )
                .order_by(ClassroomSession.date, ClassroomSession.id)
            )
            return [SessionView.of(s) for s in found]

    def classroom_session(self, session_id: int) -> SessionView:
        with self.reading() as session:
            return SessionView.of(self._session(session, session_id))

    def edit_session(
        self,
        session_id: int,
        group: str | None = None,
        activity: str | None = None,
        date: str | None = None,
        minutes: int | None = None,
        devices: Sequence[str] | None = None,
    ) -> SessionView:
        """Change what is given; `devices` replaces the list of devices used."""
        with self.writing() as session:
            record = self._session(session, session_id)
            if group is not None:
                name = inputs.text(group, _("group's name"), 100)
                project = self._project(session, record.project_id)
                found = next((g for g in active(project.groups) if g.name == name), None)
                if found is None:
                    raise RegistryError(
                        _("The project {id} has no group named '{name}'.").format(
                            id=project.id, name=name
                        )
                    )
                record.group = found
            if activity is not None:
                record.activity = inputs.text(activity, _("activity"), 100)
            if date is not None:
                record.date = inputs.past_day(date)
            if minutes is not None:
                record.minutes = inputs.session_minutes(minutes)
            if devices is not None:
                record.devices = device_counts(devices)
            session.flush()
            return SessionView.of(record)

    def delete_session(self, session_id: int) -> SessionView:
        with self.writing() as session:
            record = self._session(session, session_id)
            shown = SessionView.of(record)
            retire(session, record)
            return SessionView.of(record) if record.archived else shown

    # -- equipment ---------------------------------------------------------------------------

    def equipment(self, project_id: int) -> list[EquipmentView]:
        with self.reading() as session:
            project = self._project(session, project_id)
            devices = sorted(active(project.equipment), key=lambda e: e.id)
            return [EquipmentView.of(e) for e in devices]

    def edit_equipment(
        self, equipment_id: int, kind: str | None = None, identifier: str | None = None
    ) -> EquipmentView:
        from .kinds import equipment_kind

        with self.writing() as session:
            device = self._equipment(session, equipment_id)
            if kind is not None:
                device.kind, device.label = equipment_kind(kind)
            if identifier is not None:
                device.identifier = inputs.text(identifier, _("device identifier"), 100)
            with session.no_autoflush:  # ask before the change reaches the unique index
                clash = session.scalar(
                    select(Equipment).where(
                        Equipment.project_id == device.project_id,
                        Equipment.kind == device.kind,
                        Equipment.identifier == device.identifier,
                        Equipment.id != device.id,
                    )
                )
            if clash is not None:
                raise RegistryError(
                    _("This device is already in the project's inventory (id {id}).").format(
                        id=clash.id
                    )
                )
            session.flush()
            return EquipmentView.of(device)

    def delete_equipment(self, equipment_id: int) -> EquipmentView:
        with self.writing() as session:
            device = self._equipment(session, equipment_id)
            shown = EquipmentView.of(device)
            retire(session, device)
            return EquipmentView.of(device) if device.archived else shown

    # -- projects ----------------------------------------------------------------------------

    def project(self, project_id: int) -> ProjectView:
        with self.reading() as session:
            return ProjectView.of(
                self._project(session, project_id), self._sessions_of(session, project_id)
            )

    def edit_project(
        self, project_id: int, title: str | None = None, level: str | None = None
    ) -> ProjectView:
        with self.writing() as session:
            project = self._project(session, project_id)
            if title is not None:
                project.title = inputs.text(title, _("project's title"), 200)
            if level is not None:
                project.level = inputs.text(level, _("level"), 40)
            session.flush()
            return ProjectView.of(project, self._sessions_of(session, project_id))

    def delete_project(self, project_id: int, force: bool = False) -> ProjectView:
        """Delete a project; with its groups and sessions only when `force`."""
        with self.writing() as session:
            project = self._project(session, project_id)
            held = self._sessions_of(session, project_id)
            if held and not force:
                raise RegistryError(
                    ngettext(
                        "The project {id} has {count} session: deleting it would delete it "
                        "too. Add --force if that is what you want.",
                        "The project {id} has {count} sessions: deleting it would delete them "
                        "too. Add --force if that is what you want.",
                        held,
                    ).format(id=project_id, count=held)
                )
            shown = ProjectView.of(project, held)
            sessions = session.scalars(
                select(ClassroomSession).where(ClassroomSession.project_id == project.id)
            )
            retire(session, project, [*project.groups, *sessions, *project.equipment])
            return ProjectView.of(project, held) if project.archived else shown

    # -- schools -----------------------------------------------------------------------------

    def school(self, uai: str) -> SchoolView:
        with self.reading() as session:
            return SchoolView.of(self._school(session, uai))

    def edit_school(
        self,
        uai: str,
        name: str | None = None,
        commune: str | None = None,
        degree: int | None = None,
    ) -> SchoolView:
        with self.writing() as session:
            school = self._school(session, uai)
            if name is not None:
                school.name = inputs.text(name, _("school's name"), 200)
            if commune is not None:
                school.commune = inputs.text(commune, _("commune"), 200)
            if degree is not None:
                school.degree = inputs.degree(degree)
            session.flush()
            return SchoolView.of(school)

    def delete_school(self, uai: str) -> SchoolView:
        """Delete a school no project or dossier names (those would lose their school); one
        that went out in a report file, or still holds archived projects, is archived."""
        with self.writing() as session:
            school = self._school(session, uai)
            projects = session.scalar(
                select(func.count()).where(
                    Project.school_uai == school.uai, Project.archived_at.is_(None)
                )
            )
            dossiers = session.scalar(select(func.count()).where(Dossier.school_uai == school.uai))
            if projects or dossiers:
                raise RegistryError(
                    _(
                        "The school {uai} still has {projects} and {dossiers}: "
                        "delete or move them first."
                    ).format(
                        uai=school.uai,
                        projects=ngettext("{count} project", "{count} projects", projects).format(
                            count=projects
                        ),
                        dossiers=ngettext("{count} dossier", "{count} dossiers", dossiers).format(
                            count=dossiers
                        ),
                    )
                )
            shown = SchoolView.of(school)
            if school.projects:  # archived ones, which keep their school
                school.archived_at = school.archived_at or utc_now()
            else:
                retire(session, school)
            return SchoolView.of(school) if school.archived else shown


def device_counts(devices: Sequence[str]) -> list[SessionDevice]:
    """One `SessionDevice` per kind, counting how many times each was named."""
    from .kinds import equipment_kind

    kinds = Counter(equipment_kind(d)[0] for d in devices)
    return [SessionDevice(kind=k, quantity=n) for k, n in sorted(kinds.items())]
