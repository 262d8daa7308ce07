"""What printing needs to know about an activity, read from its folder.

Temporary: `activities/catalogue/metadata.py` is to be the one reader of `activity.toml`; until
it lands, `find_activity` here reads the few fields printing uses, with the same names as its
`Activity` (id, title, levels, duration_minutes, hardware, world, folder), so that swapping it
for `metadata.find_activity` (its `MetadataError` turned into `PrintingError`) changes nothing
else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tne.i18n import _

from .errors import PrintingError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

#: The shipped catalogue: one folder per activity.
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"
#: An activity's id: a lowercase ASCII slug, which is also its folder's name.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: `hardware` values that are not a robot.
NOT_ROBOTS = ("none", "microbit")


@dataclass(frozen=True)
class ActivityInfo:
    id: str
    title: str
    levels: tuple[str, ...]
    duration_minutes: int
    hardware: str
    world: str  # "" when the activity has no robot
    folder: Path


def uses_robot(activity: ActivityInfo) -> bool:
    return activity.hardware not in NOT_ROBOTS


def catalogue_ids(catalogue: Path) -> list[str]:
    if not catalogue.is_dir():
        return []
    return sorted(
        p.name for p in catalogue.iterdir() if p.is_dir() and (p / "activity.toml").is_file()
    )


def find_activity(activity_id: str, catalogue: Path | None = None) -> ActivityInfo:
    """The activity `activity_id` of the catalogue, or `PrintingError` saying what is wrong."""
    catalogue = catalogue or CATALOGUE_DIR
    if not ID_PATTERN.fullmatch(activity_id):
        raise PrintingError(
            _(
                "'{id}' is not an activity id: an id is written in lowercase letters, digits "
                "and hyphens, such as robot-carre."
            ).format(id=activity_id)
        )
    folder = catalogue / activity_id
    metadata = folder / "activity.toml"
    if not metadata.is_file():
        known = catalogue_ids(catalogue)
        raise PrintingError(
            _("There is no activity '{id}'. Known activities: {ids}.").format(
                id=activity_id, ids=", ".join(known) if known else _("none")
            )
        )
    try:
        data = tomllib.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise PrintingError(
            _("Cannot read '{path}': {error}").format(path=metadata, error=problem)
        ) from None
    return _info(data, folder, metadata)


def _info(data: dict, folder: Path, metadata: Path) -> ActivityInfo:
    def field(name: str, kind: type | tuple[type, ...]):
        value = data.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise PrintingError(
                _("'{path}': the field '{field}' is missing or has the wrong type.").format(
                    path=metadata, field=name
                )
            )
        return value

    levels = field("levels", list)
    hardware = field("hardware", str)
    world = data.get("world")
    if hardware not in NOT_ROBOTS and not (isinstance(world, str) and world.strip()):
        raise PrintingError(
            _("'{path}': a robot activity needs a 'world' (the mat to print).").format(
                path=metadata
            )
        )
    return ActivityInfo(
        id=folder.name,
        title=field("title", str),
        levels=tuple(str(level) for level in levels),
        duration_minutes=field("duration_minutes", int),
        hardware=hardware,
        world=world.strip() if isinstance(world, str) else "",
        folder=folder,
    )
