"""The raw REPL protocol, byte for byte, against the real firmware's answers replayed in memory.

The answers come from the QEMU micro:bit (see `tests/helpers/replay.py`); raw-paste, which that
firmware lacks, is played by a scripted board that follows MicroPython's `pyexec.c`.
"""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from device_bridge.errors import DeviceNotResponding, ExecTimeout, LinkLost
from device_bridge.protocol import Pacing, RawRepl
from device_bridge.protocol.raw_repl import RAW_PASTE_REQUEST
from tests.helpers.replay import (
    ANSWER_ACCENTS,
    ANSWER_LOOP_STARTED,
    ANSWER_MEMORY_ERROR,
    ANSWER_NAME_ERROR,
    ANSWER_PRINT_1,
    ANSWER_PRINT_HI_THEN_RAISE,
    ANSWER_PRINT_LOOP,
    ANSWER_PROBE,
    ANSWER_SYNTAX_ERROR,
    ANSWER_TEMPERATURE_STARTED,
    ANSWER_UART_INVALID_UTF8,
    BOOT_NOISE,
    ENTER_RAW_FROM_FRIENDLY,
    ENTER_RAW_FROM_RAW,
    FRIENDLY_BANNER,
    FRIENDLY_PROMPTS,
    LOOP_INTERRUPTED,
    RAW_PASTE_REFUSED_BY_OLD_FIRMWARE,
    SOFT_REBOOT_FROM_RAW,
    RawPasteBoard,
    ReplayTransport,
    Step,
    connect_steps,
    first_run_steps,
    opened,
    split,
)
from tne.i18n import number

NO_PACING = Pacing(chunk=32, interval=0.0)

#: Captured answers and the stdout and stderr the protocol must make of them.
CAPTURED_RUNS = [
    (ANSWER_PRINT_1, b"1\r\n", b""),
    (ANSWER_PRINT_LOOP, b"0\r\n1\r\n2\r\n", b""),
    (ANSWER_ACCENTS, "café ü\r\n".encode(), b""),
    (ANSWER_UART_INVALID_UTF8, b"\xff\xfe", b""),
    (
        ANSWER_PRINT_HI_THEN_RAISE,
        b"hi\r\n",
        b"Traceback (most recent call last):\r\n"
        b'  File "<stdin>", line 2, in <module>\r\nValueError: bad\r\n',
    ),
    (
        ANSWER_NAME_ERROR,
        b"",
        b"Traceback (most recent call last):\r\n"
        b"  File \"<stdin>\", line 1, in <module>\r\nNameError: name 'x' is not defined\r\n",
    ),
    (
        ANSWER_SYNTAX_ERROR,
        b"",
        b'Traceback (most recent call last):\r\n  File "<stdin>", line 2\r\n'
        b"SyntaxError: invalid syntax\r\n",
    ),
    (ANSWER_MEMORY_ERROR, b"", b"MemoryError: memory allocation failed, allocating 2000 bytes\r\n"),
    (ANSWER_PROBE, ANSWER_PROBE[2:-3], b""),
]


def at_raw_prompt(steps: list[Step], pacing: Pacing = NO_PACING) -> tuple[RawRepl, ReplayTransport]:
    """A protocol talking to a V1 board already at the raw prompt."""
    transport = opened(steps)
    return RawRepl(transport, pacing), transport


# -- entering raw mode ---------------------------------------------------------------------------


def test_enter_reaches_the_raw_prompt_through_garbage_and_returns_what_came_before() -> None:
    garbage = BOOT_NOISE + b"\xff\xfe\x13garbage raw REP\x04\x04>"
    transport = opened(connect_steps(), unsolicited=[garbage, FRIENDLY_BANNER])
    repl = RawRepl(transport, NO_PACING)

    seen = repl.enter()

    assert seen.startswith(garbage + FRIENDLY_BANNER)
    assert FRIENDLY_PROMPTS in seen
    assert transport.written.startswith(b"\r\x03\x03")
    assert transport.written.endswith(b"\x01")
    assert transport.script_done
    transport.steps.extend(first_run_steps(ANSWER_PRINT_1))
    assert repl.run("print(1)").stdout == b"1\r\n"


