"""The parsers under the dossier import: French amounts, dates and states, equipment lines,
header matching, and CSV reading (encodings, separators, broken lines)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activities.registry.errors import RegistryError
from activities.registry.french import amount_cents, day, state
from activities.registry.importing.columns import locate
from activities.registry.importing.equipment import EquipmentLine, equipment_lines
from activities.registry.importing.reading import UnreadableFile, read_csv_bytes

SPACES = ["", " ", "\u00a0", "\u202f"]


def french_amount(cents: int, space: str, decimals: bool, euro: str) -> str:
    """`cents` written as a French spreadsheet would: 12 500,00 €."""
    euros, rest = divmod(cents, 100)
    digits = f"{euros:,}".replace(",", space)
    text = f"{digits},{rest:02d}" if decimals or rest else digits
    return text + euro


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    space=st.sampled_from(SPACES),
    decimals=st.booleans(),
    euro=st.sampled_from(["", " €", "\u00a0€", "€", " EUR"]),
)
def test_french_amounts_read_back_to_their_cents(
    cents: int, space: str, decimals: bool, euro: str
) -> None:
    assert amount_cents(french_amount(cents, space, decimals, euro)) == cents


@given(cents=st.integers(min_value=0, max_value=10**12))
def test_amounts_with_a_decimal_point_and_numeric_cells_read_back(cents: int) -> None:
    assert amount_cents(f"{cents // 100}.{cents % 100:02d}") == cents
    assert amount_cents(cents // 100) == cents // 100 * 100


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12 500,00 €", 1_250_000),
        ("12 500 €", 1_250_000),
        ("1 234,5", 123_450),
        ("12\u202f500,00\u00a0€", 1_250_000),
        ("1.234,56", 123_456),
        ("1,234.56", 123_456),
        ("1.234.567", 123_456_700),
        ("0", 0),
        ("", None),
        ("  ", None),
        (None, None),
        (12000.5, 1_200_050),
    ],
)
def test_amounts_people_write(text, cents) -> None:
    assert amount_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("douze euros", "n'est pas un montant"),
        ("12,50,3", "n'est pas un montant"),
        ("-5", "n'est pas un montant"),
        ("12.500", "est ambigu"),
        ("12,345", "plus de 2 décimales"),
        ("=SUM(A1:A3)", "n'est pas un montant"),
    ],
)
def test_amounts_that_cannot_be_read_for_sure_are_refused(text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        amount_cents(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/03/2023", dt.date(2023, 3, 15)),
        ("5/3/2023", dt.date(2023, 3, 5)),
        ("15/03/2023 10:42", dt.date(2023, 3, 15)),
        ("15/03/2023 à 10h42", dt.date(2023, 3, 15)),
        ("2023-03-15", dt.date(2023, 3, 15)),
        ("2023-03-15 10:42:00", dt.date(2023, 3, 15)),
        ("2023-03-15T10:42:00+01:00", dt.date(2023, 3, 15)),
        ("2023-03-15T10:42:00.123Z", dt.date(2023, 3, 15)),
        (dt.datetime(2023, 3, 15, 10, 42), dt.date(2023, 3, 15)),
        ("", None),
    ],
)
def test_dates_people_and_the_api_write(text, expected) -> None:
    assert day(text) == expected


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_french_and_iso_dates_read_back(date: dt.date) -> None:
    assert day(date.strftime("%d/%m/%Y")) == date
    assert day(date.isoformat()) == date


@pytest.mark.parametrize("text", ["31/02/2023", "15.03.2023", "mars 2023", "2023-13-01"])
def test_impossible_or_unknown_dates_are_refused(text: str) -> None:
    with pytest.raises(RegistryError, match="n'est pas une date"):
        day(text)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Brouillon", "brouillon"),
        ("en construction", "en_construction"),
        ("EN INSTRUCTION", "en_instruction"),
        ("Accepté", "accepte"),
        ("accepte", "accepte"),
        ("Refusé", "refuse"),
        ("classé sans suite", "sans_suite"),
        ("Classe sans-suite", "sans_suite"),
        ("sans_suite", "sans_suite"),
    ],
)
def test_state_labels_and_api_codes(label: str, code: str) -> None:
    assert state(label) == code


@pytest.mark.parametrize("label", ["perdu", "accepted", "", None])
def test_unknown_or_missing_states_are_refused(label) -> None:
    with pytest.raises(RegistryError):
        state(label)


def test_equipment_lines_with_quantities_and_prices() -> None:
    assert equipment_lines("3 x micro:bit à 20,00 €; 1 X Maqueen Lite à 35 €\n2× Câble USB") == [
        EquipmentLine("micro:bit", 3, 2000),
        EquipmentLine("Maqueen Lite", 1, 3500),
        EquipmentLine("Câble USB", 2, None),
    ]


def test_an_equipment_label_holding_a_or_x_stays_whole() -> None:
    assert equipment_lines("Kit à souder; Boîte x") == [
        EquipmentLine("Kit à souder", 1, None),
        EquipmentLine("Boîte x", 1, None),
    ]


def test_headers_match_whatever_their_case_accents_and_trailing_colon() -> None:
    columns = locate(["id", "ETAT DU DOSSIER :", "Montant accorde *", "Email", "uai"])
    assert columns.index == {"number": 0, "state": 1, "granted": 2, "uai": 4}
    assert columns.ignored == ["Email"]


def test_a_mapping_wins_over_built_in_headers_and_can_ignore_a_column() -> None:
    columns = locate(["ID", "N°", "Statut", "RNE"], {"N°": "number", "ID": None})
    assert columns.index == {"number": 1, "state": 2, "uai": 3}
    assert columns.by["number"] == "mapping"


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_the_separator_is_the_one_that_splits_the_header_most(separator: str) -> None:
    data = separator.join(["ID", "État du dossier", "Montant demandé"]) + "\n"
    data += separator.join(["1", "accepté", '"1 234,50"']) + "\n"
    table = read_csv_bytes(data.encode(), "e.csv")
    assert table.separator == separator
    assert table.rows[0].cells == ["1", "accepté", "1 234,50"]


def test_a_cell_over_several_lines_is_one_row_and_lines_are_counted() -> None:
    data = 'ID;Description;État\n1;"ligne un\nligne deux";accepté\n2;x;refusé\n'
    table = read_csv_bytes(data.encode(), "e.csv")
    assert [(r.line, r.cells, r.problem) for r in table.rows] == [
        (2, ["1", "ligne un\nligne deux", "accepté"], None),
        (4, ["2", "x", "refusé"], None),
    ]


def test_a_quote_never_closed_costs_its_line_only() -> None:
    data = 'ID;Description;État\n1;"jamais fermé;accepté\n2;x;refusé\n3;y;brouillon\n'
    table = read_csv_bytes(data.encode(), "e.csv")
    assert [r.line for r in table.rows] == [2, 3, 4]
    assert "jamais refermé" in table.rows[0].problem
    assert [r.problem for r in table.rows[1:]] == [None, None]


def test_trailing_empty_columns_are_not_a_broken_row() -> None:
    table = read_csv_bytes(b"ID;Etat\n1;accepte;;\n", "e.csv")
    assert table.rows[0].problem is None


def test_a_utf8_bom_is_dropped_from_the_first_header() -> None:
    table = read_csv_bytes("ID;État\n1;x\n".encode("utf-8-sig"), "e.csv")
    assert (table.headers[0], table.encoding) == ("ID", "utf-8-sig")


def test_windows_1252_is_recognised() -> None:
    table = read_csv_bytes("ID;État\n1;Refusé\n".encode("cp1252"), "e.csv")
    assert (table.headers, table.rows[0].cells, table.encoding) == (
        ["ID", "État"],
        ["1", "Refusé"],
        "cp1252",
    )


def test_an_empty_or_binary_file_is_unreadable() -> None:
    with pytest.raises(UnreadableFile):
        read_csv_bytes(b"", "e.csv")
    with pytest.raises(UnreadableFile):
        read_csv_bytes(b"ID\x00;x", "e.csv")
