"""`sim@v1` refuses one allocation larger than the V1's largest free block, with the V1's words
(measured in QEMU: `board.LARGEST_ALLOCATION`; tests/sim/test_parity.py compares them), while
its own modules, and programs longer than the cap, still work; `sim@v2` has no such cap; and a
pupil's program cannot lift it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from device_bridge.sim.wasm.board import LARGEST_ALLOCATION
from tests.sim.local import LocalBoard

CAP = LARGEST_ALLOCATION["v1"]
WORD = 4  # bytes of a list's item on the V1 and in the wasm32 guest


@pytest.fixture(scope="module")
def v1() -> Iterator[LocalBoard]:
    board = LocalBoard("v1")
    yield board
    board.close()


def _refusal(size: int) -> str:
    return f"MemoryError: memory allocation failed, allocating {size} bytes\n"


@pytest.mark.parametrize(
    ("code", "size"),
    [
        (f"bytearray({CAP + 1})", CAP + 1),
        (f"[0] * {CAP // WORD + 1}", (CAP // WORD + 1) * WORD),
        ("bytearray(9000)", 9000),
        ("l = []\nfor i in range(2000):\n    l.append(i)", 2048 * WORD),  # the list doubles
    ],
)
def test_one_allocation_over_the_v1s_largest_block_is_the_v1s_memory_error(
    v1: LocalBoard, code: str, size: int
) -> None:
    out, error = v1.attempt(code)
    assert out == ""
    assert error.endswith(_refusal(size))


def test_the_v1s_largest_block_fits(v1: LocalBoard) -> None:
    code = f"print(len(bytearray({CAP})), len([0] * {CAP // WORD}))"
    assert v1.run(code) == f"{CAP} {CAP // WORD}\n"


def test_the_cap_holds_run_after_run(v1: LocalBoard) -> None:
    for _ in range(3):
        assert v1.attempt(f"bytearray({CAP + 1})")[1].endswith(_refusal(CAP + 1))
        assert v1.run("print('next')") == "next\n"


def test_the_v2_has_no_cap() -> None:
    board = LocalBoard("v2")
    try:
        assert board.run(f"print(len(bytearray({CAP * 4})))") == f"{CAP * 4}\n"
    finally:
        board.close()


def test_a_program_longer_than_the_cap_runs(v1: LocalBoard) -> None:
    # The REPL loop reads the program before its run starts, so uncapped: the cap is the
    # program's, not the simulator's.
    code = "\n".join(
        f"x{i} = {i}  # a line long enough to make the program long" for i in range(200)
    )
    assert len(code) > CAP
    assert v1.run(code + "\nprint(x199)") == "199\n"


def test_the_simulators_own_modules_work_under_the_cap(v1: LocalBoard) -> None:
    code = (
        "import music, radio, random\n"
        "music.play(music.NYAN)\n"
        "display.scroll('bonjour la classe ' * 4)\n"
        "display.show(Image.ALL_CLOCKS, delay=10)\n"
        "radio.on()\nradio.send('x' * 200)\n"
        "with open('f.txt', 'w') as f:\n    f.write('y' * 3000)\n"
        "print(len(open('f.txt').read()), random.randint(1, 1))"
    )
    assert v1.run(code) == "3000 1\n"


def test_pupil_code_cannot_lift_the_cap(v1: LocalBoard) -> None:
    # Every attribute named like a cap of the modules a program can reach (the door's among
    # them: microbit._door, what it holds, _hw, host), called with a large number: none lifts it.
    code = (
        "import microbit\n"
        "seen = [microbit._door] + [getattr(microbit._door, a) for a in dir(microbit._door)]\n"
        "for name in ('_hw', 'host', 'micropython', 'gc', 'sys', 'machine'):\n"
        "    try:\n        seen.append(__import__(name))\n    except ImportError:\n        pass\n"
        "for m in seen:\n"
        "    for a in dir(m):\n"
        "        if 'cap' in a.lower() or 'alloc' in a.lower() or 'heap' in a.lower():\n"
        "            try:\n                getattr(m, a)(1 << 30)\n"
        "            except Exception:\n                pass\n"
        f"bytearray({CAP + 1})"
    )
    assert v1.attempt(code)[1].endswith(_refusal(CAP + 1))
    assert v1.attempt(f"bytearray({CAP + 1})")[1].endswith(_refusal(CAP + 1))
