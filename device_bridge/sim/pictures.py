"""Pictures of a simulated run without Jupyter: SVG files a teacher opens in any browser.

- `world_svg(world, trace)`: the mat seen from above, with the track, walls and obstacles, the
  robot's path, its start (green) and end (the robot drawn with its heading), collisions (red
  crosses), a 10 cm scale and a legend in French.
- `animation_svg(world, trace)`: the same, with the robot driving along its path (SMIL
  animation, played by browsers without any script), sped up to last at most `MAX_PLAY_S`.
- `leds_svg(pixels)`: the 5 × 5 LED matrix as the board showed it.

Coordinates are the world's (cm, y downwards), drawn at `SCALE` pixels per cm.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

from tne.i18n import _, ngettext, number

from .robots.maqueen import MaqueenSpec
from .trace import Pose, Trace, pixels_of
from .world import World

Point = tuple[float, float]

#: Pixels per cm.
SCALE = 4.0
#: Height of the title band above the mat and of the legend band below it (px).
TITLE_PX, LEGEND_PX, MARGIN_PX = 52.0, 64.0, 16.0
PATH_COLOUR, START_COLOUR, END_COLOUR, COLLISION_COLOUR = "#1f6fd1", "#1a9a3a", "#333", "#d62728"
#: An animation lasts at most this many seconds, whatever the simulated duration.
MAX_PLAY_S = 20.0
#: At most this many key frames in an animation.
MAX_KEYS = 400
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as xml.sax.saxutils' `escape` does (that module imports
    urllib.request, a tenth of `tne run`'s start-up, for nothing a picture needs)."""
    return html.escape(text, quote=False)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class _Canvas:
    """Where the world's centimetres land: `scale` units per cm from (`left`, `top`)."""

    def __init__(
        self,
        world: World,
        scale: float = SCALE,
        left: float = MARGIN_PX,
        top: float = TITLE_PX,
        border_width: float = 3.0,
        background: str | None = None,
    ) -> None:
        self.world = world
        self.scale, self.left, self.top = scale, left, top
        self.border_width = border_width
        self.background = world.colour if background is None else background
        self.width = world.width * SCALE + 2 * MARGIN_PX
        self.height = world.height * SCALE + TITLE_PX + LEGEND_PX + MARGIN_PX

    def x(self, cm: float) -> str:
        return _number(self.left + cm * self.scale)

    def y(self, cm: float) -> str:
        return _number(self.top + cm * self.scale)


def _header(canvas: _Canvas, title: str) -> list[str]:
    return [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_number(canvas.width)}' "
        f"height='{_number(canvas.height)}' viewBox='0 0 {_number(canvas.width)} "
        f"{_number(canvas.height)}' {FONT}>",
        f"<title>{escape(title)}</title>",
        "<rect width='100%' height='100%' fill='#fafafa'/>",
    ]


def _world(canvas: _Canvas) -> list[str]:
    world, parts, scale = canvas.world, [], canvas.scale
    border = "#444" if world.border else "#bbb"
    parts.append(
        f"<rect x='{canvas.x(0)}' y='{canvas.y(0)}' width='{_number(world.width * scale)}' "
        f"height='{_number(world.height * scale)}' fill='{escape(canvas.background)}' "
        f"stroke='{border}' stroke-width='{_number(canvas.border_width)}'/>"
    )
    for track in world.tracks:
        points = list(track.points) + ([track.points[0]] if track.closed else [])
        parts.append(
            f"<polyline points='{' '.join(f'{canvas.x(px)},{canvas.y(py)}' for px, py in points)}'"
            f" fill='none' stroke='{escape(track.colour)}' "
            f"stroke-width='{_number(track.width * scale)}' stroke-linejoin='round'/>"
        )
    for wall in world.walls:
        parts.append(
            f"<line x1='{canvas.x(wall.start[0])}' y1='{canvas.y(wall.start[1])}' "
            f"x2='{canvas.x(wall.end[0])}' y2='{canvas.y(wall.end[1])}' "
            f"stroke='{escape(wall.colour)}' stroke-width='{_number(wall.thickness * scale)}' "
            "stroke-linecap='butt'/>"
        )
    for obstacle in world.obstacles:
        if obstacle.kind == "circle":
            parts.append(
                f"<circle cx='{canvas.x(obstacle.x)}' cy='{canvas.y(obstacle.y)}' "
                f"r='{_number(obstacle.radius * scale)}' fill='{escape(obstacle.colour)}'/>"
            )
        else:
            parts.append(
                f"<rect x='{canvas.x(obstacle.x)}' y='{canvas.y(obstacle.y)}' "
                f"width='{_number(obstacle.width * scale)}' "
                f"height='{_number(obstacle.height * scale)}' fill='{escape(obstacle.colour)}'/>"
            )
    return parts


