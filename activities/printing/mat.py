"""The mat, printed at 1:1 scale so the real robot runs on what the simulator ran.

The world file (device_bridge/sim/worlds/*.toml) is drawn by the simulator's own drawing code
(`device_bridge.sim.pictures.world_shapes`) in millimetres, then cut into tiles of A4 or A3:
each tile is what fits inside the printer's margins, and overlaps its right and bottom
neighbours by `OVERLAP_MM`, a grey strip on which the neighbour is glued. Cut marks at the
corners of the printed area, the tile's row and column, its neighbours' labels and a 10 cm bar
(to check that the printer did not shrink the page) are in the margins. A first page shows how
the tiles assemble.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from device_bridge.sim.pictures import world_shapes
from device_bridge.sim.robots.maqueen import MaqueenSpec
from device_bridge.sim.world import World
from tne.i18n import _, number

from .pdf import PAPERS, Pdf, html_to_pdf
from .typography import french_text

#: White paper all around the printed area: what printers cannot print, and room for the marks.
MARGIN_MM = 10.0
#: How far a tile's printed area runs under its right and bottom neighbours (the glue strip).
OVERLAP_MM = 10.0
#: The drawing's unit: SVG user units (mm) per cm of the world.
MM_PER_CM = 10.0
MARK_MM, MARK_GAP_MM = 6.0, 1.5
STEP_FONT_MM, STEP_LINE_MM = 3.1, 4.3
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


@dataclass(frozen=True)
class Tile:
    """One sheet: row and column from 1, and the part of the world (mm from the mat's top-left
    corner) its printed area shows."""

    row: int
    column: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return _("R{row} C{column}").format(row=self.row, column=self.column)


@dataclass(frozen=True)
class MatLayout:
    """How a world of `width` × `height` mm is cut into sheets of `paper`."""

    width: float
    height: float
    paper: str
    landscape: bool
    rows: int
    columns: int

    @property
    def page_size(self) -> tuple[float, float]:
        """The page's width and height (mm), as it comes out of the printer."""
        short, long = PAPERS[self.paper]
        return (long, short) if self.landscape else (short, long)

    @property
    def area(self) -> tuple[float, float]:
        """The printed area of a sheet (mm)."""
        page_width, page_height = self.page_size
        return page_width - 2 * MARGIN_MM, page_height - 2 * MARGIN_MM

    @property
    def tiles(self) -> list[Tile]:
        area_width, area_height = self.area
        return [
            Tile(
                row + 1,
                column + 1,
                column * (area_width - OVERLAP_MM),
                row * (area_height - OVERLAP_MM),
                area_width,
                area_height,
            )
            for row in range(self.rows)
            for column in range(self.columns)
        ]

    def tile(self, row: int, column: int) -> Tile | None:
        if 1 <= row <= self.rows and 1 <= column <= self.columns:
            return self.tiles[(row - 1) * self.columns + column - 1]
        return None


def _count(length: float, area: float) -> int:
    """Sheets in a row (or column) so that the printed areas, overlapping, reach `length`."""
    if length <= area:
        return 1
    return math.ceil((length - area) / (area - OVERLAP_MM) - 1e-9) + 1


def layout(world: World, paper: str = "A4") -> MatLayout:
    """The fewest sheets of `paper` for `world`, portrait or landscape (on a tie, the sheet
    turned like the mat)."""
    width, height = world.width * MM_PER_CM, world.height * MM_PER_CM
    options = []
    for landscape in (False, True):
        short, long = PAPERS[paper]
        page_width, page_height = (long, short) if landscape else (short, long)
        rows = _count(height, page_height - 2 * MARGIN_MM)
        columns = _count(width, page_width - 2 * MARGIN_MM)
        turned_like_mat = landscape == (width > height)
        options.append((rows * columns, not turned_like_mat, landscape, rows, columns))
    _, _, landscape, rows, columns = min(options)
    return MatLayout(width, height, paper, landscape, rows, columns)


# -- drawing -------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: float = 3.2, anchor: str = "start", **attrs) -> str:
    extra = "".join(f" {key.replace('_', '-')}='{value}'" for key, value in attrs.items())
    return (
        f"<text x='{_n(x)}' y='{_n(y)}' font-size='{_n(size)}' text-anchor='{anchor}' "
        f"fill='#000'{extra}>{escape(text)}</text>"
    )


