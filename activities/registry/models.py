"""The registry's schema, as SQLAlchemy 2 declarative models that work on SQLite and PostgreSQL.

What is *not* here matters as much as what is: no pupil's name, e-mail, birth date or code.
Pupils only appear as counts (a group's size and its number of girls); teachers only as their
role and initials. Money is kept in integer cents, so that sums are exact on every database.
Changing this file means adding an Alembic revision in `migrations/versions/`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: The states of a dossier on a démarches-simplifiées-style platform.
DOSSIER_STATES = (
    "brouillon",
    "en_construction",
    "en_instruction",
    "accepte",
    "refuse",
    "sans_suite",
)

# Named constraints, so that later migrations can alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_uid() -> str:
    """A stable identity that survives the trip from a school's registry to the department's,
    where integer ids differ (report files are merged on it)."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Archivable:
    """A row that can go out in a report file. Once it has (`exported_at`), deleting it
    archives it instead (`archived_at`): the DRANE holds it, so the school keeps it too, out of
    lists and reports, and the next report file carries the archiving to the DRANE."""

    exported_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, default=None
    )
    archived_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, default=None
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class School(Archivable, Base):
    """A school, known by its UAI; the department is derived from the UAI when it is added."""

    __tablename__ = "schools"
    __table_args__ = (CheckConstraint("degree IN (1, 2)", name="degree"),)

    uai: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(200))
    degree: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(3), index=True)

    projects: Mapped[list[Project]] = relationship(back_populates="school")


project_dossiers = Table(
    "project_dossiers",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("dossier_id", ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True),
)


class Dossier(Base):
    """A funding record filed for a call for projects (a démarche)."""

    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in DOSSIER_STATES) + ")", name="state"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    demarche: Mapped[str] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(20))
    school_uai: Mapped[str | None] = mapped_column(ForeignKey("schools.uai"), nullable=True)
    deposited_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    processed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    requested_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    granted_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cofinancer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cofinancing_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    equipment_lines: Mapped[list[DossierEquipmentLine]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan"
    )
    projects: Mapped[list[Project]] = relationship(
        secondary=project_dossiers, back_populates="dossiers"
    )


class DossierEquipmentLine(Base):
    """One line of equipment asked for in a dossier (what the money was meant to buy)."""

    __tablename__ = "dossier_equipment_lines"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_cost_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    dossier: Mapped[Dossier] = relationship(back_populates="equipment_lines")


class Project(Archivable, Base):
    """A classroom project of one school, tied to the dossiers that fund it."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    school_uai: Mapped[str] = mapped_column(ForeignKey("schools.uai"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    school: Mapped[School] = relationship(back_populates="projects")
    teachers: Mapped[list[ProjectTeacher]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    dossiers: Mapped[list[Dossier]] = relationship(
        secondary=project_dossiers, back_populates="projects"
    )
    equipment: Mapped[list[Equipment]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    groups: Mapped[list[Group]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )


class ProjectTeacher(Base):
    """A teacher of a project, by role and initials only (never a name)."""

    __tablename__ = "project_teachers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(40))
    initials: Mapped[str] = mapped_column(String(8))

    project: Mapped[Project] = relationship(back_populates="teachers")


class Equipment(Archivable, Base):
    """A board or robot of a project's inventory, by kind and identifier (serial, label). The
    kind is a code of `kinds.KNOWN`, or « autre » with the person's own `label`."""

    __tablename__ = "equipment"
    __table_args__ = (UniqueConstraint("project_id", "kind", "identifier", name="uq_equipment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    identifier: Mapped[str] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(100), nullable=True)

    project: Mapped[Project] = relationship(back_populates="equipment")


class Group(Archivable, Base):
    """Pupils taking part (a class or a workshop group): counts only, never names."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_groups_project_name"),
        CheckConstraint("size > 0", name="size"),
        CheckConstraint("girls >= 0 AND girls <= size", name="girls"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    girls: Mapped[int] = mapped_column(Integer)

    project: Mapped[Project] = relationship(back_populates="groups")


class ClassroomSession(Archivable, Base):
    """One session of an activity with one group (named so as not to clash with the ORM's
    `Session`)."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
        Index("ix_sessions_project_date", "project_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    activity: Mapped[str] = mapped_column(String(100))
    date: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)

    group: Mapped[Group] = relationship()
    devices: Mapped[list[SessionDevice]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class SessionDevice(Base):
    """How many devices of one kind a session used."""

    __tablename__ = "session_devices"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    session: Mapped[ClassroomSession] = relationship(back_populates="devices")


class UsageEvent(Base):
    """What a linked machine did (an activity run, cells executed, errors): no pupil identity,
    no code."""

    __tablename__ = "usage_events"
    __table_args__ = (
        CheckConstraint("cells >= 0 AND errors >= 0", name="counts"),
        Index("ix_usage_events_project_time", "project_id", "occurred_at"),
        # Covers the report's GROUP BY: SQLite reads the index in group order, no sort, no table.
        Index(
            "ix_usage_events_report",
            "kind",
            "activity",
            "device_kind",
            "project_id",
            "occurred_at",
            "cells",
            "errors",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    activity: Mapped[str | None] = mapped_column(String(100), nullable=True)
    device_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    cells: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class UsageDaily(Base):
    """Usage events merged from a school's report file: one row per project, day, event kind,
    activity and device kind, with totals only. A department registry holds these instead of
    the events themselves; merging a newer file replaces the row, so merging twice changes
    nothing. An absent activity or device kind is stored as '' (it is part of the key)."""

    __tablename__ = "usage_daily"
    __table_args__ = (CheckConstraint("events >= 0 AND cells >= 0 AND errors >= 0", name="counts"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    activity: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    device_kind: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    events: Mapped[int] = mapped_column(Integer)
    cells: Mapped[int] = mapped_column(BigInteger)
    errors: Mapped[int] = mapped_column(BigInteger)
