"""The plotter reads numbers in printed lines as Thonny's plotter does (widgets/numbers.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernels.widgets.numbers import parse_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1 2", [("1", 1.0), ("2", 2.0)]),
        ("temp: 21.5", [("temp", 21.5)]),
        ("temp : 21.5 humidité : 40", [("temp", 21.5), ("humidité", 40.0)]),
        ("x=3, y=-4", [("x", 3.0), ("y", -4.0)]),
        ("(12, -0.5)", [("1", 12.0), ("2", -0.5)]),
        ("sinus: 0.0998 cosinus: 0.995", [("sinus", 0.0998), ("cosinus", 0.995)]),
        ("1e3 2.5E-2", [("1", 1000.0), ("2", 0.025)]),
        ("3,4", [("1", 3.0), ("2", 4.0)]),
        ("a 1 2", [("a", 1.0), ("1", 2.0)]),
    ],
)
def test_numbers_in_a_line_become_named_series(line: str, expected: list) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Bonjour !",
        "pin0 et x2",
        "version 1.2.3",
        "inf nan",
        "Traceback (most recent call last):",
    ],
)
def test_lines_without_a_number_of_their_own_give_nothing(line: str) -> None:
    assert parse_line(line) == []


def test_a_long_sentence_before_a_number_is_cut_to_a_short_label() -> None:
    [(label, value)] = parse_line("la température mesurée par le capteur du micro:bit est 21")
    assert len(label) <= 30 and label.endswith("est") and value == 21


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(st.lists(st.one_of(st.integers(-(10**9), 10**9), finite), min_size=1, max_size=6))
def test_printed_values_come_back_in_order(values: list) -> None:
    line = " ".join(repr(value) for value in values)  # what print(*values) writes
    parsed = parse_line(line)
    assert [name for name, _value in parsed] == [str(i + 1) for i in range(len(values))]
    for (_name, got), sent in zip(parsed, values, strict=True):
        assert math.isclose(got, float(sent), rel_tol=1e-12, abs_tol=0)


@given(st.from_regex(r"[a-zé]{1,10}", fullmatch=True), finite)
def test_a_labelled_value_keeps_its_label(label: str, value: float) -> None:
    assert parse_line(f"{label}: {value!r}") == [(label, value)]
