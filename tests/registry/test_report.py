"""`tne report`'s figures, on SQLite and PostgreSQL: pupils reached count each group once, the
period and the scope filter everything, equipment in use is what sessions listed, money is what
accepted dossiers were granted; bad requests are refused in French."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.registry.errors import RegistryError
from activities.registry.models import UsageEvent
from activities.registry.report.request import ReportRequest
from activities.registry.service import Registry

JEAN_ZAY, BARANGEON = "0180005H", "0180006J"


@pytest.fixture
def department(registry: Registry) -> dict[str, int]:
    """Two schools: Jean Zay (a class of 24 seen three times, a workshop of 6) and Barangeon
    (a class of 28); dossiers of two calls; an inventory with a robot nobody used."""
    registry.add_school(JEAN_ZAY, "École Jean Zay", "Bourges", 1)
    registry.add_school(BARANGEON, "Collège Barangeon", "Vierzon", 2)
    robots = registry.create_project(JEAN_ZAY, "Robots", "CM2").id
    drones = registry.create_project(BARANGEON, "Drones", "5e").id
    registry.add_group(robots, "CM2 A", 24, 11)
    registry.add_group(robots, "Atelier", 6, 2)
    registry.add_group(drones, "5e B", 28, 15)
    registry.add_group(drones, "5e C", 25, 12)  # never seen: not reached
    for day in ("2026-01-10", "2026-02-10", "2026-03-10"):
        registry.record_session(robots, "CM2 A", "Robot suiveur", day, 60, ["microbit"] * 2)
    registry.record_session(robots, "Atelier", "Musique", "2026-03-11", 45)
    registry.record_session(drones, "5e B", "Robot suiveur", "2026-03-12", 90, ["maqueen"])
    registry.save_dossier("DS-1", "TNE 2025", "accepte", granted_cents=1_250_000)
    registry.save_dossier("DS-2", "TNE 2026", "accepte", granted_cents=800_000)
    registry.save_dossier("DS-3", "TNE 2026", "refuse", granted_cents=999_900)
    registry.link_project(robots, "DS-1")
    registry.link_project(drones, "DS-2")
    registry.link_project(drones, "DS-3")
    registry.add_equipment(robots, "microbit", "MB-01")
    registry.add_equipment(robots, "microbit", "MB-02")
    registry.add_equipment(drones, "maqueen", "MQ-01")
    registry.add_equipment(drones, "drone", "DR-01")
    return {"robots": robots, "drones": drones}


def row(report, key: str):
    return next(r for r in report.rows if r.key == key)


def test_the_department_report_counts_each_group_once(registry, department) -> None:
    report = registry.report(ReportRequest())
    assert report.scope == "department" and report.rows_kind == "school"
    zay = row(report, JEAN_ZAY)
    assert (zay.sessions, zay.minutes) == (4, 225)
    assert zay.pupils == 30  # 24 + 6, although CM2 A came three times
    assert row(report, BARANGEON).pupils == 28  # 5e C had no session
    assert report.total.pupils == 58
    assert report.total.girls == 28
    assert report.total.girls_share == pytest.approx(28 / 58)
    assert report.total.sessions == 5


def test_money_is_what_accepted_dossiers_were_granted(registry, department) -> None:
    report = registry.report(ReportRequest())
    assert report.money.granted_cents == 2_050_000  # the refused DS-3 does not count
    assert row(report, JEAN_ZAY).granted_cents == 1_250_000
    assert report.total.granted_cents == 2_050_000


def test_equipment_in_use_is_what_some_session_of_the_period_listed(registry, department) -> None:
    report = registry.report(ReportRequest())
    devices = {d.kind: d for d in report.devices}
    assert (devices["microbit"].inventory, devices["microbit"].in_use) == (2, 2)
    assert (devices["microbit"].sessions, devices["microbit"].uses) == (3, 6)
    assert (devices["autre"].inventory, devices["autre"].in_use) == (1, 0)  # « drone »
    assert (report.total.equipment, report.total.equipment_in_use) == (4, 3)
    january = registry.report(ReportRequest(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
    in_january = {d.kind: d.in_use for d in january.devices}
    assert in_january == {"microbit": 2, "maqueen-lite": 0, "autre": 0}


def test_the_period_filters_sessions_pupils_and_usage(registry, department) -> None:
    report = registry.report(ReportRequest(start=dt.date(2026, 3, 11), end=dt.date(2026, 3, 31)))
    assert report.total.sessions == 2
    assert row(report, JEAN_ZAY).pupils == "<10"  # only the workshop of 6 in that period
    assert row(report, BARANGEON).pupils == "s"  # hidden too, or 34 - 28 would give 6
    assert report.total.pupils == 34
    assert {a.activity for a in report.activities} == {"Musique", "Robot suiveur"}


def test_scopes_project_school_and_call(registry, department) -> None:
    by_project = registry.report(ReportRequest(project=department["robots"]))
    assert by_project.rows_kind == "group"
    assert [r.label for r in by_project.rows] == ["Atelier", "CM2 A"]
    assert by_project.total.sessions == 4
    by_school = registry.report(ReportRequest(school=BARANGEON))
    assert by_school.rows_kind == "project"
    assert [r.label for r in by_school.rows] == ["Drones"]
    by_call = registry.report(ReportRequest(call="TNE 2026"))
    assert [r.key for r in by_call.rows] == [BARANGEON]
    assert by_call.money.granted_cents == 800_000


def test_usage_events_are_summed_by_activity_and_device(registry, department) -> None:
    with registry.writing() as session:
        for n in range(30):
            session.add(
                UsageEvent(
                    project_id=department["robots"],
                    kind="cell",
                    activity="robot-suiveur",
                    device_kind="microbit-v2",
                    cells=2,
                    errors=n % 2,
                )
            )
    usage = registry.report(ReportRequest(school=JEAN_ZAY)).usage
    assert [(u.kind, u.activity, u.events, u.cells, u.errors) for u in usage] == [
        ("cell", "robot-suiveur", 30, 60, 15)
    ]
    assert registry.report(ReportRequest(school=BARANGEON)).usage == []


@pytest.mark.parametrize(
    ("request_args", "message"),
    [
        ({"project": 99}, "Il n'y a pas de projet 99"),
        ({"school": "0180007K"}, "n'est pas dans le registre"),
        ({"call": "Appel inconnu"}, "Appel inconnu"),
    ],
)
def test_an_unknown_scope_is_refused_in_french(registry, department, request_args, message):
    with pytest.raises(RegistryError, match=message):
        registry.report(ReportRequest.checked(**request_args))


@pytest.mark.parametrize(
    "request_args",
    [
        {"start": "2026-13-01"},
        {"start": "2026-03-01", "end": "2026-02-01"},
        {"school": "0180005A"},
        {"project": 1, "school": JEAN_ZAY},
        {"threshold": 0},
    ],
)
def test_a_malformed_request_is_refused_before_the_database(request_args) -> None:
    with pytest.raises(RegistryError):
        ReportRequest.checked(**request_args)
