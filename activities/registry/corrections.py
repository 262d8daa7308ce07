"""Correcting what was typed: show, edit and delete for groups, sessions, equipment, projects
and schools, mixed into `service.Registry` (which keeps the use cases that add things).

Nothing is lost by a slip: a group, project or school that still has sessions, projects or
dossiers under it is only deleted with `force`, which says what goes with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tne.i18n import _, ngettext

from . import inputs
from .errors import RegistryError
from .models import ClassroomSession, Dossier, Equipment, Group, Project, School, SessionDevice
from .uai import normalise_uai
from .views import EquipmentView, GroupView, ProjectView, SchoolView, SessionView


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
        return session.scalar(select(func.count()).where(ClassroomSession.project_id == project_id))

    # -- groups ------------------------------------------------------------------------------

    def groups(self, project_id: int) -> list[GroupView]:
        with self.reading() as session:
            project = self._project(session, project_id)
            return [GroupView.of(g) for g in sorted(project.groups, key=lambda g: g.id)]

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
            held = session.scalar(select(func.count()).where(ClassroomSession.group_id == group.id))
            if held and not force:
                raise RegistryError(
                    ngettext(
                        "The group {id} has {count} session: deleting it would delete it too. "
                        "Move or delete it first, or add --force.",
                        "The group {id} has {count} sessions: deleting it would delete them too. "
                        "Move or delete them first, or add --force.",
                        held,
                    ).format(id=group_id, count=held)
                )
            shown = GroupView.of(group)
            for record in session.scalars(
                select(ClassroomSession).where(ClassroomSession.group_id == group.id)
            ):
                session.delete(record)
            session.delete(group)
            return shown

    # -- sessions ----------------------------------------------------------------------------

    def sessions(self, project_id: int) -> list[SessionView]:
        with self.reading() as session:
            self._project(session, project_id)
            found = session.scalars(
                select(ClassroomSession)
                .where(ClassroomSession.project_id == project_id)
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
                found = next((g for g in project.groups if g.name == name), None)
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
            session.delete(record)
            return shown

    # -- equipment ---------------------------------------------------------------------------

    def equipment(self, project_id: int) -> list[EquipmentView]:
        with self.reading() as session:
            project = self._project(session, project_id)
            return [EquipmentView.of(e) for e in sorted(project.equipment, key=lambda e: e.id)]

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
            session.delete(device)
            return shown

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
            session.delete(project)
            return shown

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
        """Delete a school no project or dossier names (those would lose their school)."""
        with self.writing() as session:
            school = self._school(session, uai)
            projects = session.scalar(select(func.count()).where(Project.school_uai == school.uai))
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
            session.delete(school)
            return shown


def device_counts(devices: Sequence[str]) -> list[SessionDevice]:
    """One `SessionDevice` per kind, counting how many times each was named."""
    from .kinds import equipment_kind

    kinds = Counter(equipment_kind(d)[0] for d in devices)
    return [SessionDevice(kind=k, quantity=n) for k, n in sorted(kinds.items())]
