"""What pupil code could change on the host, looked at before and after an attack
(tests/sim/test_attacks.py): files in watched folders, processes started under the test's own
process, and the environment of the simulator's child.

Processes and environments are read from `/proc` (Linux, where the suite runs); elsewhere those
two checks have nothing to read and say so (`PROC_READABLE`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
PROC_READABLE = (PROC / "self" / "stat").is_file()


def parent_of(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The name (field 2) is in parentheses and may hold spaces: fields after the last ')'.
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(pid: int) -> frozenset[int]:
    """Every living process under `pid` (children, their children...)."""
    if not PROC_READABLE:
        return frozenset()
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def environment_of(pid: int) -> dict[str, str]:
    """The environment `pid` was started with (empty where /proc cannot tell)."""
    try:
        raw = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.decode("utf-8", "replace").partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


def files_under(folder: Path) -> frozenset[Path]:
    return frozenset(folder.rglob("*")) if folder.is_dir() else frozenset()


@dataclass(frozen=True)
class HostSnapshot:
    """Files under the watched folders, the names in the current folder, and the processes under
    this test process."""

    files: frozenset[Path]
    cwd_names: frozenset[str]
    processes: frozenset[int]

    @classmethod
    def take(cls, *folders: Path) -> HostSnapshot:
        files: frozenset[Path] = frozenset().union(*(files_under(f) for f in folders))
        return cls(files, frozenset(os.listdir()), descendants(os.getpid()))

    def new_files(self, later: HostSnapshot) -> set[Path]:
        return set(later.files - self.files)

    def new_cwd_names(self, later: HostSnapshot) -> set[str]:
        return set(later.cwd_names - self.cwd_names)

    def new_processes(self, later: HostSnapshot, allowed: frozenset[int] = frozenset()) -> set[int]:
        """Processes alive now that were not before, other than `allowed` (a board's new child
        after a restart)."""
        return set(later.processes - self.processes - allowed)
