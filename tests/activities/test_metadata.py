"""An activity's `activity.toml`: every activity of the catalogue is valid, and each kind of bad
metadata is refused with a French sentence naming the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from activities.catalogue.metadata import (
    CATALOGUE_DIR,
    MetadataError,
    activity_folders,
    all_activities,
    find_activity,
    load_activity,
)
from activities.catalogue.validation import check_catalogue, structure_problems

IDS = [folder.name for folder in activity_folders()]
GOOD = (CATALOGUE_DIR / "robot-carre" / "activity.toml").read_text(encoding="utf-8")


def test_the_catalogue_has_the_first_three_activities_in_progression_order() -> None:
    ids = [a.id for a in all_activities()]
    assert {"afficher-et-defiler", "radio-messages", "robot-carre"} <= set(ids)
    assert ids[0] == "afficher-et-defiler"  # cycle 3, and the others' prerequisite
    assert ids[-1] == "projet-libre"  # the guided free project closes the progression
    kinds = {a.hardware for a in all_activities()}
    assert {"microbit", "maqueen"} <= kinds
    assert any(a.boards == 2 for a in all_activities())


def test_within_a_cycle_the_robot_comes_after_the_board_alone() -> None:
    """(The projects close the progression, whatever they use.)"""
    assert all_activities()[-1].project
    order = [(a.cycle, a.hardware) for a in all_activities() if not a.project]
    for cycle in {cycle for cycle, _hardware in order}:
        kinds = [hardware for c, hardware in order if c == cycle]
        if "maqueen" in kinds:
            assert "microbit" not in kinds[kinds.index("maqueen") :], cycle


@pytest.mark.parametrize("activity_id", IDS)
def test_each_activity_has_valid_metadata_notebook_and_sheets(activity_id: str) -> None:
    activity = load_activity(CATALOGUE_DIR / activity_id)
    assert activity.id == activity_id
    assert structure_problems(activity, set(IDS)) == []
    assert activity.qemu or activity.qemu_reason


def test_tne_activities_check_quick_passes_for_the_whole_catalogue() -> None:
    reports = check_catalogue(grade=False)
    assert [r.problems for r in reports] == [[] for _ in reports]


def write(tmp_path: Path, text: str, name: str = "robot-carre") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "activity.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda t: t.replace('levels = ["5e", "4e", "3e"]', 'levels = ["CM2"]'),
            "« levels »\u00a0: CM2 ne fait pas partie de\u00a0: 6e, 5e, 4e, 3e, seconde.",
        ),
        (
            lambda t: t.replace('cycle = "4"', 'cycle = "5"'),
            "« cycle » = « 5 » ne fait pas partie de\u00a0: 3, 4, lycee.",
        ),
        (
            lambda t: t.replace("duration_minutes = 55", "duration_minutes = 0"),
            "« duration_minutes » doit être un nombre entier de 5 à 600.",
        ),
        (
            lambda t: t.replace('world = "tapis"', 'world = "lune"'),
            "Le monde « lune » n'existe pas",
        ),
        (
            lambda t: t.replace('world = "tapis"', 'world = ""'),
            "Une activité avec robot a besoin d'un monde",
        ),
        (
            lambda t: t.replace("qemu = true", "qemu = false"),
            "qemu = false demande une qemu_reason parmi temperature, radio, compass, scroll, "
            "music, light",
        ),
        (
            lambda t: t.replace('id = "robot-carre"', 'id = "Robot Carré"'),
            "uniquement des lettres minuscules sans accent",
        ),
        (
            lambda t: t.replace('id = "robot-carre"', 'id = "robot-rond"'),
            "L'id « robot-rond » diffère du nom du dossier « robot-carre ».",
        ),
        (
            lambda t: t.replace('tne_calls = ["codage et robotique"]', 'tne_calls = ["jeux"]'),
            "« tne_calls »\u00a0: jeux ne fait pas partie de",
        ),
        (lambda t: t + 'couleur = "bleu"\n', "Champ inconnu\u00a0: couleur."),
        (lambda t: t.replace("qemu = true\n", ""), "Le champ « qemu » est absent."),
        (
            lambda t: t.replace('title = "Le robot dessine un carré"', "title = 3"),
            "« title » doit être un texte non vide.",
        ),
        (lambda t: t.replace("qemu = true", 'qemu = "oui"'), "« qemu » doit valoir true ou false."),
        (lambda t: t + 'project = "oui"\n', "« project » doit valoir true ou false."),
        (lambda t: t + "[[", "Ce n'est pas du TOML valide"),
    ],
)
def test_bad_metadata_is_refused_in_french_naming_the_field(tmp_path, change, problem) -> None:
    folder = write(tmp_path, change(GOOD))
    with pytest.raises(MetadataError) as error:
        load_activity(folder)
    assert any(
        problem.replace("«\u00a0", "« ") in p.replace("«\u00a0", "« ").replace("\u00a0»", " »")
        for p in error.value.problems
    ), error.value.problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace('cycle = "4"', 'cycle = "5"').replace("boards = 1", "boards = 7")
    with pytest.raises(MetadataError) as error:
        load_activity(write(tmp_path, text))
    assert len(error.value.problems) == 2
    assert "2 problèmes" in str(error.value)


def test_a_missing_file_and_an_unknown_activity_are_told(tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()
    with pytest.raises(MetadataError, match="Le fichier activity.toml est absent."):
        load_activity(tmp_path / "vide")
    with pytest.raises(MetadataError) as error:
        find_activity("../etc")
    assert (
        "Aucune activité « ../etc »".replace(" ../", "\u00a0../").replace("c »", "c\u00a0»")
        in (error.value.problems[0])
    )
    assert "robot-carre" in error.value.problems[0]


def test_a_broken_activity_folder_is_reported_by_check_without_losing_the_others(
    tmp_path: Path,
) -> None:
    shutil.copytree(CATALOGUE_DIR / "robot-carre", tmp_path / "robot-carre")
    shutil.copytree(CATALOGUE_DIR / "afficher-et-defiler", tmp_path / "afficher-et-defiler")
    (tmp_path / "robot-carre" / "fiche-enseignant.md").write_text("# Rien\n", encoding="utf-8")
    notebook = tmp_path / "afficher-et-defiler" / "activite.ipynb"
    notebook.write_text(
        notebook.read_text(encoding="utf-8").replace("%%check\\n", "", 1), encoding="utf-8"
    )
    reports = {r.id: r for r in check_catalogue(grade=False, root=tmp_path)}
    assert any("sections" in p and "Corrigé" in p for p in reports["robot-carre"].problems)
    assert any("doit commencer par %%check" in p for p in reports["afficher-et-defiler"].problems)


@pytest.mark.parametrize("activity_id", IDS)
def test_sheets_and_notebook_text_follow_french_typography(activity_id: str) -> None:
    """A no-break space before « : ; ! ? » and inside « », outside code."""
    import re

    from activities.catalogue.validation import notebook_cells

    activity = load_activity(CATALOGUE_DIR / activity_id)
    texts = [activity.teacher_sheet.read_text("utf-8"), activity.pupil_sheet.read_text("utf-8")]
    texts += [c.source for c in notebook_cells(activity).cells if c.cell_type == "markdown"]
    for text in texts:
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        prose = re.sub(r"`[^`]*`", "", prose)
        assert not re.findall(r".{0,20} [:;!?](?=\s|$)", prose), activity_id
        assert "« " not in prose and " »" not in prose, activity_id


def test_an_answer_graded_by_hand_without_points_is_refused_in_french(tmp_path: Path) -> None:
    shutil.copytree(CATALOGUE_DIR / "projet-libre", tmp_path / "projet-libre")
    notebook = tmp_path / "projet-libre" / "activite.ipynb"
    text = notebook.read_text(encoding="utf-8")
    assert '"points": 3' in text
    notebook.write_text(text.replace('"points": 3', '"points": 0', 1), encoding="utf-8")
    [report] = check_catalogue(grade=False, root=tmp_path)  # alone: no prerequisite here
    assert (
        "Cellule cahier-des-charges\u00a0: une réponse corrigée à la main doit avoir des points."
        in report.problems
    )
    assert not [p for p in report.problems if "Cellule" in p and "bilan" in p]