def world_shapes(
    world: World,
    scale: float,
    left: float = 0.0,
    top: float = 0.0,
    border_width: float = 3.0,
    background: str | None = None,
) -> list[str]:
    """The mat and what lies on it (track, walls, obstacles) as SVG elements, `scale` user
    units per cm with the mat's corner at (`left`, `top`): the screen pictures and the printed
    mat (activities/printing/mat.py) draw the world with this one code."""
    return _world(_Canvas(world, scale, left, top, border_width, background))


def _robot(x: str, y: str, heading: float, extra: str = "") -> str:
    """The robot seen from above: a body, two wheels, an arrow for where it faces."""
    spec = MaqueenSpec()
    body = spec.body_radius_cm * SCALE
    wheel = spec.wheel_radius_cm * SCALE
    half_base = spec.wheel_base_cm / 2 * SCALE
    return (
        f"<g transform='translate({x} {y}) rotate({_number(heading)})'>{extra}"
        f"<rect x='{_number(-body)}' y='{_number(-body)}' width='{_number(2 * body)}' "
        f"height='{_number(2 * body)}' rx='{_number(body / 3)}' fill='{END_COLOUR}' "
        "fill-opacity='0.85'/>"
        f"<rect x='{_number(-wheel)}' y='{_number(-half_base - 3)}' width='{_number(2 * wheel)}' "
        "height='6' fill='#111'/>"
        f"<rect x='{_number(-wheel)}' y='{_number(half_base - 3)}' width='{_number(2 * wheel)}' "
        "height='6' fill='#111'/>"
        f"<path d='M {_number(body * 0.9)} 0 L {_number(-body * 0.3)} {_number(-body * 0.55)} "
        f"L {_number(-body * 0.3)} {_number(body * 0.55)} Z' fill='#ffd400'/></g>"
    )


def _path(canvas: _Canvas, poses: list[Pose], extra: str = "") -> str:
    if len(poses) < 2:
        return ""
    points = " ".join(f"{canvas.x(p.x)},{canvas.y(p.y)}" for p in poses)
    return (
        f"<polyline points='{points}' fill='none' stroke='{PATH_COLOUR}' stroke-width='2.5' "
        f"stroke-linejoin='round' stroke-linecap='round' stroke-opacity='0.9'{extra}/>"
    )


def _start(canvas: _Canvas, pose: Pose) -> str:
    return (
        f"<circle cx='{canvas.x(pose.x)}' cy='{canvas.y(pose.y)}' r='7' fill='{START_COLOUR}' "
        "stroke='white' stroke-width='2'/>"
    )


def _collisions(canvas: _Canvas, trace: Trace) -> list[str]:
    parts = []
    for event in trace.collisions():
        x, y = float(canvas.x(event["x"])), float(canvas.y(event["y"]))
        parts.append(
            f"<path d='M {_number(x - 7)} {_number(y - 7)} L {_number(x + 7)} {_number(y + 7)} "
            f"M {_number(x - 7)} {_number(y + 7)} L {_number(x + 7)} {_number(y - 7)}' "
            f"stroke='{COLLISION_COLOUR}' stroke-width='3.5' stroke-linecap='round'/>"
        )
    return parts


def _title(canvas: _Canvas, trace: Trace | None) -> list[str]:
    world = canvas.world
    title = _("World: {title}").format(title=world.title)
    parts = [
        f"<text x='{_number(MARGIN_PX)}' y='22' font-size='18' font-weight='bold' "
        f"fill='#222'>{escape(title)}</text>"
    ]
    if trace is not None:
        collisions = len(trace.collisions())
        line = ngettext(
            "{seconds} s simulated · {cm} cm travelled · {collisions} collision",
            "{seconds} s simulated · {cm} cm travelled · {collisions} collisions",
            collisions,
        ).format(
            seconds=number(trace.duration_ms() / 1000, 1),
            cm=number(trace.distance_travelled(), 0),
            collisions=collisions,
        )
        parts.append(
            f"<text x='{_number(MARGIN_PX)}' y='42' font-size='13' fill='#444'>"
            f"{escape(line)}</text>"
        )
    return parts