def test_enter_tries_again_when_the_first_ctrl_a_goes_unnoticed() -> None:
    # QEMU's pty notices a new client only about once a second: the first bytes are lost.
    steps = [Step(b"\x03\x03"), Step(b"\x01"), *connect_steps()]
    transport = opened(steps)

    RawRepl(transport, NO_PACING).enter(wait=0.01)

    assert transport.written.count(b"\x01") == 2
    assert transport.script_done


def test_enter_stops_a_running_program_first() -> None:
    steps = [Step(b"\x03", LOOP_INTERRUPTED), Step(b"\x01", ENTER_RAW_FROM_RAW)]
    transport = opened(steps)

    seen = RawRepl(transport, NO_PACING).enter()

    assert b"KeyboardInterrupt" in seen


def test_enter_settles_on_the_last_banner_so_no_stale_bytes_reach_the_next_run() -> None:
    late_reboot = [ENTER_RAW_FROM_FRIENDLY, b"OK\r\nsoft reboot\r\n", ENTER_RAW_FROM_RAW]
    steps = [Step(b"\x03\x03", FRIENDLY_PROMPTS), Step(b"\x01", late_reboot)]
    transport = opened(steps)
    repl = RawRepl(transport, NO_PACING)

    repl.enter()
    transport.steps.extend(first_run_steps(ANSWER_PRINT_1))

    assert repl.run("print(1)").stdout == b"1\r\n"


def test_enter_gives_up_with_device_not_responding_when_no_banner_comes() -> None:
    transport = opened(unsolicited=b"\x00\x00noise")
    repl = RawRepl(transport, NO_PACING)

    with pytest.raises(DeviceNotResponding) as caught:
        repl.enter(attempts=2, wait=0.01)

    assert transport.written.count(b"\x01") == 2
    assert str(caught.value)
    assert "noise" in caught.value.detail


# -- stdout, stderr and chunk boundaries -------------------------------------------------------


@pytest.mark.parametrize(("answer", "stdout", "stderr"), CAPTURED_RUNS)
def test_run_separates_stdout_from_stderr_as_the_firmware_frames_them(
    answer: bytes, stdout: bytes, stderr: bytes
) -> None:
    repl, transport = at_raw_prompt(first_run_steps(answer))

    result = repl.run("code")

    assert (result.stdout, result.stderr) == (stdout, stderr)
    assert repl.phase == "idle"
    assert transport.script_done


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(CAPTURED_RUNS),
    refusal_cuts=st.lists(st.integers(0, len(RAW_PASTE_REFUSED_BY_OLD_FIRMWARE)), max_size=6),
    answer_cuts=st.lists(st.integers(0, 300), max_size=40),
)
def test_output_split_at_any_chunk_boundary_is_reassembled_exactly(
    case: tuple[bytes, bytes, bytes], refusal_cuts: list[int], answer_cuts: list[int]
) -> None:
    answer, stdout, stderr = case
    steps = [
        Step(RAW_PASTE_REQUEST, split(RAW_PASTE_REFUSED_BY_OLD_FIRMWARE, refusal_cuts)),
        Step(b"\x04", split(answer, answer_cuts)),
    ]
    repl, _transport = at_raw_prompt(steps)
    streamed_out: list[bytes] = []
    streamed_err: list[bytes] = []

    result = repl.run("code", on_stdout=streamed_out.append, on_stderr=streamed_err.append)

    assert (result.stdout, result.stderr) == (stdout, stderr)
    assert b"".join(streamed_out) == stdout
    assert b"".join(streamed_err) == stderr


no_eot = st.binary(max_size=400).map(lambda data: data.replace(b"\x04", b""))


@settings(max_examples=200, deadline=None)
@given(stdout=no_eot, stderr=no_eot, data=st.data())
def test_any_output_split_anywhere_streams_and_collects_the_same_bytes(
    stdout: bytes, stderr: bytes, data: st.DataObject
) -> None:
    answer = b"OK" + stdout + b"\x04" + stderr + b"\x04>"
    cuts = data.draw(st.lists(st.integers(0, len(answer)), max_size=60))
    repl, _transport = at_raw_prompt([Step(b"\x04", split(answer, cuts))])
    repl.raw_paste = False  # already known: no raw-paste on this firmware
    streamed: list[bytes] = []

    result = repl.run(b"code", on_stdout=streamed.append)

    assert result.stdout == stdout
    assert result.stderr == stderr
    assert b"".join(streamed) == stdout
    assert all(streamed), "on_stdout is never called with nothing"


