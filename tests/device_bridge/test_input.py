"""`input()` on a board (device_bridge/protocol/stdin.py): the board says that it waits, the host
answers with a line, refuses (grading, nobody to type), or stops the program while it waits; on
the simulator and on the real micro:bit firmware in QEMU.
"""

from __future__ import annotations

import _thread
import os
import signal
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_bridge import Board
from device_bridge.board import STOP_GRACE
from device_bridge.protocol import Phase
from device_bridge.protocol.stdin import INPUT_MARK, InputWatch, file_modules
from tests.helpers.qemu import QemuMicrobit

ASK = "print('question')\nnom = input('nom ? ')\nprint('bonjour', nom, len(nom))"


def never_answered() -> str:
    time.sleep(3600)
    return ""


# -- the mark in the output stream ----------------------------------------------------------------


@given(
    pieces=st.lists(st.binary(max_size=20).filter(lambda b: b"\x1b" not in b), max_size=6),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
)
def test_the_mark_is_taken_out_of_the_output_however_it_is_cut(
    pieces: list[bytes], cuts: list[int]
) -> None:
    stream = INPUT_MARK.join(pieces)
    shown: list[bytes] = []
    asked_after: list[bytes] = []
    watch = InputWatch(shown.append, lambda: asked_after.append(b"".join(shown)))
    bounds = sorted({0, len(stream), *(c for c in cuts if c <= len(stream))})
    for start, end in zip(bounds, bounds[1:], strict=False):
        watch.feed(stream[start:end])
    watch.flush()

    assert b"".join(shown) == b"".join(pieces)
    assert asked_after == [b"".join(pieces[: i + 1]) for i in range(len(pieces) - 1)]


# -- on the boards ------------------------------------------------------------------------------


def test_input_gets_the_line_typed_with_its_accents_and_the_mark_is_never_shown(
    any_board: Board,
) -> None:
    shown: list[bytes] = []
    result = any_board.run(ASK, on_stdout=shown.append, on_input=lambda: "Éloïse")

    expected = "question\r\nnom ? bonjour Éloïse 6\r\n".encode()
    assert result.stderr == b""
    assert result.stdout == expected
    assert b"".join(shown) == expected
    # Twice in a run, and again after a soft reboot (the firmware's input() is defined again).
    answers = iter(["1", "2"])
    twice = any_board.run("print(int(input()) + int(input()))", on_input=lambda: next(answers))
    assert twice.stdout == b"3\r\n"
    any_board.reset("soft")
    again = any_board.run("print(input('? '))", on_input=lambda: "encore")
    assert again.stdout == b"? encore\r\n"


def test_input_called_by_a_module_imported_from_a_file_on_the_board_is_answered_too(
    any_board: Board,
) -> None:
    """The module looks `input` up in the builtins, not in the program's globals: on the V1
    firmware `builtins.input` can be replaced (and is, by the board's own input())."""
    # (The word across the board's 64-byte reads: at bytes 62 to 66.)
    any_board.fs.put(b"#" * 39 + b"\ndef ask():\n    return input('Ton nom ? ')\n", "questions.py")
    shown: list[bytes] = []

    result = any_board.run(
        # (The program's own input() too: both are the board's.)
        "import questions\nprint('Bonjour', questions.ask(), input(' Ton âge ? '))",
        on_stdout=shown.append,
        on_input=lambda: "Léa",
        timeout=30,  # the firmware's own input() would wait for ever
    )

    assert result.stderr == b""
    assert result.stdout == "Ton nom ?  Ton âge ? Bonjour Léa Léa\r\n".encode()
    assert INPUT_MARK not in b"".join(shown)
    any_board.allow_input = False  # grading: the module's input() fails in French at once
    refused = any_board.run("import questions\nquestions.ask()", on_input=never_answered)
    assert b"RuntimeError" in refused.stderr


def test_a_module_from_a_file_without_input_leaves_the_firmware_s_input_alone(
    any_board: Board,
) -> None:
    """The V1's heap is small: the board's own input() is defined only when it may be called
    (`import maqueen` failed with MemoryError when it was defined for every imported file)."""
    any_board.fs.put(b"def double(x):\n    return 2 * x\n", "outils.py")

    result = any_board.run("import outils\nprint(outils.double(21))")
    # (Said without the word, which would make the board define it.)
    defined = any_board.run("print('in' + 'put' in globals())")

    assert result.stdout == b"42\r\n"
    assert defined.stdout == b"False\r\n"
    assert any_board.run("print('_tne_input_in' in globals())").stdout == b"False\r\n"


def test_the_modules_that_are_files_on_the_board_are_those_the_firmware_has_not() -> None:
    assert file_modules(b"import questions") == ("questions",)
    assert file_modules("from microbit import *\nfrom outils.texte import lire") == ("outils",)
    assert file_modules("import music, mes_sons as sons\nimport mes_sons") == ("mes_sons",)
    assert file_modules("from microbit import *\nimport music, radio as r\nprint(1)") == ()
    assert file_modules("# import questions is in a comment\nprint('import')") == ()


