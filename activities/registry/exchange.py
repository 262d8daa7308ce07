"""Report files: how a school sends its registry to the DRANE. The file's schema is declared
here once, as typed records that write themselves to JSON and read themselves back checked.

A report file is JSON (UTF-8):

    {"format": "tne-registry-report", "version": 2, "exported_at": "2026-06-30T10:00:00+00:00",
     "content": {"schools": [...], "dossiers": [...], "projects": [...]},
     "sha256": "<hex digest of the canonical JSON of content>"}

`content` is a `Content` record: the schools, the dossiers with their equipment lines, and the
projects, each with its teachers (role and initials), dossier numbers, equipment, groups (name,
size, girls: counts only), sessions, and **usage per day** (`UsageDayRecord`): never a usage
event. Schools, projects, groups, sessions and equipment say whether they are archived: what
went out in a file is archived at the school, never deleted, and the file carries that to the
DRANE (version 2; a version 1 file, which has no such field, reads as nothing archived).

The digest catches a file damaged on the way or edited by hand; it is not a signature (whoever
can edit the file can recompute it), so every value is also checked as if typed at the CLI:
each field's check is declared with the field (`spec`), and what spans several fields in a
record's `checked`. Moving records between the database and files is `exchange_store`'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tne.i18n import N_, _
from tne.os_errors import os_error_text

from . import inputs
from .errors import RegistryError
from .kinds import OTHER, equipment_kind
from .models import DOSSIER_STATES
from .uai import normalise_uai
from .usage import ACTIVITY, DEVICE_KIND, KIND

FORMAT = "tne-registry-report"
VERSION = 2
#: Versions this tne reads: version 1 has no `archived` field.
READABLE = (1, 2)

R = TypeVar("R", bound="Record")


def digest(content: Any) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- where a problem is, and how it is said ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Place:
    """A place in one file (`where`: « projet 2 »), to refuse it with a French message."""

    file: str
    where: str

    def refuse(self, reason: str) -> RegistryError:
        return RegistryError(
            _("The report file '{file}' is refused ({where}): {reason}").format(
                file=self.file, where=self.where, reason=reason
            )
        )

    def wrong(self, key: str) -> RegistryError:
        return self.refuse(_("the field '{key}' is missing or wrong").format(key=key))

    def check(self, call: Callable[..., Any], *args: Any) -> Any:
        """Run one of `inputs`' checks, its refusal placed in the file."""
        try:
            return call(*args)
        except RegistryError as problem:
            raise self.refuse(problem.message) from None


# -- the schema's building blocks --------------------------------------------------------------


def spec(check: Callable[[Any], Any] | None = None, default: Any = dataclasses.MISSING) -> Any:
    """A record's field: its type is the annotation, `check` turns what the file holds into the
    value kept (a refusal is a `RegistryError`), `default` is what an older file lacking the
    field means."""
    return dataclasses.field(default=default, metadata={"check": check})


def uid(value: str) -> str:
    """A project's or session's stable identity (`models.new_uid`): 32 lowercase hex digits."""
    if len(value) != 32 or any(ch not in "0123456789abcdef" for ch in value):
        raise RegistryError(_("the field '{key}' is missing or wrong").format(key="uid"))
    return value


def identifier(pattern: Any, key: str, empty: bool = True) -> Callable[[str], str]:
    """A usage identifier as `usage` accepts them ('' for none when `empty`)."""

    def check(value: str) -> str:
        if (value or not empty) and not pattern.match(value):
            raise RegistryError(_("the field '{key}' is not an identifier").format(key=key))
        return value

    return check


def text(what: str, limit: int) -> Callable[[str], str]:
    """Trimmed text of at most `limit` characters; `what` (an English msgid) names it."""
    return lambda value: inputs.text(value, _(what), limit)


