"""Parity, measured: the same snippets on the real V1 firmware (in QEMU) and on `sim@v1` give
the same stdout and stderr, byte for byte. Known differences are listed in docs/simulator.md and
in `KNOWN_DIFFERENCES` below, so that a fix shows up as a test to move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from device_bridge import Board
from tests.conftest import require_qemu
from tests.helpers import qemu

SNIPPETS = [
    "print(6 * 7)",
    "print('a', 1, [2, 3], (4,), {'k': 5}, None, True)",
    "print(x)",
    "def f():\n  return y\nf()",
    "1/0",
    "print([1, 2] + 3)",
    "print(1 + 'a')",
    "int('a')",
    "{}['k']",
    "[][1]",
    "import nothing",
    "raise ValueError('bad')",
    "print(f'{1}')",
    "import sys\nprint(sys.platform)",
    "import os\nprint(os.listdir())",
    "open('nope.txt')",
    "import os\nos.remove('nope')",
    "f = open('p.txt', 'w')\nf.write('abc')\nf.close()\nimport os\n"
    "print(os.listdir(), os.size('p.txt'))\nprint(open('p.txt').read())\nos.remove('p.txt')",
    "from microbit import *\ndisplay.show(Image.HEART)\nprint(display.get_pixel(1, 1))",
    "from microbit import *\nprint(Image.HAPPY)\nprint(repr(Image.SAD))",
    "from microbit import *\nprint(Image(2, 2))",
    "from microbit import *\nprint(button_a.is_pressed(), button_b.get_presses())",
]

#: Snippet -> why the simulator differs (CPython underneath; see docs/simulator.md).
KNOWN_DIFFERENCES = {
    "print(1/3)": "floats are CPython's doubles, not the firmware's 32-bit floats",
    "print(len)": "builtins print as CPython's",
    "print(repr('é'))": "the V1 firmware escapes non-ASCII characters in repr",
}


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[Board, Board]]:
    require_qemu()
    with (
        qemu.QemuMicrobit("pty") as emulated,
        Board.connect(emulated.address) as real,
        Board.connect("sim@v1") as simulated,
    ):
        yield real, simulated


@pytest.mark.parametrize("code", SNIPPETS)
def test_snippet_gives_the_same_output_on_the_firmware_and_the_simulator(
    both: tuple[Board, Board], code: str
) -> None:
    real, simulated = both
    expected = real.run(code)
    got = simulated.run(code)
    assert (got.stdout, got.stderr) == (expected.stdout, expected.stderr)


@pytest.mark.parametrize("code", sorted(KNOWN_DIFFERENCES))
def test_known_difference_is_still_a_difference(both: tuple[Board, Board], code: str) -> None:
    real, simulated = both
    assert real.run(code).stdout != simulated.run(code).stdout, "fixed: move it to SNIPPETS"
