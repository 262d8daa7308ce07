"""Worlds (device_bridge/sim/world.py): the shipped mats, the geometry sensors ask about, and a
clear French error for each kind of mistake in a world file."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_bridge.sim.world import WorldError, load_world, parse_world, shipped_worlds

MINIMAL = "[mat]\nwidth = 100\nheight = 80\n[start]\nx = 50\ny = 40\n"


pytestmark = pytest.mark.usefixtures("french")


def test_the_three_worlds_of_the_issue_are_shipped_and_load() -> None:
    assert {"tapis", "piste", "labyrinthe"} <= set(shipped_worlds())
    tapis, piste, maze = load_world(None), load_world("piste"), load_world("labyrinthe")
    assert tapis.name == "tapis" and not tapis.tracks and not tapis.walls
    assert piste.tracks and piste.on_line(*piste.start[:2])
    assert len(maze.walls) >= 4 and maze.obstacles


def test_the_oval_track_is_black_on_its_tape_and_white_beside_it() -> None:
    piste = load_world("piste")  # ellipse centred (80, 55), radii 60 x 38, tape 2 cm wide
    assert piste.on_line(80, 17) and piste.on_line(80, 17.9) and piste.on_line(140, 55)
    assert not piste.on_line(80, 19.5) and not piste.on_line(80, 55)


def test_an_ultrasonic_ray_meets_the_nearest_wall_face_and_the_border() -> None:
    maze = load_world("labyrinthe")
    # From (100, 105) looking up (-y): the wall at y=90, 2 cm thick, face at y=91.
    assert maze.ray(100, 105, 270, 500) == pytest.approx(14, abs=0.01)
    # From (135, 105): that wall stops at x=120, the next one (y=60) has its face at y=61.
    assert maze.ray(135, 105, 270, 500) == pytest.approx(44, abs=0.01)
    # Looking left along y=135, nothing before the border at x=0.
    assert maze.ray(135, 135, 180, 500) == pytest.approx(135, abs=0.01)
    assert maze.ray(135, 135, 180, 100) is None  # beyond the range asked for


def test_a_world_file_given_by_path_loads(tmp_path: Path) -> None:
    path = tmp_path / "salle.toml"
    path.write_text(MINIMAL + "[[wall]]\nfrom = [0, 10]\nto = [100, 10]\n", encoding="utf-8")
    world = load_world(str(path))
    assert world.name == "salle" and world.width == 100 and len(world.walls) == 1


MALFORMED = [
    ("[mat\nwidth = 1", "n'est pas du TOML valide, ligne 1"),
    ("[start]\nx = 1\ny = 1\n", "champ « mat »"),
    ("[mat]\nwidth = 100\n[start]\nx = 1\ny = 1\n", "champ « mat.height » : ce champ manque"),
    (
        '[mat]\nwidth = "grand"\nheight = 10\n[start]\nx=1\ny=1\n',
        "mat.width » : un nombre est attendu",
    ),
    ("[mat]\nwidth = -5\nheight = 10\n[start]\nx=1\ny=1\n", "supérieur à 0"),
    (MINIMAL.replace("x = 50", "x = 500"), "le départ (500.0, 40.0) est en dehors du tapis"),
    (MINIMAL + "[[wall]]\nfrom = [0, 0]\n", "champ « wall[1].to » : ce champ manque"),
    (MINIMAL + "[[wall]]\nfrom = [0, 0]\nto = [1]\n", "wall[1].to » : une paire de nombres"),
    (MINIMAL + "[[track]]\nwidth = 2\n", "track[1].points » : une ligne a besoin"),
    (MINIMAL + "[[track]]\npoints = [[0, 0], [1, 'a']]\n", "track[1].points[2] »"),
    (MINIMAL + "[[track]]\nellipse = { center = [5, 5], radii = [0, 3] }\n", "les rayons"),
    (MINIMAL + "[[obstacle]]\ncolour = 'red'\n", "obstacle[1] » : un obstacle a besoin"),
    (MINIMAL + "[[obstacle]]\ncircle = { center = [5, 5] }\n", "obstacle[1].circle.radius"),
    ("murs = 3\n" + MINIMAL, "champ « murs » : champ inconnu (une faute de frappe ?)"),
    (MINIMAL + "cap = 90\n", "champ « start.cap » : champ inconnu"),
    (MINIMAL + "[[wall]]\nfrom = [0, 0]\nto = [1, 1]\nepaisseur = 2\n", "« wall[1].epaisseur »"),
    ("wall = 3\n" + MINIMAL, "champ « wall » : écrire chacun sous la forme d'une table [[wall]]"),
    (MINIMAL.replace("[mat]\n", "[mat]\nborder = 'oui'\n"), "mat.border » : true ou false"),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED, ids=[e for _t, e in MALFORMED])
def test_each_mistake_in_a_world_file_is_named_in_french(text: str, expected: str) -> None:
    with pytest.raises(WorldError) as raised:
        parse_world(text, source="ma_salle.toml")
    message = str(raised.value)
    assert "« ma_salle.toml »" in message
    assert expected in message
    assert raised.value.exit_code == 2


def test_an_unknown_world_lists_the_shipped_ones() -> None:
    with pytest.raises(WorldError) as raised:
        load_world("jungle")
    assert "pas de monde « jungle »" in str(raised.value)
    assert "labyrinthe, piste, tapis" in str(raised.value)


def test_the_world_file_example_of_the_teacher_guide_is_valid() -> None:
    guide = Path(__file__).resolve().parents[2] / "teacher_guides" / "robot_maqueen.md"
    example = guide.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    world = parse_world(example, source="robot_maqueen.md")
    assert len(world.tracks) == 2 and len(world.walls) == 1 and len(world.obstacles) == 2
