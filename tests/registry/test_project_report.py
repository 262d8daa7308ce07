"""A project's report as the DRANE uses it: the dossier numbers, the school, the dated list of
sessions with their groups' counts (protected exactly as the group table shows them, never a
count under the threshold), and the equipment bought on the dossiers against the equipment
used. On SQLite and PostgreSQL; the PDF read back as text (poppler's pdftotext)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from activities.registry.models import Dossier, DossierEquipmentLine
from activities.registry.report.render import render
from activities.registry.report.request import ReportRequest
from activities.registry.service import Registry
from tests.conftest import skip_or_fail
from tests.registry.test_report_cli import cells, report

UAI = "0180005H"


@pytest.fixture
def project(registry: Registry) -> int:
    """Robots at Jean Zay: a class of 24 and a workshop of 6 (under the threshold), three
    sessions, DS-1 accepted that bought boards, robots and a printer, DS-2 refused."""
    registry.add_school(UAI, "École Jean Zay", "Bourges", 1)
    project = registry.create_project(UAI, "Robots", "CM2").id
    registry.add_group(project, "CM2 A", 24, 11)
    registry.add_group(project, "Atelier", 6, 2)
    registry.record_session(
        project, "CM2 A", "Robot suiveur", "2026-03-17", 60, ["microbit v2"] * 2
    )
    registry.record_session(project, "Atelier", "Musique", "2026-03-10", 45, ["micro:bit V2"])
    registry.record_session(project, "CM2 A", "Défi", "2026-04-02", 55, ["micro:bit V2"] * 2)
    for number, state, cents in (("DS-1", "accepte", 1_250_000), ("DS-2", "refuse", None)):
        registry.save_dossier(number, "TNE 2026", state, granted_cents=cents)
        registry.link_project(project, number)
    with registry.writing() as session:
        dossier = session.query(Dossier).filter_by(number="DS-1").one()
        dossier.equipment_lines = [
            DossierEquipmentLine(label="Cartes micro:bit V2", quantity=10),
            DossierEquipmentLine(label="Robots Maqueen Lite", quantity=5),
            DossierEquipmentLine(label="Imprimante 3D", quantity=1),
        ]
    for n in (1, 2):
        registry.add_equipment(project, "micro:bit V2", f"MB-{n}")
    registry.add_equipment(project, "maqueen", "MQ-1")
    return project


def test_a_project_report_names_its_dossiers_school_and_dated_sessions(
    registry: Registry, project: int
) -> None:
    details = registry.report(ReportRequest(project=project)).project
    assert details is not None
    assert [(d.number, d.state, d.granted_cents) for d in details.dossiers] == [
        ("DS-1", "accepte", 1_250_000),
        ("DS-2", "refuse", None),
    ]
    assert (details.school_uai, details.school_name, details.commune) == (
        UAI,
        "École Jean Zay",
        "Bourges",
    )
    assert [(s.date, s.group, s.minutes) for s in details.sessions] == [
        (dt.date(2026, 3, 10), "Atelier", 45),
        (dt.date(2026, 3, 17), "CM2 A", 60),
        (dt.date(2026, 4, 2), "CM2 A", 55),
    ]
    assert details.sessions[1].devices == {"microbit-v2": 2}


def test_each_session_shows_its_groups_counts_as_protected_in_the_group_table(
    registry: Registry, project: int
) -> None:
    built = registry.report(ReportRequest(project=project))
    groups = {r.label: r for r in built.rows}
    assert groups["Atelier"].pupils == "<10"  # 6 pupils
    for line in built.project.sessions:
        assert (line.pupils, line.girls) == (groups[line.group].pupils, groups[line.group].girls)
        for value in (line.pupils, line.girls):
            assert not (isinstance(value, int) and 1 <= value < built.threshold)


def test_the_equipment_bought_is_set_against_the_equipment_used(
    registry: Registry, project: int
) -> None:
    details = registry.report(ReportRequest(project=project)).project
    balance = {(e.kind, e.label): e for e in details.equipment}
    boards = balance[("microbit-v2", None)]
    assert (boards.bought, boards.inventory, boards.sessions, boards.most_in_one_session) == (
        10,
        2,
        3,
        2,
    )
    robots = balance[("maqueen-lite", None)]
    assert (robots.bought, robots.inventory, robots.sessions) == (5, 1, 0)
    assert balance[("autre", "Imprimante 3D")].bought == 1


def test_the_period_limits_the_sessions_and_the_use(registry: Registry, project: int) -> None:
    request = ReportRequest(project=project, start=dt.date(2026, 3, 15), end=dt.date(2026, 3, 31))
    details = registry.report(request).project
    assert [s.date for s in details.sessions] == [dt.date(2026, 3, 17)]
    boards = next(e for e in details.equipment if e.kind == "microbit-v2")
    assert (boards.sessions, boards.bought) == (1, 10)


def test_a_wider_report_has_no_project_details(registry: Registry, project: int) -> None:
    assert registry.report(ReportRequest(school=UAI)).project is None
    assert registry.report(ReportRequest()).to_json()["project"] is None


def test_every_format_says_it_in_french_without_codes(
    registry: Registry, project: int, french
) -> None:
    built = registry.report(ReportRequest(project=project))
    data = built.to_json()["project"]
    assert data["dossiers"][0] == {
        "number": "DS-1",
        "call": "TNE 2026",
        "state": "accepte",
        "granted_euros": 12500.0,
    }
    assert data["sessions"][0]["date"] == "2026-03-10" and data["sessions"][0]["pupils"] == "<10"
    table = cells(render(built, "csv"))
    for expected in ("DS-1, DS-2", UAI, "10/03/2026", "accepté", "refusé", "Imprimante 3D"):
        assert expected in table, expected
    assert "micro:bit V2 × 2" in table
    for code in ("accepte", "microbit-v2", "maqueen-lite"):
        assert code not in table
    html = render(built, "html").decode("utf-8")
    assert "Matériel acheté et utilisé" in html and "17/03/2026" in html
    assert html.index("DS-1") < html.index("Par groupe")  # who the project is comes first


def test_the_pdf_of_a_project_report_holds_its_dossiers_and_sessions(
    db_url: str, registry: Registry, project: int, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        skip_or_fail("needs pdftotext (Debian package poppler-utils)")
    pdf = tmp_path / "projet.pdf"
    done = report("--project", str(project), "--format", "pdf", "--out", str(pdf), db=db_url)
    assert done.returncode == 0, done.stderr.decode()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("DS-1", UAI, "10/03/2026", "02/04/2026", "Imprimante", "accepté", "<10"):
        assert expected in text, expected
    assert "Rien d'enregistré" in text and "Nothing recorded" not in text  # no usage yet
