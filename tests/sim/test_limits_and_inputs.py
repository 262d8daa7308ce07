"""Limits of the simulated board's child (CPU and wall time per run, memory) and scripted
inputs (`--inputs FILE`, `SimTransport(inputs=...)`): same code, seed and inputs, same trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.errors import UsageError
from device_bridge.sim.inputs import InputsError, load_inputs
from device_bridge.transports.sim import SimTransport
from tests.sim.local import LocalBoard


class LimitedTransport(SimTransport):
    """The simulator's child with short limits, as a server would start it."""

    def __init__(self, *limits: str, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.limits = list(limits)

    def command(self, channel_port: int = 0) -> list[str]:
        return super().command(channel_port) + self.limits


def limited_board(*limits: str) -> Board:
    transport = LimitedTransport(*limits)
    transport.open()
    return Board.started(transport)


def test_a_busy_loop_past_the_wall_limit_ends_with_a_french_message_and_the_board_lives_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bare `except:` cannot keep the program alive: the engine ends the guest (an epoch),
    the board restarts (its variables go, its files stay) and says why."""
    monkeypatch.setenv("TNE_LANG", "fr")
    with limited_board("--wall-limit", "0.5") as board:
        board.fs.put(b"kept", "kept.txt")
        started = time.monotonic()
        result = board.run(
            "n = 0\nwhile True:\n    try:\n        n += 1\n    except:\n        pass"
        )
        assert time.monotonic() - started < 5
        assert "Le programme a fonctionné plus de 0,5 s" in result.stderr.decode()
        assert board.eval("'n' in globals()") is False  # a restarted guest
        assert board.eval("6 * 7") == 42
        assert board.fs.get("kept.txt") == b"kept"


def test_a_paused_board_past_the_wall_limit_ends_its_run() -> None:
    """A paused view holds the program's sleep in the host, where the guest's epochs do not
    tick: the pacer's wait checks the wall limit itself (pacing.Pacer.check)."""
    with limited_board("--wall-limit", "0.5") as board:
        transport = board.transport
        assert isinstance(transport, SimTransport)
        transport.send_input({"kind": "pause", "paused": True})
        assert transport.sync_events()
        result = board.run("from microbit import sleep\nwhile True:\n    sleep(10)", timeout=5)
        assert b"0,5 s" in result.stderr or b"0.5 s" in result.stderr


def test_the_cpu_limit_stops_a_run_and_the_next_run_starts_clean() -> None:
    board = LocalBoard()
    board.engine.limits.cpu_fuel = 300_000_000  # a fraction of a second of this machine
    board.engine.boot()
    try:
        _out, error = board.attempt("while True:\n    pass")
        assert "de calcul et a été arrêté" in error or "of computing time" in error, error
        assert board.run("print('encore')") == "encore\n"
    finally:
        board.close()


def test_code_stuck_in_one_long_operation_is_ended_and_the_board_works_with_its_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`max(range(...))` never returns to the interpreter's loop; every WebAssembly loop checks
    the epoch, so the wall limit ends it there too (the former engine had to end the child)."""
    monkeypatch.setenv("TNE_LANG", "fr")
    with limited_board("--wall-limit", "0.3") as board:
        board.fs.put(b"kept", "kept.txt")
        result = board.run("max(range(2 ** 30 - 1))", timeout=20)
        assert "Le programme a fonctionné plus de 0,3 s" in result.stderr.decode()
        assert board.eval("6 * 7") == 42
        assert board.fs.get("kept.txt") == b"kept"


@pytest.mark.parametrize(
    "code",
    [
        # (a length past a machine word is an OverflowError on the firmware, before any memory)
        "x = [0] * (10**8)",
        "s = 'a' * 2**28",
        "l = []\nwhile True:\n    l.append(bytearray(10**6))",
    ],
)
def test_memory_bombs_end_in_memory_error_and_the_board_lives_on(code: str) -> None:
    with Board.connect("sim") as board:
        result = board.run(code, timeout=60)
        last = result.stderr.decode().strip().splitlines()[-1]
        # MicroPython says how much it tried: ", allocating 400000 bytes" (the V1 firmware too)
        assert last.startswith("MemoryError: memory allocation failed")
        board.exec("l = None")
        assert board.eval("6 * 7") == 42


PROGRAM = """\
from microbit import *
import random
n = 0
while n < 3:
    if button_a.was_pressed():
        n += 1
        display.show(Image.HEART if random.randint(0, 1) else Image.SAD)
        print(n, running_time())
    sleep(20)
display.scroll('fin', 30)
"""


def scripted(tmp_path: Path) -> Path:
    path = tmp_path / "entrees.json"
    inputs = []
    for at in (300, 900, 2000):
        inputs.append({"t": at, "kind": "button", "name": "a", "pressed": True})
        inputs.append({"t": at + 80, "kind": "button", "name": "a", "pressed": False})
    inputs.append({"t": 100, "kind": "accelerometer", "x": 0, "y": -1024, "z": 0})
    path.write_text(json.dumps(inputs))
    return path


def trace_of(inputs: Path) -> tuple[bytes, list[dict]]:
    transport = SimTransport(seed=7, inputs=inputs)
    transport.open()
    with Board(transport) as board:
        board.start()
        assert transport.sync_events()
        events: list[dict] = []
        transport.subscribe(events.append)
        out = board.exec(PROGRAM).stdout
        assert transport.sync_events()
        return out, events


def test_same_code_seed_and_inputs_give_the_same_trace(tmp_path: Path) -> None:
    inputs = scripted(tmp_path)
    first, second = trace_of(inputs), trace_of(inputs)
    assert first == second
    out, events = first
    assert [int(line.split()[1]) // 100 for line in out.decode().splitlines()] == [3, 9, 20]
    assert [e["input"]["kind"] for e in events if e["kind"] == "input"][:2] == [
        "accelerometer",
        "button",
    ]


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "ne peut pas être lu"),
        ("{pas du json", "n'est pas du JSON valide"),
        ('{"t": 1}', "doit contenir une liste"),
        ('[{"t": -5, "kind": "button"}]', "L'entrée 1"),
        ('[{"t": 5}]', "L'entrée 1"),
    ],
)
def test_a_bad_inputs_file_is_refused_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, words: str
) -> None:
    monkeypatch.setenv("TNE_LANG", "fr")
    path = tmp_path / "entrees.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputsError) as caught:
        load_inputs(path)
    assert words in str(caught.value)
    with pytest.raises(UsageError) as refused:
        SimTransport(inputs=path).open()
    assert words in str(refused.value)


def test_an_input_given_while_a_program_waits_is_applied_at_once() -> None:
    with Board.connect("sim") as board:
        transport = board.transport
        assert isinstance(transport, SimTransport)
        press = {"kind": "button", "name": "a", "pressed": True}
        threading.Timer(0.3, transport.send_input, args=(press,)).start()
        code = (
            "from microbit import *\nwhile not button_a.is_pressed():\n    sleep(10)\nprint('ok')"
        )
        assert board.exec(code, timeout=10).stdout == b"ok\r\n"


def test_the_child_started_by_hand_refuses_a_bad_inputs_file_in_french(tmp_path: Path) -> None:
    path = tmp_path / "entrees.json"
    path.write_text('[{"kind": "button"}]')
    done = subprocess.run(
        [sys.executable, "-m", "device_bridge.sim", "--inputs", str(path)],
        capture_output=True,
        env={**os.environ, "TNE_LANG": "fr"},
        timeout=30,
    )
    assert done.returncode == 2
    assert "L'entrée 1" in done.stderr.decode()
