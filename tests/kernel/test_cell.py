"""How a cell is split and rewritten, and how board text and tracebacks are shown (pure
functions of the kernel, no process)."""

from __future__ import annotations

import ast

from hypothesis import given
from hypothesis import strategies as st

from kernels.microbit.cell import RESULT_MARK, parse_cell, show_last_value
from kernels.microbit.errors import board_traceback
from kernels.microbit.output import BoardText


def test_magics_at_the_top_are_taken_and_the_code_keeps_its_cell_lines() -> None:
    cell = parse_cell("%connect sim\n\n# réglages\nx = 1\n%ls")
    assert cell.magics == [(1, "connect sim")]
    assert cell.code == "x = 1\n%ls"
    assert cell.cell_line(1) == 4 and cell.cell_line(2) == 5


def test_host_and_save_take_the_rest_of_the_cell() -> None:
    assert parse_cell("%%host\nimport sys\n").host == "import sys\n"
    assert parse_cell("%save main.py\nprint(1)\n").save == ("main.py", "print(1)\n")
    assert parse_cell("%save\nprint(1)").save == ("", "print(1)")


def test_a_check_cell_is_taken_whole_and_is_never_board_code() -> None:
    cell = parse_cell("%%check\nexpect_shown(Image.HEART)\n")
    assert cell.check == "expect_shown(Image.HEART)\n"
    assert cell.code == "" and cell.host is None
    after_magic = parse_cell("%ls\n%%check\nx = 1")
    assert after_magic.check is None and after_magic.magics == [(1, "ls"), (2, "%check")]


def test_last_expression_is_rewritten_on_the_same_lines() -> None:
    code, rewritten = show_last_value("x = 1\n(x +\n 2)  # fin")
    assert rewritten
    lines = code.split("\n")
    assert lines[0] == "x = 1"
    assert lines[1].startswith("__tne_r=((x +")
    assert lines[2] == " 2))  # fin"
    assert show_last_value("x = 1") == ("x = 1", False)
    assert show_last_value("def f(:") == ("def f(:", False)
    assert show_last_value("x = 1; 'é' * 2")[0].startswith("x = 1; __tne_r=('é' * 2)")


@given(st.lists(st.sampled_from(["x = 1", "x", "f(x)", "  # c", "'é'", "(1,\n 2)"]), min_size=1))
def test_rewriting_keeps_every_statement_on_its_line(pieces: list[str]) -> None:
    code = "\n".join(pieces)
    new, rewritten = show_last_value(code)
    original = ast.parse(code).body
    changed = ast.parse(new).body
    for before, after in zip(original, changed, strict=False):
        assert (before.lineno, before.end_lineno) == (after.lineno, after.end_lineno)
    assert rewritten == (bool(original) and isinstance(original[-1], ast.Expr))


def test_board_text_normalises_line_ends_and_splits_utf8_and_result() -> None:
    shown: list[str] = []
    text = BoardText(shown.append, watch_result=True)
    for chunk in (b"caf\xc3", b"\xa9\r", b"\nfin\r\n", RESULT_MARK.encode() + b"42\r\n"):
        text.feed(chunk)
    text.close()
    assert "".join(shown) == "café\nfin\n"
    assert text.value == "42"


def test_traceback_maps_board_lines_to_cell_lines_with_source_and_hint() -> None:
    cell = parse_cell("%ls\nx = 1\nprint(y)")
    stderr = 'Traceback (most recent call last):\r\n  File "<stdin>", line 2, in <module>\r\n'
    stderr += "NameError: name 'y' is not defined\r\n"
    error = board_traceback(stderr, cell.cell_line, ["%ls", "x = 1", "print(y)"])
    assert error.ename == "NameError"
    assert error.evalue == "name 'y' is not defined"
    text = error.traceback[0]
    assert "Cellule, ligne 3, dans <module>" in text
    assert "    print(y)" in text
    assert "Vérifie l'orthographe" in text
    assert "Indice :" in text


def test_frames_of_other_files_keep_their_own_lines() -> None:
    stderr = (
        'Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n'
        '  File "maqueen.py", line 12, in avance\r\nTypeError: unsupported types\r\n'
    )
    text = board_traceback(stderr, lambda n: n + 1, ["%ls", "avance(1)"]).traceback[0]
    assert "Cellule, ligne 2, dans <module>" in text
    assert "Fichier «\u00a0maqueen.py\u00a0», ligne 12, dans avance" in text
