"""Hostile code gets a clear message and reaches nothing outside the simulated board (issue 3,
item 9). Memory bombs are in test_limits_and_inputs.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.errors import BoardError
from tests.sim.local import LocalBoard


@pytest.fixture(scope="module")
def sim() -> Iterator[Board]:
    with Board.connect("sim") as board:
        yield board


@pytest.mark.parametrize(
    "code, error",
    [
        ("__import__('os').system('touch {target}')", "AttributeError"),
        ("import os\nos.popen('touch {target}')", "AttributeError"),
        ("__import__('subprocess')", "ImportError"),
        ("import socket", "ImportError"),
        ("import ctypes", "ImportError"),
        ("import importlib", "ImportError"),
        ("open('/etc/passwd').read()", "OSError"),
        ("open('../../{target}', 'w').write('x')", "OSError"),
        ("().__class__.__base__.__subclasses__()", "AttributeError"),
        ("type.__subclasses__(object)", "AttributeError"),
        ("getattr(().__class__, '__ba' + 'se__')", "AttributeError"),
        ("import microbit\nmicrobit.display._hardware.channel", "AttributeError"),
        ("import microbit\ngetattr(microbit.pin0, '_hardware')", "AttributeError"),
        ("import microbit\ntype(microbit.display).__init__.__globals__", "AttributeError"),
        ("import radio\nradio.send.__self__", "AttributeError"),
        ("import os, sys\nsys.modules['os'].system('touch {target}')", "AttributeError"),
    ],
)
def test_hostile_code_gets_an_error_and_touches_nothing(
    sim: Board, tmp_path: Path, code: str, error: str
) -> None:
    target = tmp_path / "pwned"
    with pytest.raises(BoardError) as caught:
        sim.exec(code.format(target=target))
    assert caught.value.exception_name == error
    assert not target.exists()
    assert sim.eval("6 * 7") == 42


def test_pupils_own_private_attributes_still_work() -> None:
    board = LocalBoard()
    code = "class Robot:\n    def __init__(self):\n        self._speed = 3\n"
    code += "r = Robot()\nprint(r._speed)"
    assert board.run(code) == "3\n"
    assert board.run("print(getattr(r, '_speed'), hasattr(r, '_speed'))") == "3 True\n"
    assert board.run("import microbit\nprint(hasattr(microbit.display, '_clock'))") == "False\n"
