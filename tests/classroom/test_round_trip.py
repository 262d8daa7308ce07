"""The teacher guide's sequence, through the real `tne` command from an unrelated folder:
init, students import, add, release --zip, (the pupils' work comes back through the ENT),
collect, grade, feedback --zip, export, purge."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.classroom.conftest import ACTIVITIES

CLASS_LIST = 'nom;prénom;classe\nMartin;Éloïse;4A\nDupont;Léa;4B\n=HYPERLINK("http://x");Zoé;4B\n'


def tne(*args: str, cwd: Path, env: dict[str, str], answer: str | None = None):
    result = subprocess.run(
        [sys.executable, "-m", "tne.cli", "class", *args],
        cwd=cwd,
        env=env,
        input=answer,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result


def pupil_work(released: bytes, code: str) -> bytes:
    notebook = json.loads(released)
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = code
    return json.dumps(notebook).encode("utf-8")


def test_the_guides_sequence_from_init_to_export(tmp_path: Path, monkeypatch) -> None:
    import os

    env = dict(
        os.environ,
        TNE_ACTIVITIES_DIR=str(ACTIVITIES),
        TNE_LANG="fr",
        TNE_CONFIG_DIR=str(tmp_path / "config"),
    )
    env.pop("TNE_COURSE", None)
    home = tmp_path / "bureau"
    home.mkdir()
    (home / "eleves.csv").write_bytes(CLASS_LIST.encode("cp1252"))

    tne(
        "init",
        "techno-4e",
        "--dir",
        str(tmp_path / "cours"),
        "--cell-timeout",
        "5",
        cwd=home,
        env=env,
    )
    tne("students", "import", "eleves.csv", cwd=home, env=env)
    tne("add", "double", cwd=home, env=env)
    released = tne("release", "double", "--zip", cwd=home, env=env)
    zip_path = tmp_path / "cours" / "techno-4e" / "distribution" / "double.zip"
    assert str(zip_path) in released.stderr.replace("\n", "")

    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == ["double/LISEZMOI.txt", "double/double.ipynb"]
        notebook = archive.read("double/double.ipynb")
        readme = archive.read("double/LISEZMOI.txt").decode("utf-8")
    assert "ÉCRIS TON CODE ICI" in notebook.decode("utf-8")
    assert "return 2 * n" not in notebook.decode("utf-8"), "the solution is not handed out"
    assert "HIDDEN" not in notebook.decode("utf-8")
    assert "Rends seulement le fichier double.ipynb sur l'ENT" in readme
    assert "tape %verifier dans une nouvelle cellule" in readme

    ent = tmp_path / "rendus-ent.zip"
    with zipfile.ZipFile(ent, "w") as archive:
        archive.writestr(
            "MARTIN_Éloïse_double.ipynb", pupil_work(notebook, "def double(n):\n    return n + n")
        )
        archive.writestr(
            "DUPONT_Léa_double.ipynb", pupil_work(notebook, "def double(n):\n    return abs(2 * n)")
        )
        archive.writestr(
            '=HYPERLINK("http://x")_Zoé_double (1).ipynb',
            pupil_work(notebook, "def double(n):\n    return 0"),
        )
    collected = tne("collect", "double", str(ent), cwd=home, env=env)
    assert "3 rendus ramassés" in collected.stderr

    graded = tne("grade", "double", cwd=home, env=env)
    assert "Martin Éloïse (eloise-martin)\u00a0: 3/3" in graded.stderr
    assert "Dupont Léa (lea-dupont)\u00a0: 1/3" in graded.stderr  # double(-21) fails a hidden test
    assert "3 carnets corrigés" in graded.stderr and "2 processus" in graded.stderr

    tne("feedback", "double", "--zip", cwd=home, env=env)
    feedback = tmp_path / "cours" / "techno-4e" / "distribution" / "retours-double.zip"
    with zipfile.ZipFile(feedback) as archive:
        names = sorted(archive.namelist())
        pages = {name: archive.read(name).decode("utf-8") for name in names}
    assert "DUPONT_Léa_double.html" in names and "MARTIN_Éloïse_double.html" in names
    for page in pages.values():
        assert '<html lang="fr">' in page and "(Note\u00a0: " in page
        assert "HIDDEN" not in page and "-42" not in page.replace("-42px", "")
    assert "certains de ses tests sont cachés" in pages["DUPONT_Léa_double.html"]

    tne("export", "double", "--out", str(tmp_path / "notes.csv"), cwd=home, env=env)
    with (tmp_path / "notes.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0] == ["nom", "prénom", "note/20"]
    assert sorted(rows[1:]) == sorted(
        [
            ["Martin", "Éloïse", "20,0"],
            ["Dupont", "Léa", "6,67"],
            ['\'=HYPERLINK("http://x")', "Zoé", "6,67"],
        ]
    )

    refused = subprocess.run(
        [sys.executable, "-m", "tne.cli", "class", "purge"],
        cwd=home,
        env=env,
        input="n\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert refused.returncode == 1 and "Rien n'a été effacé" in refused.stderr
    course = tmp_path / "cours" / "techno-4e"
    assert (course / "gradebook.db").exists()
    tne("purge", "--yes", cwd=home, env=env)
    assert not (course / "gradebook.db").exists()
    assert not list((course / "submitted").iterdir())
    assert not (course / ".tne" / "eleves.json").exists()
    assert (course / "source" / "double" / "double.ipynb").exists(), "the activities stay"
