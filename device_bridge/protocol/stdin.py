"""`input()` across the raw REPL: how a board says that it waits for a line, and how the host
answers.

The signal. A program that calls `input()` prints its prompt, then `INPUT_MARK` on stdout, then
reads stdin. The host sees the mark in the output stream (never shown to anyone) and so knows
that the board waits, without guessing from silence. Who prints it:
- the simulator's `input()` (its guest asks the host through the door op `input`, and the host
  side writes the mark on the serial line: device_bridge/sim/wasm/stdin.py);
- on real firmware, `FIRMWARE_INPUT`, which `Board` defines in the board's `__main__` before
  the first run whose code mentions `input` (after each reboot). The firmware's own `input()`
  gives no sign: on the raw REPL it reads the UART through readline and echoes every byte
  typed, prompt or not, so nothing in its output tells "waiting" from "slow". The micro:bit
  firmware has no `sys.stdin`: it reads `microbit.uart` (the REPL's own line; a Ctrl-C is taken
  by the line's interrupt handler before the buffer, so it still stops the program). For a
  module the pupil imports from a file, which looks `input` up in the builtins and not in
  `__main__`, it also replaces `builtins.input` (`FIRMWARE_INPUT_BUILTIN`; the V1 firmware
  allows it: measured in QEMU, tests/device_bridge/test_input.py). The host does not see that
  module's code, only the import: before a program that imports a module that is not the
  firmware's (`file_modules`), one round trip (`files_mention_input`) asks the board whether
  those files say `input` (asked once per module until code that may change the board's files
  runs: `may_change_files`). Defining `input()` for every such program would cost the V1's small
  heap for nothing: `import maqueen` then fails with `MemoryError` about half the time
  (measured in QEMU, tests/workshop/test_workshop_qemu.py).

The answer. One line: the UTF-8 bytes of the text in hexadecimal, then `\\r`; or `!`, the
hexadecimal of a message, then `\\r` for a refusal (no way to type here, or a grading run), which
the board raises as `RuntimeError(message)`. Hexadecimal because the V1 firmware reads stdin one
byte at a time as text (multi-byte characters would split), and because none of its digits is a
control byte of the raw REPL (a Ctrl-C still stops the program while it waits).

In pieces, on real firmware. The host writes at most `ANSWER_PIECE` bytes of the line, then
waits for the board to print the mark again (« the next piece »), which `FIRMWARE_INPUT` does
each time it has read a whole piece and no line end. The firmware's small receive buffer is
emptied by the answer's Python loop, not by the REPL's C code: pacing alone lost a byte of a
250-byte refusal when the emulated V1 stalled under load (a CI run, 2026-12-03), and a pupil's
long answer was as exposed. A line that fits in one piece costs nothing more. The simulator
reads its serial line into an unbounded queue: its answer goes in one piece.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..profiles import FIRMWARE_MODULES

#: What the board prints when it waits for a line (an OSC sequence: terminals ignore it).
INPUT_MARK = b"\x1b]tne;input\x07"
REFUSED = b"!"
END = b"\r"

#: Bytes of an answer line the host writes before it waits for the board's next mark: what
#: the firmware's receive buffer holds (`Pacing.buffer` of a wire).
ANSWER_PIECE = 48

#: `input()` for real firmware (MicroPython 1.9.2 and later), defined in the board's `__main__`.
FIRMWARE_INPUT = """\
def input(prompt=''):
    try:
        from microbit import uart, sleep

        def c():
            while not uart.any():
                sleep(1)
            return uart.read()
    except ImportError:
        import sys

        def c():
            return sys.stdin.read(1).encode()
    print(prompt, end='\x1b]tne;input\x07')
    h = b''
    n = PIECE
    while b'\\r' not in h:
        h += c()
        if len(h) >= n and b'\\r' not in h:
            n += PIECE
            print(end='\x1b]tne;input\x07')
    h = str(h[:h.find(b'\\r')], 'utf-8')
    t = str(bytes(int(h[i:i + 2], 16) for i in range(len(h) % 2, len(h), 2)), 'utf-8')
    if h[:1] == '!':
        raise RuntimeError(t)
    return t
""".replace("PIECE", str(ANSWER_PIECE))
#: After `FIRMWARE_INPUT` when a module imported from a file may call `input()`: that module
#: looks it up in the builtins. Only then: measured in QEMU, a V1 whose builtins were changed
#: lost bytes of the next answer about once in three first runs (tests/device_bridge/
#: test_input.py's refusal, 2 s), never without.
FIRMWARE_INPUT_BUILTIN = """\
try:
    import builtins
    builtins.input = input
    del builtins
