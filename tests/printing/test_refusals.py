"""Bad input is refused in French, with exit code 2 from the CLI, and nothing is written: a bad
or unknown id, an unknown paper, a folder that cannot be written, a missing sheet, a robot
activity whose world does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from activities.printing import PrintingError, print_activity
from tests.printing.conftest import write_activity

ROOT = Path(__file__).resolve().parents[2]


def tne(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TNE_LANG"}
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "activities", "print", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )
    # French typography puts no-break spaces around « » and before « : »; compare words.
    done.stderr = done.stderr.replace("\u00a0", " ")
    return done


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("activity_id", "french"),
    [
        ("../robot-carre", "n’est pas un identifiant d’activité"),
        ("Robot-Carre", "n’est pas un identifiant d’activité"),
        ("robot-rond", "Il n’y a pas d’activité « robot-rond »"),
    ],
)
def test_bad_or_unknown_id_is_refused_in_french_with_exit_2(
    catalogue: Path, tmp_path: Path, activity_id: str, french: str
):
    out = tmp_path / "out"
    done = tne(activity_id, "--catalogue", str(catalogue), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert french in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_unwritable_folder_is_refused_in_french_with_exit_2(catalogue: Path, tmp_path: Path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("pas un dossier", encoding="utf-8")
    before = _files(tmp_path)
    for out in (a_file, a_file / "impressions"):
        done = tne("robot-carre", "--catalogue", str(catalogue), "--out", str(out), cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "dossier" in done.stderr and "--out" in done.stderr
        assert "Traceback" not in done.stderr
    assert a_file.read_text(encoding="utf-8") == "pas un dossier"
    assert _files(tmp_path) == before


def test_unknown_paper_is_refused_in_french(catalogue: Path, tmp_path: Path):
    before = _files(tmp_path)
    done = tne("robot-carre", "--catalogue", str(catalogue), "--paper", "A5", cwd=tmp_path)
    assert done.returncode == 2
    assert "Format de papier inconnu" in done.stderr and "A4 ou A3" in done.stderr
    assert _files(tmp_path) == before
    assert not (tmp_path / "robot-carre-a-imprimer").exists()


def test_missing_sheet_and_unknown_world_write_nothing_not_even_the_folder(
    catalogue: Path, tmp_path: Path
):
    write_activity(catalogue, "sans-fiches", sheets=False)
    write_activity(catalogue, "monde-perdu", world="monde-qui-n-existe-pas")
    out = tmp_path / "a" / "b" / "impressions"
    with pytest.raises(PrintingError, match="fiche-eleve.md"):
        print_activity("sans-fiches", out, catalogue=catalogue)
    with pytest.raises(PrintingError, match="monde-qui-n-existe-pas"):
        print_activity("monde-perdu", out, catalogue=catalogue)
    assert not (tmp_path / "a").exists()


def test_cli_prints_every_pdf_with_french_progress(catalogue: Path, tmp_path: Path):
    done = tne("robot-carre", "--catalogue", str(catalogue), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "robot-carre-a-imprimer"
    assert sorted(p.name for p in _files(out)) == [
        "robot-carre-aide-memoire.pdf",
        "robot-carre-fiche-eleve.pdf",
        "robot-carre-fiche-enseignant.pdf",
        "robot-carre-tapis-A4.pdf",
    ]
    assert "Impression de « Le robot dessine un carré »" in done.stderr
    assert "feuilles A4" in done.stderr
    assert done.stderr.count("Écrit") == 4


@pytest.mark.parametrize(
    ("metadata", "french"),
    [
        ('title = "Sans fin\n', "Impossible de lire"),
        ('levels = ["5e"]\nduration_minutes = 30\nhardware = "microbit"\n', "le champ « title »"),
        (
            'title = "T"\nlevels = ["5e"]\nduration_minutes = "trente"\nhardware = "none"\n',
            "le champ « duration_minutes »",
        ),
        (
            'title = "T"\nlevels = ["5e"]\nduration_minutes = 30\nhardware = "maqueen"\n',
            "une activité avec robot doit indiquer un « world »",
        ),
    ],
)
def test_metadata_that_cannot_be_printed_is_refused_in_french(
    catalogue: Path, tmp_path: Path, metadata: str, french: str
):
    folder = catalogue / "mal-decrite"
    folder.mkdir()
    (folder / "activity.toml").write_text(metadata, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(PrintingError) as raised:
        print_activity("mal-decrite", out, catalogue=catalogue)
    assert french in raised.value.message.replace("\u00a0", " ")
    assert not out.exists()


def test_a_title_with_markup_and_quotes_is_printed_as_text(catalogue: Path, tmp_path: Path):
    import io

    from pypdf import PdfReader

    title = 'Le robot <b>gras</b> "cité" \\ fin'
    write_activity(catalogue, "titre-piege", title=title, hardware="microbit", world=None)
    printed = print_activity("titre-piege", tmp_path / "out", catalogue=catalogue)
    sheet = next(p for p in printed if p.path.name.endswith("fiche-eleve.pdf"))
    text = PdfReader(io.BytesIO(sheet.path.read_bytes())).pages[0].extract_text()
    assert title in text