def _start_marker(world: World, left: float, top: float, scale: float) -> list[str]:
    """Where the robot starts and where it faces: its body's outline and an arrow."""
    x, y, heading = world.start
    cx, cy = left + x * scale, top + y * scale
    radius = MaqueenSpec().body_radius_cm * scale
    turn = math.radians(heading)
    tip = (cx + math.cos(turn) * radius * 1.6, cy + math.sin(turn) * radius * 1.6)
    side = radius * 0.35

    def back(offset: float) -> str:
        bx = tip[0] - math.cos(turn) * side * 1.6 + math.cos(turn + math.pi / 2) * offset
        by = tip[1] - math.sin(turn) * side * 1.6 + math.sin(turn + math.pi / 2) * offset
        return f"{_n(bx)},{_n(by)}"

    width = max(0.2, scale * 0.05)
    return [
        f"<circle cx='{_n(cx)}' cy='{_n(cy)}' r='{_n(radius)}' fill='none' stroke='#000' "
        f"stroke-width='{_n(width)}' stroke-dasharray='{_n(width * 6)} {_n(width * 4)}'/>",
        f"<line x1='{_n(cx)}' y1='{_n(cy)}' x2='{_n(tip[0])}' y2='{_n(tip[1])}' stroke='#000' "
        f"stroke-width='{_n(width)}'/>",
        f"<polygon points='{_n(tip[0])},{_n(tip[1])} {back(side)} {back(-side)}' fill='#000'/>",
        _text(
            cx, cy + radius + 4 * scale / MM_PER_CM, _("start"), 3.5 * scale / MM_PER_CM, "middle"
        ),
    ]


def _crop_marks(x0: float, y0: float, x1: float, y1: float) -> list[str]:
    """Short lines in the margin extending the printed area's edges, at its four corners."""
    parts = []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        out_x = -1 if x == x0 else 1
        out_y = -1 if y == y0 else 1
        parts.append(
            f"<path d='M {_n(x + out_x * MARK_GAP_MM)} {_n(y)} h {_n(out_x * MARK_MM)} "
            f"M {_n(x)} {_n(y + out_y * MARK_GAP_MM)} v {_n(out_y * MARK_MM)}' "
            "stroke='#000' stroke-width='0.25' fill='none'/>"
        )
    return parts


def _glue_strip(x: float, y: float, length: float, vertical: bool, label: str) -> list[str]:
    """A grey strip `OVERLAP_MM` wide from (x, y), `length` long, with the dashed line the
    neighbour's edge goes on along its start and what to glue there; drawn lying, and turned
    a quarter (reading upwards) when vertical."""
    if vertical:
        origin = f"translate({_n(x)} {_n(y + length)}) rotate(-90)"
    else:
        origin = f"translate({_n(x)} {_n(y)})"
    return [
        f"<g transform='{origin}'>",
        f"<rect width='{_n(length)}' height='{_n(OVERLAP_MM)}' fill='#000' fill-opacity='0.12'/>",
        f"<line x2='{_n(length)}' stroke='#000' stroke-width='0.3' stroke-dasharray='2 1.5'/>",
        f"<g transform='translate({_n(length / 2)} {_n(OVERLAP_MM / 2)})'>",
        _text(0, 1, _("glue sheet {label} here").format(label=label), 2.8, "middle"),
        "</g></g>",
    ]


def _glue_strips(plan: MatLayout, tile: Tile) -> list[str]:
    """The grey strips covered by the right and bottom neighbours."""
    parts = []
    area_width, area_height = plan.area
    right = plan.tile(tile.row, tile.column + 1)
    if right is not None:
        x = MARGIN_MM + area_width - OVERLAP_MM
        parts += _glue_strip(x, MARGIN_MM, area_height, True, right.label)
    below = plan.tile(tile.row + 1, tile.column)
    if below is not None:
        y = MARGIN_MM + area_height - OVERLAP_MM
        parts += _glue_strip(MARGIN_MM, y, area_width, False, below.label)
    return parts


