"""The simulated micro:bit behind the same `Board` API as a serial board (issue 3, first slice)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.errors import BoardError, BoardFileError, ExecTimeout


@pytest.fixture(scope="module")
def sim() -> Iterator[Board]:
    board = Board.connect("sim")
    try:
        yield board
    finally:
        board.close()


@pytest.fixture(scope="module")
def sim_v1() -> Iterator[Board]:
    board = Board.connect("sim@v1")
    try:
        yield board
    finally:
        board.close()


def test_sim_probes_as_a_microbit_v2(sim: Board) -> None:
    assert sim.profile is not None
    assert sim.profile.kind == "microbit-v2"
    assert sim.profile.has_stat
    assert "tne simulator" in sim.profile.firmware


def test_sim_at_v1_probes_as_a_microbit_v1_without_stat(sim_v1: Board) -> None:
    assert sim_v1.profile is not None
    assert sim_v1.profile.kind == "microbit-v1"
    assert sim_v1.profile.machine == "micro:bit with nRF51822"
    assert not sim_v1.profile.has_stat


def test_v1_refuses_f_strings_as_its_firmware_does(sim_v1: Board, sim: Board) -> None:
    with pytest.raises(BoardError) as caught:
        sim_v1.exec("print(f'{6 * 7}')")
    assert caught.value.exception_name == "SyntaxError"
    assert sim.exec("print(f'{6 * 7}')").stdout == b"42\r\n"


def test_exec_and_eval_keep_globals_between_calls(sim: Board) -> None:
    assert sim.exec("x = 6 * 7\nprint(x)").stdout == b"42\r\n"
    assert sim.eval("x + 1") == 43


def test_error_goes_to_stderr_as_a_micropython_traceback(sim: Board) -> None:
    with pytest.raises(BoardError) as caught:
        sim.exec("print('avant')\ndef f():\n    return nowhere\nf()")
    error = caught.value
    assert error.exception_name == "NameError"
    assert error.stdout == b"avant\r\n"
    assert error.traceback == (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 4, in <module>\n'
        '  File "<stdin>", line 3, in f\n'
        "NameError: name 'nowhere' isn't defined\n"
    )


def test_stream_yields_the_printed_lines(sim: Board) -> None:
    output = b"".join(sim.stream("for i in range(3):\n    print(i)"))
    assert output == b"0\r\n1\r\n2\r\n"


def test_endless_loop_times_out_and_the_board_is_usable_right_after(sim: Board) -> None:
    started = time.monotonic()
    with pytest.raises(ExecTimeout):
        sim.exec("n = 0\nwhile True: pass", timeout=0.5)
    assert time.monotonic() - started < 2.0  # Ctrl-C stopped it: no restart was needed
    assert sim.eval("n") == 0  # same process, same globals
    assert sim.eval("1 + 1") == 2


def test_heart_lights_the_pixel_at_1_1(sim: Board) -> None:
    code = "from microbit import *\ndisplay.show(Image.HEART)\nprint(display.get_pixel(1, 1))"
    assert sim.exec(code).stdout == b"9\r\n"


def test_sleep_advances_simulated_time_without_waiting(sim: Board) -> None:
    started = time.monotonic()
    out = sim.exec(
        "import microbit\nt = microbit.running_time()\nmicrobit.sleep(1000)\n"
        "print(microbit.running_time() - t)"
    ).stdout
    assert time.monotonic() - started < 0.5
    assert 1000 <= int(out) <= 1001


def test_busy_loop_on_running_time_ends(sim: Board) -> None:
    out = sim.exec(
        "from microbit import *\nend = running_time() + 5000\n"
        "while running_time() < end: pass\nprint('fini')",
        timeout=10,
    )
    assert out.stdout == b"fini\r\n"


def test_same_code_gives_the_same_output_on_two_boards() -> None:
    code = "import random\nfrom microbit import *\nprint(random.randint(0, 10**6), running_time())"
    outputs = []
    for _ in range(2):
        with Board.connect("sim") as board:
            outputs.append(board.exec(code).stdout)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fixture", ["sim_v1", "sim"])
def test_fs_put_get_ls_rm_round_trip(fixture: str, request: pytest.FixtureRequest) -> None:
    board: Board = request.getfixturevalue(fixture)
    program = "from microbit import *\ndisplay.scroll('Bonjour é')\n".encode()
    board.fs.put(program, "main.py")
    board.fs.put(bytes(range(256)), "data.bin")
    assert board.fs.get("main.py") == program
    assert board.fs.get("data.bin") == bytes(range(256))
    listed = {info.name: info.size for info in board.fs.ls()}
    assert listed == {"main.py": len(program), "data.bin": 256}
    board.fs.rm("main.py")
    board.fs.rm("data.bin")
    assert board.fs.ls() == []
    with pytest.raises(BoardFileError):
        board.fs.get("main.py")


def test_file_written_by_pupil_code_stays_in_the_board(sim: Board, tmp_path: Path) -> None:
    sim.exec("with open('notes.txt', 'w') as f:\n    f.write('salut')")
    assert sim.fs.get("notes.txt") == b"salut"
    assert sim.eval("open('notes.txt').read()") == "salut"
    sim.fs.rm("notes.txt")
    assert not (Path.cwd() / "notes.txt").exists()


def test_soft_reset_clears_globals_and_keeps_files(sim: Board) -> None:
    sim.exec("kept = 1\nf = open('k.txt', 'w')\nf.write('k')\nf.close()")
    sim.reset("soft")
    with pytest.raises(BoardError):
        sim.exec("kept")
    assert sim.fs.get("k.txt") == b"k"
    sim.fs.rm("k.txt")


@pytest.mark.parametrize(
    "code, error",
    [
        ("import subprocess", "ImportError"),
        ("import socket", "ImportError"),
        ("open('/etc/passwd').read()", "OSError"),
        ("import os\nos.system('echo pwned')", "AttributeError"),
        ("exec('import subprocess', {})", "ImportError"),
        ("print.__self__.open", "AttributeError"),
        ("getattr(print, '__self__')", "AttributeError"),
        ("().__class__.__base__.__subclasses__()", "AttributeError"),
        ("vars(type(1))", "NameError"),  # MicroPython has no vars(), nor the firmware
    ],
)
def test_hostile_code_fails_and_reaches_nothing_on_the_host(
    sim: Board, code: str, error: str
) -> None:
    with pytest.raises(BoardError) as caught:
        sim.exec(code)
    assert caught.value.exception_name == error


def test_writing_a_host_path_is_refused_and_creates_nothing(sim: Board, tmp_path: Path) -> None:
    target = tmp_path / "pwned.txt"
    with pytest.raises(BoardError) as caught:
        sim.exec(f"open({str(target)!r}, 'w').write('x')")
    assert caught.value.exception_name == "OSError"
    assert not target.exists()


def test_memory_bomb_ends_in_memory_error_and_the_board_lives_on(sim: Board) -> None:
    with pytest.raises(BoardError) as caught:
        sim.exec("x = [0] * (10**8)")  # 10**10 is an OverflowError on the firmware
    assert caught.value.exception_name == "MemoryError"
    assert sim.eval("6 * 7") == 42


def test_a_module_on_the_board_can_be_imported(sim: Board) -> None:
    sim.fs.put(b"def double(n):\n    return 2 * n\n", "outils.py")
    try:
        assert sim.eval("__import__('outils').double(21)") == 42
    finally:
        sim.fs.rm("outils.py")


def test_hard_reset_restarts_the_board_and_keeps_files(sim: Board) -> None:
    sim.exec("gone = 1\nf = open('h.txt', 'w')\nf.write('h')\nf.close()")
    sim.reset("hard")
    assert sim.eval("'gone' in globals()") is False
    assert sim.fs.get("h.txt") == b"h"
    sim.fs.rm("h.txt")


def test_a_loop_that_swallows_ctrl_c_is_stopped_and_the_board_keeps_its_files() -> None:
    """The bridge's Ctrl-Cs end it (one lands outside the `try`, as on a board) or the engine
    restarts the guest after its grace period (the variables go): either way the board answers
    and its files stay."""
    with Board.connect("sim") as board:
        board.fs.put(b"print('garde')\n", "main.py")
        stubborn = "while True:\n try:\n  while True: pass\n except KeyboardInterrupt:\n  pass"
        with pytest.raises(ExecTimeout):
            board.exec(stubborn, timeout=0.5)
        assert board.eval("6 * 7") == 42
        assert board.fs.get("main.py") == b"print('garde')\n"
        store = Path(board.transport._store)  # type: ignore[attr-defined]
        assert store.is_dir()
    assert not store.exists()  # the board's flash goes with the transport


def test_tne_exec_on_the_simulator_prints_42() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TNE_")}
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "exec", "--device", "sim", "print(6*7)"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip() == b"42"


def test_the_child_ends_when_the_host_goes_away_even_in_an_endless_loop() -> None:
    from device_bridge.transports.sim import SimTransport

    transport = SimTransport()
    transport.open()
    try:
        process = transport._process
        assert process is not None and process.stdin is not None
        transport.write(b"\x01while True: pass\x04")
        time.sleep(0.3)
        process.stdin.close()  # as when the host process dies
        assert process.wait(timeout=5) == 0
    finally:
        transport.close()


def test_a_robot_the_simulator_does_not_have_is_refused_in_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from device_bridge.errors import UsageError

    monkeypatch.setenv("TNE_LANG", "fr")
    with pytest.raises(UsageError) as caught:
        Board.connect("sim:tortue")
    assert "robot « tortue »" in str(caught.value)
