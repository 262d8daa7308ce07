"""Which project this machine works for: one small JSON file in the user's configuration folder.

The link lives on the machine, not in the database, because it answers a question about the
machine ("whose usage is this?") that the kernel and the CLI ask before they know any database:
the file names the database and the project, so `usage.record_event` needs nothing else.
A file per user account is what schools have (one session per pupil or per class on a shared
PC); `TNE_CONFIG_DIR` moves the folder (portable installs, tests).

This module imports nothing heavy: `record_event` reads the link on every call, and a machine
that is not linked must not pay for SQLAlchemy.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from tne.config import config_dir

FILE_NAME = "registry-link.json"


@dataclass(frozen=True)
class MachineLink:
    """The project this machine records usage for, and the registry that holds it."""

    database: str
    project_id: int
    project_uid: str
    title: str
    school: str

    def to_json(self) -> dict:
        return asdict(self)


def link_path() -> Path:
    return config_dir() / FILE_NAME


def read_link() -> MachineLink | None:
    """The link, or None when the machine is not linked (or the file is unreadable)."""
    try:
        data = json.loads(link_path().read_text(encoding="utf-8"))
        return MachineLink(
            database=str(data["database"]),
            project_id=int(data["project_id"]),
            project_uid=str(data["project_uid"]),
            title=str(data["title"]),
            school=str(data["school"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_link(link: MachineLink) -> Path:
    """Write the link atomically (a half-written file would unlink the machine)."""
    path = link_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(link.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    # The URL may carry a PostgreSQL password: readable by this user only (no effect on Windows,
    # where the profile folder is already private).
    os.chmod(partial, 0o600)
    os.replace(partial, path)
    return path


def remove_link() -> bool:
    """Forget the link; False when there was none."""
    try:
        link_path().unlink()
    except FileNotFoundError:
        return False
    return True
