"""An activity's `activity.toml`, read and checked: the one reader of the format (the printing
and classroom code import it rather than parse the TOML themselves).

`load_activity(folder)` returns an `Activity` or raises `MetadataError`, whose `problems` are
French sentences naming the field and what to write instead; `all_activities()` lists the
catalogue in progression order (by cycle, then prerequisites, then id; a project, `project =
true`, after every lesson: it reuses them all).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tne.i18n import _, ngettext

from . import CATALOGUE_DIR

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

LEVELS = ("6e", "5e", "4e", "3e", "seconde")
CYCLES = ("3", "4", "lycee")
HARDWARE = ("none", "microbit", "maqueen")
TNE_CALLS = ("codage et robotique", "ateliers filles et numérique", "bouger avec le numérique")
#: Why an activity may not run on the QEMU micro:bit: what blocks on the emulated firmware
#: (`temperature()`, `radio.on()`, `compass.heading()`, and `display.scroll`, whose animation
#: never ends there; `music.play` and `display.read_light_level()`, after which the firmware's
#: timer work stalls the program on a busy machine: measured on the Debian firmware under QEMU,
#: docs/activities.md).
QEMU_REASONS = ("temperature", "radio", "compass", "scroll", "music", "light")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
METADATA_FILE = "activity.toml"
NOTEBOOK_FILE = "activite.ipynb"
TEACHER_SHEET = "fiche-enseignant.md"
PUPIL_SHEET = "fiche-eleve.md"


class MetadataError(ValueError):
    """An `activity.toml` that cannot be used; `problems` says each thing to fix, in French."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            ngettext("{path}: {count} problem:", "{path}: {count} problems:", len(problems)).format(
                path=path, count=len(problems)
            )
            + "\n- "
            + "\n- ".join(problems)
        )


@dataclass(frozen=True)
class Activity:
    id: str
    title: str
    levels: tuple[str, ...]
    cycle: str
    duration_minutes: int
    hardware: str
    boards: int
    world: str
    curriculum: tuple[str, ...]
    tne_calls: tuple[str, ...]
    prerequisites: tuple[str, ...]
    goals: tuple[str, ...]
    qemu: bool
    qemu_reason: str
    #: Criteria for each answer the teacher grades by hand (nbgrader grade id -> criteria),
    #: shown by `tne class grade --manual`.
    rubric: dict[str, tuple[str, ...]]
    #: A project (optional field, false by default) closes the progression, after the lessons.
    project: bool
    folder: Path = field(compare=False)

    @property
    def notebook(self) -> Path:
        return self.folder / NOTEBOOK_FILE

    @property
    def teacher_sheet(self) -> Path:
        return self.folder / TEACHER_SHEET

    @property
    def pupil_sheet(self) -> Path:
        return self.folder / PUPIL_SHEET

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "levels": list(self.levels),
            "cycle": self.cycle,
            "duration_minutes": self.duration_minutes,
            "hardware": self.hardware,
            "boards": self.boards,
            "world": self.world,
            "curriculum": list(self.curriculum),
            "tne_calls": list(self.tne_calls),
            "prerequisites": list(self.prerequisites),
            "goals": list(self.goals),
            "qemu": self.qemu,
            "qemu_reason": self.qemu_reason,
            "rubric": {cell: list(criteria) for cell, criteria in self.rubric.items()},
            "project": self.project,
            "folder": str(self.folder),
        }


def load_activity(folder: Path) -> Activity:
    """The activity in `folder`, or `MetadataError` listing every problem at once."""
    path = folder / METADATA_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise MetadataError(path, [_("The file activity.toml is missing.")]) from error
    except (OSError, UnicodeDecodeError) as error:
        problem = _("The file cannot be read: {error}").format(error=error)
        raise MetadataError(path, [problem]) from error
    except tomllib.TOMLDecodeError as error:
        problem = _("This is not valid TOML: {error}").format(error=error)
        raise MetadataError(path, [problem]) from error
    problems: list[str] = []
    reader = _Reader(data, problems)
    activity = Activity(
        id=reader.text("id"),
        title=reader.text("title"),
        levels=reader.texts("levels", LEVELS),
        cycle=reader.choice("cycle", CYCLES),
        duration_minutes=reader.integer("duration_minutes", 5, 600),
        hardware=reader.choice("hardware", HARDWARE),
        boards=reader.integer("boards", 1, 2),
        world=reader.text("world", required=False),
        curriculum=reader.texts("curriculum"),
        tne_calls=reader.texts("tne_calls", TNE_CALLS),
        prerequisites=reader.texts("prerequisites", required=False),
        goals=reader.texts("goals"),
        qemu=reader.boolean("qemu"),
        qemu_reason=reader.text("qemu_reason", required=False),
        rubric=reader.rubric("rubric"),
        project=reader.boolean("project", required=False),
        folder=folder,
    )
    problems += _coherence(activity)
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        problems.append(
            ngettext(
                "Unknown field: {names}. The fields are: {fields}.",
                "Unknown fields: {names}. The fields are: {fields}.",
                len(unknown),
            ).format(names=", ".join(unknown), fields=", ".join(_FIELDS))
        )
    if problems:
        raise MetadataError(path, problems)
    return activity


_FIELDS = tuple(Activity.__dataclass_fields__)[:-1]


