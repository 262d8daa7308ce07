"""Exports whose fields each démarche labels its own way: columns found by their label's words,
confirmed or found by their content, and a summary of what was used, ignored and missing.
Nothing is dropped silently: an amount no label explains, or a missing school column, stops the
import before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.registry.french import amount_cents, blank, moment
from activities.registry.importing.columns import Mapping, locate
from activities.registry.importing.reading import UnreadableFile
from tests.registry.import_files import uai
from tests.registry.test_cli import ok, tne
from tests.registry.test_import_cli import dossiers

#: Two calls for projects, two ways of labelling the same facts.
FIRST = [
    "ID",
    "État du dossier",
    "Dernière mise à jour le",
    "Déposé le",
    "Établissement (UAI)",
    "Nom de l'établissement",
    "Commune de l'établissement",
    "Montant demandé (€)",
    "Montant accordé (€)",
    "Collectivité cofinanceuse",
    "Montant du cofinancement (€)",
    "Adresse électronique du demandeur",
]
SECOND = [
    "N° dossier",
    "Statut",
    "Date de dépôt",
    "Code UAI de l'établissement",
    "Etablissement",
    "Ville",
    "MONTANT SOLLICITÉ",
    "Subvention attribuée",
    "Cofinanceur",
    "Montant cofinancé",
    "Nom du demandeur",
]


def test_two_labellings_of_the_same_fields_find_the_same_fields() -> None:
    first, second = locate(FIRST), locate(SECOND)
    fields = {
        "number",
        "state",
        "deposited_on",
        "uai",
        "school_name",
        "school_commune",
        "requested",
        "granted",
        "cofinancer",
        "cofinancing",
    }
    assert set(second.index) == fields
    assert set(first.index) == fields | {"updated_on"}
    assert first.headers[first["uai"]] == "Établissement (UAI)"
    assert first.ignored == ["Adresse électronique du demandeur"]
    assert second.ignored == ["Nom du demandeur"]
    assert second.missing == ["processed_on", "equipment"]


def test_content_finds_the_one_column_of_uais_and_of_dates_when_no_label_says_them() -> None:
    headers = ["ID", "État", "Code", "Le", "Remarque"]
    sample = [["1", "accepté", uai(5), "15/03/2023", "rien"], ["2", "refusé", uai(6), "", "x"]]
    columns = locate(headers, None, sample)
    assert (columns["uai"], columns.by["uai"]) == (2, "content")
    assert (columns["deposited_on"], columns.by["deposited_on"]) == (3, "content")
    assert columns.ignored == ["Remarque"]


def test_content_picks_the_column_of_uais_among_two_labels() -> None:
    headers = ["ID", "État", "UAI ou nom", "UAI"]
    sample = [["1", "accepté", "École Jules Ferry", uai(5)]]
    assert locate(headers, None, sample)["uai"] == 3


def test_amounts_no_label_explains_are_an_error_naming_them() -> None:
    headers = ["ID", "État", "UAI", "Montant 1", "Montant 2"]
    with pytest.raises(UnreadableFile, match="« Montant 1 », « Montant 2 ».*--mapping"):
        locate(headers)
    sample = [["1", "accepté", uai(5), "3 000 €", "500 €"]]
    with pytest.raises(UnreadableFile, match="« A », « B »"):
        locate(["ID", "État", "UAI", "A", "B"], None, sample)


def test_a_missing_school_column_is_an_error_unless_the_mapping_says_so() -> None:
    with pytest.raises(UnreadableFile, match="UAI"):
        locate(["ID", "État"])
    columns = locate(["ID", "État"], Mapping({}, frozenset({"uai"})))
    assert "uai" not in columns


@pytest.mark.parametrize("cell", ["", "  ", "-", "—", "–", "néant", "Néant", "N/A", "n/a", None])
def test_blank_cells_people_write_mean_empty(cell) -> None:
    assert blank(cell)
    assert amount_cents(cell) is None


def test_a_dossier_s_last_update_keeps_its_time() -> None:
    assert moment("15/03/2023 10:42") > moment("15/03/2023 09:59") > moment("14/03/2023 23:00")
    assert moment("2023-03-15T10:42:00+01:00") == moment("15/03/2023 à 10h42")


def _write(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    path.write_text(
        "\n".join(";".join(cells) for cells in [headers, *rows]) + "\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def db(db_url: str) -> str:
    ok("init", db=db_url)
    return db_url


def test_two_exports_labelled_differently_import_to_the_same_dossiers_with_their_schools(
    db: str, tmp_path: Path
) -> None:
    first = _write(
        tmp_path / "aap-2025.csv",
        FIRST,
        [
            [
                "101",
                "Accepté",
                "01/04/2025 10:00",
                "15/03/2025",
                uai(5),
                "École Jean Moulin",
                "Bourges",
                "3 000 €",
                "2 500 €",
                "Conseil départemental",
                "500 €",
                "dir@example.org",
            ],
        ],
    )
    second = _write(
        tmp_path / "aap-2026.csv",
        SECOND,
        [
            [
                "102",
                "en instruction",
                "20/01/2026",
                uai(6),
                "Collège Victor Hugo",
                "Vierzon",
                "4 000",
                "-",
                "néant",
                "—",
                "Jeanne Martin",
            ],
        ],
    )
    done = tne("import-dossiers", str(first), db=db)
    assert done.returncode == 0, done.stderr
    assert "UAI de l'établissement ← « Établissement (UAI) » (d'après le libellé)" in done.stderr
    assert "Colonnes ignorées : « Adresse électronique du demandeur »." in done.stderr
    assert "Champs absents de cet export : date de traitement, équipement." in done.stderr
    done = tne("import-dossiers", str(second), db=db)
    assert done.returncode == 0, done.stderr
    assert "Colonnes ignorées : « Nom du demandeur »." in done.stderr
    found = dossiers(db)
    assert (found["101"].school_uai, found["102"].school_uai) == (uai(5), uai(6))
    assert (found["101"].granted_cents, found["101"].cofinancing_cents) == (250_000, 50_000)
    assert found["101"].cofinancer == "Conseil départemental"
    assert (found["102"].requested_cents, found["102"].granted_cents) == (400_000, None)
    assert (found["102"].cofinancer, found["102"].cofinancing_cents) == (None, None)


def test_the_row_with_the_latest_update_wins_wherever_it_is_in_the_file(
    db: str, tmp_path: Path
) -> None:
    headers = [
        "ID",
        "État du dossier",
        "Dernière mise à jour",
        "UAI",
        "Nom de l'établissement",
        "Commune",
        "Montant accordé",
        "Montant demandé",
        "Montant du cofinancement",
    ]
    export = _write(
        tmp_path / "e.csv",
        headers,
        [
            ["7", "accepté", "02/05/2025 09:00", uai(5), "École A", "Bourges", "900", "", ""],
            ["7", "en instruction", "02/04/2025 17:30", uai(5), "École A", "Bourges", "", "", ""],
        ],
    )
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 0, done.stderr
    assert (
        "Ligne 3, dossier 7 : Le dossier 7 figure aussi à la ligne 2, mis à jour plus tard "
        "(02/05/2025 09:00) : cette ligne-là est gardée, celle-ci ignorée." in done.stderr
    )
    assert (dossiers(db)["7"].state, dossiers(db)["7"].granted_cents) == ("accepte", 90_000)


def test_an_invalid_uai_under_any_label_refuses_its_row_and_a_dry_run_writes_nothing(
    db: str, tmp_path: Path
) -> None:
    wrong = uai(5)[:7] + ("A" if uai(5)[7] != "A" else "B")
    export = _write(
        tmp_path / "e.csv",
        [
            "ID",
            "État",
            "Établissement (UAI)",
            "Nom de l'établissement",
            "Commune",
            "Montant accordé",
            "Montant demandé",
            "Montant du cofinancement",
        ],
        [
            ["1", "accepté", wrong, "École A", "Bourges", "1 000 €", "", ""],
            ["2", "accepté", f" {uai(6).lower()} ", "École B", "Bourges", "2 000 €", "", ""],
        ],
    )
    done = tne("import-dossiers", str(export), "--dry-run", db=db)
    assert done.returncode == 1
    assert f"Ligne 2, dossier 1 : L'UAI « {wrong} » n'est pas valide" in done.stderr
    assert "Essai, rien n'est écrit : 1 dossier serait importé" in done.stderr
    assert f"school_uai = {uai(6)}" in done.stderr
    assert dossiers(db) == {}
    done = tne("import-dossiers", str(export), "--json", db=db)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["columns"]["mapped"]["uai"] == {"column": "Établissement (UAI)", "by": "label"}
    assert sorted(dossiers(db)) == ["2"]
    assert dossiers(db)["2"].school_uai == uai(6)
