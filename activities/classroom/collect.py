"""Take what came back through the ENT: zips of `NOM_Prénom_activite.ipynb` files (with the
ENT's duplicates `... (1).ipynb`), per-pupil folders, zips inside zips.

Nothing in a zip is trusted: entries are read into memory (bounded) and written under a path
made here from the pupil's id, never from the entry's name, so `../../x` cannot go anywhere; an
entry whose name is not UTF-8, that climbs out of the zip, that is too big, that is not a
notebook or that is another activity's notebook is left out with its reason. When a pupil handed
in several times, the newest submission wins (the entry's date, then the ENT's `(n)` number).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tne.i18n import _

from .catalogue import find_activity
from .course import Course, gradebook
from .distribute import notebook_name
from .errors import ClassroomError
from .students import Student, fold, load

#: A notebook bigger than this is not a pupil's work (outputs are cleared before grading anyway).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
#: Zips inside zips, at most this deep; and at most this much read in all (zip bombs).
MAX_DEPTH = 3
MAX_TOTAL_BYTES = 500 * 1024 * 1024
DUPLICATE = re.compile(r"\s*\((\d+)\)$")


@dataclass
class Candidate:
    """A notebook found in the zips, matched to a pupil."""

    student: Student
    where: str
    data: bytes
    when: dt.datetime
    copy: int  # the ENT's `(n)` number, 0 for the first


@dataclass
class CollectResult:
    collected: dict[str, str] = field(default_factory=dict)  # student id -> where from
    superseded: list[str] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (where, why)


def entry_name(info: zipfile.ZipInfo) -> str | None:
    """The entry's name as written by the ENT, or None when it is not UTF-8 (zip tools that
    set no UTF-8 flag still mostly write UTF-8; anything else cannot be read reliably)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or bool(re.match(r"^[A-Za-z]:", name))
        or ".." in path.parts
        or "\x00" in name
    )


def match_student(words: list[str], students: list[Student]) -> list[Student]:
    """The pupils whose first and last name words all appear among `words` (folded)."""
    present = set(words)
    found = []
    for student in students:
        needed = set(fold(student.last_name).split("-")) | set(fold(student.first_name).split("-"))
        if needed and needed <= present:
            found.append(student)
    if len(found) > 1:  # homonyms: the class in the name tells them apart
        by_group = [s for s in found if s.group and fold(s.group) in present]
        if len(by_group) == 1:
            return by_group
        longest = max(len(fold(s.first_name + " " + s.last_name)) for s in found)
        found = [s for s in found if len(fold(s.first_name + " " + s.last_name)) == longest]
    return found


def grade_ids(notebook: dict) -> set[str]:
    ids = set()
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(meta, dict) and meta.get("grade_id"):
            ids.add(str(meta["grade_id"]))
    return ids


