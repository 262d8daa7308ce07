"""`tne registry import-dossiers` as a coordinator runs it, on a real database (SQLite and
PostgreSQL): exit 0 when every row was imported, 1 when some rows were refused (each on stderr,
in French, with its line, dossier number and reason, and every good row of the file imported
anyway), 2 when the file cannot be read at all, with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from activities.registry.models import Dossier, DossierEquipmentLine, School
from activities.registry.service import Registry
from tests.registry.import_files import HEADERS, csv_text, row, uai, write_csv
from tests.registry.test_cli import ok, tne


@pytest.fixture
def db(db_url: str) -> str:
    ok("init", db=db_url)
    return db_url


def dossiers(db: str) -> dict[str, Dossier]:
    registry = Registry.open(db)
    try:
        with registry.reading() as session:
            found = session.scalars(select(Dossier)).all()
            for dossier in found:
                dossier.equipment_lines  # noqa: B018 - loaded before the session closes
            return {d.number: d for d in found}
    finally:
        registry.close()


def schools(db: str) -> dict[str, School]:
    registry = Registry.open(db)
    try:
        with registry.reading() as session:
            return {s.uai: s for s in session.scalars(select(School))}
    finally:
        registry.close()


def count_lines(db: str) -> int:
    registry = Registry.open(db)
    try:
        with registry.reading() as session:
            return len(session.scalars(select(DossierEquipmentLine)).all())
    finally:
        registry.close()


def test_a_platform_export_is_imported_whole_with_exit_0(db: str, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "appel-tne-2023.csv", [row(1001), row(1002, "en instruction")])
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 0, done.stderr
    assert ": 2 (2 nouveaux, 0 mis à jour) ; lignes refusées : 0." in done.stderr
    assert f"Établissements ajoutés au registre : {uai(5)}." in done.stderr
    found = dossiers(db)
    first = found["1001"]
    assert first.demarche == "appel-tne-2023"
    assert first.state == "accepte"
    assert found["1002"].state == "en_instruction"
    assert first.deposited_on == dt.date(2023, 3, 15)
    assert first.processed_on == dt.date(2023, 4, 2)
    assert (first.requested_cents, first.granted_cents) == (1_250_000, 1_200_000)
    assert (first.cofinancer, first.cofinancing_cents) == ("Conseil départemental du Cher", 123_450)
    assert first.school_uai == uai(5)
    lines = sorted((e.label, e.quantity, e.unit_cost_cents) for e in first.equipment_lines)
    assert lines == [("Maqueen Lite", 1, 3500), ("micro:bit", 3, 2000)]
    school = schools(db)[uai(5)]
    assert (school.name, school.commune, school.degree, school.department) == (
        "École 5",
        "Bourges",
        1,
        "18",
    )


def test_importing_again_updates_and_never_duplicates(db: str, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    write_csv(export, [row(1001), row(1002, "en instruction")])
    ok("import-dossiers", str(export), db=db)
    write_csv(
        export, [row(1001), row(1002, "refusé", Matériel="2 x micro:bit"), row(1003, "brouillon")]
    )
    done = tne("import-dossiers", str(export), "--json", db=db)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["created"], summary["updated"], summary["rejected"]) == (1, 2, [])
    found = dossiers(db)
    assert sorted(found) == ["1001", "1002", "1003"]
    assert found["1002"].state == "refuse"
    assert [(e.label, e.quantity) for e in found["1002"].equipment_lines] == [("micro:bit", 2)]
    assert count_lines(db) == 2 + 1 + 2
    assert len(schools(db)) == 1


def test_windows_1252_with_commas_and_utf8_with_bom_keep_their_accents(
    db: str, tmp_path: Path
) -> None:
    windows = write_csv(
        tmp_path / "excel.csv",
        [
            row(
                1001,
                "Classé sans suite",
                Cofinanceur="Communauté d'agglomération",
                Montant_accordé="12\u00a0000 €",  # Excel's non-breaking space, in Windows-1252
            )
        ],
        encoding="cp1252",
        separator=",",
    )
    bom = write_csv(tmp_path / "bom.csv", [row(1002, "REFUSE", school=6)], encoding="utf-8-sig")
    for export in (windows, bom):
        done = tne("import-dossiers", str(export), "--json", db=db)
        assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["encoding"] == "utf-8-sig"
    found = dossiers(db)
    assert found["1001"].state == "sans_suite"
    assert found["1001"].cofinancer == "Communauté d'agglomération"
    assert found["1002"].state == "refuse"
    assert schools(db)[uai(5)].name == "École 5"


def test_an_xlsx_export_is_imported_with_its_dates_and_numbers(db: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    values = row(1001)
    values[3] = dt.datetime(2023, 3, 15, 10, 42)  # a date cell
    values[8], values[9] = 12500, 12000.5  # number cells
    values[10] = '=HYPERLINK("http://x","clic")'
    sheet.append(values)
    sheet.cell(row=2, column=11).data_type = "s"  # text typed by the applicant, not a formula
    workbook.create_sheet("Annotations")
    export = tmp_path / "export.xlsx"
    workbook.save(export)
    done = tne("import-dossiers", str(export), "--demarche", "TNE 2023", db=db)
    assert done.returncode == 0, done.stderr
    dossier = dossiers(db)["1001"]
    assert dossier.demarche == "TNE 2023"
    assert dossier.deposited_on == dt.date(2023, 3, 15)
    assert (dossier.requested_cents, dossier.granted_cents) == (1_250_000, 1_200_050)
    assert dossier.cofinancer == '=HYPERLINK("http://x","clic")'


def test_broken_csv_lines_are_refused_and_the_other_rows_imported(db: str, tmp_path: Path) -> None:
    lines = csv_text([row(1001), row(1002), row(1003), row(1004)]).split("\r\n")
    lines[2] = lines[2].replace("1002;", '1002;"', 1)  # a quote never closed
    lines[3] = ";".join(lines[3].split(";")[:5])  # a row cut short
    (tmp_path / "export.csv").write_text("\r\n".join(lines), encoding="utf-8")
    done = tne("import-dossiers", str(tmp_path / "export.csv"), db=db)
    assert done.returncode == 1, done.stderr
    assert (
        "Ligne 3, dossier 1002 : Un guillemet (\") ouvert sur cette ligne n'est jamais refermé."
        in done.stderr
    )
    assert (
        "Ligne 4, dossier 1003 : Cette ligne a 5 colonnes alors que l'en-tête en a 13."
        in done.stderr
    )
    assert ": 2 (2 nouveaux, 0 mis à jour) ; lignes refusées : 2." in done.stderr
    assert sorted(dossiers(db)) == ["1001", "1004"]


def test_a_file_mixing_encodings_keeps_every_readable_row(db: str, tmp_path: Path) -> None:
    lines = csv_text([row(1001), row(1002, Montant_accordé="12 000 €"), row(1003)]).split("\r\n")
    encoded = [line.encode("utf-8") for line in lines]
    encoded[2] = lines[2].encode("cp1252")  # a row pasted from a Windows-1252 file
    encoded[3] = encoded[3].replace(b"1003;", b"1003;\x81", 1)  # a byte in neither encoding
    (tmp_path / "mixed.csv").write_bytes(b"\r\n".join(encoded))
    done = tne("import-dossiers", str(tmp_path / "mixed.csv"), "--json", db=db)
    assert done.returncode == 1, done.stderr
    assert (
        "Ligne 4, dossier 1003 : Cette ligne contient des octets qui ne sont ni du texte UTF-8 "
        "ni du Windows-1252." in done.stderr
    )
    assert json.loads(done.stdout)["encoding"] == "utf-8+cp1252"
    assert sorted(dossiers(db)) == ["1001", "1002"]
    assert dossiers(db)["1002"].cofinancer == "Conseil départemental du Cher"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("0180005X", "L'UAI « 0180005X » n'est pas valide : sa lettre de contrôle devrait être H."),
        ("18005H", "L'UAI « 18005H » doit avoir 8 caractères"),
    ],
)
def test_an_invalid_uai_refuses_its_row_only(
    db: str, tmp_path: Path, cell: str, message: str
) -> None:
    export = write_csv(
        tmp_path / "e.csv", [row(1001), row(1002, UAI_de_l_établissement=cell), row(1003)]
    )
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 1
    assert f"Ligne 3, dossier 1002 : {message}" in done.stderr
    assert sorted(dossiers(db)) == ["1001", "1003"]


def test_states_are_read_whatever_their_case_and_accents_and_an_unknown_one_refused(
    db: str, tmp_path: Path
) -> None:
    states = ["ACCEPTE", "en_instruction", "Classé  sans suite", "En Construction", "perdu"]
    export = write_csv(tmp_path / "e.csv", [row(1000 + i, s) for i, s in enumerate(states)])
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 1
    assert (
        "Ligne 6, dossier 1004 : État de dossier inconnu : « perdu ». États connus : "
        "brouillon, en construction, en instruction, accepté, refusé, classé sans suite."
    ) in done.stderr
    found = dossiers(db)
    assert [found[str(1000 + i)].state for i in range(4)] == [
        "accepte",
        "en_instruction",
        "sans_suite",
        "en_construction",
    ]
    assert "1004" not in found


def test_a_number_twice_in_one_file_keeps_the_later_row_and_reports_the_other(
    db: str, tmp_path: Path
) -> None:
    export = write_csv(
        tmp_path / "e.csv", [row(1001), row(1002), row(1001, "refusé"), row(1003, school=7)]
    )
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 0, done.stderr
    assert (
        "Ligne 2, dossier 1001 : Le dossier 1001 figure aussi à la ligne 4, plus bas dans le "
        "fichier : cette ligne-là est gardée, celle-ci ignorée." in done.stderr
    )
    found = dossiers(db)
    assert sorted(found) == ["1001", "1002", "1003"]
    assert found["1001"].state == "refuse"


def test_formula_injection_strings_are_stored_as_plain_text(db: str, tmp_path: Path) -> None:
    payloads = ['=HYPERLINK("http://x","clic")', "+1", "-1", "@SUM(A1)"]
    headers = [*HEADERS, "Démarche"]
    rows = []
    for i, payload in enumerate(payloads):
        values = row(
            1001 + i,
            school=10 + i,
            Cofinanceur=payload,
            Nom_de_l_établissement=f"École {payload}",
            Commune=payload,
            Matériel=f"2 x {payload} à 10 €",
        )
        rows.append([*values, payload])
    rows.append([*row("=1+1", school=20), "AAP"])
    export = tmp_path / "e.csv"
    export.write_text(csv_text(rows, headers=headers), encoding="utf-8")
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 0, done.stderr
    found = dossiers(db)
    known = schools(db)
    for i, payload in enumerate(payloads):
        dossier = found[str(1001 + i)]
        assert (dossier.cofinancer, dossier.demarche) == (payload, payload)
        assert [(e.label, e.quantity) for e in dossier.equipment_lines] == [(payload, 2)]
        school = known[uai(10 + i)]
        assert (school.name, school.commune) == (f"École {payload}", payload)
    assert found["=1+1"].demarche == "AAP"


def test_a_mapping_file_names_an_academy_s_own_headers(db: str, tmp_path: Path) -> None:
    export = tmp_path / "academie.csv"
    export.write_text(
        "Numéro de dossier;Statut;Subvention TNE;Établissement (UAI);Nom du demandeur\n"
        f"A-17;accepté;3 000 €;Collège Jean Renoir ({uai(5)});Jeanne Martin\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "correspondance.json"
    mapping.write_text(
        json.dumps(
            {
                "Subvention TNE": "granted",
                "Établissement (UAI)": "uai",
                "Nom du demandeur": None,
            }
        ),
        encoding="utf-8",
    )
    ok(
        "schools",
        "add",
        uai(5),
        "--name",
        "Collège",
        "--commune",
        "Bourges",
        "--degree",
        "2",
        db=db,
    )
    done = tne("import-dossiers", str(export), "--mapping", str(mapping), db=db)
    assert done.returncode == 0, done.stderr
    dossier = dossiers(db)["A-17"]
    assert (dossier.granted_cents, dossier.school_uai) == (300_000, uai(5))
    assert schools(db)[uai(5)].name == "Collège"  # an import never changes a known school


def test_an_unknown_school_without_its_name_refuses_its_row(db: str, tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(f"ID;État du dossier;UAI\n1;accepté;{uai(8)}\n2;accepté;\n", encoding="utf-8")
    done = tne("import-dossiers", str(export), db=db)
    assert done.returncode == 1
    assert (
        f"Ligne 2, dossier 1 : L'établissement {uai(8)} n'est pas dans le registre et l'export ne "
        "donne ni son nom ni sa commune" in done.stderr
    )
    assert sorted(dossiers(db)) == ["2"]


def _zip_not_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "bonjour")


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("absent.csv", None, "Le fichier {path} n'existe pas."),
        ("vide.csv", lambda p: p.write_bytes(b"\r\n\r\n"), "Le fichier {path} est vide."),
        (
            "image.csv",
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            "{path} n'est pas un fichier CSV ni XLSX (il contient des données binaires).",
        ),
        (
            "ancien.xls",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
            "{path} est un ancien classeur Excel .xls",
        ),
        ("archive.xlsx", _zip_not_xlsx, "{path} n'est pas un classeur XLSX lisible"),
        (
            "sans-id.csv",
            lambda p: p.write_text("Nom;État du dossier\nx;accepté\n", encoding="utf-8"),
            "Aucune colonne ne donne le numéro de dossier (comme ID ou Numéro de dossier). "
            "En-têtes trouvés : Nom, État du dossier.",
        ),
        (
            "entete.csv",
            lambda p: p.write_bytes(b"ID;\x81tat\n1;accept\xe9\n"),
            "La première ligne de {path} n'est ni du texte UTF-8 ni du Windows-1252",
        ),
    ],
)
def test_a_file_that_cannot_be_read_exits_2_and_writes_nothing(
    db: str, tmp_path: Path, name: str, make, message: str
) -> None:
    path = tmp_path / name
    if make is not None:
        make(path)
    done = tne("import-dossiers", str(path), db=db)
    assert done.returncode == 2, done.stderr
    assert message.format(path=path) in done.stderr
    assert "Traceback" not in done.stderr
    assert dossiers(db) == {}


def test_a_mapping_file_naming_an_unknown_field_exits_2(db: str, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "e.csv", [row(1001)])
    mapping = tmp_path / "m.json"
    mapping.write_text('{"ID": "numero"}', encoding="utf-8")
    done = tne("import-dossiers", str(export), "--mapping", str(mapping), db=db)
    assert done.returncode == 2
    assert f"Le fichier de correspondance {mapping} nomme des champs inconnus : numero." in (
        done.stderr
    )
    assert dossiers(db) == {}
