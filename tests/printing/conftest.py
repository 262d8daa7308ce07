"""Fixture activity folders, written as an author would (activity.toml, the two sheets), in a
catalogue under tmp_path, and a small world file whose sizes are easy to measure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PUPIL = """# Le robot dessine un carré

Ton robot doit dessiner un carré : avance, tourne, recommence !

## Étape 1 : avancer

```python
import maqueen
maqueen.motor_run(100, 100)
```
"""

TEACHER = """# Fiche enseignant

## Objectifs
- Écrire une boucle.

## Déroulé minuté
| Temps | Étape |
|---|---|
| 10 min | Découverte |
"""

#: A mat of 50 × 30 cm with one straight track 20 cm long, from (5, 10) to (25, 10).
MEASURED_WORLD = """name = "mesure"
title = "Tapis mesuré"

[mat]
width = 50
height = 30

[start]
x = 40
y = 20
heading = 180

[[track]]
points = [[5, 10], [25, 10]]
width = 2
"""


def write_activity(
    catalogue: Path,
    activity_id: str,
    *,
    title: str = "Le robot dessine un carré",
    hardware: str = "maqueen",
    world: str | None = "piste",
    sheets: bool = True,
) -> Path:
    folder = catalogue / activity_id
    folder.mkdir(parents=True)
    world_line = f'world = "{world}"\n' if world is not None else ""
    (folder / "activity.toml").write_text(
        f'id = "{activity_id}"\ntitle = {json.dumps(title, ensure_ascii=False)}\n'
        'levels = ["5e", "4e"]\ncycle = "4"\n'
        f'duration_minutes = 55\nhardware = "{hardware}"\nboards = 1\n{world_line}'
        "qemu = true\n",
        encoding="utf-8",
    )
    if sheets:
        (folder / "fiche-eleve.md").write_text(PUPIL, encoding="utf-8")
        (folder / "fiche-enseignant.md").write_text(TEACHER, encoding="utf-8")
    return folder


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    """A catalogue with a robot activity on a measured world and a micro:bit-only one."""
    root = tmp_path / "catalogue"
    root.mkdir()
    world = tmp_path / "mesure.toml"
    world.write_text(MEASURED_WORLD, encoding="utf-8")
    write_activity(root, "robot-carre", world=str(world))
    write_activity(
        root,
        "afficher-et-defiler",
        title="Afficher et faire défiler",
        hardware="microbit",
        world=None,
    )
    return root
