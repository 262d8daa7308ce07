"""Judge each row of an export on its own: a `DossierRow` to store, or a `Rejection` saying
which row, which dossier and why, in French. One bad cell costs its row, never the file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from tne.i18n import _, current_language

from .. import french, inputs
from ..errors import RegistryError
from ..french import Cell
from ..uai import normalise_uai
from .columns import Columns
from .equipment import EquipmentLine, equipment_lines
from .reading import Row

_UAI_IN_TEXT = re.compile(r"\b\d{7}\s?[A-Za-z]\b")
_FIRST_DEGREE = ("ecole", "groupe scolaire", "rpi", "eppu", "epu", "maternelle", "elementaire")
_SECOND_DEGREE = ("college", "lycee", "erea", "lp ", "legt", "lpo", "cite scolaire")


@dataclass(frozen=True)
class Rejection:
    line: int
    number: str | None
    reason: str

    def to_json(self) -> dict:
        return {"line": self.line, "number": self.number, "reason": self.reason}


@dataclass
class NewSchool:
    """What the export says about a school, used only if the registry does not know it."""

    name: str | None
    commune: str | None
    degree: int | None


@dataclass
class DossierRow:
    """A row that passed every check; `values` holds only the fields the export has columns
    for, so that importing a narrower file does not blank what a wider one filled in."""

    line: int
    number: str
    values: dict[str, object]
    equipment: list[EquipmentLine] | None = None
    school: NewSchool | None = None
    #: « Dernière mise à jour »: of two rows of one dossier in a file, the latest wins.
    updated: dt.datetime | None = None


def judge(row: Row, columns: Columns, demarche: str) -> DossierRow | Rejection:
    """The row's dossier, or why it is refused."""
    number = _number(row.cells[columns["number"]]) if columns["number"] < len(row.cells) else None
    if row.problem is not None:
        return Rejection(row.line, number, row.problem)
    if number is None:
        return Rejection(row.line, None, _("The dossier number is empty."))
    try:
        return _dossier(row, columns, number, demarche)
    except RegistryError as problem:
        return Rejection(row.line, number, problem.message)


def _number(value: Cell) -> str | None:
    if french.blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@lru_cache(maxsize=4)
def _fields(language: str) -> dict[str, str]:
    """Field names for messages, translated once rather than for each of 10,000 rows."""
    return {
        "number": _("dossier number"),
        "demarche": _("call for projects"),
        "cofinancer": _("co-financing authority"),
        "school_name": _("school's name"),
        "school_commune": _("commune"),
        "equipment": _("equipment label"),
    }


def _dossier(row: Row, columns: Columns, number: str, demarche: str) -> DossierRow:
    fields = _fields(current_language())

    def cell(name: str) -> Cell:
        return row.cells[columns[name]]

    def text(name: str, label: str, limit: int) -> str | None:
        value = cell(name)
        return None if french.blank(value) else inputs.text(str(value), label, limit)

    values: dict[str, object] = {
        "number": inputs.text(number, fields["number"], 64),
        "state": french.state(cell("state") if "state" in columns else None),
        "demarche": text("demarche", fields["demarche"], 200) if "demarche" in columns else None,
    }
    values["demarche"] = values["demarche"] or inputs.text(demarche, fields["demarche"], 200)
    for name, target in (("deposited_on", "deposited_on"), ("processed_on", "processed_on")):
        if name in columns:
            values[target] = french.day(cell(name))
    for name, target in (
        ("requested", "requested_cents"),
        ("granted", "granted_cents"),
        ("cofinancing", "cofinancing_cents"),
    ):
        if name in columns:
            values[target] = french.amount_cents(cell(name))
    if "cofinancer" in columns:
        values["cofinancer"] = text("cofinancer", fields["cofinancer"], 200)
    school = None
    if "uai" in columns:
        uai = _uai(cell("uai"))
        values["school_uai"] = uai
        if uai is not None:
            school = NewSchool(
                name=text("school_name", fields["school_name"], 200)
                if "school_name" in columns
                else None,
                commune=text("school_commune", fields["school_commune"], 200)
                if "school_commune" in columns
                else None,
                degree=_degree(cell("school_degree")) if "school_degree" in columns else None,
            )
    equipment = None
    if "equipment" in columns:
        value = cell("equipment")
        equipment = [] if french.blank(value) else equipment_lines(str(value), fields["equipment"])
    updated = french.moment(cell("updated_on")) if "updated_on" in columns else None
    return DossierRow(row.line, values["number"], values, equipment, school, updated)


def _uai(value: Cell) -> str | None:
    """The UAI of a cell that holds it alone or inside a longer text (`Collège X (0180005H)`)."""
    if french.blank(value):
        return None
    text = str(value).strip()
    if len("".join(text.split())) > 8:
        found = _UAI_IN_TEXT.findall(text)
        if len(found) == 1:
            text = found[0]
    return normalise_uai(text)


def _degree(value: Cell) -> int | None:
    if french.blank(value):
        return None
    words = french.plain(str(value))
    if words in ("1", "1er degre", "premier degre", "1er", "premier"):
        return 1
    if words in ("2", "2nd degre", "second degre", "2d degre", "2nd", "second"):
        return 2
    raise RegistryError(
        _("The degree '{value}' is neither 1 (premier degré) nor 2 (second degré).").format(
            value=value
        )
    )


def degree_from_name(name: str) -> int | None:
    """The degree a school's name tells (École... is 1, Collège.../Lycée... is 2), if any."""
    words = french.plain(name) + " "
    if words.startswith(_FIRST_DEGREE):
        return 1
    if words.startswith(_SECOND_DEGREE):
        return 2
    return None
