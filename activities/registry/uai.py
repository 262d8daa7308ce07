"""The UAI, the French national identifier of a school: 7 digits and a check letter.

The check letter is the 7-digit prefix read as a number, modulo 23, used as an index into the
alphabet without I, O and Q (letters that read like 1 and 0). `0180005H`: 180005 % 23 = 7 -> H.
The first three digits give the department: `018` is the Cher (18), `620`/`720` are Corse-du-Sud
(2A) and Haute-Corse (2B), `97x` are the overseas departments.
"""

from __future__ import annotations

from tne.i18n import _

from .errors import RegistryError

CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_CORSICA = {"620": "2A", "720": "2B"}


class InvalidUAI(RegistryError):
    """A UAI that is not 7 digits and its check letter."""


def check_letter(prefix: str) -> str:
    """The check letter of a 7-digit UAI prefix."""
    return CHECK_LETTERS[int(prefix) % len(CHECK_LETTERS)]


def normalise_uai(text: str) -> str:
    """The UAI in its canonical form (no spaces, upper case), or `InvalidUAI` saying why."""
    uai = "".join(text.split()).upper()
    if len(uai) != 8:
        raise InvalidUAI(
            _(
                "The UAI '{uai}' must have 8 characters: 7 digits and a letter, such as 0180005H."
            ).format(uai=text)
        )
    prefix, letter = uai[:7], uai[7]
    if not (prefix.isascii() and prefix.isdigit()):
        raise InvalidUAI(
            _("The UAI '{uai}' must start with 7 digits, such as 0180005H.").format(uai=text)
        )
    expected = check_letter(prefix)
    if letter != expected:
        raise InvalidUAI(
            _(
                "The UAI '{uai}' is not valid: its check letter should be {expected}. "
                "Check the number on the school's records."
            ).format(uai=text, expected=expected)
        )
    return uai


def is_valid_uai(text: str) -> bool:
    try:
        normalise_uai(text)
    except InvalidUAI:
        return False
    return True


def department_of(uai: str) -> str:
    """The department code of a valid UAI: `18` for `0180005H`, `2A`, `971`..."""
    prefix = uai[:3]
    if prefix in _CORSICA:
        return _CORSICA[prefix]
    if prefix.startswith("0"):
        return prefix[1:]
    return prefix