def _margin_labels(world: World, plan: MatLayout, tile: Tile, page: int, pages: int) -> list[str]:
    """Which sheet this is, its neighbours beside the edges they join, and the 10 cm bar."""
    page_width, page_height = plan.page_size
    name = _("{title}, sheet {label} (row {row}/{rows}, column {column}/{columns})").format(
        title=french_text(world.title),
        label=tile.label,
        row=tile.row,
        rows=plan.rows,
        column=tile.column,
        columns=plan.columns,
    )
    top_line, bottom_line = MARGIN_MM - 3, page_height - MARGIN_MM + 5
    parts = [
        _text(MARGIN_MM + 3, top_line, name, 3.2, font_weight="bold"),
        _text(page_width - MARGIN_MM, top_line, f"{page}/{pages}", 3, "end"),
    ]
    # The 10 cm bar, to check that the sheet was printed at its real size.
    bar_y = page_height - MARGIN_MM + 4
    parts.append(
        f"<path d='M {_n(MARGIN_MM)} {_n(bar_y - 1.2)} v 2.4 M {_n(MARGIN_MM)} {_n(bar_y)} "
        f"h 100 M {_n(MARGIN_MM + 100)} {_n(bar_y - 1.2)} v 2.4' stroke='#000' "
        "stroke-width='0.3' fill='none'/>"
    )
    parts.append(_text(MARGIN_MM + 50, bar_y - 1.5, _("10 cm"), 2.4, "middle"))
    parts.append(
        _text(
            MARGIN_MM + 103,
            bar_y + 1,
            _("check with a ruler: printed at actual size, this bar measures 10 cm"),
            2.4,
        )
    )
    above = plan.tile(tile.row - 1, tile.column)
    if above is not None:
        parts.append(_text(page_width - MARGIN_MM - 14, top_line, f"↑ {above.label}", 3, "end"))
    below = plan.tile(tile.row + 1, tile.column)
    if below is not None:
        parts.append(_text(page_width - MARGIN_MM, bottom_line, f"↓ {below.label}", 3, "end"))
    middle_y = page_height / 2
    for neighbour, x, angle in (
        (plan.tile(tile.row, tile.column - 1), MARGIN_MM / 2 + 1, -90),
        (plan.tile(tile.row, tile.column + 1), page_width - MARGIN_MM / 2 - 1, 90),
    ):
        if neighbour is not None:
            parts.append(
                f"<g transform='translate({_n(x)} {_n(middle_y)}) rotate({angle})'>"
                + _text(0, 0, f"↑ {neighbour.label}", 3, "middle")
                + "</g>"
            )
    return parts


def tile_svg(world: World, plan: MatLayout, tile: Tile, page: int, pages: int) -> str:
    page_width, page_height = plan.page_size
    left, top = MARGIN_MM - tile.x, MARGIN_MM - tile.y
    clip = f"clip-{tile.row}-{tile.column}"
    x1, y1 = MARGIN_MM + tile.width, MARGIN_MM + tile.height
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_n(page_width)}mm' "
        f"height='{_n(page_height)}mm' viewBox='0 0 {_n(page_width)} {_n(page_height)}' {FONT}>",
        f"<defs><clipPath id='{clip}'><rect x='{_n(MARGIN_MM)}' y='{_n(MARGIN_MM)}' "
        f"width='{_n(tile.width)}' height='{_n(tile.height)}'/></clipPath></defs>",
        f"<g clip-path='url(#{clip})'>",
        *world_shapes(world, MM_PER_CM, left, top, border_width=0.8, background="#ffffff"),
        *_start_marker(world, left, top, MM_PER_CM),
        "</g>",
        *_glue_strips(plan, tile),
        *_crop_marks(MARGIN_MM, MARGIN_MM, x1, y1),
        *_margin_labels(world, plan, tile, page, pages),
        "</svg>",
    ]
    return "\n".join(parts)


def _own_end(plan: MatLayout, tile: Tile) -> tuple[float, float]:
    """Where the next sheet starts, or the mat's edge for the last row or column."""
    right = plan.tile(tile.row, tile.column + 1)
    below = plan.tile(tile.row + 1, tile.column)
    return (
        right.x if right is not None else plan.width,
        below.y if below is not None else plan.height,
    )


def start_text(world: World) -> str:
    """Where the robot starts, measured from the mat's edges, and where it faces."""
    x, y, heading = world.start
    facing = {
        0: _("facing right"),
        90: _("facing down the mat"),
        180: _("facing left"),
        270: _("facing up the mat"),
    }.get(round(heading) % 360 if float(heading).is_integer() else -1)
    if facing is None:
        facing = _("facing {degrees}° (0° is right, 90° down the mat)").format(
            degrees=number(heading)
        )
    return _(
        "The robot starts {x} cm from the left edge and {y} cm from the top, {facing}."
    ).format(x=number(x), y=number(y), facing=facing)


def is_bare(world: World) -> bool:
    """A mat with nothing drawn on it: no track, wall or obstacle."""
    return not (world.tracks or world.walls or world.obstacles)


def _wrap(text: str, width_mm: float, font_mm: float) -> list[str]:
    """Lines of `text` that fit `width_mm` (SVG text does not wrap); DejaVu Sans averages
    about 0.55 em per character."""
    return textwrap.wrap(text, max(20, int(width_mm / (0.56 * font_mm))), subsequent_indent="   ")


