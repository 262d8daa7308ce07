"""Class lists from the ENT or Pronote (`nom;prénom;classe`, UTF-8 or Windows-1252) made into
nbgrader students with stable ids and no e-mail.

An id is the slug `prenom-nom` with accents folded (`léa-dupont` gives `lea-dupont`). Homonyms
get their class added (`lea-dupont-4b`), then a number if they share it too. A pupil imported
before keeps the id they had, so importing a list again (a pupil arrived in January) changes no
existing id. Names and classes stay in the course folder only (`.tne/eleves.json` and the
gradebook).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from activities.registry.errors import RegistryError
from activities.registry.french import plain
from activities.registry.importing.reading import read_table
from tne.i18n import _

from .course import Course, gradebook
from .errors import ClassroomError

#: Accepted spellings of each column, compared with `plain` (case and accents do not matter).
COLUMNS = {
    "last_name": ("nom", "nom de famille", "eleve nom", "last name"),
    "first_name": ("prenom", "prenoms", "eleve prenom", "first name"),
    "group": ("classe", "division", "groupe", "class"),
}
COLUMN_WORDS = {"last_name": "nom", "first_name": "prénom", "group": "classe"}
#: An optional column: the pupil's login on the JupyterHub or shared machine, for nbgrader's
#: exchange (`tne class collect --exchange`).
LOGIN_COLUMN = ("identifiant", "login", "identifiant ent", "utilisateur")


@dataclass(frozen=True)
class Student:
    id: str
    last_name: str
    first_name: str
    group: str
    login: str = ""


@dataclass
class ImportResult:
    added: list[Student]
    kept: list[Student]
    problems: list[str]


def fold(text: str) -> str:
    """ASCII lowercase words joined by '-': `Lé-a  DUPONT` gives `le-a-dupont`."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("ß", "ss").replace("æ", "ae").replace("œ", "oe")
    return "-".join(re.findall(r"[a-z0-9]+", bare.casefold()))


def load(course: Course) -> list[Student]:
    try:
        data = json.loads(course.students_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise ClassroomError(
            _("The class list of the course cannot be read ({error}).").format(error=error)
        ) from error
    return [Student(**item) for item in data]


def save(course: Course, students: list[Student]) -> None:
    course.students_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = course.students_file.with_suffix(".tmp")
    temporary.write_text(
        json.dumps([asdict(s) for s in students], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    temporary.replace(course.students_file)


def read_class_list(
    path: Path,
) -> tuple[list[tuple[str, str, str]], dict[tuple[str, str, str], str], list[str]]:
    """The rows, the logins of the optional `identifiant` column by row, and the problems."""
    try:
        table = read_table(path)
    except RegistryError as error:
        raise ClassroomError(error.message) from error
    found: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        for key, spellings in COLUMNS.items():
            if plain(header) in spellings and key not in found:
                found[key] = index
    login_at = next((i for i, h in enumerate(table.headers) if plain(h) in LOGIN_COLUMN), None)
    logins: dict[tuple[str, str, str], str] = {}
    missing = [COLUMN_WORDS[key] for key in COLUMNS if key not in found]
    if missing:
        raise ClassroomError(
            _(
                "The class list {path} has no column {columns}: it needs the columns nom, prénom "
                "and classe (separated by ';'). Nothing was imported."
            ).format(path=path.name, columns=", ".join(missing))
        )
    rows: list[tuple[str, str, str]] = []
    problems: list[str] = []
    for row in table.rows:
        cells = [" ".join(str(c or "").split()) for c in row.cells]
        values = [cells[found[key]] if found[key] < len(cells) else "" for key in COLUMNS]
        if row.problem:
            problems.append(_("Line {line}: {problem}").format(line=row.line, problem=row.problem))
            continue
        if not any(values):
            continue
        if not values[0] or not values[1] or not fold(values[0] + values[1]):
            problems.append(
                _("Line {line}: a name or first name is missing; the line is left out.").format(
                    line=row.line
                )
            )
            continue
        rows.append((values[0], values[1], values[2]))
        if login_at is not None and login_at < len(cells) and cells[login_at]:
            logins[rows[-1]] = cells[login_at]
    return rows, logins, problems


def assign_ids(
    existing: list[Student], rows: list[tuple[str, str, str]]
) -> tuple[list[Student], list[Student]]:
    """(new students, students already known) with deterministic ids."""
    known = {(s.last_name, s.first_name, s.group): s for s in existing}
    taken = {s.id for s in existing}
    base_counts: dict[str, int] = {}
    for last, first, _group in rows:
        base = fold(f"{first} {last}")
        base_counts[base] = base_counts.get(base, 0) + 1
    for student in existing:
        base = fold(f"{student.first_name} {student.last_name}")
        base_counts[base] = base_counts.get(base, 0) + 1
    added: list[Student] = []
    kept: list[Student] = []
    for last, first, group in sorted(set(rows), key=lambda r: (fold(r[0]), fold(r[1]), r[2])):
        if (last, first, group) in known:
            kept.append(known[(last, first, group)])
            continue
        base = fold(f"{first} {last}")
        candidate = base if base_counts[base] == 1 else "-".join(filter(None, (base, fold(group))))
        number = 2
        unique = candidate
        while unique in taken:
            unique = f"{candidate}-{number}"
            number += 1
        taken.add(unique)
        added.append(Student(unique, last, first, group))
    return added, kept


def import_students(course: Course, path: Path) -> ImportResult:
    """Add the pupils of a class list to the course (ids kept for those already in it)."""
    rows, logins, problems = read_class_list(path)
    if not rows:
        raise ClassroomError(
            _("The class list {path} holds no pupil: nothing was imported.").format(path=path.name)
        )
    existing = load(course)
    added, kept = assign_ids(existing, rows)
    added = [replace(s, login=logins.get((s.last_name, s.first_name, s.group), "")) for s in added]
    relogged = {
        s.id: replace(s, login=logins[(s.last_name, s.first_name, s.group)])
        for s in kept
        if logins.get((s.last_name, s.first_name, s.group), s.login) != s.login
    }
    existing = [relogged.get(s.id, s) for s in existing]
    with gradebook(course) as book:
        for student in added:
            book.update_or_create_student(
                student.id, first_name=student.first_name, last_name=student.last_name
            )
    save(course, existing + added)
    return ImportResult(added, kept, problems)
