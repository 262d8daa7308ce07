"""At shutdown the kernel records one `kernel_session` usage event (counts and device kind, no
code, no names) through the registry, for the project this machine is linked to. A simulated
board is recorded as the simulated firmware it imitates, as `tne run` records it, never as
hardware and never as a bare `sim`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from activities.registry.models import UsageEvent
from activities.registry.service import Registry


@pytest.fixture
def linked_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TNE_CONFIG_DIR", str(tmp_path / "config"))  # inherited by the kernel
    registry = Registry.open(f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    registry.init()
    registry.add_school("0180005H", "École Jean Zay", "Bourges", 1)
    project = registry.create_project("0180005H", "Robots", "CM2").id
    registry.link_machine(project)
    try:
        yield registry, project
    finally:
        registry.close()


def test_shutdown_records_cells_and_errors_without_code(linked_registry, start_kernel) -> None:
    registry, project = linked_registry
    kernel = start_kernel("sim")
    assert kernel.run("print('Léa')").status == "ok"
    assert kernel.run("%ls").status == "ok"
    assert kernel.run("nom_inconnu").status == "error"
    kernel.close()
    with registry.reading() as session:
        rows = [
            (e.project_id, e.kind, e.activity, e.device_kind, e.cells, e.errors)
            for e in session.scalars(select(UsageEvent))
        ]
    assert rows == [(project, "kernel_session", None, "microbit-v2-sim", 3, 1)]


def test_a_simulated_v1_is_recorded_as_a_simulated_v1(
    linked_registry, start_kernel, english
) -> None:
    from activities.registry.report.labels import device_label

    registry, _project = linked_registry
    kernel = start_kernel("sim@v1")
    assert kernel.run("1").status == "ok"
    kernel.close()
    with registry.reading() as session:
        kinds = list(session.scalars(select(UsageEvent.device_kind)))
    assert kinds == ["microbit-v1-sim"]
    assert device_label(kinds[0]) == "micro:bit V1 (simulated)"


def test_an_unlinked_machine_records_nothing_and_the_kernel_still_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_kernel
) -> None:
    monkeypatch.setenv("TNE_CONFIG_DIR", str(tmp_path / "nowhere"))
    kernel = start_kernel("sim")
    assert kernel.run("1").status == "ok"
    kernel.close()
    assert not kernel.manager.has_kernel
