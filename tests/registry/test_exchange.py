"""Report files: two schools export theirs, the DRANE merges both into an empty registry;
merging again changes nothing; a damaged or edited file is refused in French and the registry
stays as it was. Through the real CLI for the commands people type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.registry.errors import RegistryError
from activities.registry.models import UsageEvent
from activities.registry.report.request import ReportRequest
from activities.registry.service import Registry
from tests.registry.test_cli import ok, tne


def school_registry(url: str, uai: str, name: str, group_size: int) -> Registry:
    registry = Registry.open(url)
    registry.init()
    registry.add_school(uai, name, "Bourges", 1)
    project = registry.create_project(uai, f"Robots {name}", "CM2", ["référent:M.D."]).id
    registry.add_group(project, "CM2 A", group_size, group_size // 2)
    registry.record_session(project, "CM2 A", "Robot suiveur", "2026-03-15", 60, ["microbit"])
    registry.record_session(project, "CM2 A", "Musique", "2026-03-16", 45)
    registry.save_dossier(f"DS-{uai}", "TNE 2025", "accepte", granted_cents=100_000)
    registry.link_project(project, f"DS-{uai}")
    registry.add_equipment(project, "microbit", "MB-01")
    with registry.writing() as session:
        for n in range(5):
            session.add(UsageEvent(project_id=project, kind="cell", activity="robot", cells=n))
    return registry


@pytest.fixture
def two_report_files(tmp_path: Path, db_url: str) -> list[Path]:
    """The report files of two schools, each exported from its own SQLite registry."""
    files = []
    for uai, name, size in (("0180005H", "Jean Zay", 24), ("0180006J", "Barangeon", 28)):
        registry = school_registry(f"sqlite:///{tmp_path / (uai + '.sqlite3')}", uai, name, size)
        files.append(tmp_path / f"rapport-{uai}.json")
        registry.export_report(files[-1])
        registry.close()
    return files


def figures(registry: Registry) -> dict:
    report = registry.report(ReportRequest()).to_json()
    for volatile in ("generated_at", "scope"):
        report.pop(volatile)
    return report


def test_two_schools_merge_into_an_empty_department_registry(
    registry: Registry, two_report_files: list[Path]
) -> None:
    changed = registry.import_reports(two_report_files)
    assert changed["projects"] == 2 and changed["sessions"] == 4
    report = registry.report(ReportRequest())
    assert [r.key for r in report.rows] == ["0180006J", "0180005H"]  # by name
    assert report.total.pupils == 52 and report.total.sessions == 4
    assert report.money.granted_cents == 200_000
    assert sum(u.events for u in report.usage) == 10
    assert registry.status().counts["usage_events"] == 0  # aggregates only, never an event


def test_merging_the_same_files_again_changes_nothing(
    registry: Registry, two_report_files: list[Path]
) -> None:
    registry.import_reports(two_report_files)
    before = figures(registry)
    counts = registry.status().counts
    again = registry.import_reports([*two_report_files, two_report_files[0]])
    assert not any(again.values())
    assert figures(registry) == before
    assert registry.status().counts == counts


def test_a_file_holds_no_usage_event_and_no_pupil(two_report_files: list[Path]) -> None:
    document = json.loads(two_report_files[0].read_text(encoding="utf-8"))
    project = document["content"]["projects"][0]
    assert project["usage"] == [
        {
            "day": project["usage"][0]["day"],
            "kind": "cell",
            "activity": "robot",
            "device_kind": "",
            "events": 5,
            "cells": 10,
            "errors": 0,
        }
    ]
    assert project["groups"] == [{"name": "CM2 A", "size": 24, "girls": 12, "archived": False}]
    assert project["teachers"] == [{"role": "référent", "initials": "M.D."}]


def tampered(path: Path, change) -> Path:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d["content"]["projects"][0]["groups"][0].update(size=2), "somme de contrôle"),
        (lambda d: d.update(version=99), "version 99"),
        (lambda d: d.update(format="autre"), "pas un rapport de registre TNE"),
    ],
)
def test_an_edited_file_is_refused_and_nothing_is_written(
    registry: Registry, two_report_files: list[Path], damage, message
) -> None:
    tampered(two_report_files[1], damage)
    with pytest.raises(RegistryError, match=message):
        registry.import_reports(two_report_files)
    assert registry.status().counts["schools"] == 0  # the good first file was not merged either


def test_a_file_with_a_valid_checksum_but_a_bad_value_is_refused(
    registry: Registry, two_report_files: list[Path]
) -> None:
    from activities.registry.exchange import digest

    def bad_girls(document: dict) -> None:
        document["content"]["projects"][0]["groups"][0]["girls"] = 99
        document["sha256"] = digest(document["content"])

    tampered(two_report_files[0], bad_girls)
    with pytest.raises(RegistryError, match="nombre de filles"):
        registry.import_reports(two_report_files)
    assert registry.status().counts["projects"] == 0


def test_the_cli_merges_twice_and_refuses_a_broken_file_with_exit_2(
    db_url: str, two_report_files: list[Path], tmp_path: Path
) -> None:
    ok("init", db=db_url)
    first = json.loads(ok("import-report", *map(str, two_report_files), "--json", db=db_url))
    assert first["changed"]["sessions"] == 4
    second = json.loads(ok("import-report", *map(str, two_report_files), "--json", db=db_url))
    assert not any(second["changed"].values())
    broken = tmp_path / "coupé.json"
    broken.write_bytes(two_report_files[0].read_bytes()[:200])
    done = tne("import-report", str(broken), db=db_url)
    assert done.returncode == 2
    assert "n'est pas un fichier de rapport JSON" in done.stderr
    assert json.loads(ok("status", "--json", db=db_url))["counts"]["sessions"] == 4


def test_the_cli_exports_a_file_that_merges(db_url: str, tmp_path: Path) -> None:
    school = school_registry(db_url, "0180005H", "Jean Zay", 24)
    school.close()
    exported = tmp_path / "export.json"
    result = json.loads(ok("export-report", str(exported), "--json", db=db_url))
    assert result["counts"]["sessions"] == 2
    department = Registry.open(f"sqlite:///{tmp_path / 'drane.sqlite3'}")
    department.init()
    department.import_reports([exported])
    assert department.report(ReportRequest()).total.pupils == 24
    department.close()
