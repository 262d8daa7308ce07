"""`microbit.Image` as the V1 firmware behaves (answers measured in QEMU; see test_parity.py)."""

from __future__ import annotations

import pytest

from device_bridge.sim.font import GLYPHS, glyph
from device_bridge.sim.image import STANDARD_IMAGES, Image
from tests.sim.local import LocalBoard


@pytest.fixture(scope="module")
def board() -> LocalBoard:
    board = LocalBoard("v1")
    board.run("from microbit import *")
    return board


def test_the_font_has_every_printable_ascii_character_and_draws_others_as_a_question_mark():
    assert len(GLYPHS) == 95
    assert glyph("!") == [[0, 1, 0, 0, 0]] * 3 + [[0] * 5, [0, 1, 0, 0, 0]]
    assert glyph("é") == glyph("?")


def test_every_standard_image_and_the_clock_and_arrow_lists(board: LocalBoard) -> None:
    for name, rows in STANDARD_IMAGES.items():
        assert repr(getattr(Image, name)) == f"Image('{rows}:')"
    assert (
        board.run(
            "print(len(Image.ALL_CLOCKS), len(Image.ALL_ARROWS),"
            " Image.ALL_CLOCKS[0] is Image.CLOCK12, Image.ALL_ARROWS[1] is Image.ARROW_NE)"
        )
        == "12 8 True True\n"
    )


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("Image.HEART.shift_left(1)", "Image('90900:99990:99990:99900:09000:')"),
        ("Image.HEART.shift_right(2)", "Image('00090:00999:00999:00099:00009:')"),
        ("Image.HEART.shift_up(2)", "Image('99999:09990:00900:00000:00000:')"),
        ("Image.HEART.shift_down(1)", "Image('00000:09090:99999:99999:09990:')"),
        ("Image.HEART.crop(1, 1, 3, 3)", "Image('999:999:999:')"),
        ("Image('123:456:').crop(-1, -1, 4, 4)", "Image('0000:0123:0456:0000:')"),
        ("Image.HEART.invert()", "Image('90909:00000:00000:90009:99099:')"),
        ("Image.HEART + Image.HAPPY", "Image('09090:99999:99999:99999:09990:')"),
        ("Image.HEART - Image.HAPPY", "Image('09090:90909:99999:09990:00000:')"),
        ("Image.HEART * 0.5", "Image('05050:55555:55555:05550:00500:')"),
        ("Image.HEART / 2", "Image('05050:55555:55555:05550:00500:')"),
        ("Image.HEART * 2", "Image('09090:99999:99999:09990:00900:')"),
        ("Image('1:22:333')", "Image('100:220:333:')"),
        ("Image(2, 2, bytearray([1, 2, 3, 4]))", "Image('12:34:')"),
        ("Image()", "Image('00000:00000:00000:00000:00000:')"),
    ],
)
def test_image_operations_give_the_firmwares_pictures(
    board: LocalBoard, expression: str, expected: str
) -> None:
    assert board.run(f"print(repr({expression}))") == expected + "\n"


def test_fill_and_blit_copy_pixels_within_bounds(board: LocalBoard) -> None:
    code = (
        "i = Image(3, 3)\ni.fill(5)\nj = Image(5, 5)\nj.blit(i, 0, 0, 3, 3, 1, 1)\nprint(repr(j))\n"
        "k = Image(5, 5)\nk.blit(Image.HEART, 3, 3, 4, 4)\nprint(repr(k))"
    )
    assert board.run(code) == (
        "Image('00000:05550:05550:05550:00000:')\nImage('90000:00000:00000:00000:00000:')\n"
    )


def test_print_shows_one_row_per_line_and_images_compare_by_identity(board: LocalBoard) -> None:
    assert board.run("print(Image('12345:6789:'))") == "Image(\n    '12345:'\n    '67890:'\n)\n"
    assert board.run("print(Image.HEART == Image.HEART, Image.HEART == Image.HEART.copy())") == (
        "True False\n"
    )


@pytest.mark.parametrize(
    "code, error",
    [
        (
            "Image.HEART.set_pixel(0, 0, 9)",
            "TypeError: image cannot be modified (try copying first)",
        ),
        ("Image.HEART.fill(1)", "TypeError: image cannot be modified (try copying first)"),
        ("Image(5, 5).blit(Image.HEART, 0, 0, 3, 3, 1)", "TypeError: must specify both offsets"),
        ("Image(2, 2, bytearray([1, 2, 3]))", "ValueError: image data is incorrect size"),
        ("Image('abc')", "ValueError: unexpected character in Image definition"),
        ("Image(1, 2, 3, 4)", "TypeError: function expected at most 3 arguments, got 4"),
        ("Image(2, 2, 5)", "TypeError: object with buffer protocol required"),
        ("Image.HEART.get_pixel(5, 0)", "ValueError: index too large"),
        ("Image(5, 5).get_pixel(-1, 0)", "ValueError: index cannot be negative"),
        ("Image(5, 5).set_pixel(0, 0, 10)", "ValueError: brightness out of bounds"),
        ("Image.HEART * -1", "ValueError: brightness multiplier must not be negative"),
        ("Image.HEART + Image(3, 3)", "ValueError: images must be the same size"),
        ("Image.HEART + 1", "TypeError: unsupported types for __add__: 'MicroBitImage', 'int'"),
    ],
)
def test_bad_image_calls_fail_with_the_firmwares_words(
    board: LocalBoard, code: str, error: str
) -> None:
    assert board.error_line(code) == error
