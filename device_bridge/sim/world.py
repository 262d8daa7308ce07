"""Worlds: the mat a simulated robot drives on, read from a small TOML file.

A world is what a teacher draws on the classroom floor: a mat of a given size (cm), a black
track to follow, walls and obstacles, and where the robot starts. The format is documented in
docs/simulator.md ("Worlds"); the shipped worlds live in `device_bridge/sim/worlds/` and are
named without their extension (`tapis`, `piste`, `labyrinthe`).

Coordinates are in centimetres, as a picture of the mat is read: x to the right, y downwards,
origin at the top left corner. Headings are in degrees: 0 points right (+x), 90 down (+y).

Geometry queries (is this point on the line, where does a ray meet a wall, does a disc touch
one) run thousands of times per simulated minute, so segments are filed in a grid of buckets
and each query looks only at the few segments near the point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from tne.i18n import _

from ..errors import UsageError
from .world_files import DEFAULT_WORLD, shipped_worlds, world_file

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

#: Size of the buckets segments are filed in (cm).
BUCKET = 5.0
#: Size of the buckets of the track's segments (cm): a line sensor asks at every turn of a
#: follower's loop whether it is over the tape, and looks at every segment filed in its bucket
#: (a point's answer does not depend on the size: each bucket holds every segment within reach
#: of its points). Smaller than `BUCKET`, so that it looks at fewer.
LINE_BUCKET = 2.0
#: Solids are filed in every bucket within this distance (cm), so that the bucket of a robot's
#: centre holds every wall its body can touch.
SOLID_REACH = 8.0
#: Ellipses are drawn as polygons of this many sides.
ELLIPSE_SIDES = 96

Point = tuple[float, float]
Segment = tuple[float, float, float, float]


class WorldError(UsageError):
    """A world file that cannot be read, with the place of the mistake in French."""


@dataclass(frozen=True)
class Track:
    """A black line (tape) of `width` cm through `points`."""

    points: tuple[Point, ...]
    width: float = 2.0
    closed: bool = False
    colour: str = "#111111"

    def segments(self) -> list[Segment]:
        points = list(self.points) + ([self.points[0]] if self.closed else [])
        return [(a[0], a[1], b[0], b[1]) for a, b in zip(points, points[1:], strict=False)]


@dataclass(frozen=True)
class Wall:
    start: Point
    end: Point
    thickness: float = 1.0
    colour: str = "#555555"


@dataclass(frozen=True)
class Obstacle:
    """A box (`kind` "rectangle": x, y, width, height) or a can (`kind` "circle")."""

    kind: str
    x: float
    y: float
    width: float = 0.0
    height: float = 0.0
    radius: float = 0.0
    colour: str = "#a0522d"

    def segments(self) -> list[Segment]:
        if self.kind != "rectangle":
            return []
        x0, y0, x1, y1 = self.x, self.y, self.x + self.width, self.y + self.height
        return [(x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)]


@dataclass
class World:
    name: str
    title: str
    width: float
    height: float
    start: tuple[float, float, float]  # x, y (cm), heading (degrees)
    colour: str = "#ffffff"
    border: bool = True
    tracks: list[Track] = field(default_factory=list)
    walls: list[Wall] = field(default_factory=list)
    obstacles: list[Obstacle] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        self._line_buckets = _Buckets(LINE_BUCKET)
        # Tape segments, ready for the sensors' many questions: (ax, ay, dx, dy, 1/length²,
        # half-width²).
        self._line_cells: dict[tuple[int, int], list[tuple[float, ...]]] = {}
        for track in self.tracks:
            half = track.width / 2
            for segment in track.segments():
                self._line_buckets.add(segment, half)
        cells = self._line_buckets.cells
        prepared = {entry: _prepared(*entry) for entries in cells.values() for entry in entries}
        for cell, entries in cells.items():
            self._line_cells[cell] = [prepared[entry] for entry in entries]
        # Everything a robot bumps into or an ultrasonic echo comes back from, as segments
        # with a half-thickness; circles apart.
        self._solids: list[tuple[Segment, float]] = []
        for wall in self.walls:
            self._solids.append(((*wall.start, *wall.end), wall.thickness / 2))
        for obstacle in self.obstacles:
            self._solids.extend((segment, 0.0) for segment in obstacle.segments())
        if self.border:
            w, h = self.width, self.height
            for segment in ((0, 0, w, 0), (w, 0, w, h), (w, h, 0, h), (0, h, 0, 0)):
                self._solids.append((segment, 0.0))
        self._solid_buckets = _Buckets()
        for segment, half in self._solids:
            self._solid_buckets.add(segment, half + SOLID_REACH)
        self._circles = [
            (o.x, o.y, o.radius) for o in self.obstacles if o.kind == "circle" and o.radius > 0
        ]

    # -- what sensors and the body ask -------------------------------------------------------

    def on_line(self, x: float, y: float) -> bool:
        """Whether a point of the mat is on the black track."""
        for ax, ay, dx, dy, inverse, half2 in self._line_cells.get(
            (int(x // LINE_BUCKET), int(y // LINE_BUCKET)), ()
        ):
            t = ((x - ax) * dx + (y - ay) * dy) * inverse
            t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
            ex, ey = x - ax - t * dx, y - ay - t * dy
            if ex * ex + ey * ey <= half2:
                return True
        return False

    def clearance(self, x: float, y: float) -> float:
        """Distance (cm) from a point to the nearest solid surface (at most `SOLID_REACH`);
        negative inside one."""
        best = SOLID_REACH
        for (ax, ay, bx, by), reach in self._solid_buckets.cells.get(
            (int(x // BUCKET), int(y // BUCKET)), ()
        ):
            gap = _distance_to_segment(x, y, ax, ay, bx, by) - (reach - SOLID_REACH)
            if gap < best:
                best = gap
        for cx, cy, radius in self._circles:
            gap = math.hypot(x - cx, y - cy) - radius
            if gap < best:
                best = gap
        if self.border and not (0 <= x <= self.width and 0 <= y <= self.height):
            best = min(best, -1.0)
        return best

    def ray(self, x: float, y: float, heading_deg: float, max_cm: float) -> float | None:
        """Distance (cm) along a ray to the first solid surface, or None beyond `max_cm`."""
        dx, dy = math.cos(math.radians(heading_deg)), math.sin(math.radians(heading_deg))
        best: float | None = None
        for (ax, ay, bx, by), half in self._solids:
            hit = _ray_segment(x, y, dx, dy, ax, ay, bx, by, half)
            if hit is not None and hit <= max_cm and (best is None or hit < best):
                best = hit
        for cx, cy, radius in self._circles:
            hit = _ray_circle(x, y, dx, dy, cx, cy, radius)
            if hit is not None and hit <= max_cm and (best is None or hit < best):
                best = hit
        return best


class _Buckets:
    """Segments filed by the grid cells their thickened bounding box touches."""

    def __init__(self, size: float = BUCKET) -> None:
        self.size = size
        self.cells: dict[tuple[int, int], list[tuple[Segment, float]]] = {}

    def add(self, segment: Segment, half: float) -> None:
        ax, ay, bx, by = segment
        margin, size = half + 0.01, self.size
        x0, x1 = int((min(ax, bx) - margin) // size), int((max(ax, bx) + margin) // size)
        y0, y1 = int((min(ay, by) - margin) // size), int((max(ay, by) + margin) // size)
        for i in range(x0, x1 + 1):
            for j in range(y0, y1 + 1):
                self.cells.setdefault((i, j), []).append((segment, half))


def _prepared(segment: Segment, half: float) -> tuple[float, ...]:
    ax, ay, bx, by = segment
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    return (ax, ay, dx, dy, 1.0 / length2 if length2 else 0.0, half * half)


def _distance_to_segment(x: float, y: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
    return math.hypot(x - ax - t * dx, y - ay - t * dy)


def _ray_segment(
    x: float,
    y: float,
    dx: float,
    dy: float,
    ax: float,
    ay: float,
    bx: float,
    by: float,
    half: float,
) -> float | None:
    """Distance along the ray to the segment (pushed `half` towards the ray's origin)."""
    ex, ey = bx - ax, by - ay
    denominator = dx * ey - dy * ex
    if abs(denominator) < 1e-12:
        return None
    t = ((ax - x) * ey - (ay - y) * ex) / denominator
    u = ((ax - x) * dy - (ay - y) * dx) / denominator
    if t < 0 or u < 0 or u > 1:
        return None
    if half:
        # The face of a thick wall: the ray's angle to the wall decides how much nearer it is.
        sine = abs(denominator) / math.hypot(ex, ey)
        t = max(0.0, t - half / max(sine, 1e-6))
    return t


def _ray_circle(
    x: float, y: float, dx: float, dy: float, cx: float, cy: float, radius: float
) -> float | None:
    fx, fy = x - cx, y - cy
    b = fx * dx + fy * dy
    c = fx * fx + fy * fy - radius * radius
    disc = b * b - c
    if disc < 0:
        return None
    t = -b - math.sqrt(disc)
    if t < 0:
        t = -b + math.sqrt(disc)
    return t if t >= 0 else None


# -- reading a world file -----------------------------------------------------------------------


def find_world(name_or_path: str | None) -> Path:
    """The file of a shipped world (`piste`) or of a path a teacher gives."""
    path = world_file(name_or_path)
    if path is not None:
        return path
    name = (name_or_path or DEFAULT_WORLD).strip()
    raise WorldError(
        _(
            "There is no world '{name}'. Shipped worlds: {worlds}; or give the path of a "
            ".toml file."
        ).format(name=name, worlds=", ".join(shipped_worlds()))
    )


def load_world(name_or_path: str | None = None) -> World:
    path = find_world(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WorldError(
            _("Cannot read the world file '{path}': {error}").format(path=path, error=error)
        ) from error
    return parse_world(text, source=str(path), name=path.stem)


def parse_world(text: str, source: str = "<world>", name: str = "world") -> World:
    """A `World` from TOML text, or `WorldError` naming the line or the field at fault."""
    data = _toml(text, source)
    reader = _Reader(source)
    reader.known(data, "", ("name", "title", "mat", "start", "track", "wall", "obstacle"))
    mat = reader.table(data, "mat", required=True)
    reader.known(mat, "mat.", ("width", "height", "colour", "border"))
    width = reader.number(mat, "width", "mat.width", positive=True)
    height = reader.number(mat, "height", "mat.height", positive=True)
    start = reader.table(data, "start", required=True)
    reader.known(start, "start.", ("x", "y", "heading"))
    x = reader.number(start, "x", "start.x")
    y = reader.number(start, "y", "start.y")
    heading = reader.number(start, "heading", "start.heading", default=0.0)
    if not (0 <= x <= width and 0 <= y <= height):
        reader.fail("start", _("the start ({x}, {y}) is outside the mat").format(x=x, y=y))
    tracks, walls, obstacles = [], [], []
    for index, item in enumerate(reader.array(data, "track"), 1):
        where = f"track[{index}]"
        reader.known(item, f"{where}.", ("points", "closed", "ellipse", "width", "colour"))
        tracks.append(_track(reader, item, where))
    for index, item in enumerate(reader.array(data, "wall"), 1):
        where = f"wall[{index}]"
        reader.known(item, f"{where}.", ("from", "to", "thickness", "colour"))
        walls.append(_wall(reader, item, where))
    for index, item in enumerate(reader.array(data, "obstacle"), 1):
        reader.known(item, f"obstacle[{index}].", ("rectangle", "circle", "colour"))
        obstacles.append(_obstacle(reader, item, f"obstacle[{index}]"))
    return World(
        name=str(data.get("name", name)),
        title=reader.text(data, "title", "title", default=str(data.get("name", name))),
        width=width,
        height=height,
        start=(x, y, heading),
        colour=reader.text(mat, "colour", "mat.colour", default="#ffffff"),
        border=reader.boolean(mat, "border", "mat.border", default=True),
        tracks=tracks,
        walls=walls,
        obstacles=obstacles,
        source=source,
    )


def _toml(text: str, source: str) -> dict:
    """The TOML of a world file, or `WorldError` with the line and column at fault."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        detail = str(error)[: where.start()].strip() if where else str(error)
        raise WorldError(
            _(
                "The world file '{source}' is not valid TOML, line {line}, column {column}: "
                "{error} (the parser's words)."
            ).format(
                source=source,
                line=where[1] if where else "?",
                column=where[2] if where else "?",
                error=detail,
            )
        ) from error


def _wall(reader: _Reader, item: dict, where: str) -> Wall:
    return Wall(
        start=reader.point(item, "from", f"{where}.from"),
        end=reader.point(item, "to", f"{where}.to"),
        thickness=reader.number(
            item, "thickness", f"{where}.thickness", default=1.0, positive=True
        ),
        colour=reader.text(item, "colour", f"{where}.colour", default="#555555"),
    )


def _track(reader: _Reader, item: dict, where: str) -> Track:
    width = reader.number(item, "width", f"{where}.width", default=2.0, positive=True)
    colour = reader.text(item, "colour", f"{where}.colour", default="#111111")
    if "ellipse" in item:
        ellipse = reader.table(item, "ellipse", required=True, where=f"{where}.ellipse")
        cx, cy = reader.point(ellipse, "center", f"{where}.ellipse.center")
        rx, ry = reader.point(ellipse, "radii", f"{where}.ellipse.radii")
        if rx <= 0 or ry <= 0:
            reader.fail(f"{where}.ellipse.radii", _("the radii must be greater than 0"))
        points = tuple(
            (
                cx + rx * math.cos(2 * math.pi * k / ELLIPSE_SIDES),
                cy + ry * math.sin(2 * math.pi * k / ELLIPSE_SIDES),
            )
            for k in range(ELLIPSE_SIDES)
        )
        return Track(points, width, closed=True, colour=colour)
    raw = item.get("points")
    if not isinstance(raw, list) or len(raw) < 2:
        reader.fail(
            f"{where}.points",
            _("a track needs 'points', a list of at least two [x, y] pairs, or an 'ellipse'"),
        )
    points = tuple(
        reader.pair(point, f"{where}.points[{number}]") for number, point in enumerate(raw, 1)
    )
    closed = reader.boolean(item, "closed", f"{where}.closed", default=False)
    return Track(points, width, closed=closed, colour=colour)


def _obstacle(reader: _Reader, item: dict, where: str) -> Obstacle:
    colour = reader.text(item, "colour", f"{where}.colour", default="#a0522d")
    if "rectangle" in item:
        box = reader.table(item, "rectangle", required=True, where=f"{where}.rectangle")
        return Obstacle(
            "rectangle",
            reader.number(box, "x", f"{where}.rectangle.x"),
            reader.number(box, "y", f"{where}.rectangle.y"),
            width=reader.number(box, "width", f"{where}.rectangle.width", positive=True),
            height=reader.number(box, "height", f"{where}.rectangle.height", positive=True),
            colour=colour,
        )
    if "circle" in item:
        circle = reader.table(item, "circle", required=True, where=f"{where}.circle")
        cx, cy = reader.point(circle, "center", f"{where}.circle.center")
        radius = reader.number(circle, "radius", f"{where}.circle.radius", positive=True)
        return Obstacle("circle", cx, cy, radius=radius, colour=colour)
    reader.fail(where, _("an obstacle needs a 'rectangle' or a 'circle'"))
    raise AssertionError("unreachable")


class _Reader:
    """Checks fields one by one and names the first wrong one, in French."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> None:
        raise WorldError(
            _("The world file '{source}', field '{field}': {problem}.").format(
                source=self.source, field=where, problem=problem
            )
        )

    def known(self, data: dict, prefix: str, keys: tuple[str, ...]) -> None:
        unknown = sorted(set(data) - set(keys))
        if unknown:
            self.fail(prefix + unknown[0], _("unknown field (a typing mistake?)"))

    def table(self, data: dict, key: str, required: bool = False, where: str = "") -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(where or key, _("a table is expected here, such as [{key}]").format(key=key))
        return value  # type: ignore[return-value]

    def array(self, data: dict, key: str) -> list[dict]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(key, _("write each one as a [[{key}]] table").format(key=key))
        return value

    def number(
        self,
        data: dict,
        key: str,
        where: str,
        default: float | None = None,
        positive: bool = False,
    ) -> float:
        value = data.get(key, default)
        if value is None:
            self.fail(where, _("this field is missing (a number of centimetres)"))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, _("a number is expected, not {value!r}").format(value=value))
        if not math.isfinite(value) or (positive and value <= 0):
            self.fail(where, _("a number greater than 0 is expected"))
        return float(value)  # type: ignore[arg-type]

    def text(self, data: dict, key: str, where: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            self.fail(where, _("a text between quotes is expected"))
        return value

    def boolean(self, data: dict, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(where, _("true or false is expected"))
        return value

    def pair(self, value: object, where: str) -> Point:
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        ):
            self.fail(where, _("a pair of numbers [x, y] in centimetres is expected"))
        return (float(value[0]), float(value[1]))  # type: ignore[index]

    def point(self, data: dict, key: str, where: str) -> Point:
        if key not in data:
            self.fail(where, _("this field is missing (a pair of numbers [x, y])"))
        return self.pair(data[key], where)