def _legend(canvas: _Canvas, moving: bool = False) -> list[str]:
    top = TITLE_PX + canvas.world.height * SCALE + 14
    x = MARGIN_PX
    parts = []
    # The scale: 10 cm.
    length = 10 * SCALE
    ten_cm = _("10 cm")
    parts.append(
        f"<path d='M {_number(x)} {_number(top + 6)} v 8 h {_number(length)} v -8' fill='none' "
        "stroke='#222' stroke-width='2'/>"
        f"<text x='{_number(x + length / 2)}' y='{_number(top + 30)}' font-size='12' "
        f"text-anchor='middle'>{escape(ten_cm)}</text>"
    )
    x += length + 24
    items = [
        (f"<circle cx='{{x}}' cy='{{y}}' r='6' fill='{START_COLOUR}'/>", _("start")),
        (
            f"<line x1='{{x0}}' y1='{{y}}' x2='{{x1}}' y2='{{y}}' stroke='{PATH_COLOUR}' "
            "stroke-width='3'/>",
            _("path of the robot"),
        ),
        (
            f"<rect x='{{x0}}' y='{{y0}}' width='14' height='14' rx='4' fill='{END_COLOUR}'/>",
            _("the robot (the yellow arrow shows where it faces)")
            if moving
            else _("end (the yellow arrow shows where it faces)"),
        ),
        (
            f"<path d='M {{x0}} {{y0}} l 12 12 M {{x0}} {{y1}} l 12 -12' "
            f"stroke='{COLLISION_COLOUR}' stroke-width='3'/>",
            _("collision"),
        ),
    ]
    y = top + 12
    for shape, label in items:
        parts.append(
            shape.format(
                x=_number(x + 7),
                y=_number(y),
                x0=_number(x),
                x1=_number(x + 16),
                y0=_number(y - 7),
                y1=_number(y + 6),
            )
        )
        parts.append(
            f"<text x='{_number(x + 22)}' y='{_number(y + 4)}' font-size='12' fill='#222'>"
            f"{escape(label)}</text>"
        )
        x += 30 + 6.5 * len(label)
        if x > canvas.width - 120:
            x, y = MARGIN_PX + length + 24, y + 22
    return parts


def world_svg(world: World, trace: Trace | None = None) -> str:
    """The world from above, with the robot's path when a trace is given."""
    canvas = _Canvas(world)
    parts = _header(canvas, world.title) + _title(canvas, trace) + _world(canvas)
    poses = trace.poses() if trace is not None else []
    if poses:
        parts.append(_path(canvas, poses))
        parts.append(_start(canvas, poses[0]))
        parts.extend(_collisions(canvas, trace))  # type: ignore[arg-type]
        end = poses[-1]
        parts.append(_robot(canvas.x(end.x), canvas.y(end.y), end.heading))
    else:
        x, y, heading = world.start
        parts.append(_robot(canvas.x(x), canvas.y(y), heading))
    parts.extend(_legend(canvas))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _keys(poses: list[Pose]) -> list[Pose]:
    if len(poses) <= MAX_KEYS:
        return poses
    step = len(poses) / (MAX_KEYS - 1)
    return [poses[min(len(poses) - 1, round(k * step))] for k in range(MAX_KEYS - 1)] + [poses[-1]]