def test_grading_makes_input_fail_at_once_with_a_french_message(
    any_board: Board, french: None
) -> None:
    any_board.allow_input = False
    start = time.monotonic()

    result = any_board.run(ASK, on_input=never_answered)

    assert time.monotonic() - start < 2.0
    last = result.stderr.decode().strip().splitlines()[-1]
    assert last.startswith("RuntimeError: input() ne fonctionne pas pendant la correction")
    assert "\u00a0:" in last
    assert result.stdout == b"question\r\nnom ? "


def test_with_nobody_to_answer_input_fails_in_french(any_board: Board, french: None) -> None:
    result = any_board.run("input()")

    assert "Personne ne peut répondre à input() ici." in result.stderr.decode()
    assert any_board.eval("1 + 1") == 2


def test_a_stop_from_another_thread_ends_a_program_waiting_for_input(any_board: Board) -> None:
    timer = threading.Timer(0.5, any_board.request_stop)
    timer.start()
    start = time.monotonic()

    result = any_board.run(ASK, timeout=None, on_input=never_answered)

    assert time.monotonic() - start < 0.5 + STOP_GRACE
    assert result.stderr.decode().strip().endswith("KeyboardInterrupt:")
    assert any_board.phase == Phase.IDLE
    # Nothing of the unanswered question is left on the line for the next program.
    assert any_board.run("print(input())", on_input=lambda: "suite").stdout == b"suite\r\n"


def test_ctrl_c_in_the_waiting_thread_stops_the_program_on_the_board(any_board: Board) -> None:
    """A terminal's Ctrl-C lands in the thread that waits for the answer (`tne run` on the
    simulator): the program is stopped on the board, which answers right after."""
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()

    with pytest.raises(KeyboardInterrupt):
        any_board.run(ASK, timeout=None, on_input=never_answered)

    assert any_board.eval("'après'") == "après"


@pytest.mark.qemu
def test_the_board_is_asked_about_a_module_s_file_once_until_its_files_may_change(
    board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A robot's program imports `maqueen` at each run: the question costs the V1 about 500
    bytes at its pace, so it is asked again only after code that may have changed a file."""
    sent: list[str] = []
    run = board.repl.run

    def recorded(code: str | bytes, **options: object) -> object:
        sent.append(code.decode() if isinstance(code, bytes) else code)
        return run(code, **options)

    monkeypatch.setattr(board.repl, "run", recorded)

    def questions() -> int:
        return sum("_tne_input_in" in code for code in sent)

    board.fs.put(b"def double(x):\n    return 2 * x\n", "outils.py")
    for _ in range(3):
        assert board.run("import outils\nprint(outils.double(21))").stdout == b"42\r\n"
    assert questions() == 1
    # Not yet on the board: the question's answer (no input) holds until a file is written...
    missing = board.run("import reponses")
    assert b"ImportError" in missing.stderr
    assert questions() == 2
    board.run("import reponses")
    assert questions() == 2
    # ... here by the program itself: the next import asks again, and its input() is answered.
    board.run(
        "f = open('reponses.py', 'w')\nf.write('def ask():\\n    return input()\\n')\nf.close()"
    )
    answered = board.run(
        "import reponses\nprint(reponses.ask())", on_input=lambda: "oui", timeout=30
    )
    assert questions() == 3
    assert answered.stdout == b"oui\r\n"


@pytest.mark.qemu
@pytest.mark.parametrize("refused", [False, True], ids=["answer", "refusal"])
def test_a_long_answer_reaches_a_board_that_stalls_while_it_is_written(
    board: Board, qemu_microbit: QemuMicrobit, refused: bool
) -> None:
    """The V1's receive buffer is small and emptied by the answer's Python loop: a long line
    written to a board that stalls (a busy host stops the emulator; a slow board) reached it
    with a byte lost, until the host wrote it a piece at a time, each asked for by the board.
    The emulator is stopped while the host answers, then resumed."""
    line = "Je m'appelle Éloïse, j'ai onze ans et mon robot suit la ligne noire. " * 3
    assert qemu_microbit.process is not None
    pid = qemu_microbit.process.pid

    def answer_while_stalled() -> str:
        os.kill(pid, signal.SIGSTOP)
        threading.Timer(0.5, os.kill, (pid, signal.SIGCONT)).start()
        if refused:
            raise EOFError(line)
        return line

    result = board.run("print(input())", on_input=answer_while_stalled)

    if refused:
        assert result.stderr.decode().strip().splitlines()[-1] == f"RuntimeError: {line}".strip()
    else:
        assert result.stdout.decode() == line + "\r\n", result.stderr


def test_a_long_answer_reaches_a_modern_micropython_in_pieces(modern, french: None) -> None:
    """The unix port reads its standard input (`sys.stdin`), not the micro:bit's `uart`: the
    board's `input()` asks for each piece there too."""
    line = "Je m'appelle Éloïse, j'ai onze ans et mon robot suit la ligne noire. " * 3
    board = Board.connect(modern.address)
    try:
        answered = board.run("print(input('nom ? '))", on_input=lambda: line)
        refused = board.run("input()")
    finally:
        board.close()

    assert answered.stdout.decode().replace("\r\n", "\n") == "nom ? " + line + "\n"
    assert "Personne ne peut répondre à input() ici." in refused.stderr.decode()
