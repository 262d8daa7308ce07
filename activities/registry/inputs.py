"""Turn what people type into checked values, each refusal a French message saying what to do.

Shared by the CLI and, later, the dossier importer, so that a value is judged the same way
wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
import re

from tne.i18n import _

from .errors import RegistryError
from .french import day as parse_day

_INITIALS = re.compile(r"^[A-ZÀ-Ý](?:[.\- ]?[A-ZÀ-Ý]){0,3}\.?$")


def text(value: str, field: str, limit: int) -> str:
    """A required piece of text, trimmed, at most `limit` characters."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise RegistryError(_("The {field} cannot be empty.").format(field=field))
    if len(cleaned) > limit:
        raise RegistryError(
            _("The {field} is too long ({length} characters, {limit} at most).").format(
                field=field, length=len(cleaned), limit=limit
            )
        )
    return cleaned


def degree(value: int) -> int:
    if value not in (1, 2):
        raise RegistryError(
            _("The degree must be 1 (école) or 2 (collège, lycée), not {value}.").format(
                value=value
            )
        )
    return value


#: The earliest day a session or a report may name: before it, a typing slip is likelier.
EARLIEST_DAY = dt.date(2000, 1, 1)
#: A session lasts at most a school day's afternoon and morning together.
MAX_SESSION_MINUTES = 8 * 60
#: A group of pupils is a class or a workshop, never a whole school.
MAX_GROUP_SIZE = 100


def day(value: str) -> dt.date:
    """A day written JJ/MM/AAAA (as French people and exports write it) or AAAA-MM-JJ."""
    if not value.strip():
        raise RegistryError(_("The date is empty: write it like 15/03/2026 or 2026-03-15."))
    found = parse_day(value)
    assert found is not None  # a value that is not blank is a day or refused
    return found


def past_day(value: str, today: dt.date | None = None) -> dt.date:
    """A day that has happened: a session is recorded after it was held."""
    found = day(value)
    today = today or dt.date.today()
    if found > today:
        raise RegistryError(
            _("The date {date} is in the future: record a session once it has taken place.").format(
                date=f"{found:%d/%m/%Y}"
            )
        )
    if found < EARLIEST_DAY:
        raise RegistryError(
            _("The date {date} is too far in the past: check the year.").format(
                date=f"{found:%d/%m/%Y}"
            )
        )
    return found


def session_minutes(value: int) -> int:
    """How long a session lasted, at most 8 hours."""
    positive(value, _("duration in minutes"))
    if value > MAX_SESSION_MINUTES:
        raise RegistryError(
            _(
                "A session lasts at most {hours} hours ({limit} minutes), not {value} minutes: "
                "record each day's session on its own."
            ).format(hours=MAX_SESSION_MINUTES // 60, limit=MAX_SESSION_MINUTES, value=value)
        )
    return value


def positive(value: int, field: str) -> int:
    if value <= 0:
        raise RegistryError(
            _("The {field} must be a positive whole number, not {value}.").format(
                field=field, value=value
            )
        )
    return value


def group_counts(size: int, girls: int) -> tuple[int, int]:
    """A group's size and number of girls: the only facts about pupils the registry keeps."""
    positive(size, _("group size"))
    if size > MAX_GROUP_SIZE:
        raise RegistryError(
            _(
                "A group has at most {limit} pupils, not {size}: record a class or a workshop "
                "group, not a whole school."
            ).format(limit=MAX_GROUP_SIZE, size=size)
        )
    if girls < 0 or girls > size:
        raise RegistryError(
            _(
                "The number of girls ({girls}) must be between 0 and the group size ({size})."
            ).format(girls=girls, size=size)
        )
    return size, girls


def initials(value: str) -> str:
    """A teacher's initials (such as `M.D.`), refusing anything that looks like a name."""
    cleaned = value.strip().upper()
    if not _INITIALS.match(cleaned):
        raise RegistryError(
            _(
                "'{value}' does not look like initials: give 1 to 4 letters, such as M.D., "
                "never a name."
            ).format(value=value)
        )
    return cleaned


def teacher(value: str) -> tuple[str, str]:
    """`ROLE:INITIALS`, such as `référent:M.D.`."""
    role, sep, given = value.partition(":")
    if not sep:
        raise RegistryError(
            _("Write a teacher as ROLE:INITIALS, such as référent:M.D., not '{value}'.").format(
                value=value
            )
        )
    return text(role, _("teacher's role"), 40), initials(given)
