"""`sim@v1` refuses a literal too long for the V1's heap, as its compiler does (measured in
QEMU: tests/sim/test_parity.py), and nothing else of what the V2 runs."""

from __future__ import annotations

import pytest

from device_bridge.sim.wasm.v1_heap import V1_LONGEST_LITERAL, v1_memory_error
from tests.sim.local import LocalBoard


@pytest.fixture(scope="module")
def v1() -> LocalBoard:
    board = LocalBoard("v1")
    yield board
    board.close()


@pytest.mark.parametrize(
    ("code", "allocating"),
    [
        ("s = '" + "x" * 2000 + "'\nprint(len(s))", 2001),
        ("s = b'" + "x" * 1500 + "'", 1501),
        ('s = """' + "x\n" * 700 + '"""', 1401),
        ("print('" + "é" * 1000 + "')", 2001),  # bytes of UTF-8, as the firmware counts
        ("def f():\n    return '" + "z" * 2500 + "'", 2501),
    ],
)
def test_a_literal_too_long_for_the_v1s_heap_is_a_memory_error_and_nothing_runs(
    v1: LocalBoard, code: str, allocating: int
) -> None:
    out, error = v1.attempt("print('before')\n" + code)
    assert out == ""
    assert error == f"MemoryError: memory allocation failed, allocating {allocating} bytes\n"


def test_a_literal_that_the_v1_compiles_runs(v1: LocalBoard) -> None:
    length = V1_LONGEST_LITERAL - 100
    assert v1.run("s = '" + "x" * length + "'\nprint(len(s))") == f"{length}\n"


def test_the_v2_has_room_for_a_long_literal() -> None:
    board = LocalBoard("v2")
    try:
        assert board.run("s = '" + "x" * 5000 + "'\nprint(len(s))") == "5000\n"
    finally:
        board.close()


def test_code_that_does_not_tokenize_is_left_to_the_interpreter() -> None:
    assert v1_memory_error("s = '" + "x" * 3000) is None
    assert v1_memory_error("x = (1,") is None