class Collector:
    def __init__(self, course: Course, activity_id: str) -> None:
        self.course = course
        self.activity = find_activity(activity_id)
        self.students = load(course)
        if not self.students:
            raise ClassroomError(
                _("The course has no pupils yet: run tne class students import FILE.csv first.")
            )
        source = course.folder("source", self.activity.id, notebook_name(self.activity))
        try:
            self.expected = grade_ids(json.loads(source.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise ClassroomError(
                _(
                    "The activity {id} is not in the course yet: run tne class add {id} first."
                ).format(id=self.activity.id)
            ) from error
        self.result = CollectResult()
        self.candidates: dict[str, list[Candidate]] = {}
        self.read_bytes = 0

    def add_zip(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.result.unmatched.append(
                (str(path), _("cannot be read ({error})").format(error=error.strerror or error))
            )
            return
        self._zip(data, path.name, 0)

    def _zip(self, data: bytes, where: str, depth: int) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            self.result.unmatched.append((where, _("not a zip file, or a damaged one")))
            return
        if not [info for info in infos if not info.is_dir()]:
            self.result.unmatched.append((where, _("the zip is empty")))
            return
        for info in infos:
            if info.is_dir():
                continue
            name = entry_name(info)
            shown = name if name is not None else repr(info.filename)
            label = f"{where} › {shown}"
            if name is None:
                self.result.unmatched.append(
                    (label, _("its name is not UTF-8 text: rename it and zip it again"))
                )
                continue
            if unsafe(name):
                self.result.unmatched.append(
                    (label, _("its path leaves the zip (../ or absolute): refused"))
                )
                continue
            lower = name.lower()
            if not lower.endswith((".ipynb", ".zip")):
                self.result.unmatched.append((label, _("neither a notebook nor a zip")))
                continue
            if info.file_size > MAX_NOTEBOOK_BYTES or (
                self.read_bytes + info.file_size > MAX_TOTAL_BYTES
            ):
                self.result.unmatched.append((label, _("too big to be a pupil's notebook")))
                continue
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
                self.result.unmatched.append((label, _("damaged in the zip")))
                continue
            self.read_bytes += len(content)
            if lower.endswith(".zip"):
                if depth + 1 >= MAX_DEPTH:
                    self.result.unmatched.append((label, _("zips nested too deep")))
                else:
                    self._zip(content, label, depth + 1)
                continue
            self._notebook(content, name, label, dt.datetime(*info.date_time))

    def _notebook(self, content: bytes, name: str, label: str, when: dt.datetime) -> None:
        path = PurePosixPath(name.replace("\\", "/"))
        stem = path.stem
        copy = 0
        duplicate = DUPLICATE.search(stem)
        if duplicate:
            copy = int(duplicate.group(1))
            stem = stem[: duplicate.start()]
        words = fold(" ".join([*path.parts[:-1], stem]).replace("_", " ")).split("-")
        found = match_student(words, self.students)
        if not found:
            self.result.unmatched.append((label, _("no pupil of the class list has this name")))
            return
        if len(found) > 1:
            self.result.unmatched.append(
                (
                    label,
                    _("several pupils match ({ids}): rename the file with the class").format(
                        ids=", ".join(s.id for s in found)
                    ),
                )
            )
            return
        try:
            notebook = json.loads(content.decode("utf-8-sig"))
            if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
                raise ValueError
        except ValueError:
            self.result.unmatched.append((label, _("not a valid notebook (damaged JSON)")))
            return
        if self.expected and not (grade_ids(notebook) & self.expected):
            self.result.unmatched.append(
                (label, _("a notebook of another activity, not {id}").format(id=self.activity.id))
            )
            return
        self.candidates.setdefault(found[0].id, []).append(
            Candidate(found[0], label, content, when, copy)
        )

    def write(self) -> CollectResult:
        """Write the newest submission of each pupil where nbgrader expects it."""
        for student_id, candidates in sorted(self.candidates.items()):
            candidates.sort(key=lambda c: (c.when, c.copy))
            newest = candidates[-1]
            self.result.superseded += [c.where for c in candidates[:-1]]
            folder = self.course.folder("submitted", student_id, self.activity.id)
            before = collected_at(folder)
            if before is not None and before > newest.when:
                # Collected earlier from a newer zip: that one stays.
                self.result.superseded.append(newest.where)
                continue
            folder.mkdir(parents=True, exist_ok=True)
            (folder / notebook_name(self.activity)).write_bytes(newest.data)
            (folder / "timestamp.txt").write_text(
                newest.when.strftime("%Y-%m-%d %H:%M:%S.%f"), encoding="utf-8"
            )
            self.result.collected[student_id] = newest.where
        return self.result


def collected_at(folder: Path) -> dt.datetime | None:
    """When the submission already collected in `folder` was handed in, if there is one."""
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
        # nbgrader's exchange writes its UTC time with the zone's name after it.
        return dt.datetime.strptime(text.removesuffix(" UTC"), "%Y-%m-%d %H:%M:%S.%f")
    except (OSError, ValueError):
        return None


def collect(course: Course, activity_id: str, zips: list[Path]) -> CollectResult:
    collector = Collector(course, activity_id)
    for path in zips:
        collector.add_zip(path)
    result = collector.write()
    with gradebook(course) as book:
        for student in collector.students:
            if student.id in result.collected:
                book.update_or_create_student(
                    student.id, first_name=student.first_name, last_name=student.last_name
                )
    return result
