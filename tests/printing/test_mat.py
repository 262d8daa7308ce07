"""The printed mat measures what the world file says: every page is the paper asked for, the
sheets cover the whole mat, and a known distance of the world (its width, a track) measures the
right length in PDF points on the page (1 mm = 72/25.4 pt)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from pypdf import PdfReader

from activities.printing import print_activity
from activities.printing.mat import (
    MARGIN_MM,
    OVERLAP_MM,
    MatLayout,
    _count,
    layout,
    mat_pdf,
    start_text,
)
from activities.printing.pdf import PAPERS, PT_PER_MM
from device_bridge.sim.world import load_world, parse_world
from tests.printing.conftest import MEASURED_WORLD, write_activity
from tests.printing.pdf_geometry import drawing

#: Half a tenth of a millimetre: the drawing rounds coordinates to 0.01 mm.
TOLERANCE_PT = 0.05 * PT_PER_MM


def _covers(plan: MatLayout) -> None:
    """The sheets' printed areas, overlapping by OVERLAP_MM, reach every edge of the mat."""
    tiles = plan.tiles
    assert len(tiles) == plan.rows * plan.columns
    first_row = [t for t in tiles if t.row == 1]
    first_column = [t for t in tiles if t.column == 1]
    assert first_row[0].x == 0 and first_column[0].y == 0
    for a, b in zip(first_row, first_row[1:], strict=False):
        assert math.isclose(b.x, a.x + a.width - OVERLAP_MM)
    for a, b in zip(first_column, first_column[1:], strict=False):
        assert math.isclose(b.y, a.y + a.height - OVERLAP_MM)
    assert first_row[-1].x + first_row[-1].width >= plan.width
    assert first_column[-1].y + first_column[-1].height >= plan.height
    # And no sheet too many: one column (row) fewer would not reach the edge.
    if plan.columns > 1:
        assert first_row[-2].x + first_row[-2].width < plan.width
    if plan.rows > 1:
        assert first_column[-2].y + first_column[-2].height < plan.height


@pytest.mark.parametrize("world_name", ["tapis", "piste", "labyrinthe"])
@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_sheets_of_every_shipped_world_cover_the_whole_mat(world_name: str, paper: str) -> None:
    world = load_world(world_name)
    plan = layout(world, paper)
    assert (plan.width, plan.height) == (world.width * 10, world.height * 10)
    area_width, area_height = plan.area
    page_width, page_height = plan.page_size
    assert {page_width, page_height} == set(PAPERS[paper])
    assert (area_width, area_height) == (page_width - 2 * MARGIN_MM, page_height - 2 * MARGIN_MM)
    _covers(plan)


@pytest.mark.parametrize(
    ("width", "height"), [(10, 10), (19, 27.7), (19.1, 10), (50, 30), (123.4, 56.7), (300, 20)]
)
def test_sheets_cover_mats_of_odd_sizes_with_the_fewest_sheets(width: float, height: float) -> None:
    text = MEASURED_WORLD.replace("width = 50", f"width = {width}").replace(
        "height = 30", f"height = {height}"
    )
    text = text.replace("x = 40\ny = 20", "x = 1\ny = 1")
    plan = layout(parse_world(text), "A4")
    _covers(plan)
    # The other orientation would need at least as many sheets.
    turned = MatLayout(plan.width, plan.height, "A4", not plan.landscape, 1, 1)
    area_width, area_height = turned.area
    assert _count(plan.width, area_width) * _count(plan.height, area_height) >= len(plan.tiles)


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_every_page_of_the_mat_pdf_has_the_paper_size_asked(paper: str) -> None:
    world = load_world("labyrinthe")
    pdf, plan = mat_pdf(world, paper)
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages == plan.rows * plan.columns + 1
    short, long = (side * PT_PER_MM for side in PAPERS[paper])
    for page in reader.pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx([short, long], abs=0.01)
    # The shipped world's own size, on the first sheet: its outline is 150 × 150 cm at 1:1.
    outline = (1500 * PT_PER_MM, 1500 * PT_PER_MM)
    assert any(
        r[2:] == pytest.approx(outline, abs=TOLERANCE_PT)
        for r in drawing(reader.pages[1]).rectangles
    )


def _page_point(plan: MatLayout, x_mm: float, y_mm: float) -> tuple[float, float]:
    """A point of a sheet (mm from its top-left corner) in PDF points (from bottom left)."""
    return x_mm * PT_PER_MM, (plan.page_size[1] - y_mm) * PT_PER_MM


