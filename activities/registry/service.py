"""What front ends do with the registry: each use case one method of `Registry`, taking checked
values and returning plain data objects (`views`), so that the CLI only formats them.

A write runs in one transaction that takes SQLite's write lock from its start (see `database`),
so that checks and inserts see the same state even with several processes at once.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tne.i18n import _
from tne.os_errors import os_error_text

from . import exchange, exchange_store, inputs, migrate
from .corrections import Corrections, active, device_counts
from .database import make_engine, resolve_url, shown_url, sqlite_path, writer
from .errors import DatabaseUnavailable, RegistryError
from .french import plain
from .link import MachineLink, read_link, remove_link, save_link
from .models import (
    DOSSIER_STATES,
    ClassroomSession,
    Dossier,
    Equipment,
    Group,
    Project,
    ProjectTeacher,
    School,
    UsageEvent,
    utc_now,
)
from .report.build import build_report
from .report.figures import Report
from .report.request import ReportRequest
from .uai import department_of, normalise_uai
from .views import GroupView, ProjectView, SchoolView, SessionView, StatusView

#: What `save_dossier` may set besides the number, the call and the state.
DOSSIER_DETAILS = {
    "school_uai",
    "deposited_on",
    "processed_on",
    "requested_cents",
    "granted_cents",
    "cofinancer",
    "cofinancing_cents",
}


@dataclass
class Registry(Corrections):
    """The registry behind one database URL."""

    url: str
    engine: Engine
    _ready: bool = False

    @classmethod
    def open(cls, url: str | None = None) -> Registry:
        resolved = resolve_url(url)
        try:
            return cls(resolved, make_engine(resolved))
        except Exception as problem:  # a malformed URL, an unknown driver
            raise DatabaseUnavailable(
                _("Cannot use the database '{url}': {error}").format(url=resolved, error=problem)
            ) from problem

    @property
    def shown_url(self) -> str:
        return shown_url(self.url)

    def close(self) -> None:
        self.engine.dispose()

    # -- schema --------------------------------------------------------------------------

    def init(self) -> migrate.Upgrade:
        """Create the database (and its folder, for SQLite) at the newest schema."""
        path = sqlite_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        return self._upgrade()

    def migrate(self) -> migrate.Upgrade:
        """Upgrade an existing database to the newest schema."""
        self._require_database()
        return self._upgrade()

    def _upgrade(self) -> migrate.Upgrade:
        with self._database_errors():
            done = migrate.upgrade(self.engine)
        self._ready = True
        return done

    def _require_database(self) -> None:
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            raise DatabaseUnavailable(
                _("There is no registry at {url}. Create it with: tne registry init").format(
                    url=self.shown_url
                )
            )

    def _require_current_schema(self) -> None:
        if self._ready:
            return
        self._require_database()
        with self._database_errors(), self.engine.connect() as connection:
            current = migrate.current_revision(connection)
        if current is None:
            raise DatabaseUnavailable(
                _("There is no registry at {url}. Create it with: tne registry init").format(
                    url=self.shown_url
                )
            )
        if current != migrate.head_revision():
            raise DatabaseUnavailable(
                _("The registry at {url} must be upgraded first: tne registry migrate").format(
                    url=self.shown_url
                )
            )
        self._ready = True

    # -- transactions --------------------------------------------------------------------

    @contextlib.contextmanager
    def _database_errors(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError as problem:
            raise RegistryError(
                _("This conflicts with what the registry already holds: {error}").format(
                    error=problem.orig
                )
            ) from problem
        except DBAPIError as problem:
            raise DatabaseUnavailable(
                _("Cannot use the database '{url}': {error}").format(
                    url=self.shown_url, error=problem.orig
                )
            ) from problem

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        self._require_current_schema()
        with self._database_errors(), Session(self.engine) as session:
            yield session

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction, committed when the block ends without an error."""
        self._require_current_schema()
        with self._database_errors(), Session(writer(self.engine)) as session, session.begin():
            yield session

    # -- schools -------------------------------------------------------------------------

    def add_school(self, uai: str, name: str, commune: str, degree: int) -> SchoolView:
        code = normalise_uai(uai)
        school = School(
            uai=code,
            name=inputs.text(name, _("school's name"), 200),
            commune=inputs.text(commune, _("commune"), 200),
            degree=inputs.degree(degree),
            department=department_of(code),
        )
        with self.writing() as session:
            if session.get(School, code) is not None:
                raise RegistryError(
                    _("The school {uai} is already in the registry.").format(uai=code)
                )
            session.add(school)
            return SchoolView.of(school)

    def schools(self) -> list[SchoolView]:
        with self.reading() as session:
            found = session.scalars(
                select(School).where(School.archived_at.is_(None)).order_by(School.uai)
            )
            return [SchoolView.of(s) for s in found]

    # -- dossiers ------------------------------------------------------------------------

    def save_dossier(self, number: str, demarche: str, state: str, **details: object) -> int:
        """Create or update the dossier `number` (re-importing never duplicates); its id.

        `details` are the other columns of `Dossier` (dates, amounts in cents, co-financing)."""
        unknown = set(details) - DOSSIER_DETAILS
        if unknown:
            raise TypeError(f"not a dossier detail: {sorted(unknown)}")
        number = inputs.text(number, _("dossier number"), 64)
        if state not in DOSSIER_STATES:
            raise RegistryError(
                _("Unknown dossier state '{state}'. Known states: {states}.").format(
                    state=state, states=", ".join(DOSSIER_STATES)
                )
            )
        with self.writing() as session:
            dossier = session.scalar(select(Dossier).where(Dossier.number == number))
            if dossier is None:
                dossier = Dossier(number=number)
                session.add(dossier)
            dossier.demarche = inputs.text(demarche, _("call for projects"), 200)
            dossier.state = state
            for name, value in details.items():
                setattr(dossier, name, value)
            session.flush()
            return dossier.id

    # -- projects ------------------------------------------------------------------------

    def create_project(
        self,
        school_uai: str,
        title: str,
        level: str,
        teachers: Sequence[str] = (),
        force: bool = False,
    ) -> ProjectView:
        """A new project; one with the same title in the same school is refused (naming it)
        unless `force`, as creating it twice is the likelier slip."""
        code = normalise_uai(school_uai)
        project = Project(
            title=inputs.text(title, _("project's title"), 200),
            level=inputs.text(level, _("level"), 40),
            teachers=[ProjectTeacher(role=r, initials=i) for r, i in map(inputs.teacher, teachers)],
        )
        with self.writing() as session:
            school = session.get(School, code)
            if school is None:
                raise RegistryError(
                    _(
                        "The school {uai} is not in the registry. Add it first: tne registry "
                        "schools add {uai} --name ... --commune ... --degree ..."
                    ).format(uai=code)
                )
            if not force:
                same = next(
                    (p for p in active(school.projects) if plain(p.title) == plain(project.title)),
                    None,
                )
                if same is not None:
                    raise RegistryError(
                        _(
                            "The school {uai} already has the project {id} '{title}'. Use it "
                            "(tne registry projects show {id}), or add --force to create "
                            "another one."
                        ).format(uai=code, id=same.id, title=same.title)
                    )
            project.school = school
            session.add(project)
            session.flush()
            return ProjectView.of(project, sessions=0)

    def link_project(self, project_id: int, dossier_number: str) -> bool:
        """Tie a project to a dossier; False when they were already tied."""
        dossier_number = inputs.text(dossier_number, _("dossier number"), 64)
        with self.writing() as session:
            project = self._project(session, project_id)
            dossier = session.scalar(select(Dossier).where(Dossier.number == dossier_number))
            if dossier is None:
                raise RegistryError(
                    _(
                        "The dossier {number} is not in the registry. Import the dossiers "
                        "export first."
                    ).format(number=dossier_number)
                )
            if dossier in project.dossiers:
                return False
            project.dossiers.append(dossier)
            return True

    def projects(self) -> list[ProjectView]:
        with self.reading() as session:
            counts = dict(
                session.execute(
                    select(ClassroomSession.project_id, func.count())
                    .where(ClassroomSession.archived_at.is_(None))
                    .group_by(ClassroomSession.project_id)
                ).all()
            )
            found = session.scalars(
                select(Project).where(Project.archived_at.is_(None)).order_by(Project.id)
            )
            return [ProjectView.of(p, sessions=counts.get(p.id, 0)) for p in found]

    @staticmethod
    def _project(session: Session, project_id: int) -> Project:
        project = session.get(Project, project_id)
        if project is None:
            raise RegistryError(
                _(
                    "There is no project {id}. See the projects with: tne registry projects list"
                ).format(id=project_id)
            )
        return project

    # -- groups and sessions -------------------------------------------------------------

    def add_group(
        self, project_id: int, name: str, size: int, girls: int, force: bool = False
    ) -> GroupView:
        """A new group; one whose name differs from an existing group's only by case, accents
        or spacing is refused (naming it) unless `force`, as typing it twice is the likelier
        slip. An archived group of that very name comes back with the new counts."""
        name = inputs.text(name, _("group's name"), 100)
        size, girls = inputs.group_counts(size, girls)
        with self.writing() as session:
            project = self._project(session, project_id)
            same = next((g for g in project.groups if g.name == name), None)
            if same is not None and same.archived:
                same.archived_at, same.size, same.girls = None, size, girls
                session.flush()
                return GroupView.of(same)
            like = same or next(
                (g for g in active(project.groups) if plain(g.name) == plain(name) and not force),
                None,
            )
            if like is not None:
                raise RegistryError(
                    _(
                        "The project {id} already has the group {group} '{name}'. Use it, "
                        "correct it (tne registry groups edit {group}), or add --force to create "
                        "another group."
                    ).format(id=project_id, group=like.id, name=like.name)
                    if same is None
                    else _(
                        "The project {id} already has the group {group} '{name}'. Use it, or "
                        "correct it with: tne registry groups edit {group}"
                    ).format(id=project_id, group=like.id, name=like.name)
                )
            group = Group(name=name, size=size, girls=girls)
            project.groups.append(group)
            session.flush()
            return GroupView.of(group)

    def record_session(
        self,
        project_id: int,
        group_name: str,
        activity: str,
        date: str,
        minutes: int,
        devices: Sequence[str] = (),
    ) -> SessionView:
        group_name = inputs.text(group_name, _("group's name"), 100)
        activity = inputs.text(activity, _("activity"), 100)
        day = inputs.past_day(date)
        minutes = inputs.session_minutes(minutes)
        used = device_counts(devices)
        with self.writing() as session:
            project = self._project(session, project_id)
            group = next((g for g in active(project.groups) if g.name == group_name), None)
            if group is None:
                raise RegistryError(
                    _(
                        "The project {id} has no group named '{name}'. Add it first: tne "
                        "registry groups add {id} --name ... --size ... --girls ..."
                    ).format(id=project_id, name=group_name)
                )
            record = ClassroomSession(
                project_id=project.id,
                group=group,
                activity=activity,
                date=day,
                minutes=minutes,
                devices=used,
            )
            session.add(record)
            session.flush()
            return SessionView.of(record)

    # -- status --------------------------------------------------------------------------

    def status(self) -> StatusView:
        tables = {
            "schools": School,
            "dossiers": Dossier,
            "projects": Project,
            "groups": Group,
            "sessions": ClassroomSession,
            "usage_events": UsageEvent,
        }
        with self.reading() as session:
            revision = migrate.current_revision(session.connection())
            counts = {
                name: session.scalar(select(func.count()).select_from(model))
                for name, model in tables.items()
            }
        link = read_link()
        return StatusView(
            database=self.shown_url,
            revision=revision,
            counts=counts,
            link=link.to_json() if link else None,
        )

    # -- this machine's link ---------------------------------------------------------------

    def link_machine(self, project_id: int) -> MachineLink:
        """Record usage on this machine for `project_id` of this registry from now on."""
        with self.reading() as session:
            project = self._project(session, project_id)
            link = MachineLink(
                database=self.url,
                project_id=project.id,
                project_uid=project.uid,
                title=project.title,
                school=project.school_uai,
            )
        save_link(link)
        return link

    @staticmethod
    def unlink_machine() -> bool:
        """Stop recording usage on this machine; False when it was not linked."""
        return remove_link()

    # -- equipment -------------------------------------------------------------------------

    def add_equipment(self, project_id: int, kind: str, identifier: str) -> bool:
        """Add a board or robot to a project's inventory; False when it was already there. The
        kind is matched against the known kinds (`kinds`), else kept as « autre » and a label."""
        from .kinds import equipment_kind

        code, label = equipment_kind(kind)
        identifier = inputs.text(identifier, _("device identifier"), 100)
        with self.writing() as session:
            project = self._project(session, project_id)
            held = next(
                (e for e in project.equipment if e.kind == code and e.identifier == identifier),
                None,
            )
            if held is None:
                project.equipment.append(Equipment(kind=code, label=label, identifier=identifier))
                return True
            if held.archived:  # deleted after it went out in a report file: back in use
                held.archived_at, held.label = None, label
                return True
            return False

    # -- reports ---------------------------------------------------------------------------

    def report(self, request: ReportRequest) -> Report:
        """The report `request` asks for, counts of pupils already protected."""
        with self.reading() as session:
            return build_report(session, request)

    # -- report files ----------------------------------------------------------------------

    def export_report(self, path: Path) -> dict[str, int]:
        """Write this registry's report file (aggregates only); how many of each it holds.
        What it holds is marked as gone out, in the same transaction: from then on, deleting
        it archives it (see `models.Archivable`)."""
        with self.writing() as session:
            now = utc_now()
            content = exchange_store.export_content(session, exported_at=now)
            data = exchange.report_file(content, now)
            partial = path.with_name(path.name + ".part")
            try:
                partial.write_bytes(data)
                os.replace(partial, path)
            except OSError as problem:
                raise RegistryError(
                    _("Cannot write '{path}': {error}").format(
                        path=path, error=os_error_text(problem)
                    )
                ) from None
        return content.counts()

    def import_reports(self, paths: Sequence[Path]) -> dict[str, int]:
        """Merge report files: all checked first, then merged in one transaction, so a broken
        file changes nothing; merging a file twice changes nothing the second time."""
        contents = [exchange.read_report_file(path) for path in paths]
        total: Counter[str] = Counter()
        with self.writing() as session:
            for content in contents:
                total.update(exchange_store.merge(session, content))
        return dict(total)