def plan_svg(world: World, plan: MatLayout, pages: int) -> str:
    """The first page: the whole mat, small, with the sheets drawn on it and how to assemble."""
    page_width, page_height = plan.page_size
    area_width, area_height = plan.area
    steps = [
        _("1. Print at 100 % (actual size), then check the 10 cm bar of a sheet with a ruler."),
        _(
            "2. Cut each sheet along its cut marks, on the left and top sides (not on the first "
            "column or the first row)."
        ),
        _(
            "3. Row by row, from the top left: lay each sheet's cut edge on the dashed line of "
            "its neighbour, so that the drawing continues, and glue or tape it on the grey strip."
        ),
        _("4. Tape the rows together the same way, then the mat to the floor or the table."),
    ]
    lines = [line for step in steps for line in _wrap(step, area_width, STEP_FONT_MM)]
    heading = 24 + STEP_LINE_MM * len(lines)
    scale = min(area_width / plan.width, (area_height - heading - 4) / plan.height) * MM_PER_CM
    left = MARGIN_MM + (area_width - plan.width * scale / MM_PER_CM) / 2
    top = MARGIN_MM + heading
    title = _("Mat « {title} »: {width} × {height} cm at actual size").format(
        title=french_text(world.title), width=number(world.width), height=number(world.height)
    )
    count = _("{sheets} sheets {paper}, {rows} rows of {columns}, plus this plan").format(
        sheets=plan.rows * plan.columns, paper=plan.paper, rows=plan.rows, columns=plan.columns
    )
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_n(page_width)}mm' "
        f"height='{_n(page_height)}mm' viewBox='0 0 {_n(page_width)} {_n(page_height)}' {FONT}>",
        _text(MARGIN_MM, MARGIN_MM + 4, title, 5.5, font_weight="bold"),
        _text(MARGIN_MM, MARGIN_MM + 10, count, 3.6),
        _text(MARGIN_MM, MARGIN_MM + 15.5, start_text(world), 3.6),
        *(
            _text(MARGIN_MM, MARGIN_MM + 22 + STEP_LINE_MM * i, line, STEP_FONT_MM)
            for i, line in enumerate(lines)
        ),
        *world_shapes(world, scale, left, top, border_width=0.4, background="#ffffff"),
        *_start_marker(world, left, top, scale),
    ]
    for tile in plan.tiles:
        # Each sheet's own part (what its right and bottom neighbours do not cover), labelled.
        x1, y1 = _own_end(plan, tile)
        x, y = left + tile.x * scale / MM_PER_CM, top + tile.y * scale / MM_PER_CM
        width = (x1 - tile.x) * scale / MM_PER_CM
        height = (y1 - tile.y) * scale / MM_PER_CM
        parts.append(
            f"<rect x='{_n(x)}' y='{_n(y)}' width='{_n(width)}' height='{_n(height)}' "
            "fill='none' stroke='#000' stroke-width='0.25' stroke-dasharray='1.2 0.8'/>"
        )
        size = max(1.2, min(3.5, width / 6, height * 0.7))
        parts.append(_text(x + width / 2, y + height / 2 + size / 3, tile.label, size, "middle"))
    parts.append(_text(page_width - MARGIN_MM, page_height - MARGIN_MM / 2, f"1/{pages}", 3, "end"))
    parts.append("</svg>")
    return "\n".join(parts)


def mat_html(world: World, plan: MatLayout) -> str:
    page_width, page_height = plan.page_size
    tiles = plan.tiles
    pages = len(tiles) + 1
    svgs = [plan_svg(world, plan, pages)] + [
        tile_svg(world, plan, tile, number + 2, pages) for number, tile in enumerate(tiles)
    ]
    body = "".join(f'<div class="sheet">{svg}</div>' for svg in svgs)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(world.title)}</title><style>"
        f"@page {{ size: {_n(page_width)}mm {_n(page_height)}mm; margin: 0; }}"
        "html, body { margin: 0; padding: 0; }"
        f".sheet {{ width: {_n(page_width)}mm; height: {_n(page_height)}mm; overflow: hidden; "
        "break-after: page; }"
        ".sheet:last-child { break-after: auto; }"
        ".sheet svg { display: block; }"
        f"</style></head><body>{body}</body></html>"
    )


def mat_pdf(world: World, paper: str = "A4") -> tuple[Pdf, MatLayout]:
    """The mat's PDF (the plan, then the sheets row by row) and its layout."""
    plan = layout(world, paper)
    source = Path(world.source).parent if world.source else Path.cwd()
    return html_to_pdf(mat_html(world, plan), source), plan
