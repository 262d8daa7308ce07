"""Turn what people type into checked values, each refusal a French message saying what to do.

Shared by the CLI and, later, the dossier importer, so that a value is judged the same way
wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
import re

from tne.i18n import _

from .errors import RegistryError

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


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RegistryError(
            _("'{value}' is not a date: write it YYYY-MM-DD, such as 2026-03-15.").format(
                value=value
            )
        ) from None


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