def animation_svg(world: World, trace: Trace) -> str:
    """The run, replayed: the robot drives along its path (SMIL, looping)."""
    canvas = _Canvas(world)
    parts = _header(canvas, world.title) + _title(canvas, trace) + _world(canvas)
    poses = trace.poses()
    if len(poses) < 2:
        return world_svg(world, trace)
    keys = _keys(poses)
    t0, t1 = keys[0].t, keys[-1].t
    span = max(t1 - t0, 1.0)
    play = min(MAX_PLAY_S, span / 1000)
    times = ";".join(_number((k.t - t0) / span) for k in keys)
    # The path draws itself as the robot goes: a dash offset that follows the distance.
    lengths = [0.0]
    for a, b in zip(keys, keys[1:], strict=False):
        lengths.append(lengths[-1] + math.hypot(b.x - a.x, b.y - a.y))
    total = max(lengths[-1], 1e-6)
    offsets = ";".join(_number(1 - length / total) for length in lengths)
    path = _path(
        canvas,
        keys,
        extra=" pathLength='1' stroke-dasharray='1 1' stroke-dashoffset='1'",
    ).replace(
        "/>",
        f"><animate attributeName='stroke-dashoffset' dur='{_number(play)}s' "
        f"repeatCount='indefinite' values='{offsets}' keyTimes='{times}' calcMode='linear'/>"
        "</polyline>",
    )
    parts.append(path)
    parts.append(_start(canvas, poses[0]))
    parts.extend(_collisions(canvas, trace))
    translate = ";".join(f"{canvas.x(k.x)} {canvas.y(k.y)}" for k in keys)
    # Headings unwrapped, so that 359° -> 1° turns 2°, not back round.
    unwrapped = [keys[0].heading]
    for k in keys[1:]:
        delta = (k.heading - unwrapped[-1] + 180) % 360 - 180
        unwrapped.append(unwrapped[-1] + delta)
    rotate = ";".join(_number(h) for h in unwrapped)
    common = f"dur='{_number(play)}s' repeatCount='indefinite' keyTimes='{times}'"
    robot = _robot("0", "0", 0).replace(
        "<g transform='translate(0 0) rotate(0)'>",
        "<g><animateTransform attributeName='transform' type='rotate' "
        f"values='{rotate}' {common}/>",
    )
    parts.append(
        f"<g><animateTransform attributeName='transform' type='translate' values='{translate}' "
        f"{common}/>{robot}</g>"
    )
    note = _("Replay: {play} s for {real} s simulated.").format(
        play=number(play, 0), real=number(span / 1000, 0)
    )
    parts.append(
        f"<text x='{_number(canvas.width - MARGIN_PX)}' y='22' font-size='12' fill='#444' "
        f"text-anchor='end'>{escape(note)}</text>"
    )
    parts.extend(_legend(canvas, moving=True))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def leds_svg(image: object, size: int = 200) -> str:
    """The 5 × 5 LED matrix showing `image` (an Image or `"09090:99999:..."`)."""
    rows = pixels_of(image).split(":")
    cell = size / 5
    title = _("LEDs of the micro:bit")
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size}' "
        f"viewBox='0 0 {size} {size}'>",
        f"<title>{escape(title)}</title>",
        f"<rect width='{size}' height='{size}' rx='{_number(cell / 3)}' fill='#1b1b1b'/>",
    ]
    for y in range(5):
        row = rows[y] if y < len(rows) else ""
        for x in range(5):
            value = int(row[x]) if x < len(row) and row[x].isdigit() else 0
            colour = "#ff2a1a" if value else "#3a1512"
            opacity = _number(0.25 + 0.75 * value / 9) if value else "1"
            parts.append(
                f"<rect x='{_number(x * cell + cell * 0.3)}' y='{_number(y * cell + cell * 0.15)}' "
                f"width='{_number(cell * 0.4)}' height='{_number(cell * 0.7)}' rx='3' "
                f"fill='{colour}' fill-opacity='{opacity}'/>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _font(size: int):
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "arial.ttf", "Arial.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def animation_gif(world: World, trace: Trace, width_px: int = 480, fps: int = 10) -> bytes:
    """The run replayed as an animated GIF (Pillow), for places where SVG animations do not
    play (e-mail, some learning platforms): at most `MAX_PLAY_S` long, looping."""
    from io import BytesIO

    poses = trace.poses()
    if len(poses) < 2:
        instants: list[float | None] = [None]
    else:
        t0, t1 = poses[0].t, poses[-1].t
        span = max(t1 - t0, 1.0)
        count = max(2, round(min(MAX_PLAY_S, span / 1000) * fps))
        instants = [t0 + span * number / (count - 1) for number in range(count)]
    frames = _raster_frames(world, trace, width_px, instants)
    out = BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=round(1000 / fps),
        loop=0,
    )
    return out.getvalue()


def world_png(world: World, trace: Trace | None = None, width_px: int = 800) -> bytes:
    """The world and the whole path as a PNG (Pillow), for places that show no SVG."""
    from io import BytesIO

    poses = trace.poses() if trace is not None else []
    instant = poses[-1].t if len(poses) >= 2 else None
    (frame,) = _raster_frames(world, trace, width_px, [instant])
    out = BytesIO()
    frame.save(out, format="PNG")
    return out.getvalue()


