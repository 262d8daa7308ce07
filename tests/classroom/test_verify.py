"""« Vérifier » before handing in: the pupil's saved notebook runs its visible tests on the
grading kernel (nbgrader's validate), and the kernel's `%verifier` says the outcome in French.
The pupil's copy is the real pupil version of the `double` test activity (made by
`nbgrader generate_assignment` through `tne class add`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.classroom.course import Course
from activities.classroom.errors import ClassroomError
from activities.classroom.verify import board_of, verify
from tests.classroom.conftest import GOOD, submission
from tests.helpers.kernel import KernelSession, install_specs
from tests.kernel.conftest import kernel_env


def saved(folder: Path, content: bytes, name: str = "double.ipynb") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def edit_test_cell(notebook: dict) -> None:
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "test-zero":
            cell["source"] = "assert True"


def test_a_right_answer_passes_every_visible_test(course_with_activity: Course, tmp_path) -> None:
    verdict = verify(saved(tmp_path, submission(course_with_activity, GOOD)))
    assert verdict.ok and verdict.tests == 2 and verdict.failed == []


def test_a_wrong_answer_names_the_test_and_its_french_message(
    course_with_activity: Course, tmp_path
) -> None:
    wrong = "def double(n):\n    return n * 3"
    verdict = verify(saved(tmp_path, submission(course_with_activity, wrong)))
    assert not verdict.ok
    assert verdict.failed == [("test-double", "AssertionError: double(2) doit valoir 4")]


def test_an_edited_test_cell_is_reported(course_with_activity: Course, tmp_path) -> None:
    verdict = verify(saved(tmp_path, submission(course_with_activity, GOOD, edit_test_cell)))
    assert verdict.changed == ["test-zero"] and not verdict.ok


def test_a_damaged_notebook_is_told_in_french(tmp_path: Path, french) -> None:
    with pytest.raises(ClassroomError, match="Impossible de lire le carnet"):
        verify(saved(tmp_path, b"{pas du JSON"))


def test_the_released_notebook_names_its_simulated_board(course_with_activity: Course) -> None:
    released = course_with_activity.folder("release", "double", "double.ipynb")
    notebook = json.loads(released.read_text(encoding="utf-8"))
    assert notebook["metadata"]["tne"] == {"activity": "double", "board": "sim"}
    assert board_of({"metadata": {"tne": {"board": "serial:/dev/ttyACM0"}}}) == "sim"


def test_the_verifier_magic_speaks_french_in_the_pupils_kernel(
    course_with_activity: Course, tmp_path: Path, tmp_path_factory
) -> None:
    """A real kernel started as Jupyter's server starts it (in the notebook's folder, with
    `JPY_SESSION_NAME`): `%verifier` checks the saved notebook."""
    wrong = "def double(n):\n    return n * 3"
    notebook = saved(tmp_path / "classe", submission(course_with_activity, wrong))
    prefix = tmp_path_factory.mktemp("jupyter")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", install_specs(prefix))
        env = kernel_env(None) | {"JPY_SESSION_NAME": f"classe/{notebook.name}"}
        session = KernelSession("tne-microbit-sim", env, notebook.parent)
    try:
        said = session.run("%verifier", timeout=180).stream()
        assert "Vérification de double.ipynb tel qu'il est enregistré" in said
        assert "1 test ne passe pas encore" in said
        assert "test-double\u00a0: AssertionError: double(2) doit valoir 4" in said
        notebook.write_bytes(submission(course_with_activity, GOOD))
        said = session.run("%verifier", timeout=180).stream()
        assert "Les 2 tests de ton carnet passent" in said
    finally:
        session.close()
