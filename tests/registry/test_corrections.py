"""Everything typed can be corrected, on SQLite and PostgreSQL: list, show, edit and delete for
schools, projects, groups, sessions and equipment; a likely duplicate refused naming the one that
exists; implausible durations, dates and group sizes refused in French; and a refused change
leaves the registry as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.registry.errors import RegistryError
from activities.registry.service import Registry

UAI = "0180005H"


@pytest.fixture
def project(registry: Registry) -> int:
    registry.add_school(UAI, "École Jean Zay", "Bourges", 1)
    project = registry.create_project(UAI, "Robots", "CM2").id
    registry.add_group(project, "CM2 A", 24, 11)
    registry.add_group(project, "Atelier", 6, 2)
    return project


def test_the_same_project_twice_is_refused_with_its_id_unless_forced(registry, project) -> None:
    with pytest.raises(RegistryError, match=f"déjà le projet {project} « Robots ».*--force"):
        registry.create_project(UAI, "  ROBOTS ", "CM1")
    assert [p.id for p in registry.projects()] == [project]
    again = registry.create_project(UAI, "Robots", "CM1", force=True)
    assert [p.id for p in registry.projects()] == [project, again.id]


@pytest.mark.parametrize(
    ("minutes", "message"),
    [(5500, "au plus 8 heures"), (0, "nombre entier positif"), (481, "pas 481 minutes")],
)
def test_an_implausible_duration_is_refused_and_nothing_recorded(
    registry, project, minutes, message
) -> None:
    with pytest.raises(RegistryError, match=message):
        registry.record_session(project, "CM2 A", "Robot", "10/03/2026", minutes)
    assert registry.sessions(project) == []


def test_dates_are_read_as_jj_mm_aaaa_or_aaaa_mm_jj_and_never_in_the_future(
    registry, project
) -> None:
    first = registry.record_session(project, "CM2 A", "Robot", "23/03/2026", 480)
    second = registry.record_session(project, "CM2 A", "Robot", "2026-03-24", 55)
    assert (first.date, second.date) == ("2026-03-23", "2026-03-24")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for future in (f"{tomorrow:%d/%m/%Y}", "15/03/2031"):
        with pytest.raises(RegistryError, match="dans le futur"):
            registry.record_session(project, "CM2 A", "Robot", future, 55)
    with pytest.raises(RegistryError, match="trop ancienne"):
        registry.record_session(project, "CM2 A", "Robot", "15/03/1926", 55)
    with pytest.raises(RegistryError, match="15/03/2023 ou 2023-03-15"):
        registry.record_session(project, "CM2 A", "Robot", "31/02/2026", 55)
    assert len(registry.sessions(project)) == 2


def test_a_group_size_out_of_bounds_is_refused(registry, project) -> None:
    with pytest.raises(RegistryError, match="au plus 100 élèves, pas 450"):
        registry.add_group(project, "Tout le collège", 450, 200)
    with pytest.raises(RegistryError, match="au plus 100 élèves"):
        registry.edit_group(registry.groups(project)[0].id, size=450)
    assert [(g.name, g.size) for g in registry.groups(project)] == [("CM2 A", 24), ("Atelier", 6)]


def test_groups_are_listed_edited_and_deleted(registry, project) -> None:
    cm2, atelier = registry.groups(project)
    changed = registry.edit_group(cm2.id, name="CM2 B", girls=12)
    assert (changed.name, changed.size, changed.girls) == ("CM2 B", 24, 12)
    assert registry.group(cm2.id) == changed
    with pytest.raises(RegistryError, match="déjà un groupe nommé « Atelier »"):
        registry.edit_group(cm2.id, name="Atelier")
    with pytest.raises(RegistryError, match="entre 0 et l'effectif"):
        registry.edit_group(cm2.id, size=10)
    assert registry.group(cm2.id) == changed
    assert registry.delete_group(atelier.id).name == "Atelier"
    assert [g.name for g in registry.groups(project)] == ["CM2 B"]
    with pytest.raises(RegistryError, match="Introuvable : groupe"):
        registry.group(atelier.id)


def test_a_group_with_sessions_is_deleted_only_with_force(registry, project) -> None:
    registry.record_session(project, "CM2 A", "Robot", "10/03/2026", 55)
    cm2 = registry.groups(project)[0]
    with pytest.raises(RegistryError, match="1 séance.*--force"):
        registry.delete_group(cm2.id)
    assert len(registry.sessions(project)) == 1
    registry.delete_group(cm2.id, force=True)
    assert registry.sessions(project) == []
    assert [g.name for g in registry.groups(project)] == ["Atelier"]


def test_sessions_are_listed_by_date_edited_and_deleted(registry, project) -> None:
    late = registry.record_session(project, "CM2 A", "Robot", "20/03/2026", 55, ["microbit"])
    early = registry.record_session(project, "Atelier", "Musique", "01/03/2026", 45)
    assert [s.id for s in registry.sessions(project)] == [early.id, late.id]
    changed = registry.edit_session(
        late.id, group="Atelier", date="21/03/2026", minutes=60, devices=["micro:bit V2"] * 3
    )
    assert (changed.group, changed.date, changed.minutes) == ("Atelier", "2026-03-21", 60)
    assert changed.devices == {"microbit-v2": 3}
    with pytest.raises(RegistryError, match="pas de groupe nommé « CE1 »"):
        registry.edit_session(late.id, group="CE1")
    with pytest.raises(RegistryError, match="au plus 8 heures"):
        registry.edit_session(late.id, minutes=5500)
    assert registry.classroom_session(late.id) == changed
    registry.delete_session(early.id)
    assert [s.id for s in registry.sessions(project)] == [late.id]


def test_equipment_is_listed_edited_and_deleted_by_its_id(registry, project) -> None:
    registry.add_equipment(project, "micro:bit V2", "MB-01")
    registry.add_equipment(project, "Robot Lego", "LG-01")
    board, lego = registry.equipment(project)
    assert (board.kind, board.label, lego.kind, lego.label) == (
        "microbit-v2",
        None,
        "autre",
        "Robot Lego",
    )
    assert registry.edit_equipment(lego.id, kind="Maqueen Lite").kind == "maqueen-lite"
    with pytest.raises(RegistryError, match="déjà dans l'inventaire du projet"):
        registry.edit_equipment(lego.id, kind="microbit v2", identifier="MB-01")
    assert registry.equipment(project)[1].identifier == "LG-01"
    registry.delete_equipment(board.id)
    assert [e.identifier for e in registry.equipment(project)] == ["LG-01"]
    with pytest.raises(RegistryError, match="Introuvable : matériel"):
        registry.delete_equipment(board.id)


def test_projects_and_schools_are_shown_edited_and_deleted_safely(registry, project) -> None:
    registry.record_session(project, "CM2 A", "Robot", "10/03/2026", 55)
    assert registry.edit_project(project, title="Robots suiveurs").title == "Robots suiveurs"
    assert registry.project(project).sessions == 1
    assert registry.edit_school(UAI, commune="Vierzon").commune == "Vierzon"
    with pytest.raises(RegistryError, match="1 projet et 0 dossier"):
        registry.delete_school(UAI)
    with pytest.raises(RegistryError, match="1 séance.*--force"):
        registry.delete_project(project)
    registry.delete_project(project, force=True)
    assert registry.projects() == []
    assert registry.delete_school(" 0180005h ").uai == UAI
    assert registry.schools() == []
