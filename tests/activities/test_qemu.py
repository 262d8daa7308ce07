"""Where an activity says `qemu = true`, its solution runs without error on the real micro:bit
firmware under QEMU (with the robot's driver library copied to the board, as a teacher does).
Run under `flock /tmp/qemu.lock`."""

from __future__ import annotations

import pytest

from activities.catalogue.metadata import all_activities
from activities.catalogue.validation import notebook_cells
from device_bridge.errors import ExecTimeout
from device_bridge.sim.robots import LIBRARIES

pytestmark = pytest.mark.qemu

ON_QEMU = [a for a in all_activities() if a.qemu]
#: Seconds a program with a `while` loop must run without an error: its board sends nothing, so
#: the run ends by the timeout (the board is then stopped with Ctrl-C).
ENDLESS_S = 5.0


def solutions(activity) -> list[tuple[str, str]]:
    """(grade id, code) of each solution code cell, its markers removed as the answer key shows
    it (a markdown answer, graded by hand, is no program)."""
    found = []
    for cell in notebook_cells(activity).cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("solution") and cell.cell_type == "code":
            lines = [line for line in cell.source.splitlines() if "### " not in line]
            found.append((grading["grade_id"], "\n".join(lines)))
    return found


def test_some_activity_runs_on_qemu_and_the_others_say_why_not() -> None:
    assert ON_QEMU
    assert all(a.qemu_reason for a in all_activities() if not a.qemu)


@pytest.mark.parametrize("activity", ON_QEMU, ids=lambda a: a.id)
def test_the_solution_runs_without_error_on_the_qemu_microbit(activity, board) -> None:
    library = LIBRARIES.get(activity.hardware)
    if library is not None:
        board.fs.put(library.read_bytes(), library.name)
    for grade_id, code in solutions(activity):
        # A program with a `while` loop runs until Stop, or waits for what QEMU has not (an
        # obstacle in front of a robot that is not there): 5 s without an error is the test.
        endless = "while " in code
        try:
            result = board.run(code, timeout=ENDLESS_S if endless else 30)
        except ExecTimeout:
            assert endless, grade_id
            continue
        assert result.stderr == b"", (grade_id, result.stderr)
