"""The pupil version `tne lab` writes (activities/catalogue/pupil_version.py, nbgrader's
preprocessors in-process) is the notebook `nbgrader generate_assignment` releases, cell for
cell, with the classroom's French stubs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.catalogue.grading import Course
from activities.catalogue.metadata import CATALOGUE_DIR, load_activity
from activities.catalogue.pupil_version import code_stub, text_stub, write_pupil_notebook


def cells(path: Path) -> list[tuple[str, str, dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in data["cells"]:
        source = cell["source"]
        found.append(
            (
                cell["cell_type"],
                "".join(source) if isinstance(source, list) else source,
                cell.get("metadata", {}).get("nbgrader", {}),
            )
        )
    return found


@pytest.mark.parametrize("activity_id", ["afficher-et-defiler", "projet-libre"])
def test_the_pupil_version_is_what_nbgrader_generate_assignment_releases(
    activity_id: str, tmp_path: Path
) -> None:
    activity = load_activity(CATALOGUE_DIR / activity_id)
    course = Course(activity, tmp_path / "course")
    config = tmp_path / "course" / "nbgrader_config.py"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"c.ClearSolutions.code_stub = {{'python': {code_stub()!r}}}\n"
        + f"c.ClearSolutions.text_stub = {text_stub()!r}\n",
        encoding="utf-8",
    )
    released = course.release()
    ours = write_pupil_notebook(activity.notebook, tmp_path / "eleve" / "lecon.ipynb")
    assert cells(ours) == cells(released)
    text = ours.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert [p.name for p in ours.parent.iterdir()] == ["lecon.ipynb"]  # no partial file left
