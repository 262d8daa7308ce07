"""Usage events: recorded for the linked project only, never raising (a broken database costs a
warning, not a pupil's cell), and refusing anything but short identifiers and counts. The link
itself through the real CLI (`link`, `status`, `unlink`), and `tne exec` on the simulator
recording one event."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from activities.registry.link import link_path, read_link
from activities.registry.models import UsageEvent
from activities.registry.service import Registry
from activities.registry.usage import record_event
from tests.registry.test_cli import ROOT, ok, tne  # noqa: F401


@pytest.fixture
def project(registry: Registry) -> int:
    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    return registry.create_project("0180005H", "Robots", "CM2").id


def events(registry: Registry) -> list[tuple]:
    with registry.reading() as session:
        return [
            (e.project_id, e.kind, e.activity, e.device_kind, e.cells, e.errors)
            for e in session.scalars(select(UsageEvent).order_by(UsageEvent.id))
        ]


def test_nothing_is_recorded_while_the_machine_is_not_linked(registry, project) -> None:
    assert read_link() is None
    assert record_event("cell", activity="robot-suiveur", cells=1) is False
    assert events(registry) == []


def test_a_linked_machine_records_events_for_its_project(registry, project) -> None:
    registry.link_machine(project)
    assert record_event("cell", activity="robot-suiveur", device_kind="microbit-v2", cells=3)
    assert record_event("cli_run", device_kind="sim", errors=1)
    assert events(registry) == [
        (project, "cell", "robot-suiveur", "microbit-v2", 3, 0),
        (project, "cli_run", None, "sim", 0, 1),
    ]
    assert registry.unlink_machine() is True
    assert record_event("cell") is False
    assert len(events(registry)) == 2


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "Cell run by Léa"},
        {"kind": "cell", "activity": "print('Léa Martin')"},
        {"kind": "cell", "activity": '=HYPERLINK("http://x")'},
        {"kind": "cell", "device_kind": "micro bit de Léa"},
        {"kind": "cell", "cells": -1},
        {"kind": "cell", "errors": "3"},
        {"kind": ""},
    ],
)
def test_free_text_and_bad_counts_are_refused_without_raising(
    registry, project, event, capsys
) -> None:
    registry.link_machine(project)
    event = dict(event)
    kind = event.pop("kind")
    assert record_event(kind, **event) is False
    assert "usage event not recorded" in capsys.readouterr().err
    assert events(registry) == []


def test_a_broken_database_never_raises(tmp_path: Path, capsys) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    registry.init()
    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    registry.link_machine(registry.create_project("0180005H", "Robots", "CM2").id)
    registry.close()
    (tmp_path / "r.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"r.sqlite3{suffix}").unlink(missing_ok=True)
    assert record_event("cell", cells=1) is False
    assert "usage event not recorded" in capsys.readouterr().err


def test_the_link_file_is_readable_by_its_user_only(registry, project) -> None:
    registry.link_machine(project)
    if os.name == "posix":
        assert link_path().stat().st_mode & 0o077 == 0


def test_a_damaged_link_file_means_not_linked(registry, project) -> None:
    registry.link_machine(project)
    link_path().write_text("{not json", encoding="utf-8")
    assert read_link() is None
    assert record_event("cell") is False


def test_link_status_and_unlink_through_the_cli(db_url: str, registry, project) -> None:
    linked = json.loads(ok("link", str(project), "--json", db=db_url))
    assert linked["project_id"] == project and linked["title"] == "Robots"
    status = json.loads(ok("status", "--json", db=db_url))
    assert status["link"]["project_id"] == project
    assert "enregistre l'utilisation pour le projet" in ok("status", db=db_url)
    assert json.loads(ok("unlink", "--json", db=db_url)) == {"changed": True}
    assert "n'est lié à aucun projet" in ok("status", db=db_url)
    unknown = tne("link", "99", db=db_url)
    assert unknown.returncode == 2 and "Il n'y a pas de projet 99" in unknown.stderr


def test_tne_exec_and_run_on_the_simulator_are_recorded_as_simulated(tmp_path: Path) -> None:
    """The CLI's hooks, end to end on the simulated micro:bit: `exec` (through the runner) and
    `run` (through the simulator's own path) each record one event, as a simulated board, never
    as hardware (SQLite only: the hooks do not depend on the database)."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    registry = Registry.open(url)
    registry.init()
    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    registry.link_machine(registry.create_project("0180005H", "Robots", "CM2").id)
    registry.close()
    program = tmp_path / "programme.py"
    program.write_text("print(6 * 7)\n", encoding="utf-8")
    for command in (["exec", "print(6 * 7)"], ["run", str(program)]):
        done = subprocess.run(
            [sys.executable, "-m", "tne.cli", *command, "--device", "sim"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[0] == "42"
    rows = sqlite3.connect(tmp_path / "r.sqlite3").execute(
        "SELECT kind, device_kind, errors FROM usage_events ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [("cli_run", "microbit-v2-sim", 0)] * 2


def test_every_front_end_names_a_board_the_same_way() -> None:
    from activities.registry.usage import device_kind_of

    assert device_kind_of("microbit-v2", simulated=False) == "microbit-v2"
    assert device_kind_of("microbit-v2", simulated=True) == "microbit-v2-sim"
    assert device_kind_of(None, simulated=True) == "sim"


def test_usage_labels_in_reports_are_french(registry, project) -> None:
    from activities.registry.report.request import ReportRequest
    from activities.registry.report.tables import usage_table

    registry.link_machine(project)
    assert record_event("cli_run", device_kind="microbit-v2-sim")
    assert record_event("kernel_session", device_kind="microbit-v1", cells=4)
    assert record_event("cli_flash", device_kind="sim")
    rows = usage_table(registry.report(ReportRequest())).rows
    assert sorted((r[0], r[2]) for r in rows) == [
        ("carte flashée", "carte simulée"),
        ("programme lancé en ligne de commande", "micro:bit V2 simulée"),
        ("session de carnet Jupyter", "micro:bit V1"),
    ]


def test_a_workshop_table_records_one_event_per_run_and_board(registry, project) -> None:
    """Both front ends of the workshop (terminal table, notebook widget) pass this recorder: each
    run on each board is one event, simulated boards counted as such, a failed run as an error."""
    from activities.registry.usage import record_workshop_run
    from device_bridge.workshop import Workshop
    from tests.helpers.waiting import eventually

    registry.link_machine(project)
    with Workshop([("S1", "sim"), ("S2", "sim@v1")], on_run_end=record_workshop_run) as table:
        assert eventually(lambda: all(v.state == "ready" for v in table.views()), 30)
        table.run("print('bonjour')")
        assert eventually(lambda: all(v.runs == 1 and v.state == "ready" for v in table.views()))
        table.run("1 / 0")
        assert eventually(lambda: all(v.state == "error" for v in table.views()))
    recorded = sorted(
        (kind, device, errors) for _p, kind, _a, device, _c, errors in events(registry)
    )
    assert recorded == [
        ("workshop_run", "microbit-v1-sim", 0),
        ("workshop_run", "microbit-v1-sim", 1),
        ("workshop_run", "microbit-v2-sim", 0),
        ("workshop_run", "microbit-v2-sim", 1),
    ]


def test_every_event_kind_a_front_end_records_has_a_french_label(french) -> None:
    """The kinds the CLI, the kernel, the workshop and grading record (grep `record_event(`):
    a report never shows a raw code such as `grading_run`."""
    from activities.registry.report.labels import event_label

    kinds = ("cli_run", "cli_flash", "kernel_session", "workshop_run", "grading_run")
    labels = [event_label(kind) for kind in kinds]
    assert all(label != kind for label, kind in zip(labels, kinds, strict=True)), labels
    assert event_label("grading_run") == "activité corrigée"
