"""Board labels for workshops: « R7 » stays R7 from one day to the next.

A trainer's table has eight to sixteen boards; ports (`/dev/ttyACM3`, `COM5`) change each time a
board is plugged into another hub socket, so a label is tied to what the board *is*: its identity,
which discovery finds (the USB serial number of its interface chip, a Bluetooth address, or the
address of a simulated board). The labels are one small JSON file, `board-labels.json`, in the
user's configuration folder (`tne.config.config_dir`), mapping identity to label.

A damaged file is never overwritten: reading it for display gives no labels, and changing labels
refuses with the file's path, so that the trainer's labels are not lost to a stray edit.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection
from pathlib import Path

from tne.config import config_dir
from tne.i18n import _

from .errors import UsageError

FILE_NAME = "board-labels.json"
#: Short enough to scroll in a few seconds on 5x5 LEDs, plain enough to type in `label:NAME`.
LABEL_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
#: Labels `tne workshop label` gives when the trainer names none: R1, R2... (R for « robot »).
AUTO_PREFIX = "R"


class LabelsDamaged(UsageError):
    """The labels file cannot be read; it is left as it is."""


def labels_path() -> Path:
    return config_dir() / FILE_NAME


def read_labels() -> dict[str, str]:
    """Identity -> label; empty when there is no file yet. Raises `LabelsDamaged` when the file
    exists but is not a JSON object of strings."""
    path = labels_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise LabelsDamaged(_damaged(path), detail=str(error)) from error
    try:
        data = json.loads(text)
    except ValueError as error:
        raise LabelsDamaged(_damaged(path), detail=str(error)) from error
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in data.items()
    ):
        raise LabelsDamaged(_damaged(path), detail="not an object of strings")
    return dict(data)


def labels_for_display() -> dict[str, str]:
    """The labels, or none when the file is damaged: listing boards must still work."""
    try:
        return read_labels()
    except LabelsDamaged:
        return {}


def _damaged(path: Path) -> str:
    return _(
        "The board labels file {path} cannot be read. Repair it or remove it (the labels will "
        "then be given again with tne workshop label)."
    ).format(path=path)


def check_label(label: str) -> str:
    """The label, stripped, or `UsageError` saying what a label may be."""
    text = label.strip()
    if not LABEL_PATTERN.match(text):
        raise UsageError(
            _(
                "'{label}' cannot be a board label: use 1 to 12 letters (without accents), "
                "digits, - or _, such as R7 or table3."
            ).format(label=label)
        )
    return text


def save_labels(labels: dict[str, str]) -> Path:
    """Write the labels atomically (a half-written file would lose every label)."""
    path = labels_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    text = json.dumps(dict(sorted(labels.items())), ensure_ascii=False, indent=2)
    partial.write_text(text + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def assign(labels: dict[str, str], identity: str, label: str) -> dict[str, str]:
    """`labels` with `identity` labelled `label`; refuses a label another board already has
    (two boards called R7 would make `label:R7` ambiguous)."""
    label = check_label(label)
    for other, name in labels.items():
        if other != identity and name.lower() == label.lower():
            raise UsageError(
                _("The label '{label}' is already given to another board ({identity}).").format(
                    label=label, identity=other
                )
            )
    return {**labels, identity: label}


def next_free(labels: dict[str, str], taken: Collection[str] = ()) -> str:
    """The first R1, R2... that no board has (case-insensitive), nor any name in `taken`."""
    used = {name.lower() for name in labels.values()} | {name.lower() for name in taken}
    number = 1
    while f"{AUTO_PREFIX}{number}".lower() in used:
        number += 1
    return f"{AUTO_PREFIX}{number}"
