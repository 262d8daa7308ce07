"""`tne class init` and how every other command finds the course, from any folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from activities.classroom.course import MARKER, init_course, locate, nbgrader_config
from activities.classroom.errors import ClassroomError


def tne(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_init_writes_configuration_french_stubs_time_limits_and_grading_kernel(
    tmp_path: Path,
) -> None:
    course = init_course("techno-4e", tmp_path, cell_timeout=7, notebook_timeout=60)
    assert course.root == (tmp_path / "techno-4e").resolve()
    config = nbgrader_config(course)
    assert config.CourseDirectory.course_id == "techno-4e"
    assert config.CourseDirectory.root == str(course.root)
    assert "ÉCRIS TON CODE ICI" in config.ClearSolutions.code_stub["python"]
    assert "ÉCRIS TA RÉPONSE ICI" in config.ClearSolutions.text_stub
    assert config.Execute.timeout == 7
    assert config.GradingExecute.notebook_timeout == 60
    spec = course.root / ".tne" / "kernels" / "tne-microbit-grading" / "kernel.json"
    assert '"TNE_GRADING": "1"' in spec.read_text(encoding="utf-8")


def test_commands_find_the_course_from_any_folder_and_never_make_an_empty_gradebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    made = tne("class", "init", "techno", "--dir", str(tmp_path / "cours"), cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    root = (tmp_path / "cours" / "techno").resolve()
    classes = tmp_path / "eleves.csv"
    classes.write_text("nom;prénom;classe\nDupont;Léa;4B\n", encoding="utf-8")
    # From an unrelated folder: the course made last is the one used.
    imported = tne("class", "students", "import", str(classes), cwd=elsewhere)
    assert imported.returncode == 0, imported.stderr
    assert (root / "gradebook.db").is_file()
    assert not list(elsewhere.iterdir()), "nothing written where the command was typed"
    # From inside the course, and with --course.
    assert locate(None).root == root
    monkeypatch.chdir(root / "source")
    assert locate(None).root == root
    assert locate(root).root == root


def test_no_course_anywhere_is_told_in_french(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClassroomError, match="Aucun cours trouvé"):
        locate(None)
    with pytest.raises(ClassroomError, match="n'est pas un dossier de cours"):
        locate(tmp_path)
    result = tne("class", "add", "double", cwd=tmp_path)
    assert result.returncode == 2
    assert "Aucun cours trouvé" in result.stderr
    assert not (tmp_path / "gradebook.db").exists()


@pytest.mark.parametrize("name", ["../x", "cours de techno", "", "é"])
def test_init_refuses_a_bad_course_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(ClassroomError, match="ne peut pas nommer un cours"):
        init_course(name, tmp_path)


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    course = init_course("techno", tmp_path)
    before = (course.root / "nbgrader_config.py").read_text(encoding="utf-8")
    with pytest.raises(ClassroomError, match="existe déjà"):
        init_course("techno", tmp_path, cell_timeout=3)
    assert (course.root / "nbgrader_config.py").read_text(encoding="utf-8") == before
    assert (course.root / MARKER).is_file()
