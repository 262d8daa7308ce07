"""The activity an nbgrader assignment is made from, read from the catalogue.

Stopgap: `activities/catalogue/metadata.py` (owned by the catalogue work) is the one reader of
`activity.toml`; until it lands, `find_activity` reads the few fields the classroom needs, and is
the only function to swap for it. `TNE_ACTIVITIES_DIR` adds a folder of activities (tests, an
academy's own activities) searched before the catalogue shipped with tne.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tne.i18n import _

from .errors import ClassroomError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue"
ACTIVITIES_VARIABLE = "TNE_ACTIVITIES_DIR"
SOURCE_NOTEBOOK = "activite.ipynb"


@dataclass(frozen=True)
class Activity:
    """What the classroom needs of an activity."""

    id: str
    title: str
    folder: Path
    hardware: str = "microbit"  # "none" | "microbit" | "maqueen"
    world: str = ""

    @property
    def notebook(self) -> Path:
        return self.folder / SOURCE_NOTEBOOK


def catalogue_folders() -> list[Path]:
    extra = os.environ.get(ACTIVITIES_VARIABLE, "")
    return [Path(part) for part in extra.split(os.pathsep) if part] + [CATALOGUE]


def find_activity(activity_id: str) -> Activity:
    """The activity `activity_id`, or a French error naming where it was looked for."""
    for folder in catalogue_folders():
        candidate = folder / activity_id
        if (candidate / "activity.toml").is_file() and "/" not in activity_id:
            with (candidate / "activity.toml").open("rb") as stream:
                data = tomllib.load(stream)
            activity = Activity(
                id=str(data.get("id", activity_id)),
                title=str(data.get("title", activity_id)),
                folder=candidate,
                hardware=str(data.get("hardware", "microbit")),
                world=str(data.get("world", "")),
            )
            if not activity.notebook.is_file():
                raise ClassroomError(
                    _("The activity {id} has no notebook {name}.").format(
                        id=activity_id, name=SOURCE_NOTEBOOK
                    )
                )
            return activity
    raise ClassroomError(
        _("No activity {id} in the catalogue. `tne activities list` shows them.").format(
            id=activity_id
        )
    )
