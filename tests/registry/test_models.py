"""The schema keeps what the TNE needs and nothing about pupils, on a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from activities.registry.errors import RegistryError
from activities.registry.models import (
    Base,
    ClassroomSession,
    Dossier,
    DossierEquipmentLine,
    Equipment,
    Group,
    Project,
    ProjectTeacher,
    School,
    SessionDevice,
    UsageEvent,
)

PERSONAL = ("first_name", "last_name", "surname", "email", "birth", "pupil", "address", "phone")


def test_every_model_survives_a_round_trip_through_the_database(registry) -> None:
    moment = dt.datetime(2026, 3, 15, 9, 30, tzinfo=dt.timezone.utc)
    with Session(registry.engine) as session, session.begin():
        school = School(
            uai="0180005H", name="École Jean Zay", commune="Bourges", degree=1, department="18"
        )
        dossier = Dossier(
            number="12345",
            demarche="AAP TNE 2023",
            state="accepte",
            school_uai="0180005H",
            deposited_on=dt.date(2023, 3, 15),
            processed_on=dt.date(2023, 5, 2),
            requested_cents=1_250_000,
            granted_cents=1_000_000,
            cofinancer="Conseil départemental du Cher",
            cofinancing_cents=250_000,
            equipment_lines=[
                DossierEquipmentLine(label="micro:bit V2", quantity=15, unit_cost_cents=2_500)
            ],
        )
        group = Group(name="CM2 A", size=24, girls=11)
        project = Project(
            school=school,
            title="Robots suiveurs de ligne",
            level="CM2",
            teachers=[ProjectTeacher(role="référent", initials="M.D.")],
            dossiers=[dossier],
            equipment=[Equipment(kind="microbit", identifier="MB-0042")],
            groups=[group],
        )
        session.add(project)
        session.flush()
        session.add_all(
            [
                ClassroomSession(
                    project_id=project.id,
                    group=group,
                    activity="maqueen-ligne",
                    date=dt.date(2026, 3, 15),
                    minutes=55,
                    devices=[SessionDevice(kind="microbit", quantity=12)],
                ),
                UsageEvent(
                    project_id=project.id,
                    kind="activity_run",
                    activity="maqueen-ligne",
                    device_kind="sim",
                    cells=14,
                    errors=2,
                    occurred_at=moment,
                ),
            ]
        )

    with Session(registry.engine) as session:
        project = session.scalars(select(Project)).one()
        assert project.school.department == "18"
        assert [(t.role, t.initials) for t in project.teachers] == [("référent", "M.D.")]
        (dossier,) = project.dossiers
        assert (dossier.granted_cents, dossier.cofinancing_cents) == (1_000_000, 250_000)
        assert dossier.deposited_on == dt.date(2023, 3, 15)
        assert dossier.equipment_lines[0].quantity == 15
        assert project.equipment[0].identifier == "MB-0042"
        record = session.scalars(select(ClassroomSession)).one()
        assert (record.group.name, record.minutes, record.devices[0].quantity) == ("CM2 A", 55, 12)
        event = session.scalars(select(UsageEvent)).one()
        assert (event.cells, event.errors) == (14, 2)
        assert event.occurred_at.replace(tzinfo=dt.timezone.utc) == moment


def test_the_database_refuses_more_girls_than_pupils(registry) -> None:
    with Session(registry.engine) as session:
        session.add(School(uai="0180005H", name="É", commune="C", degree=1, department="18"))
        session.add(Project(school_uai="0180005H", title="T", level="CM2"))
        session.flush()
        session.add(Group(project_id=1, name="G", size=5, girls=6))
        with pytest.raises(IntegrityError):
            session.flush()


def test_the_database_refuses_an_unknown_dossier_state(registry) -> None:
    with Session(registry.engine) as session:
        session.add(Dossier(number="1", demarche="AAP", state="perdu"))
        with pytest.raises(IntegrityError):
            session.flush()


def test_saving_a_dossier_twice_updates_it_instead_of_duplicating(registry) -> None:
    first = registry.save_dossier("77", "AAP", "en_instruction")
    again = registry.save_dossier("77", "AAP", "accepte", granted_cents=500_000)
    assert first == again
    with Session(registry.engine) as session:
        (dossier,) = session.scalars(select(Dossier)).all()
        assert (dossier.state, dossier.granted_cents) == ("accepte", 500_000)
    with pytest.raises(RegistryError):
        registry.save_dossier("78", "AAP", "perdu")


def test_teachers_are_kept_by_initials_never_by_name(registry) -> None:
    registry.add_school("0180005H", "École", "Bourges", 1)
    with pytest.raises(RegistryError):
        registry.create_project("0180005H", "T", "CM2", ["référent:Marie Dupont"])
    project = registry.create_project("0180005H", "T", "CM2", ["référent:m.d."])
    assert project.teachers == [{"role": "référent", "initials": "M.D."}]


def test_no_column_anywhere_holds_personal_data(registry) -> None:
    columns = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
    ]
    assert not [c for c in columns if any(word in c for word in PERSONAL)]
    assert {"name"} == {c.split(".")[1] for c in columns if c.endswith(".name")}
    assert {c for c in columns if c.endswith(".name")} == {"schools.name", "groups.name"}


def test_the_migrated_schema_has_every_table_of_the_models(registry) -> None:
    tables = set(inspect(registry.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