# -- sending code: raw-paste negotiation and pacing ---------------------------------------------


def test_old_firmware_refuses_raw_paste_with_its_banner_and_is_asked_only_once() -> None:
    steps = [*first_run_steps(ANSWER_PRINT_1), Step(b"\x04", ANSWER_PRINT_LOOP)]
    repl, transport = at_raw_prompt(steps)

    first = repl.run("print(1)")
    second = repl.run("for i in range(3):\n print(i)")

    assert (first.stdout, second.stdout) == (b"1\r\n", b"0\r\n1\r\n2\r\n")
    assert repl.raw_paste is False
    assert transport.written == (
        RAW_PASTE_REQUEST + b"print(1)\x04" + b"for i in range(3):\n print(i)\x04"
    )
    assert repl.bytes_sent == len(transport.written)


def test_board_that_answers_r00_gets_the_code_by_the_plain_raw_repl() -> None:
    # pyexec.c: an unaccepted raw-paste request is answered b"R\x00", then the ">" prompt.
    board = RawPasteBoard(lambda code: (b"ran " + code + b"\r\n", b""), refuse=True)
    repl = RawRepl(board, NO_PACING)

    first = repl.run("print(1)")
    second = repl.run("print(2)")

    assert first.stdout == b"ran print(1)\r\n"
    assert second.stdout == b"ran print(2)\r\n"
    assert repl.raw_paste is False
    assert board.pastes == 0
    assert board.written.count(RAW_PASTE_REQUEST) == 1


@settings(max_examples=60, deadline=None)
@given(
    code=st.binary(min_size=0, max_size=3000).map(
        lambda data: data.replace(b"\x04", b"").replace(b"\x03", b"")
    ),
    window=st.sampled_from([1, 8, 32, 128, 256, 1000]),
)
def test_raw_paste_never_sends_more_than_the_granted_windows(code: bytes, window: int) -> None:
    board = RawPasteBoard(lambda received: (b"%d\r\n" % len(received), b""), window=window)
    repl = RawRepl(board, NO_PACING)

    result = repl.run(code)

    assert repl.raw_paste is True
    assert bytes(board.code) == code
    assert board.overrun == 0, f"sent {board.overrun} bytes beyond the granted window"
    assert result.stdout == b"%d\r\n" % len(code)
    assert repl.phase == "idle"


def test_raw_paste_is_used_again_for_each_run() -> None:
    board = RawPasteBoard(lambda code: (code.upper(), b""), window=16)
    repl = RawRepl(board, NO_PACING)

    assert repl.run("print('a')").stdout == b"PRINT('A')"
    assert repl.run("print('b' * 40)").stdout == b"PRINT('B' * 40)"
    assert board.pastes == 2
    assert board.overrun == 0


def test_raw_paste_carries_the_traceback_on_stderr() -> None:
    traceback = b'Traceback (most recent call last):\r\n  File "<stdin>"\r\nZeroDivisionError\r\n'
    board = RawPasteBoard(lambda code: (b"before\r\n", traceback), window=32)

    result = RawRepl(board, NO_PACING).run("print('before')\n1/0")

    assert (result.stdout, result.stderr) == (b"before\r\n", traceback)


def test_board_ending_a_raw_paste_early_is_acknowledged_and_its_error_read() -> None:
    # The firmware stops reading when compiling fails before the end of the code.
    syntax_error = b"Traceback (most recent call last):\r\nSyntaxError: invalid syntax\r\n"
    board = RawPasteBoard(lambda code: (b"", syntax_error), window=32, end_early_after=40)
    repl = RawRepl(board, NO_PACING)

    result = repl.run(b"x = (" + b"1 + " * 500)

    assert result.stderr == syntax_error
    assert repl.phase == "idle"
    assert board.written.endswith(b"\x04")
    assert len(board.code) == 40
    assert board.mode == "raw"


