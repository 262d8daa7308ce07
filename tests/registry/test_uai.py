"""The UAI check letter: 7 digits, then the letter of (prefix mod 23) in the alphabet without
I, O and Q; the department comes from the prefix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activities.registry.uai import (
    CHECK_LETTERS,
    InvalidUAI,
    check_letter,
    department_of,
    is_valid_uai,
    normalise_uai,
)

prefixes = st.text(alphabet="0123456789", min_size=7, max_size=7)


def test_the_cher_school_0180005H_is_valid_and_in_department_18() -> None:
    assert normalise_uai("0180005H") == "0180005H"
    assert department_of("0180005H") == "18"


def test_lower_case_and_spaces_are_accepted_and_normalised() -> None:
    assert normalise_uai(" 0180005h ") == "0180005H"


def test_the_alphabet_leaves_out_letters_that_read_like_digits() -> None:
    assert len(CHECK_LETTERS) == 23
    assert not set("IOQ") & set(CHECK_LETTERS)


@pytest.mark.parametrize("wrong", ["0180005A", "0180005J", "0180005I", "0180005O", "0180005Q"])
def test_a_wrong_check_letter_is_refused_with_the_expected_one(wrong: str) -> None:
    with pytest.raises(InvalidUAI, match="H"):
        normalise_uai(wrong)


@pytest.mark.parametrize("bad", ["", "018005H", "01800055H", "A180005H", "0180005", "0180-05H"])
def test_malformed_uais_are_refused(bad: str) -> None:
    assert not is_valid_uai(bad)


def test_the_refusal_is_in_french_by_default(monkeypatch) -> None:
    monkeypatch.delenv("TNE_LANG", raising=False)
    with pytest.raises(InvalidUAI) as refused:
        normalise_uai("0180005A")
    assert "lettre de contrôle" in refused.value.message


@pytest.mark.parametrize(
    ("uai", "department"),
    [("0180005H", "18"), ("0750001" + check_letter("0750001"), "75")]
    + [(p + check_letter(p), d) for p, d in [("6200001", "2A"), ("7200001", "2B")]]
    + [("9710001" + check_letter("9710001"), "971")],
)
def test_the_department_comes_from_the_prefix(uai: str, department: str) -> None:
    assert department_of(normalise_uai(uai)) == department


@given(prefixes)
def test_the_computed_letter_validates_and_every_other_letter_does_not(prefix: str) -> None:
    letter = check_letter(prefix)
    assert letter == CHECK_LETTERS[int(prefix) % 23]
    assert is_valid_uai(prefix + letter)
    for other in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if other != letter:
            assert not is_valid_uai(prefix + other)
