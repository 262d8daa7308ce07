"""The activity an nbgrader assignment is made from: the catalogue's own reader
(`activities.catalogue.metadata`), over the catalogue shipped with tne and the folders of
`TNE_ACTIVITIES_DIR` (tests, an academy's own activities), searched first.
"""

from __future__ import annotations

import os
from pathlib import Path

from activities.catalogue.metadata import (
    CATALOGUE_DIR,
    METADATA_FILE,
    Activity,
    MetadataError,
    load_activity,
)
from tne.i18n import _

from .errors import ClassroomError

ACTIVITIES_VARIABLE = "TNE_ACTIVITIES_DIR"

__all__ = ["Activity", "catalogue_folders", "find_activity"]


def catalogue_folders() -> list[Path]:
    extra = os.environ.get(ACTIVITIES_VARIABLE, "")
    return [Path(part) for part in extra.split(os.pathsep) if part] + [CATALOGUE_DIR]


def find_activity(activity_id: str) -> Activity:
    """The activity `activity_id`, or a French error naming what is wrong."""
    for folder in catalogue_folders():
        candidate = folder / activity_id
        if "/" not in activity_id and (candidate / METADATA_FILE).is_file():
            try:
                activity = load_activity(candidate)
            except MetadataError as problem:
                raise ClassroomError(str(problem)) from None
            if not activity.notebook.is_file():
                raise ClassroomError(
                    _("The activity {id} has no notebook {name}.").format(
                        id=activity_id, name=activity.notebook.name
                    )
                )
            return activity
    raise ClassroomError(
        _("No activity {id} in the catalogue. `tne activities list` shows them.").format(
            id=activity_id
        )
    )