def test_a_statement_that_fits_the_receive_buffer_goes_out_with_its_ctrl_d_in_one_write() -> None:
    repl, transport = at_raw_prompt([Step(b"\x04", ANSWER_PRINT_1)], pacing=Pacing())
    repl.raw_paste = False
    code = b"print(1)"
    assert len(code) + 1 <= Pacing().buffer

    repl.run(code)

    assert transport.writes == [code + b"\x04"]


@settings(max_examples=60, deadline=None)
@given(code=st.text(min_size=1, max_size=600), chunk=st.integers(1, 100))
def test_paced_writes_never_exceed_the_pacing_chunk(code: str, chunk: int) -> None:
    payload = code.encode("utf-8").replace(b"\x04", b"").replace(b"\x03", b"") or b"pass"
    pacing = Pacing(chunk=chunk, interval=0.0, buffer=0)  # buffer=0: everything is paced
    repl, transport = at_raw_prompt([Step(b"\x04", ANSWER_PRINT_1)], pacing=pacing)
    repl.raw_paste = False

    repl.run(payload)

    assert transport.written == payload + b"\x04"
    assert max(len(write) for write in transport.writes) <= chunk


def test_long_code_with_the_default_pacing_goes_out_in_small_spaced_chunks() -> None:
    pacing = Pacing()
    repl, transport = at_raw_prompt([Step(b"\x04", ANSWER_PRINT_1)], pacing=pacing)
    repl.raw_paste = False
    code = b"x = 1\n" * 50  # 300 bytes, far more than the receive buffer

    repl.run(code)

    assert transport.written == code + b"\x04"
    assert max(len(write) for write in transport.writes) <= pacing.chunk
    times = transport.write_times
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert min(gaps) >= pacing.interval * 0.9


def test_paced_writes_are_spaced_by_the_pacing_interval() -> None:
    pacing = Pacing(chunk=32, interval=0.01, buffer=0)
    repl, transport = at_raw_prompt([Step(b"\x04", ANSWER_PRINT_1)], pacing=pacing)
    repl.raw_paste = False

    repl.run(b"x = 1\n" * 30)  # 180 bytes and the Ctrl-D: 6 chunks

    times = transport.write_times
    assert len(times) == 6
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert min(gaps) >= 0.009


def test_an_answer_other_than_ok_is_reported_as_not_responding() -> None:
    repl, _transport = at_raw_prompt(first_run_steps(b"XX\x04\x04>"))

    with pytest.raises(DeviceNotResponding) as caught:
        repl.run("print(1)")

    assert "XX" in caught.value.detail


# -- silence: idle timeout ----------------------------------------------------------------------


def test_silence_after_ok_raises_exec_timeout_after_the_allowed_silence() -> None:
    repl, transport = at_raw_prompt(first_run_steps(ANSWER_LOOP_STARTED))

    with pytest.raises(ExecTimeout) as caught:
        repl.run("while True: pass", timeout=0.3)

    assert number(0.3) in str(caught.value)  # "0,3" in French
    assert repl.phase == "stdout"
    assert transport.idle_time == pytest.approx(0.3, abs=0.05)


def test_timeout_is_the_silence_between_bytes_not_the_length_of_the_run() -> None:
    chunks = [b"OK"] + [b"tick\r\n"] * 50 + [b"\x04\x04>"]
    repl, transport = at_raw_prompt(first_run_steps(chunks))

    result = repl.run("ticker()", timeout=0.5)

    assert result.stdout == b"tick\r\n" * 50
    assert transport.idle_time == 0


def test_silence_in_the_middle_of_the_output_keeps_what_was_streamed() -> None:
    repl, _transport = at_raw_prompt(first_run_steps([b"OK1\r\n", b"2\r\n"]))
    streamed: list[bytes] = []

    with pytest.raises(ExecTimeout):
        repl.run("slow()", timeout=0.2, on_stdout=streamed.append)

    assert b"".join(streamed) == b"1\r\n2\r\n"


def test_code_the_board_did_not_take_whole_is_sent_again_after_a_fresh_raw_prompt() -> None:
    # No "OK": a byte (the Ctrl-D at least) was lost on the way, so nothing runs yet.
    steps = [
        *first_run_steps(b""),
        Step(b"\x03\x03"),
        Step(b"\x01", ENTER_RAW_FROM_RAW),
        Step(b"\x04", ANSWER_PRINT_1),
    ]
    repl, transport = at_raw_prompt(steps)

    result = repl.run("print(1)")

    assert result.stdout == b"1\r\n"
    assert repl.resends == 1
    assert transport.written.count(b"print(1)\x04") == 2


