"""The `Board` service against the real micro:bit V1 firmware (MicroPython 1.9.2 in QEMU).

Each test gets a freshly booted emulated board (`board` fixture, about a second to connect).
Known facts of that firmware used here: `temperature()` blocks forever under QEMU and Ctrl-C does
not stop it; `microbit.uart.write` sends raw bytes; there is no `os.stat` nor `os.rename`.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
import serial

from device_bridge import Board, BoardError
from device_bridge.errors import BridgeError, DeviceNotResponding, ExecTimeout
from tests.helpers.qemu import QemuMicrobit

pytestmark = pytest.mark.qemu


def elapsed_since(start: float) -> float:
    return time.monotonic() - start


# -- exec, eval ---------------------------------------------------------------------------------


def test_exec_returns_stdout_and_stderr_apart(board: Board) -> None:
    result = board.exec("print('bonjour')\nprint(6 * 7)")

    assert result.stdout == b"bonjour\r\n42\r\n"
    assert result.stderr == b""


def test_board_exception_raises_board_error_carrying_the_board_traceback(board: Board) -> None:
    with pytest.raises(BoardError) as caught:
        board.exec("print('avant')\nraise ValueError('mauvaise valeur')")

    error = caught.value
    assert error.traceback.startswith("Traceback (most recent call last):")
    assert 'File "<stdin>", line 2' in error.traceback
    assert error.traceback.strip().endswith("ValueError: mauvaise valeur")
    assert error.exception_name == "ValueError"
    assert error.stdout == b"avant\r\n"
    assert error.exit_code == 1
    assert "ValueError" in str(error)


def test_name_error_is_named(board: Board) -> None:
    with pytest.raises(BoardError) as caught:
        board.exec("vitesse_du_robot")

    assert caught.value.exception_name == "NameError"


def test_eval_returns_python_values(board: Board) -> None:
    assert board.eval("6 * 7") == 42
    assert board.eval("'élève à l\\'école'") == "élève à l'école"
    assert board.eval("bytes([0, 255, 10])") == b"\x00\xff\n"
    assert board.eval("[1, 'a', (2, 3), None, True]") == [1, "a", (2, 3), None, True]


def test_exec_of_empty_code_runs_nothing_and_keeps_the_variables(board: Board) -> None:
    # At the raw prompt a bare Ctrl-D means "soft reboot", which would wipe the variables.
    board.exec("vitesse = 3")

    result = board.exec("", timeout=2)

    assert (result.stdout, result.stderr) == (b"", b"")
    assert board.eval("vitesse") == 3


def test_reset_soft_clears_the_variables(board: Board) -> None:
    board.exec("vitesse = 3")
    assert board.eval("vitesse") == 3

    board.reset("soft")

    with pytest.raises(BoardError) as caught:
        board.exec("vitesse")
    assert caught.value.exception_name == "NameError"
    assert board.eval("1 + 1") == 2


def test_profile_probed_at_connect_is_a_micro_bit_v1_without_stat_nor_rename(board: Board) -> None:
    profile = board.profile

    assert profile is not None
    assert profile.kind == "microbit-v1"
    assert profile.has_stat is False
    assert profile.has_rename is False
    assert profile.has_dirs is False
    assert profile.version == (1, 9, 2)
    assert "micro:bit V1" in board.label


# -- output as it arrives, and lots of it -------------------------------------------------------


def test_stream_yields_output_before_the_program_ends(board: Board) -> None:
    program = "print('premier')\nfrom microbit import sleep\nsleep(300)\nprint('second')"
    received = b""
    first_seen_at = None

    for chunk in board.stream(program):
        received += chunk
        if first_seen_at is None and b"premier\r\n" in received:
            first_seen_at = time.monotonic()
    ended_at = time.monotonic()

    assert received == b"premier\r\nsecond\r\n"
    assert first_seen_at is not None
    assert ended_at - first_seen_at >= 0.25, "the first line waited for the end of the program"


def test_closing_a_stream_early_stops_the_program_on_the_board(board: Board) -> None:
    program = "from microbit import sleep\nwhile True:\n print('tic')\n sleep(20)"
    chunks = board.stream(program)
    received = b""
    while b"tic" not in received:  # a chunk is whatever has arrived: maybe a part of a line
        received += next(chunks)

    chunks.close()

    start = time.monotonic()
    assert board.exec("print('après')").stdout == "après\r\n".encode()
    assert elapsed_since(start) < 1.0


def test_several_megabytes_of_output_arrive_complete_and_in_order(board: Board) -> None:
    lines = 30_000  # 30 000 lines of 102 bytes: about 3 MB
    program = f"for i in range({lines}):\n print('%06d' % i, 'x' * 93)"

    stdout = board.exec(program, timeout=10).stdout

    assert len(stdout) == lines * 102
    expected = b"".join(b"%06d %s\r\n" % (i, b"x" * 93) for i in range(lines))
    assert stdout == expected


def test_output_that_is_not_utf8_passes_through_as_bytes(board: Board) -> None:
    program = "import microbit\nmicrobit.uart.write(b'\\xff\\xfe')\nprint('ok')"

    assert board.exec(program).stdout == b"\xff\xfeok\r\n"
    assert b"".join(board.stream(program)) == b"\xff\xfeok\r\n"


# -- a board that does not stop on its own ------------------------------------------------------


def test_infinite_loop_times_out_and_the_board_is_usable_right_after(board: Board) -> None:
    start = time.monotonic()

    with pytest.raises(ExecTimeout) as caught:
        board.exec("while True:\n pass", timeout=1)

    assert 1.0 <= elapsed_since(start) < 3.0
    assert str(caught.value)
    assert board.eval("1 + 1") == 2


def test_board_stuck_in_temperature_reports_in_french_and_a_new_board_works(
    board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TNE_LANG", raising=False)  # French, the default
    start = time.monotonic()

    with pytest.raises(DeviceNotResponding) as caught:
        board.exec("from microbit import *\ntemperature()", timeout=1)

    assert elapsed_since(start) < 1 + 5
    message = str(caught.value)
    assert "carte" in message and "reset" in message, message
    assert caught.value.exit_code == 3

    # This process is still in charge: a later call on the stuck board fails, it does not hang.
    start = time.monotonic()
    with pytest.raises(BridgeError):
        board.exec("print(1)", timeout=1)
    assert elapsed_since(start) < 10

    # The "reset button" under QEMU is a fresh instance.
    with QemuMicrobit("pty") as fresh, Board.connect(fresh.address) as again:
        assert again.eval("6 * 7") == 42


# -- what is on the line before we connect ------------------------------------------------------


def send_before_connecting(pty: str, data: bytes, until: bytes = b"", settle: float = 0.3) -> bytes:
    """Write `data` to the board through a separate handle on its pty, as another program or a
    noisy line would, and return what the board answered: everything up to `until`, or until
    it has been quiet for `settle` seconds.

    A Ctrl-C goes first, and its fresh `>>> ` prompt shows that QEMU has noticed the handle
    (it polls its pty about once a second), so `data` is not written into the void."""
    link = serial.Serial(pty, 115200, timeout=0)
    try:
        deadline = time.monotonic() + 10
        answered = b""
        link.write(b"\x03")
        while b">>> " not in answered and time.monotonic() < deadline:
            answered += link.read(4096)
            time.sleep(0.01)
        for start in range(0, len(data), 16):
            link.write(data[start : start + 16])
            time.sleep(0.002)
        answered, quiet_since = b"", time.monotonic()
        while time.monotonic() < deadline:
            chunk = link.read(4096)
            if chunk:
                answered += chunk
                quiet_since = time.monotonic()
                if until and until in answered:
                    break
            elif not until and time.monotonic() - quiet_since > settle:
                break
            else:
                time.sleep(0.01)
        return answered
    finally:
        link.close()


def connect_within(address: str, seconds: float) -> Board:
    """`Board.connect`, failing the test if it has not returned after `seconds`."""
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(_connect(address)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"Board.connect did not return within {seconds} s"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    assert isinstance(outcome[0], Board)
    return outcome[0]


def _connect(address: str) -> Board | BaseException:
    try:
        return Board.connect(address)
    except BaseException as error:  # handed to the test thread
        return error


#: Line noise (a NUL, as a serial break or a glitch produces), stray bytes, half a line typed
#: at the friendly prompt, then random bytes (which may enter raw mode, paste mode, or run
#: junk). Seeded so a failure can be replayed.
GARBAGE = (
    b"\x00\xff\xfe\x1b[A\x07noise" + b"print('moiti" + random.Random(2024).randbytes(1500) + b"\x00"
)


def test_garbage_on_the_line_before_connecting_does_not_disturb_the_board(
    qemu_microbit: QemuMicrobit,
) -> None:
    send_before_connecting(qemu_microbit.pty, GARBAGE)

    with connect_within(qemu_microbit.address, 20) as board:
        assert board.profile is not None and board.profile.kind == "microbit-v1"
        assert board.exec("print('propre')").stdout == b"propre\r\n"


def test_a_single_nul_byte_before_connecting_does_not_make_the_first_run_fail(
    qemu_microbit: QemuMicrobit,
) -> None:
    # On this firmware a NUL received at the friendly prompt leaves a KeyboardInterrupt pending,
    # which the next program (here the connect-time probe) raises.
    send_before_connecting(qemu_microbit.pty, b"\x00", settle=0.1)

    with connect_within(qemu_microbit.address, 20) as board:
        assert board.eval("6 * 7") == 42


def test_connecting_to_a_board_busy_printing_stops_its_program(qemu_microbit: QemuMicrobit) -> None:
    program = b"while True:\n print('bla bla bla')\n"
    flooding = send_before_connecting(
        qemu_microbit.pty, b"\x05" + program + b"\x04", until=b"bla bla bla\r\nbla bla bla"
    )
    assert b"bla bla bla" in flooding

    with connect_within(qemu_microbit.address, 20) as board:
        assert board.exec("print('calme')").stdout == b"calme\r\n"


def test_connecting_to_a_board_that_prints_and_ignores_ctrl_c_fails_in_bounded_time(
    qemu_microbit: QemuMicrobit,
) -> None:
    # A program that turned Ctrl-C off and keeps printing: Ctrl-C never stops it. (A loop that
    # catches KeyboardInterrupt would not do: the interrupt can land outside its `try`.)
    program = b"import micropython\nmicropython.kbd_intr(-1)\nwhile True:\n print('je continue')\n"
    flooding = send_before_connecting(
        qemu_microbit.pty, b"\x05" + program + b"\x04", until=b"je continue\r\nje continue"
    )
    assert b"je continue" in flooding

    with pytest.raises(BridgeError):
        connect_within(qemu_microbit.address, 15).close()
