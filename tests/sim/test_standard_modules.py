"""The firmware's standard modules in the sealed engine (`os`, `time`, `sys`, `random`, `gc`,
`micropython`), the firmware's wording of errors, and what simulated time counts. Expected
answers are the V1 firmware's, measured in QEMU (tests/sim/test_parity.py runs the same
kind of snippets against it)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from device_bridge.sim.wasm.wording import reword, v1_syntax_error
from tests.sim.local import LocalBoard


@pytest.fixture(scope="module")
def v1() -> Iterator[LocalBoard]:
    board = LocalBoard("v1")
    yield board
    board.close()


@pytest.fixture(scope="module")
def v2() -> Iterator[LocalBoard]:
    board = LocalBoard("v2", seed=7)
    yield board
    board.close()


def test_os_is_the_boards_flash_not_the_interpreters(v1: LocalBoard, v2: LocalBoard) -> None:
    assert v1.run("import os\nprint(os.listdir())") == "[]\n"
    v1.run("f = open('p.txt', 'w')\nf.write('abc')\nf.close()")
    assert v1.run("import uos\nprint(uos.listdir(), uos.size('p.txt'))") == "['p.txt'] 3\n"
    v1.run("os.remove('p.txt')")
    assert v1.error_line("os.remove('p.txt')") == "OSError: file not found"
    assert v1.error_line("os.size(5)") == "TypeError: can't convert 'int' object to str implicitly"
    assert v1.error_line("os.stat('x')").startswith("AttributeError")
    assert v1.run("print(os.uname().sysname, os.uname()[4])") == (
        "microbit micro:bit with nRF51822\n"
    )
    assert v1.error_line("os.system('ls')").startswith("AttributeError")
    v2.run("f = open('q.txt', 'w')\nf.write('abcd')\nf.close()")
    assert v2.run("import os\nprint(os.stat('q.txt')[6], list(os.ilistdir()))") == (
        "4 [('q.txt', 32768, 0, 4)]\n"
    )
    assert v2.error_line("os.size('nope')") == "OSError: [Errno 2] ENOENT"
    v2.run("os.remove('q.txt')")


def test_sys_shows_the_firmware(v1: LocalBoard, v2: LocalBoard) -> None:
    assert v1.run("import sys\nprint(sys.platform, sys.version, sys.implementation)") == (
        "microbit 3.4.0 (name='micropython', version=(1, 9, 2))\n"
    )
    assert v1.error_line("sys.modules").startswith("AttributeError")  # not on the V1
    assert v2.run("import sys\nprint(sys.implementation.version, 'microbit' in sys.modules)") == (
        "(1, 18, 0) True\n"
    )
    assert v1.run("sys.exit(3)\nprint('no')") == ""
    printed = v1.run("try:\n  1/0\nexcept Exception as e:\n  sys.print_exception(e)")
    assert printed == (
        'Traceback (most recent call last):\n  File "<stdin>", line 2, in <module>\n'
        "ZeroDivisionError: division by zero\n"
    )


def test_time_follows_the_simulated_clock(v2: LocalBoard) -> None:
    out = v2.run(
        "import time, utime\nt = time.ticks_ms()\ntime.sleep(0.5)\nutime.sleep_ms(250)\n"
        "time.sleep_us(250000)\nprint(time.ticks_diff(time.ticks_ms(), t))"
    )
    assert 1000 <= int(out) <= 1001
    assert v2.run("print(time.ticks_diff(5, 3), time.ticks_add(2**29, 2**29))") == "2 0\n"
    assert v2.error_line("time.sleep('a')") == "TypeError: can't convert str to float"


def test_random_repeats_with_the_boards_seed() -> None:
    code = "import random\nprint([random.randint(0, 1000) for _ in range(5)], random.random())"
    runs = []
    for seed in (7, 7, 8):
        board = LocalBoard("v2", seed=seed)
        runs.append(board.run(code))
        board.close()
    assert runs[0] == runs[1] != runs[2]


def test_gc_collect_does_not_collect_and_measuring_costs_no_simulated_time(v2: LocalBoard) -> None:
    out = v2.run(
        "import gc, micropython\nt = running_time()\ngc.collect()\nfree = gc.mem_free()\n"
        "used = gc.mem_alloc()\nd = running_time() - t\nx = bytearray(100000)\n"
        "print(d, free > 4000, gc.mem_alloc() >= used + 100000, micropython.const(5))"
    )
    spent, rest = out.split(" ", 1)
    assert int(spent) <= 1  # walking this heap would cost simulated seconds
    assert rest == "True True 5\n"


def test_polling_the_cheapest_call_still_moves_time_on(v2: LocalBoard) -> None:
    """The door's own cost is left out of simulated time (vm.door_fuel), but a loop
    that only polls still moves time on (one statement's worth a call)."""
    out = v2.run(
        "t = running_time()\nfor _ in range(2000):\n    accelerometer.get_x()\n"
        "print(running_time() - t)"
    )
    assert 0 < int(out) < 1000  # 3,300 ms when each call cost its fuel


def test_v1_speaks_micropython_1_9_2(v1: LocalBoard) -> None:
    assert v1.error_line("print(nope)") == "NameError: name 'nope' is not defined"
    assert v1.error_line("1/0") == "ZeroDivisionError: division by zero"
    assert v1.error_line("int('a')") == "ValueError: invalid syntax for integer with base 10"
    assert v1.error_line("'a' + 1") == "TypeError: can't convert 'int' object to str implicitly"
    assert v1.error_line("x = 5\nx()") == "TypeError: 'int' object is not callable"
    out, error = v1.attempt("if 1:\n    x = 1\n  y = 2")
    assert error.splitlines()[-2:] == [
        '  File "<stdin>", line 3',
        "IndentationError: unindent does not match any outer indentation level",
    ]
    out, error = v1.attempt("print('avant')\nprint(f'{6 * 7}')")
    assert (out, error.splitlines()[-2:]) == (
        "",
        ['  File "<stdin>", line 2', "SyntaxError: cannot mix bytes and nonbytes literals"],
    )


def test_both_boards_name_the_errno(v2: LocalBoard) -> None:
    assert v2.error_line("i2c.read(0x11, 1)") == "OSError: [Errno 19] ENODEV"
    assert reword("OSError: 19\n", "v2") == "OSError: [Errno 19] ENODEV\n"
    assert reword("OSError: 12345\n", "v2") == "OSError: 12345\n"  # no name known: as it is
    assert reword("OSError: [Errno 44] ENOENT\n", "v1") == "OSError: [Errno 2] ENOENT\n"
    assert reword("OSError: [Errno 2] EACCES\n", "v1") == "OSError: [Errno 2] ENOENT\n"
    assert v2.error_line("print(nope)") == "NameError: name 'nope' isn't defined"  # 1.18+


def test_code_that_does_not_tokenize_is_left_to_the_guest() -> None:
    assert v1_syntax_error("x = (1,") is None
    assert v1_syntax_error("print('f{x}')") is None
    assert v1_syntax_error("print(rf'{x}')") is not None


def test_objects_print_on_the_v2_as_its_source_prints_them(v2: LocalBoard) -> None:
    """MicroPython 1.23.0 as micropython-microbit-v2 builds it (docs/simulator.md cites the
    lines): a Python function with its name and an address in the V2's RAM, the same one for
    the same program on a fresh board; everything else terse, as on the V1."""
    code = (
        "import music, time\ndef f(): pass\ndef g():\n    x = 1\n    def h(): return x\n"
        "    return h\nclass C:\n    def m(self): pass\n"
        "for o in (f, lambda: 0, g(), len, sleep, music.play, display.show, C().m,\n"
        "          accelerometer.get_x, accelerometer, time, music, Image, type(display)):\n"
        "    print(o)"
    )
    lines = v2.run(code).splitlines()
    function, lambda_, *rest = lines
    assert re.fullmatch(r"<function f at 0x200[01][0-9a-f]{4}>", function)
    assert re.fullmatch(r"<function <lambda> at 0x200[01][0-9a-f]{4}>", lambda_)
    assert rest == [
        "<closure>",
        "<function>",
        "<function>",
        "<function>",
        "<bound_method>",
        "<bound_method>",
        "<bound_method>",
        "<MicroBitAccelerometer>",
        "<module 'time'>",
        "<module 'music'>",
        "<class 'MicroBitImage'>",
        "<class 'MicroBitDisplay'>",
    ]
    fresh = [LocalBoard("v2"), LocalBoard("v2")]
    firsts = [board.run(code).splitlines()[0] for board in fresh]
    for board in fresh:
        board.close()
    assert firsts[0] == firsts[1]  # a fresh board, the same program: the same address


def test_objects_print_on_the_v1_as_measured_in_qemu(v1: LocalBoard) -> None:
    printed = v1.run("import time\ndef f(): pass\nprint(f, lambda: 0, len, time)")
    assert printed == "<function> <function> <function> <module 'utime'>\n"