def test_board_that_never_acknowledges_the_code_is_reported_as_not_responding() -> None:
    repl, _transport = at_raw_prompt([Step(RAW_PASTE_REQUEST, RAW_PASTE_REFUSED_BY_OLD_FIRMWARE)])
    start = time.monotonic()

    with pytest.raises(DeviceNotResponding):
        repl.run("print(1)", timeout=0.1)

    assert time.monotonic() - start < 10


def test_a_closed_link_raises_link_lost_not_a_timeout() -> None:
    repl, transport = at_raw_prompt(first_run_steps(ANSWER_PRINT_1))
    transport.close()

    with pytest.raises(LinkLost):
        repl.run("print(1)")


# -- after Ctrl-C: finish_interrupted ----------------------------------------------------------


def test_finish_interrupted_consumes_the_keyboard_interrupt_and_leaves_the_prompt_clean() -> None:
    steps = [
        *first_run_steps(ANSWER_LOOP_STARTED),
        Step(b"\x03", LOOP_INTERRUPTED),
        Step(b"\x04", ANSWER_PRINT_1),
    ]
    repl, _transport = at_raw_prompt(steps)
    with pytest.raises(ExecTimeout):
        repl.run("while True: pass", timeout=0.1)

    repl.interrupt()

    assert repl.finish_interrupted(0.5) is True
    assert repl.phase == "idle"
    assert repl.run("print(1)").stdout == b"1\r\n"


def test_finish_interrupted_gives_up_within_its_wait_when_ctrl_c_does_not_stop_the_board() -> None:
    # temperature() on QEMU: neither Ctrl-C nor anything else gets an answer.
    steps = [*first_run_steps(ANSWER_TEMPERATURE_STARTED), Step(b"\x03", b"")]
    repl, transport = at_raw_prompt(steps)
    with pytest.raises(ExecTimeout):
        repl.run("from microbit import *\ntemperature()", timeout=0.1)
    idle_before = transport.idle_time

    repl.interrupt()

    assert repl.finish_interrupted(0.5) is False
    assert transport.idle_time - idle_before == pytest.approx(0.5, abs=0.05)
    assert repl.phase == "stdout"


def test_finish_interrupted_when_the_output_had_reached_the_traceback() -> None:
    steps = [*first_run_steps(b"OK\x04Traceback (most"), Step(b"\x03", b" recent)\r\n\x04>")]
    repl, _transport = at_raw_prompt(steps)
    with pytest.raises(ExecTimeout):
        repl.run("boom()", timeout=0.1)
    assert repl.phase == "stderr"

    repl.interrupt()

    assert repl.finish_interrupted(0.2) is True
    assert repl.phase == "idle"


def test_finish_interrupted_has_nothing_to_finish_when_no_run_was_interrupted() -> None:
    repl, transport = at_raw_prompt([])

    assert repl.finish_interrupted(0.2) is False
    assert transport.reads == []


# -- soft reboot --------------------------------------------------------------------------------


def test_soft_reset_reads_the_reboot_and_comes_back_at_the_raw_prompt() -> None:
    steps = [Step(b"\x04", SOFT_REBOOT_FROM_RAW), *first_run_steps(ANSWER_PRINT_1)]
    repl, transport = at_raw_prompt(steps)

    repl.soft_reset()

    assert transport.writes == [b"\x04"]
    assert repl.run("print(1)").stdout == b"1\r\n"


def test_soft_reset_of_a_silent_board_raises_device_not_responding() -> None:
    repl, _transport = at_raw_prompt([])

    with pytest.raises(DeviceNotResponding):
        repl.soft_reset(timeout=0.1)


def test_try_soft_reboot_says_whether_the_board_rebooted() -> None:
    rebooting, _ = at_raw_prompt([Step(b"\x04", SOFT_REBOOT_FROM_RAW)])
    stuck, _ = at_raw_prompt([Step(b"\x04", b"")])

    assert rebooting.try_soft_reboot(0.2) is True
    assert stuck.try_soft_reboot(0.2) is False