def _coherence(activity: Activity) -> list[str]:
    """What no single field shows: the id against the folder, the world, QEMU's reason..."""
    from device_bridge.sim.world_files import WORLDS_DIR

    problems = []
    if activity.id and not ID_PATTERN.fullmatch(activity.id):
        problems.append(
            _("id '{id}': lowercase ASCII letters, digits and dashes only (robot-carre).").format(
                id=activity.id
            )
        )
    elif activity.id and activity.id != activity.folder.name:
        problems.append(
            _("id '{id}' differs from the folder's name '{folder}'.").format(
                id=activity.id, folder=activity.folder.name
            )
        )
    if activity.hardware == "maqueen":
        if not activity.world:
            problems.append(_('A robot activity needs a world (world = "tapis").'))
        elif not (WORLDS_DIR / f"{activity.world}.toml").is_file():
            names = ", ".join(sorted(p.stem for p in WORLDS_DIR.glob("*.toml")))
            problems.append(
                _("world '{world}' does not exist; the worlds are: {names}.").format(
                    world=activity.world, names=names
                )
            )
    elif activity.world:
        problems.append(_('world is only for a robot activity (hardware = "maqueen").'))
    if activity.boards == 2 and activity.hardware == "none":
        problems.append(_("boards = 2 needs hardware (a radio activity uses two micro:bit)."))
    if activity.qemu and activity.qemu_reason:
        problems.append(_("qemu_reason is only for qemu = false."))
    if not activity.qemu and activity.qemu_reason not in QEMU_REASONS:
        problems.append(
            _(
                "qemu = false needs a qemu_reason among {reasons}: only what blocks on the "
                "emulated micro:bit is excused."
            ).format(reasons=", ".join(QEMU_REASONS))
        )
    if activity.id in activity.prerequisites:
        problems.append(_("An activity cannot be its own prerequisite."))
    return problems


class _Reader:
    """Reads one field at a time, noting each problem instead of stopping at the first."""

    def __init__(self, data: dict, problems: list[str]) -> None:
        self.data = data
        self.problems = problems

    def _get(self, name: str, required: bool) -> object:
        if name not in self.data and required:
            self.problems.append(_("The field '{name}' is missing.").format(name=name))
        return self.data.get(name)

    def text(self, name: str, required: bool = True) -> str:
        value = self._get(name, required)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problems.append(_("'{name}' must be a non-empty text.").format(name=name))
            return ""
        return value.strip()

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name)
        if value and value not in allowed:
            self.problems.append(
                _("'{name}' = '{value}' is not one of: {allowed}.").format(
                    name=name, value=value, allowed=", ".join(allowed)
                )
            )
            return ""
        return value

    def texts(
        self, name: str, allowed: tuple[str, ...] | None = None, required: bool = True
    ) -> tuple[str, ...]:
        value = self._get(name, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problems.append(_("'{name}' must be a list of texts.").format(name=name))
            return ()
        if required and not value:
            self.problems.append(_("'{name}' must not be empty.").format(name=name))
        wrong = [v for v in value if allowed is not None and v not in allowed]
        if wrong:
            self.problems.append(
                _("'{name}': {wrong} not among: {allowed}.").format(
                    name=name, wrong=", ".join(wrong), allowed=", ".join(allowed or ())
                )
            )
        return tuple(v.strip() for v in value)

    def integer(self, name: str, low: int, high: int) -> int:
        value = self._get(name, True)
        if value is None:
            return 0
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problems.append(
                _("'{name}' must be a whole number from {low} to {high}.").format(
                    name=name, low=low, high=high
                )
            )
            return 0
        return value

    def rubric(self, name: str) -> dict[str, tuple[str, ...]]:
        """An optional table: a list of criteria (texts) under each cell's grade id."""
        value = self._get(name, False)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(
            isinstance(criteria, list)
            and criteria
            and all(isinstance(c, str) and c for c in criteria)
            for criteria in value.values()
        ):
            self.problems.append(
                _("'{name}' must give a list of criteria (texts) for each graded cell.").format(
                    name=name
                )
            )
            return {}
        return {str(cell): tuple(c.strip() for c in criteria) for cell, criteria in value.items()}

    def boolean(self, name: str, required: bool = True) -> bool:
        value = self._get(name, required)
        if value is not None and not isinstance(value, bool):
            self.problems.append(_("'{name}' must be true or false.").format(name=name))
            return False
        return bool(value)


def activity_folders(root: Path = CATALOGUE_DIR) -> list[Path]:
    """The catalogue's activity folders (those holding an activity.toml)."""
    return sorted(p.parent for p in root.glob(f"*/{METADATA_FILE}"))


def all_activities(root: Path = CATALOGUE_DIR) -> list[Activity]:
    """Every activity, in progression order: cycle 3, 4, lycée; within a cycle the micro:bit
    alone before the robot; prerequisites first; the projects last."""
    found = {a.id: a for a in (load_activity(folder) for folder in activity_folders(root))}
    ordered: list[Activity] = []

    def place(activity: Activity, seen: frozenset[str]) -> None:
        if activity in ordered or activity.id in seen:
            return
        for needed in activity.prerequisites:
            if needed in found:
                place(found[needed], seen | {activity.id})
        ordered.append(activity)

    # Within a cycle the board alone comes before the robot, which needs what it taught.
    for activity in sorted(
        found.values(),
        key=lambda a: (a.project, CYCLES.index(a.cycle), HARDWARE.index(a.hardware), a.id),
    ):
        place(activity, frozenset())
    return ordered


def find_activity(activity_id: str, root: Path = CATALOGUE_DIR) -> Activity:
    """The activity with this id, or `MetadataError` saying which ids exist."""
    folder = root / activity_id
    if not ID_PATTERN.fullmatch(activity_id) or not (folder / METADATA_FILE).is_file():
        known = ", ".join(f.name for f in activity_folders(root)) or "-"
        raise MetadataError(
            root / activity_id,
            [_("No activity '{id}'. The activities are: {ids}.").format(id=activity_id, ids=known)],
        )
    return load_activity(folder)
