"""The pupil and teacher sheets carry the activity's title and facts, in French typography; the
memo is one A4 page, with the robot's functions for a robot activity; a sheet cannot pull a file
from outside its activity's folder into the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from activities.printing import print_activity
from activities.printing.memo import memo_pdf
from activities.printing.pdf import PT_PER_MM
from activities.printing.sheets import PUPIL_SHEET, TEACHER_SHEET, sheet_pdf
from activities.printing.source import find_activity
from activities.printing.typography import NBSP, french_html, french_text


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _is_a4(data: bytes) -> bool:
    return all(
        page.mediabox.width == pytest.approx(210 * PT_PER_MM, abs=0.01)
        and page.mediabox.height == pytest.approx(297 * PT_PER_MM, abs=0.01)
        for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.mark.parametrize("sheet", [PUPIL_SHEET, TEACHER_SHEET])
def test_sheets_are_a4_and_carry_the_title_levels_and_duration(catalogue: Path, sheet: str):
    activity = find_activity("robot-carre", catalogue)
    pdf = sheet_pdf(activity, sheet)
    assert _is_a4(pdf.data)
    text = _text(pdf.data)
    assert "Le robot dessine un carré" in text
    assert "5e, 4e" in text and "55 min" in text
    if sheet == PUPIL_SHEET:
        assert "maqueen.motor_run(100, 100)" in text  # code printed as written


def test_memo_is_exactly_one_a4_page_with_the_robot_for_robot_activities(catalogue: Path):
    robot = memo_pdf(find_activity("robot-carre", catalogue))
    board = memo_pdf(find_activity("afficher-et-defiler", catalogue))
    for pdf in (robot, board):
        assert pdf.pages == len(PdfReader(io.BytesIO(pdf.data)).pages) == 1
        assert _is_a4(pdf.data)
        text = _text(pdf.data)
        for function in (
            "display.scroll",
            "button_a.was_pressed",
            "accelerometer.get_x",
            "music.play",
            "radio.send",
            "pin0.write_digital",
            "sleep(1000)",
        ):
            assert function in text
    assert "maqueen.motor_run" in _text(robot.data)
    assert "maqueen" not in _text(board.data)


def test_a_microbit_activity_prints_three_pdfs_and_no_mat(catalogue: Path, tmp_path: Path):
    lines: list[str] = []
    out = tmp_path / "impressions"
    printed = print_activity("afficher-et-defiler", out, catalogue=catalogue, progress=lines.append)
    assert sorted(p.path.name for p in printed) == [
        "afficher-et-defiler-aide-memoire.pdf",
        "afficher-et-defiler-fiche-eleve.pdf",
        "afficher-et-defiler-fiche-enseignant.pdf",
    ]
    assert sorted(path.name for path in out.iterdir()) == sorted(p.path.name for p in printed)
    assert len(lines) == 4 and "Afficher et faire défiler" in lines[0]


def test_french_typography_leaves_code_alone():
    html = french_html(
        "<p>Attention: il faut « voir »! C'est l'heure (10:30).</p>"
        "<pre><code>x = {'a': 1}  # ok!\n</code></pre><p>Vrai ?</p>"
    )
    assert f"Attention{NBSP}:" in html and f"«{NBSP}voir{NBSP}»{NBSP}!" in html
    assert "C\u2019est l\u2019heure (10:30)" in html
    assert "<code>x = {'a': 1}  # ok!\n</code>" in html
    assert f"Vrai{NBSP}?" in html
    assert french_text("a & b ; c") == f"a & b{NBSP}; c"
    assert french_html("<p>a &amp; b &lt;c&gt;</p>") == "<p>a &amp; b &lt;c&gt;</p>"


def test_a_sheet_cannot_put_a_file_from_outside_its_folder_in_the_pdf(
    catalogue: Path, tmp_path: Path
):
    secret = tmp_path / "secret.svg"
    secret.write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='50'>"
        "<text x='5' y='30'>MOT-DE-PASSE-SECRET</text></svg>",
        encoding="utf-8",
    )
    inside = catalogue / "robot-carre" / "images"
    inside.mkdir()
    (inside / "ok.svg").write_text(secret.read_text().replace("MOT-DE-PASSE-SECRET", "IMAGE-OK"))
    sheet = catalogue / "robot-carre" / PUPIL_SHEET
    sheet.write_text(
        f"# Images\n\n![ok](images/ok.svg)\n\n![volé]({secret.as_uri()})\n\n"
        "![volé](../../secret.svg)\n",
        encoding="utf-8",
    )
    text = _text(sheet_pdf(find_activity("robot-carre", catalogue), PUPIL_SHEET).data)
    assert "IMAGE-OK" in text
    assert "MOT-DE-PASSE-SECRET" not in text
