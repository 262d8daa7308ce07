"""Numbers, dates and dossier states as French exports write them, turned into checked values.

A démarches-simplifiées-style export is filled in and re-saved by people: amounts come as
`12 500,00 €`, `12 500 €`, `1 234,5` or `12500.50`, with ordinary, non-breaking or narrow
non-breaking spaces between thousands (spreadsheets insert the last two); dates as `15/03/2023`,
`15/03/2023 10:42` or ISO `2023-03-15T10:42:00+01:00` (the GraphQL API). Each parser refuses what
it cannot read for sure with a French message, rather than guessing: `12.500` is refused, since a
French reader means twelve thousand five hundred and a program twelve and a half.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from tne.i18n import _

from .errors import RegistryError
from .models import DOSSIER_STATES

Cell = str | int | float | dt.date | dt.datetime | None


def plain(text: str) -> str:
    """How headers and labels are compared: case, accents, dashes and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[_\-]+", " ", bare).casefold().split())


_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009']+")
_CURRENCY = re.compile(r"(?:€|eur(?:os?)?)$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3}){2,}$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_FRENCH_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(?:à\s+)?\d{1,2}[:h]\d{2}(?::\d{2})?)?$", re.IGNORECASE
)
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)


#: What people write in a cell to say "nothing": a dash, an em dash, « néant », « N/A »...
_BLANK_WORDS = frozenset({"", "-", "--", "\u2013", "\u2014", "neant", "n/a", "na", "n.a.", "/"})
_LONGEST_BLANK = len("néant")


def blank(value: Cell) -> bool:
    """Whether a cell says nothing: empty, or a dash, « néant », « N/A »."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    # Most cells are longer than any blank word: they skip the folding (tens of thousands a file).
    return not text or (len(text) <= _LONGEST_BLANK and plain(text) in _BLANK_WORDS)


def amount_cents(value: Cell) -> int | None:
    """An amount in euros as integer cents (None for an empty cell)."""
    if blank(value):
        return None
    if isinstance(value, (bool, dt.date, dt.datetime)):
        raise _not_an_amount(value)
    number = Decimal(str(value)) if isinstance(value, (int, float)) else _decimal(value)
    if number < 0:
        raise RegistryError(
            _("The amount '{value}' is negative: an amount is 0 or more.").format(value=value)
        )
    cents = number * 100
    if cents != cents.to_integral_value():
        raise RegistryError(
            _("The amount '{value}' has more than 2 decimals: write it in euros and cents.").format(
                value=value
            )
        )
    return int(cents)


def _decimal(text: str) -> Decimal:
    cleaned = _SPACES.sub("", text.strip())
    cleaned = _CURRENCY.sub("", cleaned)
    cleaned = _SPACES.sub("", cleaned)
    if "," in cleaned and "." in cleaned:
        # The last of the two marks the decimals (1.234,56 or 1,234.56).
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "").replace(",", ".")
    elif "," in cleaned:
        if cleaned.count(",") > 1:
            raise _not_an_amount(text)
        cleaned = cleaned.replace(",", ".")
    elif _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "")
    elif re.match(r"^\d{1,3}\.\d{3}$", cleaned):
        raise RegistryError(
            _(
                "The amount '{value}' is ambiguous: write 12 500 for twelve thousand five "
                "hundred, or 12,5 for twelve and a half."
            ).format(value=text)
        )
    if not _NUMBER.match(cleaned):
        raise _not_an_amount(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise _not_an_amount(text) from None


def _not_an_amount(value: Cell) -> RegistryError:
    return RegistryError(
        _("'{value}' is not an amount: write it like 12 500,00 €.").format(value=value)
    )


def day(value: Cell) -> dt.date | None:
    """The day of a date or date-and-time cell (None for an empty cell); the time is dropped."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    found = _FRENCH_DATE.match(text)
    if found:
        day_, month, year = (int(part) for part in found.groups())
    else:
        found = _ISO_DATE.match(text)
        if not found:
            raise _not_a_date(text)
        year, month, day_ = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day_)
    except ValueError:
        raise _not_a_date(text) from None


_TIME = re.compile(r"[T\s](?:à\s+)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?")


def moment(value: Cell) -> dt.datetime | None:
    """A date-and-time cell as a naive datetime, for ordering two rows of one dossier (the time
    is midnight when the cell gives none; a time zone, if given, is dropped like the API's)."""
    found_day = day(value)
    if found_day is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    clock = _TIME.search(str(value)) if isinstance(value, str) else None
    hour, minute, second = (int(p or 0) for p in clock.groups()) if clock else (0, 0, 0)
    try:
        return dt.datetime.combine(found_day, dt.time(hour, minute, second))
    except ValueError:
        raise _not_a_date(str(value)) from None


def _not_a_date(text: str) -> RegistryError:
    return RegistryError(
        _("'{value}' is not a date: write it like 15/03/2023 or 2023-03-15.").format(value=text)
    )


#: French labels (and the API's codes, which `_plain` turns into the same words) to states.
_STATES = {
    "brouillon": "brouillon",
    "en construction": "en_construction",
    "en instruction": "en_instruction",
    "accepte": "accepte",
    "refuse": "refuse",
    "classe sans suite": "sans_suite",
    "sans suite": "sans_suite",
}
assert set(_STATES.values()) == set(DOSSIER_STATES)
STATE_LABELS = "brouillon, en construction, en instruction, accepté, refusé, classé sans suite"


def state(value: Cell) -> str:
    """A dossier state from its French label (`Accepté`, `classé sans suite`) or API code."""
    if blank(value):
        raise RegistryError(_("The dossier has no state."))
    found = _STATES.get(plain(str(value)))
    if found is None:
        raise RegistryError(
            _("Unknown dossier state '{state}'. Known states: {states}.").format(
                state=value, states=STATE_LABELS
            )
        )
    return found
