"""What already went out in a report file is archived, never deleted: it leaves the lists and the
reports, stays in the database, and the next report file carries the archiving to the DRANE. What
never went out is deleted as before. Groups typed twice are refused with the existing group's id,
and merged. On SQLite and PostgreSQL (the `registry` fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.registry.errors import RegistryError
from activities.registry.report.request import ReportRequest
from activities.registry.service import Registry
from tests.registry.test_cli import ok, tne

UAI = "0180005H"


def school(registry: Registry) -> dict[str, int]:
    """A project with two groups, three sessions and a board; their ids."""
    registry.add_school(UAI, "École Jean Zay", "Bourges", 1)
    project = registry.create_project(UAI, "Robots", "CM2").id
    a = registry.add_group(project, "CM2 A", 24, 12).id
    b = registry.add_group(project, "CM1", 20, 9).id
    ids = {"project": project, "a": a, "b": b}
    for n, (group, day) in enumerate((("CM2 A", "2026-03-10"), ("CM2 A", "2026-03-17"))):
        ids[f"s{n}"] = registry.record_session(project, group, "Robot", day, 60, ["microbit-v2"]).id
    ids["s2"] = registry.record_session(project, "CM1", "Musique", "2026-03-12", 45).id
    registry.add_equipment(project, "micro:bit V2", "MB-1")
    ids["device"] = registry.equipment(project)[0].id
    return ids


def test_a_session_deleted_before_any_export_is_gone(registry: Registry) -> None:
    ids = school(registry)
    gone = registry.delete_session(ids["s0"])
    assert gone.archived is None
    with pytest.raises(RegistryError):
        registry.classroom_session(ids["s0"])


def test_what_went_out_is_archived_left_out_of_lists_and_reports_and_sent_again(
    registry: Registry, tmp_path: Path
) -> None:
    ids = school(registry)
    first = tmp_path / "rapport-1.json"
    registry.export_report(first)

    archived = registry.delete_session(ids["s0"])
    assert archived.archived is not None
    assert registry.classroom_session(ids["s0"]).archived == archived.archived  # still there
    assert [s.id for s in registry.sessions(ids["project"])] == [ids["s2"], ids["s1"]]
    assert registry.delete_equipment(ids["device"]).archived is not None
    assert registry.equipment(ids["project"]) == []

    report = registry.report(ReportRequest(project=ids["project"]))
    assert report.total.sessions == 2
    assert [(d.kind, d.inventory, d.sessions) for d in report.devices] == [("microbit-v2", 0, 1)]

    second = tmp_path / "rapport-2.json"
    registry.export_report(second)
    sent = json.loads(second.read_text(encoding="utf-8"))["content"]["projects"][0]
    assert [s["archived"] for s in sent["sessions"]] == [True, False, False]
    assert [e["archived"] for e in sent["equipment"]] == [True]

    department = Registry.open(f"sqlite:///{tmp_path / 'drane.sqlite3'}")
    department.init()
    try:
        department.import_reports([first])
        assert department.report(ReportRequest()).total.sessions == 3
        department.import_reports([second])
        assert department.report(ReportRequest()).total.sessions == 2
        assert department.status().counts["sessions"] == 3  # archived there too, not deleted
        assert not any(department.import_reports([second]).values())  # merging twice: nothing
    finally:
        department.close()


def test_an_exported_project_deleted_with_force_is_archived_with_what_it_holds(
    registry: Registry, tmp_path: Path
) -> None:
    ids = school(registry)
    registry.export_report(tmp_path / "rapport.json")
    archived = registry.delete_project(ids["project"], force=True)
    assert archived.archived is not None
    assert registry.projects() == []
    assert registry.group(ids["a"]).archived is not None
    assert registry.report(ReportRequest()).total.sessions == 0
    assert registry.report(ReportRequest()).rows == []
    # The school goes the same way: archived, since archived projects still name it.
    assert registry.delete_school(UAI).archived is not None
    assert registry.schools() == []


def test_an_archived_group_comes_back_when_added_again(registry: Registry, tmp_path: Path) -> None:
    ids = school(registry)
    registry.delete_session(ids["s2"])  # never exported: deleted
    registry.export_report(tmp_path / "rapport.json")
    assert registry.delete_group(ids["b"]).archived is not None
    back = registry.add_group(ids["project"], "CM1", 22, 10)
    assert (back.id, back.size, back.girls, back.archived) == (ids["b"], 22, 10, None)


def test_a_group_typed_twice_is_refused_with_its_id_unless_forced(
    registry: Registry, french
) -> None:
    ids = school(registry)
    for name in ("CM2 A", "cm2-a", "CM2  À"):
        with pytest.raises(RegistryError, match=f"déjà le groupe {ids['a']} «\u00a0CM2 A\u00a0»"):
            registry.add_group(ids["project"], name, 24, 12)
    with pytest.raises(RegistryError, match="--force"):
        registry.add_group(ids["project"], "cm2-a", 24, 12)
    assert registry.add_group(ids["project"], "cm2-a", 24, 12, force=True).name == "cm2-a"
    with pytest.raises(RegistryError, match="déjà le groupe"):  # the very same name: never
        registry.add_group(ids["project"], "CM2 A", 24, 12, force=True)


def test_merging_a_group_moves_its_sessions_and_deletes_it(registry: Registry) -> None:
    ids = school(registry)
    kept = registry.merge_groups(ids["b"], ids["a"])
    assert (kept.id, kept.size, kept.girls) == (ids["a"], 24, 12)
    assert {s.group for s in registry.sessions(ids["project"])} == {"CM2 A"}
    assert [g.id for g in registry.groups(ids["project"])] == [ids["a"]]
    with pytest.raises(RegistryError):
        registry.group(ids["b"])
    report = registry.report(ReportRequest(project=ids["project"]))
    assert [r.label for r in report.rows] == ["CM2 A"] and report.total.sessions == 3


def test_merging_an_exported_group_archives_it_and_the_drane_follows(
    registry: Registry, tmp_path: Path
) -> None:
    ids = school(registry)
    registry.export_report(tmp_path / "avant.json")
    registry.merge_groups(ids["b"], ids["a"])
    assert registry.group(ids["b"]).archived is not None
    registry.export_report(tmp_path / "après.json")
    department = Registry.open(f"sqlite:///{tmp_path / 'drane.sqlite3'}")
    department.init()
    try:
        department.import_reports([tmp_path / "avant.json"])
        department.import_reports([tmp_path / "après.json"])
        (project,) = department.projects()
        report = department.report(ReportRequest(project=project.id))
        assert [r.label for r in report.rows] == ["CM2 A"]
        assert report.total.sessions == 3 and report.total.pupils == 24
    finally:
        department.close()


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        (lambda ids, other: (ids["a"], ids["a"]), "deux groupes différents"),
        (lambda ids, other: (ids["a"], other), "deux groupes différents"),
    ],
)
def test_merging_a_group_with_itself_or_another_project_is_refused(
    registry: Registry, french, pair, message
) -> None:
    ids = school(registry)
    elsewhere = registry.create_project(UAI, "Autre projet", "CM1").id
    other = registry.add_group(elsewhere, "CM1", 20, 10).id
    with pytest.raises(RegistryError, match=message):
        registry.merge_groups(*pair(ids, other))
    assert len(registry.sessions(ids["project"])) == 3


def test_the_cli_says_in_french_what_was_archived_and_merges_groups(
    db_url: str, tmp_path: Path
) -> None:
    registry = Registry.open(db_url)
    registry.init()
    ids = school(registry)
    registry.close()
    ok("export-report", str(tmp_path / "rapport.json"), db=db_url)
    done = tne("sessions", "delete", str(ids["s1"]), db=db_url)
    assert done.returncode == 0
    assert "Séance" in done.stderr and "archiv" in done.stderr and "DRANE" in done.stderr
    merged = tne("groups", "merge", str(ids["b"]), "--into", str(ids["a"]), db=db_url)
    assert merged.returncode == 0, merged.stderr
    assert f"fusionné dans le groupe {ids['a']}" in merged.stderr
    twice = tne(
        "groups",
        "add",
        str(ids["project"]),
        "--name",
        "cm2 a",
        "--size",
        "3",
        "--girls",
        "1",
        db=db_url,
    )
    assert twice.returncode == 2 and f"groupe {ids['a']}" in twice.stderr
