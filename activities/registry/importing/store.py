"""Write judged rows to the registry in one transaction, in batches: the import's addition to
the service (`Registry.save_dossier` stores one dossier per transaction, which is right for a
person and 50 times too slow for an academy's 10,000 dossiers).

The dossier number is the key: a number the registry holds is updated, never duplicated. Schools
the registry lacks are added from the export's name, commune and degree columns; a row whose
school cannot be added that way is rejected, and nothing already in the registry about a school
is changed by an import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tne.i18n import _

from ..models import Dossier, DossierEquipmentLine, School
from ..service import Registry
from ..uai import department_of
from .bulk import insert_rows, upsert_rows
from .rows import DossierRow, NewSchool, Rejection, degree_from_name

DOSSIERS = Dossier.__table__
LINES = DossierEquipmentLine.__table__
SCHOOLS = School.__table__
BATCH = 500  # under every database's limit of bound parameters, with room for all columns
T = TypeVar("T")


@dataclass
class Stored:
    created: int = 0
    updated: int = 0
    schools_added: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def store(
    registry: Registry,
    rows: list[DossierRow],
    progress: Callable[[int], None] | None = None,
) -> Stored:
    stored = Stored()
    with registry.writing() as session:
        rows = _schools(session, rows, stored)
        for batch in batches(rows):
            _dossiers(session, batch, stored)
            if progress is not None:
                progress(len(batch))
    return stored


def _schools(session: Session, rows: list[DossierRow], stored: Stored) -> list[DossierRow]:
    """The rows whose school is known or could be added; the others rejected, saying why."""
    wanted = sorted({r.values["school_uai"] for r in rows if r.values.get("school_uai")})
    known: set[str] = set()
    for batch in batches(wanted):
        known.update(session.scalars(select(School.uai).where(School.uai.in_(batch))))
    kept, added = [], []
    for row in rows:
        uai = row.values.get("school_uai")
        if uai is None or uai in known:
            kept.append(row)
            continue
        school = _new_school(uai, row.school)
        if isinstance(school, str):
            stored.rejected.append(Rejection(row.line, row.number, school))
            continue
        added.append(school)
        known.add(uai)
        kept.append(row)
    if added:
        insert_rows(session, SCHOOLS, added)
        stored.schools_added = [s["uai"] for s in added]
    return kept


def _new_school(uai: str, said: NewSchool | None) -> dict | str:
    """A school to add, or why it cannot be added."""
    said = said or NewSchool(None, None, None)
    if not (said.name and said.commune):
        return _(
            "The school {uai} is not in the registry and the export does not give its name and "
            "commune: add it first (tne registry schools add {uai} ...)."
        ).format(uai=uai)
    degree = said.degree or degree_from_name(said.name)
    if degree is None:
        return _(
            "The school {uai} is not in the registry and its degree cannot be told from its "
            "name '{name}': add a Degré column (1 or 2), or add the school first."
        ).format(uai=uai, name=said.name)
    return {
        "uai": uai,
        "name": said.name,
        "commune": said.commune,
        "degree": degree,
        "department": department_of(uai),
    }


def _known(session: Session, numbers: list[str]) -> dict[str, int]:
    found = select(DOSSIERS.c.number, DOSSIERS.c.id).where(DOSSIERS.c.number.in_(numbers))
    return {number: id_ for number, id_ in session.execute(found)}


def _dossiers(session: Session, rows: Sequence[DossierRow], stored: Stored) -> None:
    """One batch: the numbers known before, one upsert keyed on the number, the new ids, then
    the equipment lines replaced (`bulk` picks the fastest form for the database; the ORM's
    unit of work, or one statement per row, would cost seconds per 10,000 dossiers)."""
    numbers = [r.number for r in rows]
    existing = _known(session, numbers)
    new = [r for r in rows if r.number not in existing]
    old = [r for r in rows if r.number in existing]
    upsert_rows(session, DOSSIERS, "number", [r.values for r in rows])
    stored.created += len(new)
    stored.updated += len(old)
    with_lines = [r for r in rows if r.equipment is not None]
    if not with_lines:
        return
    if existing:
        session.execute(delete(LINES).where(LINES.c.dossier_id.in_(list(existing.values()))))
    ids = {**existing, **_known(session, [r.number for r in new])}
    lines = [
        {
            "dossier_id": ids[r.number],
            "label": line.label,
            "quantity": line.quantity,
            "unit_cost_cents": line.unit_cost_cents,
        }
        for r in with_lines
        for line in r.equipment
    ]
    insert_rows(session, LINES, lines)
