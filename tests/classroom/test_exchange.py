"""Distributing through nbgrader's exchange: `tne class release --exchange` then pupils fetch and
submit with the real `nbgrader fetch_assignment` / `nbgrader submit` (each as their own login,
`--student`), then `tne class collect --exchange` brings the submissions to the pupils of the
class list by their `identifiant` column, and lists the login it does not know."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from activities.classroom.course import init_course
from activities.classroom.distribute import add_activity
from activities.classroom.students import import_students, load
from tests.classroom.conftest import ACTIVITIES, GOOD

CLASS_LIST = "nom;prénom;classe;identifiant\nDupont;Léa;4B;ldupont\nMartin;Éloïse;4A;emartin\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="nbgrader has no exchange there")


def tne(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", "class", *args], env=env, capture_output=True,
        text=True, encoding="utf-8", timeout=300,
    )  # fmt: skip


def pupil(command: str, login: str, home: Path, exchange: Path, env: dict[str, str]) -> None:
    """One pupil's own step, with nbgrader's command (in their home folder)."""
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", command, "double", "--course", "techno",
         f"--Exchange.root={exchange}", f"--Exchange.cache={home / '.cache'}",
         *([f"--student={login}"] if command == "submit" else [])],
        cwd=home, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_release_fetch_submit_collect_through_the_exchange(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TNE_ACTIVITIES_DIR", str(ACTIVITIES))
    env = dict(os.environ, TNE_ACTIVITIES_DIR=str(ACTIVITIES), TNE_LANG="fr",
               TNE_CONFIG_DIR=str(tmp_path / "config"))  # fmt: skip
    course = init_course("techno", tmp_path)
    (tmp_path / "eleves.csv").write_text(CLASS_LIST, encoding="utf-8")
    import_students(course, tmp_path / "eleves.csv")
    assert {s.login for s in load(course)} == {"ldupont", "emartin"}
    add_activity(course, "double")
    exchange = tmp_path / "echange"

    missing = tne("release", "double", "--exchange", "--exchange-dir", str(exchange),
                  "--course", str(course.root), env=env)  # fmt: skip
    assert missing.returncode == 2
    assert "Le dossier d'échange" in missing.stderr and "n'existe pas" in missing.stderr

    exchange.mkdir()
    released = tne("release", "double", "--exchange", "--exchange-dir", str(exchange),
                   "--course", str(course.root), env=env)  # fmt: skip
    assert released.returncode == 0, released.stderr
    assert (exchange / "techno" / "outbound" / "double" / "double.ipynb").is_file()

    for login in ("ldupont", "intrus"):
        home = tmp_path / "homes" / login
        pupil("fetch_assignment", login, home, exchange, env)
        notebook = home / "double" / "double.ipynb"
        work = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in work["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("solution"):
                cell["source"] = GOOD
        notebook.write_text(json.dumps(work), encoding="utf-8")
        pupil("submit", login, home, exchange, env)

    # The exchange folder is remembered by the course: no --exchange-dir this time.
    collected = tne("collect", "double", "--exchange", "--course", str(course.root), env=env)
    assert collected.returncode == 0, collected.stderr
    assert "1 rendu ramassé." in collected.stderr
    assert "intrus\u00a0: cet identifiant n'est pas dans la liste de classe" in collected.stderr
    handed_in = course.folder("submitted", "lea-dupont", "double", "double.ipynb")
    assert "return n * 2" in handed_in.read_text(encoding="utf-8")
    assert not course.folder("submitted", "intrus").exists()


def test_both_or_neither_way_is_refused_in_french(tmp_path: Path) -> None:
    env = dict(os.environ, TNE_ACTIVITIES_DIR=str(ACTIVITIES), TNE_LANG="fr",
               TNE_CONFIG_DIR=str(tmp_path / "config"))  # fmt: skip
    course = init_course("techno", tmp_path)
    both = tne("release", "double", "--zip", "--exchange", "--course", str(course.root), env=env)
    assert both.returncode == 2 and "Choisissez une seule façon" in both.stderr
    neither = tne("collect", "double", "--course", str(course.root), env=env)
    assert neither.returncode == 2 and "zips de l'ENT, ou --exchange" in neither.stderr