class Record:
    """One record of a report file (a frozen dataclass): `to_json` writes it, `read` reads and
    checks it from what `json.loads` gave, refusing the whole file at the first problem."""

    def to_json(self) -> dict[str, Any]:
        return {f.name: _written(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def read(cls: type[R], data: Any, at: Place) -> R:
        if not isinstance(data, dict):
            raise at.refuse(_("an object was expected"))
        hints = _hints(cls)
        values = {f.name: _field(f, hints[f.name], data, at) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**values).checked(at)

    def checked(self: R, at: Place) -> R:
        """What spans several fields (a session's group is one of its project's): the record,
        possibly normalised, or a refusal."""
        return self

    #: How an item of a top-level list is named in a refusal (« école {n} »), if it is one.
    @staticmethod
    def place(n: int) -> str | None:
        return None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A record's field types, resolved once per class (a file holds thousands of records)."""
    return typing.get_type_hints(cls)


def _written(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, list):
        return [_written(v) for v in value]
    if isinstance(value, dict):
        return {k: _written(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field(f: dataclasses.Field, hint: Any, data: dict, at: Place) -> Any:
    if f.name not in data and f.default is not dataclasses.MISSING:
        return f.default
    value = _typed(hint, data.get(f.name), f.name, at)
    check = f.metadata.get("check")
    return at.check(check, value) if check is not None and value is not None else value


def _typed(hint: Any, raw: Any, key: str, at: Place) -> Any:
    """`raw` read as the type `hint` (str, int, bool, date, X | None, list[X], dict[str, int] or
    a record); an optional text left empty is None."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        if raw is None or (raw == "" and inner is str):
            return None
        return _typed(inner, raw, key, at)
    if origin is list:
        if not isinstance(raw, list):
            raise at.wrong(key)
        return [_item(args[0], item, n, key, at) for n, item in enumerate(raw, 1)]
    if origin is dict:
        if not isinstance(raw, dict):
            raise at.wrong(key)
        return {_typed(args[0], k, key, at): _typed(args[1], v, key, at) for k, v in raw.items()}
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.read(raw, at)
    if hint is dt.date:
        return at.check(inputs.day, _typed(str, raw, key, at))
    if hint is bool:
        if not isinstance(raw, bool):
            raise at.wrong(key)
        return raw
    if isinstance(raw, bool) or not isinstance(raw, hint):
        raise at.wrong(key)
    if hint is int and raw < 0:
        raise at.refuse(_("the field '{key}' is negative").format(key=key))
    return raw


def _item(hint: Any, raw: Any, n: int, key: str, at: Place) -> Any:
    named = hint.place(n) if isinstance(hint, type) and issubclass(hint, Record) else None
    return _typed(hint, raw, key, Place(at.file, named) if named else at)


# -- the schema ----------------------------------------------------------------------------------

_record = dataclasses.dataclass(frozen=True, kw_only=True)


@_record
class SchoolRecord(Record):
    uai: str = spec(normalise_uai)
    name: str = spec(text(N_("school's name"), 200))
    commune: str = spec(text(N_("commune"), 200))
    degree: int = spec(inputs.degree)
    archived: bool = spec(default=False)

    @staticmethod
    def place(n: int) -> str:
        return _("school {n}").format(n=n)


@_record
class EquipmentLineRecord(Record):
    """A line of equipment a dossier asked for (what the money was meant to buy)."""

    label: str = spec(text(N_("equipment"), 200))
    quantity: int = spec()
    unit_cost_cents: int | None = spec()


def _state(value: str) -> str:
    if value not in DOSSIER_STATES:
        raise RegistryError(_("unknown state '{state}'").format(state=value))
    return value


@_record
class DossierRecord(Record):
    number: str = spec(text(N_("dossier number"), 64))
    demarche: str = spec(text(N_("call for projects"), 200))
    state: str = spec(_state)
    school: str | None = spec(normalise_uai)
    deposited_on: dt.date | None = spec()
    processed_on: dt.date | None = spec()
    requested_cents: int | None = spec()
    granted_cents: int | None = spec()
    cofinancer: str | None = spec(text(N_("co-financing authority"), 200))
    cofinancing_cents: int | None = spec()
    equipment_lines: list[EquipmentLineRecord] = spec()

    @staticmethod
    def place(n: int) -> str:
        return _("dossier {n}").format(n=n)


@_record
class TeacherRecord(Record):
    role: str = spec(text(N_("teacher's role"), 40))
    initials: str = spec(inputs.initials)


@_record
class EquipmentRecord(Record):
    """A board or robot of the inventory: a known kind, or « autre » with its label."""

    kind: str = spec()
    identifier: str = spec(text(N_("device identifier"), 100))
    label: str | None = spec(default=None)
    archived: bool = spec(default=False)

    def checked(self, at: Place) -> EquipmentRecord:
        # Files from before the vocabulary hold free text: it is mapped like the migration.
        typed = f"{OTHER}:{self.label}" if self.kind == OTHER and self.label else self.kind
        kind, label = at.check(equipment_kind, typed)
        return dataclasses.replace(self, kind=kind, label=label)


@_record
class GroupRecord(Record):
    """Pupils taking part: counts only, never names."""

    name: str = spec(text(N_("group's name"), 100))
    size: int = spec()
    girls: int = spec()
    archived: bool = spec(default=False)

    def checked(self, at: Place) -> GroupRecord:
        at.check(inputs.group_counts, self.size, self.girls)
        return self


@_record
class SessionRecord(Record):
    uid: str = spec(uid)
    group: str = spec(text(N_("group's name"), 100))
    activity: str = spec(text(N_("activity"), 100))
    date: dt.date = spec()
    minutes: int = spec(lambda value: inputs.positive(value, _("duration in minutes")))
    #: How many devices of each kind were used.
    devices: dict[str, int] = spec()
    archived: bool = spec(default=False)

    def checked(self, at: Place) -> SessionRecord:
        devices: dict[str, int] = {}
        for kind, quantity in self.devices.items():
            if quantity <= 0:
                raise at.wrong("devices")
            # Older files hold free text, mapped like the migration; two spellings add up.
            # « autre » is a session's code for any other kind (its label is not kept there).
            code = OTHER if kind == OTHER else at.check(equipment_kind, kind)[0]
            devices[code] = devices.get(code, 0) + quantity
        return dataclasses.replace(self, devices=dict(sorted(devices.items())))


@_record
class UsageDayRecord(Record):
    """Usage events of one project summed over one UTC day, by kind, activity and device."""

    day: dt.date = spec()
    kind: str = spec(identifier(KIND, "kind", empty=False))
    activity: str = spec(identifier(ACTIVITY, "activity"))
    device_kind: str = spec(identifier(DEVICE_KIND, "device_kind"))
    events: int = spec()
    cells: int = spec()
    errors: int = spec()


def _dossier_numbers(numbers: list[str]) -> list[str]:
    return [inputs.text(n, _("dossier number"), 64) for n in numbers]


@_record
class ProjectRecord(Record):
    uid: str = spec(uid)
    school: str = spec(normalise_uai)
    title: str = spec(text(N_("project's title"), 200))
    level: str = spec(text(N_("level"), 40))
    teachers: list[TeacherRecord] = spec()
    dossiers: list[str] = spec(_dossier_numbers)
    equipment: list[EquipmentRecord] = spec()
    groups: list[GroupRecord] = spec()
    sessions: list[SessionRecord] = spec()
    usage: list[UsageDayRecord] = spec()
    archived: bool = spec(default=False)

    @staticmethod
    def place(n: int) -> str:
        return _("project {n}").format(n=n)

    def checked(self, at: Place) -> ProjectRecord:
        names = [g.name for g in self.groups]
        for name in names:
            if names.count(name) > 1:
                raise at.refuse(_("two groups are named '{name}'").format(name=name))
        for record in self.sessions:
            if record.group not in names:
                raise at.refuse(
                    _("a session names an unknown group '{name}'").format(name=record.group)
                )
        return self


@_record
class Content(Record):
    """Everything a registry sends: the `content` of a report file."""

    schools: list[SchoolRecord] = spec()
    dossiers: list[DossierRecord] = spec()
    projects: list[ProjectRecord] = spec()

    def counts(self) -> dict[str, int]:
        """How many of each it holds, as `export-report` says."""
        return {
            "schools": len(self.schools),
            "dossiers": len(self.dossiers),
            "projects": len(self.projects),
            "sessions": sum(len(p.sessions) for p in self.projects),
        }


# -- the file ------------------------------------------------------------------------------------


def report_file(content: Content | dict, exported_at: dt.datetime) -> bytes:
    """The bytes of a report file holding `content` (a record, or its JSON as written)."""
    written = content.to_json() if isinstance(content, Content) else content
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "content": written,
        "sha256": digest(written),
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_report_file(path: Path) -> Content:
    """The checked content of one report file; refused whole at the first problem."""
    at = Place(path.name, _("whole file"))
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as problem:
        raise RegistryError(
            _("Cannot read '{path}': {error}").format(path=path, error=os_error_text(problem))
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise at.refuse(_("it is not a JSON report file")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise at.refuse(_("it is not a TNE registry report"))
    version = document.get("version")
    if isinstance(version, bool) or version not in READABLE:
        raise at.refuse(_("version {version} is not known to this tne").format(version=version))
    content = document.get("content")
    if not isinstance(content, dict) or document.get("sha256") != digest(content):
        raise at.refuse(_("it was modified or damaged after its export (checksum)"))
    return Content.read(content, at)


__all__ = [
    "Content",
    "DossierRecord",
    "EquipmentLineRecord",
    "EquipmentRecord",
    "GroupRecord",
    "ProjectRecord",
    "SchoolRecord",
    "SessionRecord",
    "TeacherRecord",
    "UsageDayRecord",
    "read_report_file",
    "report_file",
]
