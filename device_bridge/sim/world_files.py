"""Where a world's file is: a shipped world by its name (`piste`), or a path a teacher gives.

Alone, with nothing but `pathlib`: `tne run --device sim:ROBOT` finds its world's file to start
its board before the rest of the bridge is imported (tne/cli/sim_launch.py); `world.py` reads
the file and says in French when there is none.
"""

from __future__ import annotations

from pathlib import Path

#: The folder of the worlds shipped with the simulator.
WORLDS_DIR = Path(__file__).with_name("worlds")
DEFAULT_WORLD = "tapis"


def shipped_worlds() -> list[str]:
    return sorted(path.stem for path in WORLDS_DIR.glob("*.toml"))


def world_file(name_or_path: str | None) -> Path | None:
    """The file of a shipped world (`piste`) or of a path a teacher gives; None if there is
    none."""
    name = (name_or_path or DEFAULT_WORLD).strip()
    shipped = WORLDS_DIR / f"{name}.toml"
    if "/" not in name and "\\" not in name and shipped.is_file():
        return shipped
    path = Path(name)
    return path if path.is_file() else None