except Exception:
    pass
"""
#: A module the program imports (`import a, b as c`, `from a.b import c`): the first names.
IMPORTED = re.compile(r"^[ \t]*(?:import[ \t]+([^#\n]+)|from[ \t]+(\w+))", re.MULTILINE)

#: Prints 1 when one of the modules' files says `input` (source, in /lib, or compiled: the
#: name is in a .mpy's strings), else 0, and leaves nothing in `__main__`. 64 bytes at a time:
#: the V1's heap has no room for a whole module.
FILES_MENTION_INPUT = """\
def _tne_input_in(names):
    for n in names:
        for p in (n + '.py', 'lib/' + n + '.py', n + '.mpy'):
            try:
                f = open(p, 'rb')
            except OSError:
                continue
            t = b''
            while True:
                c = f.read(64)
                if not c:
                    break
                if b'input' in t + c:
                    f.close()
                    return 1
                t = c[-4:]
            f.close()
    return 0
print(_tne_input_in(%r))
del _tne_input_in
"""


def mentions_input(code: str | bytes) -> bool:
    return ("input" in code) if isinstance(code, str) else (b"input" in code)


#: What code that writes, removes or renames a file on the board says (the file API of
#: MicroPython and of the micro:bit, `open`, `os.remove`, `os.rename`; `BoardFS` included).
CHANGES_FILES = re.compile(r"open|remove|rename")


def may_change_files(code: str | bytes) -> bool:
    """Whether `code` may change the board's files, so that what the board said of them may
    be stale."""
    text = code.decode("utf-8", "replace") if isinstance(code, bytes) else code
    return CHANGES_FILES.search(text) is not None


def file_modules(code: str | bytes) -> tuple[str, ...]:
    """The modules `code` imports that are not the firmware's: files on the board (or on no
    board at all), whose code the host does not see."""
    text = code.decode("utf-8", "replace") if isinstance(code, bytes) else code
    found: list[str] = []
    for listed, origin in IMPORTED.findall(text):
        for part in [origin] if origin else listed.split(","):
            name = part.strip().split(" ")[0].split(".")[0]
            if name.isidentifier() and name not in FIRMWARE_MODULES and name not in found:
                found.append(name)
    return tuple(found)


def files_mention_input(modules: tuple[str, ...]) -> str:
    """The board code that says whether the files of `modules` mention `input`."""
    return FILES_MENTION_INPUT % (modules,)


def answer_line(text: str) -> bytes:
    """The answer that makes the board's `input()` return `text` (without its line end)."""
    return text.encode("utf-8").hex().encode("ascii") + END


def refusal_line(message: str) -> bytes:
    """The answer that makes the board's `input()` raise `RuntimeError(message)`."""
    return REFUSED + message.encode("utf-8").hex().encode("ascii") + END


def read_answer(line: bytes) -> tuple[bool, str]:
    """(refused, text) from an answer line without its `\\r` (the simulator's side)."""
    refused = line.startswith(REFUSED)
    digits = line[1:] if refused else line
    try:
        text = bytes.fromhex(digits.decode("ascii")).decode("utf-8", "replace")
    except ValueError:
        text = ""
    return refused, text


class InputWatch:
    """Passes a run's stdout on without `INPUT_MARK`, and calls `asked()` where the mark was
    (after the prompt has been passed on). The mark may arrive split across chunks: a tail that
    could be its beginning is held until the next chunk."""

    def __init__(self, on_stdout: Callable[[bytes], None] | None, asked: Callable[[], None]):
        self._out = on_stdout or (lambda _data: None)
        self._asked = asked
        self._held = b""

    def feed(self, data: bytes) -> None:
        data = self._held + data
        self._held = b""
        while True:
            index = data.find(INPUT_MARK)
            if index < 0:
                break
            if index:
                self._out(data[:index])
            data = data[index + len(INPUT_MARK) :]
            self._asked()
        keep = _partial_mark(data)
        if len(data) > keep:
            self._out(data[: len(data) - keep])
        self._held = data[len(data) - keep :] if keep else b""

    def flush(self) -> None:
        if self._held:
            self._out(self._held)
            self._held = b""


def _partial_mark(data: bytes) -> int:
    """How many bytes at the end of `data` are the beginning of `INPUT_MARK`."""
    for size in range(min(len(data), len(INPUT_MARK) - 1), 0, -1):
        if INPUT_MARK.startswith(data[-size:]):
            return size
    return 0


def without_marks(stdout: bytes) -> bytes:
    return stdout.replace(INPUT_MARK, b"")
