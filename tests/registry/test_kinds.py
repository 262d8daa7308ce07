"""Equipment kinds are a controlled vocabulary: spellings fold to one kind, anything else is
« autre » with its own label, existing free text is migrated once (saying what it could not
map), and a report counts one kind as one row with its French name."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from activities.registry.database import make_engine, writer
from activities.registry.errors import RegistryError
from activities.registry.kinds import equipment_kind
from activities.registry.migrate import alembic_config, head_revision
from activities.registry.report.request import ReportRequest
from activities.registry.report.tables import devices_table
from activities.registry.service import Registry


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("micro:bit", "microbit"),
        ("microbit", "microbit"),
        ("Micro Bit", "microbit"),
        ("Cartes micro:bit", "microbit"),
        ("micro:bit V2", "microbit-v2"),
        ("MICROBIT-V2", "microbit-v2"),
        ("microbit v1", "microbit-v1"),
        ("Maqueen Lite", "maqueen-lite"),
        ("maqueen", "maqueen-lite"),
        ("Maqueen Plus V2", "maqueen-plus-v2"),
        ("Cutebot", "cutebot"),
        ("Thymio II", "thymio"),
        ("thymios", "thymio"),
    ],
)
def test_spellings_of_a_known_kind_fold_to_its_code(typed: str, code: str) -> None:
    assert equipment_kind(typed) == (code, None)


def test_anything_else_is_autre_with_its_label() -> None:
    assert equipment_kind("Robot  Lego") == ("autre", "Robot Lego")
    assert equipment_kind("autre:Lego WeDo") == ("autre", "Lego WeDo")
    for empty in ("", "autre", "autre:"):
        with pytest.raises(RegistryError):
            equipment_kind(empty)


def test_a_report_counts_one_kind_as_one_row_in_french(registry: Registry) -> None:
    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    project = registry.create_project("0180005H", "Robots", "CM2").id
    registry.add_group(project, "CM2 A", 24, 11)
    for kind, identifier in (("Maqueen Lite", "MQ-1"), ("micro:bit", "MB-1"), ("microbit", "MB-2")):
        registry.add_equipment(project, kind, identifier)
    registry.record_session(project, "CM2 A", "Robot", "10/03/2026", 55, ["maqueen", "micro:bit"])
    report = registry.report(ReportRequest())
    assert (report.total.equipment, report.total.equipment_in_use) == (3, 3)
    rows = {r[0]: r[1:] for r in devices_table(report).rows}
    assert rows == {"Maqueen Lite": [1, 1, 1, 1], "micro:bit (version non précisée)": [1, 1, 2, 2]}


def test_the_migration_maps_existing_free_text_and_reports_what_it_could_not(db_url: str) -> None:
    engine = make_engine(db_url)
    with writer(engine).begin() as connection:
        command.upgrade(alembic_config(connection), "0002")
        connection.execute(
            text(
                "INSERT INTO schools (uai, name, commune, degree, department) "
                "VALUES ('0180005H', 'École Jean Zay', 'Bourges', 1, '018')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO projects (id, uid, school_uai, title, level, created_at) "
                "VALUES (1, 'p1', '0180005H', 'Robots', 'CM2', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text("INSERT INTO groups (id, project_id, name, size, girls) VALUES (1, 1, 'A', 20, 9)")
        )
        connection.execute(
            text(
                "INSERT INTO sessions (id, uid, project_id, group_id, activity, date, minutes) "
                "VALUES (1, 's1', 1, 1, 'Robot', '2026-03-10', 55)"
            )
        )
        for kind, identifier in (
            ("Maqueen Lite", "MQ-1"),
            ("micro:bit", "MB-1"),
            ("microbit", "MB-2"),
            ("Drone Tello", "DR-1"),
        ):
            connection.execute(
                text("INSERT INTO equipment (project_id, kind, identifier) VALUES (1, :k, :i)"),
                {"k": kind, "i": identifier},
            )
        for kind, quantity in (("micro:bit", 2), ("microbit", 3), ("maqueen lite", 1)):
            connection.execute(
                text("INSERT INTO session_devices (session_id, kind, quantity) VALUES (1, :k, :q)"),
                {"k": kind, "q": quantity},
            )
    engine.dispose()
    registry = Registry.open(db_url)
    try:
        done = registry.migrate()
        assert (done.before, done.after) == ("0002", head_revision())
        assert done.unmapped_kinds == ("Drone Tello",)
        found = [(e.kind, e.label, e.identifier) for e in registry.equipment(1)]
        assert found == [
            ("maqueen-lite", None, "MQ-1"),
            ("microbit", None, "MB-1"),
            ("microbit", None, "MB-2"),
            ("autre", "Drone Tello", "DR-1"),
        ]
        assert registry.classroom_session(1).devices == {"maqueen-lite": 1, "microbit": 5}
        report = registry.report(ReportRequest())
        assert (report.total.equipment, report.total.equipment_in_use) == (4, 3)
    finally:
        registry.close()


def test_a_report_file_from_an_older_tne_has_its_free_text_kinds_mapped(
    registry: Registry, tmp_path
) -> None:
    """A school that exported before the vocabulary sends « Maqueen Lite » and « micro:bit »:
    the department's registry stores them as known kinds, a device named twice summed."""
    import datetime as dt
    import json

    from activities.registry.exchange import report_file

    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    project = registry.create_project("0180005H", "Robots", "CM2").id
    registry.add_group(project, "CM2 A", 24, 11)
    registry.record_session(project, "CM2 A", "Robot", "10/03/2026", 55, ["microbit"])
    registry.add_equipment(project, "autre:Drone Tello", "DR-1")
    sent = tmp_path / "ecole.json"
    registry.export_report(sent)
    content = json.loads(sent.read_text(encoding="utf-8"))["content"]
    (item,) = content["projects"]
    item["equipment"] += [{"kind": "Maqueen Lite", "identifier": "MQ-1"}]
    item["sessions"][0]["devices"] = {"micro:bit": 2, "microbit": 1, "maqueen": 1}
    older = tmp_path / "ancien.json"
    older.write_bytes(report_file(content, dt.datetime(2026, 3, 20, tzinfo=dt.timezone.utc)))
    registry.import_reports([older])
    found = [(e.kind, e.label, e.identifier) for e in registry.equipment(project)]
    assert sorted(found) == [("autre", "Drone Tello", "DR-1"), ("maqueen-lite", None, "MQ-1")]
    (record,) = registry.sessions(project)
    assert record.devices == {"maqueen-lite": 1, "microbit": 3}
