"""The project's CSV writer, read back as a French spreadsheet would read it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tne.csv_export import csv_bytes, save_csv


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def test_numbers_use_a_decimal_comma_and_dates_read_as_french_dates() -> None:
    rows = read_back(
        csv_bytes(["t (ms)", "valeur"], [[0, 1.5], [20, -3.25], [40, Decimal("12500.00")]])
    )
    assert rows == [["t (ms)", "valeur"], ["0", "1,5"], ["20", "-3,25"], ["40", "12500,00"]]
    assert read_back(csv_bytes(["jour"], [[dt.date(2023, 3, 15)]]))[1] == ["15/03/2023"]


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example","clic")', "+33 6 12", "-1+1", "@SUM(A1:A2)", "\tx", "\rx"],
)
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(text: str) -> None:
    cell = read_back(csv_bytes(["nom"], [[text]]))[1][0]
    assert cell == "'" + text


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=5))
def test_any_text_survives_separators_quotes_and_newlines(rows: list[list[str]]) -> None:
    back = read_back(csv_bytes(["a", "b"], rows))[1:]
    expected = [
        ["'" + t if t.startswith(("=", "+", "-", "@", "\t", "\r")) else t for t in row]
        for row in rows
    ]
    assert back == expected


def test_a_file_written_to_disk_is_the_same_bytes(tmp_path: Path) -> None:
    target = tmp_path / "mesures.csv"
    save_csv(target, ["élève ?"], [["é;è"], [None]])
    assert target.read_bytes() == csv_bytes(["élève ?"], [["é;è"], [None]])
    assert read_back(target.read_bytes()) == [["élève ?"], ["é;è"], [""]]
