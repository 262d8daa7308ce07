"""Pictures of a run (device_bridge/sim/pictures.py): well-formed SVG with what a teacher looks
for, and, rendered by a real browser (headless Chromium), the path and markers where they
belong."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image as PILImage

from device_bridge.sim import pictures
from device_bridge.sim.trace import Trace
from device_bridge.sim.world import load_world
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.usefixtures("french")

SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = "/usr/bin/chromium"


def square_run() -> Trace:
    """A robot on `tapis` that drives three sides of a 40 cm square, then bumps into something."""
    events = [{"t": 0.0, "kind": "display", "pixels": "09090:99999:99999:09990:00900"}]
    corners = [(100, 75), (140, 75), (140, 115), (100, 115)]
    t = 0.0
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        for k in range(21):
            x, y = x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20
            events.append({"t": t, "kind": "pose", "x": x, "y": y, "heading": 0.0})
            t += 50
    events.append({"t": t, "kind": "collision", "x": 100, "y": 115, "heading": 180.0})
    return Trace(events)


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def test_the_world_picture_shows_path_start_end_collisions_scale_and_a_french_legend() -> None:
    svg = pictures.world_svg(load_world("tapis"), square_run())
    root = parse(svg)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for words in ("Monde : Tapis libre", "départ", "trajet du robot", "arrivée", "collision"):
        assert words in texts
    assert "10 cm" in texts and "1 collision" in texts
    path = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == pictures.PATH_COLOUR]
    assert len(path) == 1 and len(path[0].get("points", "").split()) == 63
    crosses = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == pictures.COLLISION_COLOUR]
    assert len(crosses) == 1 + 1  # the mark on the mat, and the one in the legend


def test_the_world_alone_shows_the_robot_at_its_start() -> None:
    root = parse(pictures.world_svg(load_world("labyrinthe")))
    groups = [g for g in root.iter(f"{SVG}g") if "translate(" in (g.get("transform") or "")]
    assert len(groups) == 1 and "rotate(180)" in groups[0].get("transform", "")


def test_the_animation_moves_the_robot_along_its_path_with_smil() -> None:
    root = parse(pictures.animation_svg(load_world("tapis"), square_run()))
    moves = [a for a in root.iter(f"{SVG}animateTransform") if a.get("type") == "translate"]
    turns = [a for a in root.iter(f"{SVG}animateTransform") if a.get("type") == "rotate"]
    assert len(moves) == 1 and len(turns) == 1
    assert len(moves[0].get("values", "").split(";")) == 63
    assert moves[0].get("repeatCount") == "indefinite"
    assert float(moves[0].get("dur", "0s")[:-1]) == pytest.approx(3.1)  # 3.1 s simulated


def test_the_led_picture_lights_the_lit_leds_only() -> None:
    root = parse(pictures.leds_svg("09090:99999:99999:09990:00900"))
    leds = [r for r in root.iter(f"{SVG}rect")][1:]  # after the board's background
    assert len(leds) == 25
    assert sum(1 for r in leds if r.get("fill") == "#ff2a1a") == 16


def render(svg: str, tmp_path: Path, size: tuple[int, int]) -> PILImage.Image:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        skip_or_fail(f"needs {CHROMIUM} (Debian package chromium)")
    source, picture = tmp_path / "picture.svg", tmp_path / "picture.png"
    source.write_text(svg, encoding="utf-8")
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={picture}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return PILImage.open(picture).convert("RGB")


def near(colour: tuple[int, int, int], hex_colour: str, tolerance: int = 40) -> bool:
    wanted = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(colour, wanted, strict=True))


def test_a_browser_draws_the_path_and_the_start_where_the_run_went(tmp_path: Path) -> None:
    world = load_world("tapis")
    svg = pictures.world_svg(world, square_run())
    root = parse(svg)
    image = render(svg, tmp_path, (int(float(root.get("width"))), int(float(root.get("height")))))

    def pixel(x_cm: float, y_cm: float) -> tuple[int, int, int]:
        x = pictures.MARGIN_PX + x_cm * pictures.SCALE
        y = pictures.TITLE_PX + y_cm * pictures.SCALE
        return image.getpixel((round(x), round(y)))

    assert near(pixel(100, 75), pictures.START_COLOUR)  # the green start
    assert near(pixel(140, 95), pictures.PATH_COLOUR)  # the middle of the second side
    assert near(pixel(60, 40), world.colour, tolerance=8)  # the bare mat elsewhere


def test_the_gif_replays_the_run_from_start_to_end() -> None:
    world, trace = load_world("tapis"), square_run()
    data = pictures.animation_gif(world, trace, width_px=400, fps=10)
    gif = PILImage.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.info.get("loop") == 0
    assert gif.n_frames == 31  # 3.1 s simulated, played in real time at 10 frames a second
    scale = 400 / world.width

    def robot_centre(frame: int, pose) -> tuple[int, int, int]:
        gif.seek(frame)
        return gif.convert("RGB").getpixel((round(pose.x * scale), round(28 + pose.y * scale)))

    poses = trace.poses()
    assert near(robot_centre(0, poses[0]), "#ffd400")  # the yellow arrow on the robot
    assert near(robot_centre(gif.n_frames - 1, poses[-1]), "#ffd400")


def test_text_in_a_picture_is_escaped_as_xml_sax_would_escape_it() -> None:
    """`pictures.escape` stands for xml.sax.saxutils' (which imports urllib.request for a
    start-up that `tne run` does not need): the same text for names, colours and titles."""
    from xml.sax.saxutils import escape as sax_escape

    for text in ["a & b", "<tapis>", 'l\'élève "Zoé"', "&amp;", "", "piste > 2 m"]:
        assert pictures.escape(text) == sax_escape(text)
