"""`tne class grade ACTIVITY --manual`: the teacher marks the open answers in the terminal,
through the real `tne` command and the real nbgrader gradebook, and the export adds them to the
autograded points. The `double-explique` test activity has autograded tests (3 points) and one
written answer graded by hand (2 points, with a rubric)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.classroom.collect import collect
from activities.classroom.course import Course, gradebook
from activities.classroom.distribute import add_activity
from tests.classroom.conftest import ACTIVITIES, GOOD, ent_zip, make_course

ANSWERS = {
    "lea-dupont-4b": "J'ai essayé double(21) et j'ai bien eu 42.",
    "eloise-martin": "",  # nothing written: still shown, as « (pas de réponse) »
}


def handed_in(course: Course, answer: str) -> bytes:
    notebook = json.loads(
        course.folder("release", "double-explique", "double-explique.ipynb").read_text(
            encoding="utf-8"
        )
    )
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answer if cell["cell_type"] == "markdown" else GOOD
    return json.dumps(notebook, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def autograded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Course, dict]]:
    """A course where two pupils' `double-explique` are collected and autograded."""
    config = tmp_path_factory.mktemp("config")
    env = dict(os.environ, TNE_ACTIVITIES_DIR=str(ACTIVITIES), TNE_CONFIG_DIR=str(config),
               TNE_LANG="fr", COLUMNS="100")  # fmt: skip
    env.pop("TNE_COURSE", None)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("TNE_ACTIVITIES_DIR", "TNE_CONFIG_DIR", "TNE_LANG"):
            patch.setenv(name, env[name])
        root = tmp_path_factory.mktemp("manual")
        course = make_course(root, cell_timeout=5, notebook_timeout=30)
        add_activity(course, "double-explique")
        files = {
            "DUPONT_Léa_4B_double-explique.ipynb": handed_in(course, ANSWERS["lea-dupont-4b"]),
            "MARTIN_Éloïse_double-explique.ipynb": handed_in(course, ANSWERS["eloise-martin"]),
        }
        assert (
            collect(course, "double-explique", [ent_zip(root / "ent.zip", files)]).unmatched == []
        )
        graded = subprocess.run(
            [sys.executable, "-m", "tne.cli", "class", "grade", "double-explique", "--workers", "1",
             "--course", str(course.root)],
            env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
        )  # fmt: skip
        assert graded.returncode == 0, graded.stderr
        assert "Dupont Léa (lea-dupont-4b)\u00a0: 3/5" in graded.stderr
        assert "à noter à la main\u00a0: tne class grade double-explique --manual" in graded.stderr
        yield course, env


def by_hand(course: Course, env: dict, typed: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", "class", "grade", "double-explique", "--manual", *extra,
         "--course", str(course.root)],
        input=typed, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )  # fmt: skip


def manual_scores(course: Course) -> dict[str, tuple[float | None, str | None]]:
    with gradebook(course) as book:
        return {
            student: (
                book.find_grade(
                    "explication", "double-explique", "double-explique", student
                ).manual_score,
                book.find_comment(
                    "explication", "double-explique", "double-explique", student
                ).manual_comment,
            )
            for student in ANSWERS
        }


def test_marks_typed_by_hand_are_saved_and_added_to_the_export(autograded) -> None:
    course, env = autograded
    # Léa: 5 is too many, « abc » is no number, then 1,5 with a comment. Éloïse: Enter, later.
    typed = by_hand(course, env, "5\nabc\n1,5\nTu as bien vérifié.\n\n")
    assert typed.returncode == 0, typed.stderr
    shown = typed.stdout + typed.stderr
    assert ANSWERS["lea-dupont-4b"] in shown, "the pupil's answer is shown"
    assert "(pas de réponse)" in shown
    assert "La réponse dit ce que fait la fonction" in shown, "the rubric is shown"
    assert shown.count("Tapez un nombre de points de 0 à 2.") == 2
    assert "1 note enregistrée." in shown
    assert manual_scores(course) == {
        "lea-dupont-4b": (1.5, "Tu as bien vérifié."),
        "eloise-martin": (None, None),
    }

    # Another session shows only what is left, and stops on « q » without changing anything.
    left = by_hand(course, env, "q\n")
    assert left.returncode == 0, left.stderr
    assert ANSWERS["lea-dupont-4b"] not in left.stdout + left.stderr
    assert "notes déjà saisies sont enregistrées" in left.stdout + left.stderr
    assert manual_scores(course)["eloise-martin"] == (None, None)

    exported = course.root / "notes.csv"
    subprocess.run(
        [sys.executable, "-m", "tne.cli", "class", "export", "double-explique",
         "--out", str(exported), "--course", str(course.root)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        marks = {row["prénom"]: row["note/20"] for row in csv.DictReader(handle, delimiter=";")}
    assert marks["Léa"] == "18,0"  # (3 autograded + 1,5 by hand) / 5 points
    assert marks["Éloïse"] == "12,0"  # 3 / 5: the written answer is not marked yet


def test_the_end_of_the_input_stops_cleanly(autograded) -> None:
    course, env = autograded
    before = manual_scores(course)
    ended = by_hand(course, env, "")
    assert ended.returncode == 0, ended.stderr
    assert "notes déjà saisies sont enregistrées" in ended.stdout + ended.stderr
    assert manual_scores(course) == before


def test_an_activity_without_open_answers_is_told_in_french(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TNE_ACTIVITIES_DIR", str(ACTIVITIES))
    from activities.classroom.errors import ClassroomError
    from activities.classroom.manual import open_answers

    course = make_course(tmp_path)
    add_activity(course, "double")
    with pytest.raises(ClassroomError, match="aucune réponse à noter à la main"):
        list(open_answers(course, "double"))