def _raster_frames(world: World, trace: Trace | None, width_px: int, instants: list) -> list:
    """The world drawn with Pillow, then one picture per instant (simulated ms) with the path
    up to it; an instant of None gives the world alone."""
    poses = trace.poses() if trace is not None else []
    scale = width_px / world.width
    top = 28  # the title band
    size = (width_px, round(world.height * scale) + top)

    def at(x: float, y: float) -> Point:
        return (x * scale, top + y * scale)

    base = _raster_world(world, size, scale, at)
    if len(poses) < 2:
        return [base]
    collisions = trace.collisions() if trace is not None else []
    radius = MaqueenSpec().body_radius_cm * scale
    frames, index = [], 0
    for now in instants:
        if now is None:
            frames.append(base.copy())
            continue
        while index + 1 < len(poses) and poses[index + 1].t <= now:
            index += 1
        frames.append(_raster_path(base, poses[: index + 1], collisions, now, at, radius))
    return frames


def _raster_world(
    world: World, size: tuple[int, int], scale: float, at: Callable[[float, float], Point]
):
    """The mat, its tracks, walls and obstacles, and the title, as a Pillow image."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    base = PILImage.new("RGB", size, "#fafafa")
    draw = ImageDraw.Draw(base)
    draw.rectangle([at(0, 0), at(world.width, world.height)], fill=world.colour, outline="#444")
    for track in world.tracks:
        points = list(track.points) + ([track.points[0]] if track.closed else [])
        draw.line(
            [at(*p) for p in points], fill=track.colour, width=max(1, round(track.width * scale))
        )
    for wall in world.walls:
        draw.line(
            [at(*wall.start), at(*wall.end)],
            fill=wall.colour,
            width=max(1, round(wall.thickness * scale)),
        )
    for obstacle in world.obstacles:
        if obstacle.kind == "circle":
            r = obstacle.radius
            draw.ellipse(
                [at(obstacle.x - r, obstacle.y - r), at(obstacle.x + r, obstacle.y + r)],
                fill=obstacle.colour,
            )
        else:
            draw.rectangle(
                [
                    at(obstacle.x, obstacle.y),
                    at(obstacle.x + obstacle.width, obstacle.y + obstacle.height),
                ],
                fill=obstacle.colour,
            )
    draw.text((6, 6), _("World: {title}").format(title=world.title), fill="#222", font=_font(14))
    return base


def _raster_path(
    base,
    poses: list,
    collisions: list,
    now: float,
    at: Callable[[float, float], Point],
    radius: float,
):
    """A copy of `base` with the path so far (`poses`), the start, the collisions up to `now`
    and the robot where it last was."""
    from PIL import ImageDraw

    frame = base.copy()
    pen = ImageDraw.Draw(frame)
    path = [at(p.x, p.y) for p in poses]
    if len(path) > 1:
        pen.line(path, fill=PATH_COLOUR, width=2, joint="curve")
    sx, sy = at(poses[0].x, poses[0].y)
    pen.ellipse([sx - 4, sy - 4, sx + 4, sy + 4], fill=START_COLOUR)
    for event in collisions:
        if event["t"] <= now:
            cx, cy = at(event["x"], event["y"])
            pen.line([cx - 5, cy - 5, cx + 5, cy + 5], fill=COLLISION_COLOUR, width=3)
            pen.line([cx - 5, cy + 5, cx + 5, cy - 5], fill=COLLISION_COLOUR, width=3)
    pose = poses[-1]
    _robot_shape(pen, at(pose.x, pose.y), pose.heading, radius)
    return frame


def _robot_shape(pen, centre: tuple[float, float], heading: float, radius: float) -> None:
    """The robot from above: a dark square turned to its heading, a yellow arrow in front."""
    x, y = centre
    turn = math.radians(heading)
    cos, sin = math.cos(turn), math.sin(turn)

    def point(forward: float, right: float) -> tuple[float, float]:
        return (x + forward * cos - right * sin, y + forward * sin + right * cos)

    r = max(radius, 4.0)
    pen.polygon([point(r, -r), point(r, r), point(-r, r), point(-r, -r)], fill=END_COLOUR)
    pen.polygon(
        [point(0.9 * r, 0), point(-0.3 * r, -0.55 * r), point(-0.3 * r, 0.55 * r)], fill="#ffd400"
    )