def test_world_width_and_a_track_measure_their_real_length_on_the_page() -> None:
    world = parse_world(MEASURED_WORLD, source="mesure.toml")
    pdf, plan = mat_pdf(world, "A4")
    # 500 × 300 mm on A4 landscape (277 × 190 mm printed): 2 × 2 sheets.
    assert (plan.landscape, plan.rows, plan.columns) == (True, 2, 2)
    reader = PdfReader(io.BytesIO(pdf.data))
    first_sheet = drawing(reader.pages[1])

    # The mat's outline: 500 mm wide and 300 mm high, its corner at the printed area's corner.
    left, top = _page_point(plan, MARGIN_MM, MARGIN_MM)
    outline = [
        r
        for r in first_sheet.rectangles
        if math.isclose(r[2], 500 * PT_PER_MM, abs_tol=TOLERANCE_PT)
        and math.isclose(r[3], 300 * PT_PER_MM, abs_tol=TOLERANCE_PT)
    ]
    assert outline, "the mat's outline (500 × 300 mm) is not drawn at 1:1 on sheet R1 C1"
    x, y, _, height = outline[0]
    assert x == pytest.approx(left, abs=TOLERANCE_PT)
    assert y + height == pytest.approx(top, abs=TOLERANCE_PT)

    # The track: 200 mm long, from (50, 100) mm of the mat.
    start = _page_point(plan, MARGIN_MM + 50, MARGIN_MM + 100)
    end = _page_point(plan, MARGIN_MM + 250, MARGIN_MM + 100)
    tracks = [
        (a, b)
        for a, b in first_sheet.segments
        if math.dist(a, start) < TOLERANCE_PT and math.dist(b, end) < TOLERANCE_PT
    ]
    assert tracks, "the 20 cm track does not measure 200 mm (566.93 pt) where the world puts it"
    assert math.dist(*tracks[0]) == pytest.approx(200 * PT_PER_MM, abs=TOLERANCE_PT)

    # On sheet R1 C2 the same track is shifted by one sheet's step (267 mm), partly cut off.
    second_sheet = drawing(reader.pages[2])
    step = plan.area[0] - OVERLAP_MM
    shifted = _page_point(plan, MARGIN_MM + 250 - step, MARGIN_MM + 100)
    assert any(math.dist(b, shifted) < TOLERANCE_PT for _, b in second_sheet.segments)


def test_the_check_bar_in_the_margin_measures_10_cm() -> None:
    pdf, plan = mat_pdf(parse_world(MEASURED_WORLD), "A4")
    sheet = drawing(PdfReader(io.BytesIO(pdf.data)).pages[1])
    bars = [
        (a, b)
        for a, b in sheet.segments
        if math.isclose(a[1], b[1]) and math.dist(a, b) == pytest.approx(100 * PT_PER_MM, abs=0.1)
    ]
    assert bars


def test_print_writes_the_mat_on_a3_when_asked(catalogue: Path, tmp_path: Path) -> None:
    printed = print_activity("robot-carre", tmp_path / "out", paper="A3", catalogue=catalogue)
    mat = [p for p in printed if p.path.name == "robot-carre-tapis-A3.pdf"]
    assert mat
    reader = PdfReader(mat[0].path)
    # 500 × 300 mm fits on two A3 sheets (400 × 277 mm printed), plus the plan.
    assert len(reader.pages) == mat[0].pages == 3
    for page in reader.pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx([297 * PT_PER_MM, 420 * PT_PER_MM], abs=0.01)


def test_the_plan_says_where_the_robot_starts_and_a_bare_world_is_pointed_out(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TNE_LANG", raising=False)
    assert start_text(load_world("labyrinthe")).replace("\u00a0", " ") == (
        "Le robot part à 135 cm du bord gauche et à 135 cm du bord haut, tourné vers la gauche."
    )
    plan_page = PdfReader(io.BytesIO(mat_pdf(parse_world(MEASURED_WORLD), "A4")[0].data)).pages[0]
    assert "Le robot part à 40 cm du bord gauche" in plan_page.extract_text().replace("\u00a0", " ")

    bare = tmp_path / "nu.toml"
    bare.write_text(MEASURED_WORLD.split("[[track]]")[0], encoding="utf-8")
    write_activity(catalogue, "robot-libre", world=str(bare))
    lines: list[str] = []
    print_activity("robot-libre", tmp_path / "out", catalogue=catalogue, progress=lines.append)
    hint = [line for line in lines if "ni ligne, ni mur, ni obstacle" in line]
    assert hint and "50 × 30 cm" in hint[0]
    # A world with a track gets no such hint.
    lines.clear()
    print_activity("robot-carre", tmp_path / "suivi", catalogue=catalogue, progress=lines.append)
    assert lines and not any("ni ligne" in line for line in lines)
