"""In-memory transports for protocol unit tests: the real firmware's answers, replayed.

`ReplayTransport` follows the `Transport` contract (write all or raise `LinkLost`, `read(timeout)`
returns what is available or `b""`, closed means `LinkLost`) and answers from a script of
`Step`s: when what was written since the previous step contains `step.expect`, the step's answer
chunks become readable, one chunk per `read`. It records every write.

`RawPasteBoard` is a scripted board that speaks MicroPython's raw-paste protocol as
`shared/runtime/pyexec.c` (MicroPython >= 1.14) does, and checks the host's flow control.

The byte constants below were captured from the real firmware: Debian's
`firmware-microbit-micropython` (MicroPython v1.9.2-34-gd64154c73, micro:bit v1.0.1) running under
`qemu-system-arm -M microbit`, read byte for byte from its pty with pyserial after writing the
control bytes named in each comment. Do not edit them by hand; capture again instead.
"""

from __future__ import annotations

import struct
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from device_bridge.errors import LinkLost
from device_bridge.transports.base import Transport

# -- captured from the QEMU micro:bit (MicroPython v1.9.2 for micro:bit v1.0.1) ------------------

#: The first bytes QEMU's UART delivers after boot (a NUL, then the friendly banner).
BOOT_NOISE = b"\x00"
FRIENDLY_BANNER = (
    b"MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.0.1 with nRF51822\r\n"
    b'Type "help()" for more information.\r\n>>> '
)
#: b"\r\x03\x03" at the friendly prompt: one fresh prompt per byte.
FRIENDLY_PROMPTS = b"\r\n>>> \r\n>>> \r\n>>> "
#: Ctrl-A at the friendly prompt.
ENTER_RAW_FROM_FRIENDLY = b"\r\nraw REPL; CTRL-B to exit\r\n>"
#: Ctrl-A at the raw prompt (b"\r\x03\x03" there prints nothing at all).
ENTER_RAW_FROM_RAW = b"raw REPL; CTRL-B to exit\r\n>"
#: b"\x05A\x01" at the raw prompt: this firmware has no raw-paste, so the Ctrl-A in the request
#: resets the raw REPL and it prints its banner again.
RAW_PASTE_REFUSED_BY_OLD_FIRMWARE = b"raw REPL; CTRL-B to exit\r\n>"
#: Ctrl-B at the raw prompt.
LEAVE_RAW = b"\r\n" + FRIENDLY_BANNER

#: Answers to code followed by Ctrl-D at the raw prompt.
ANSWER_PRINT_1 = b"OK1\r\n\x04\x04>"  # print(1)
ANSWER_PRINT_LOOP = b"OK0\r\n1\r\n2\r\n\x04\x04>"  # for i in range(3):\n print(i)
ANSWER_ACCENTS = b"OKcaf\xc3\xa9 \xc3\xbc\r\n\x04\x04>"  # print('café ü')
ANSWER_UART_INVALID_UTF8 = b"OK\xff\xfe\x04\x04>"  # microbit.uart.write(b'\xff\xfe')
ANSWER_PRINT_HI_THEN_RAISE = (  # print('hi')\nraise ValueError('bad')
    b"OKhi\r\n\x04Traceback (most recent call last):\r\n"
    b'  File "<stdin>", line 2, in <module>\r\nValueError: bad\r\n\x04>'
)
ANSWER_NAME_ERROR = (  # x
    b"OK\x04Traceback (most recent call last):\r\n"
    b"  File \"<stdin>\", line 1, in <module>\r\nNameError: name 'x' is not defined\r\n\x04>"
)
ANSWER_SYNTAX_ERROR = (  # 1 +
    b"OK\x04Traceback (most recent call last):\r\n"
    b'  File "<stdin>", line 2\r\nSyntaxError: invalid syntax\r\n\x04>'
)
ANSWER_MEMORY_ERROR = (  # x='aaaa...' (2000 bytes)
    b"OK\x04MemoryError: memory allocation failed, allocating 2000 bytes\r\n\x04>"
)
ANSWER_PROBE = (  # device_bridge.profiles.PROBE_CODE
    b"OK('microbit', (1, 9, 2), ('microbit', '1.0.1', 'micro:bit v1.0.1+unknown on 2023-02-24;"
    b" MicroPython v1.9.2-34-gd64154c73 on 2017-09-01', 'micro:bit with nRF51822'), "
    b"['__name__', 'remove', 'listdir', 'size', 'uname'], [])\r\n\x04\x04>"
)
#: `while True: pass` then Ctrl-D: the board acknowledges and then stays silent.
ANSWER_LOOP_STARTED = b"OK"
#: Ctrl-C to that loop.
LOOP_INTERRUPTED = (
    b"\x04Traceback (most recent call last):\r\n"
    b'  File "<stdin>", line 1, in <module>\r\nKeyboardInterrupt: \r\n\x04>'
)
#: `from microbit import *\ntemperature()` then Ctrl-D: "OK", then nothing ever again, not even
#: after Ctrl-C or Ctrl-D (QEMU does not model the temperature sensor).
ANSWER_TEMPERATURE_STARTED = b"OK"
#: Ctrl-D at an empty raw prompt.
SOFT_REBOOT_FROM_RAW = b"OK\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>"


@dataclass(frozen=True)
class Step:
    """When the bytes written since the previous step contain `expect`, `answer` is sent, one
    chunk per read (a bytes `answer` is one chunk)."""

    expect: bytes
    answer: bytes | Sequence[bytes] = b""


class ReplayTransport(Transport):
    """A transport whose far end replays a script of captured answers.

    When nothing is queued, `read(timeout)` waits the whole `timeout` (nothing can arrive
    meanwhile: the far end only answers writes) and adds it to `idle_time`, so tests can check
    how long the protocol was willing to wait."""

    label = "replay"

    def __init__(self, steps: Iterable[Step] = (), unsolicited: bytes | Sequence[bytes] = b""):
        self.steps: deque[Step] = deque(steps)
        self.outbox: deque[bytes] = deque()
        self.writes: list[bytes] = []
        self.write_times: list[float] = []
        self.reads: list[float] = []  # the timeout of each read call
        self.idle_time = 0.0
        self.is_open = False
        self._unmatched = b""
        self.feed(unsolicited)

    # -- the contract --------------------------------------------------------------------

    def open(self) -> None:
        self.is_open = True

    def write(self, data: bytes) -> None:
        if not self.is_open:
            raise LinkLost("replay transport is closed")
        self.writes.append(bytes(data))
        self.write_times.append(time.perf_counter())
        self._unmatched += data
        while self.steps:
            index = self._unmatched.find(self.steps[0].expect)
            if index < 0:
                break
            step = self.steps.popleft()
            self._unmatched = self._unmatched[index + len(step.expect) :]
            self.feed(step.answer)

    def read(self, timeout: float) -> bytes:
        if not self.is_open:
            raise LinkLost("replay transport is closed")
        self.reads.append(timeout)
        if self.outbox:
            return self.outbox.popleft()
        if timeout > 0:
            time.sleep(timeout)
            self.idle_time += timeout
        return b""

    def close(self) -> None:
        self.is_open = False

    # -- for tests -----------------------------------------------------------------------

    def feed(self, answer: bytes | Sequence[bytes]) -> None:
        """Make bytes readable now, as if the board had just sent them."""
        chunks = [answer] if isinstance(answer, bytes) else list(answer)
        self.outbox.extend(chunk for chunk in chunks if chunk)

    @property
    def written(self) -> bytes:
        return b"".join(self.writes)

    @property
    def script_done(self) -> bool:
        return not self.steps

    def __enter__(self) -> ReplayTransport:
        self.open()
        return self


def opened(
    steps: Iterable[Step] = (), unsolicited: bytes | Sequence[bytes] = b""
) -> ReplayTransport:
    transport = ReplayTransport(steps, unsolicited)
    transport.open()
    return transport


def connect_steps() -> list[Step]:
    """A freshly booted micro:bit V1 taken to the raw prompt the way `RawRepl.enter` does it."""
    return [
        Step(b"\x03\x03", FRIENDLY_PROMPTS),
        Step(b"\x01", ENTER_RAW_FROM_FRIENDLY),
    ]


def first_run_steps(answer: bytes | Sequence[bytes]) -> list[Step]:
    """The first run on the V1 firmware: the raw-paste request is refused with a banner, then the
    code (paced) and Ctrl-D are answered with `answer`."""
    return [Step(b"\x05A\x01", RAW_PASTE_REFUSED_BY_OLD_FIRMWARE), Step(b"\x04", answer)]


def split(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """`data` cut at the given offsets (any order, repeats and out-of-range ones ignored)."""
    points = sorted({cut for cut in cuts if 0 < cut < len(data)})
    edges = [0, *points, len(data)]
    return [data[start:end] for start, end in pairwise(edges)]


# -- raw-paste, as MicroPython >= 1.14 speaks it -------------------------------------------------


class RawPasteBoard(Transport):
    """A board at the raw prompt that supports raw-paste, following `pyexec.c`:

    - `\\x05A\\x01` is answered `R\\x01`, the window size as 2 bytes little-endian, and `\\x01`
      (the size itself grants one window, the `\\x01` a second one, as the firmware does);
    - the board reads the code as it arrives and sends `\\x01` each time it has consumed a
      window; the host's `\\x04` ends the code and the board acknowledges with `\\x04`;
    - it then runs the code (`program(code) -> (stdout, stderr)`) and sends
      stdout, `\\x04`, stderr, `\\x04`, `>`.

    The board reads its input only when the host reads (a slow board), and it records
    `overrun`: the largest number of code bytes ever received beyond the windows granted to the
    host so far. A host that respects the flow control keeps it at 0.

    `refuse=True` answers `R\\x00` and the `>` prompt instead (what `pyexec.c` sends when it
    does not accept the request), then behaves as a plain raw REPL.
    `end_early_after=N` makes the board end the paste after N code bytes, as the firmware does
    when compiling fails before the end (it sends `\\x04` and waits for the host's `\\x04`)."""

    label = "raw-paste board"

    def __init__(
        self,
        program: Callable[[bytes], tuple[bytes, bytes]],
        window: int = 128,
        refuse: bool = False,
        end_early_after: int | None = None,
    ) -> None:
        self.program = program
        self.window = window
        self.refuse = refuse
        self.end_early_after = end_early_after
        self.is_open = True
        self.writes: list[bytes] = []
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.mode = "raw"  # raw, paste, paste-ended (waiting for the host's \x04)
        self.line = bytearray()
        self.code = bytearray()
        self.granted = 0  # code bytes the host has been allowed to send (grants it has read)
        self._grants_unread = 0  # windows granted in bytes the host has not read yet
        self.received = 0  # code bytes that arrived during the paste
        self.overrun = 0
        self.pastes = 0
        self._window_remain = 0

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def write(self, data: bytes) -> None:
        if not self.is_open:
            raise LinkLost("closed")
        self.writes.append(bytes(data))
        if self.mode == "paste":
            code_bytes = data.split(b"\x04", 1)[0]
            self.received += len(code_bytes)
            self.overrun = max(self.overrun, self.received - self.granted)
        self.inbox += data

    def read(self, timeout: float) -> bytes:
        if not self.is_open:
            raise LinkLost("closed")
        self._consume()
        if not self.outbox:
            time.sleep(max(timeout, 0.0))  # nothing will come before the host writes again
            return b""
        data, self.outbox = bytes(self.outbox), bytearray()
        # Grants count once the host has read them.
        self.granted += self.window * self._grants_unread
        self._grants_unread = 0
        return data

    @property
    def written(self) -> bytes:
        return b"".join(self.writes)

    def _send(self, data: bytes) -> None:
        self.outbox += data

    def _run(self, code: bytes) -> None:
        stdout, stderr = self.program(code)
        self._send(stdout + b"\x04" + stderr + b"\x04>")

    def _consume(self) -> None:
        while self.inbox:
            byte = self.inbox[:1]
            del self.inbox[:1]
            if self.mode == "raw":
                self._raw_byte(byte)
            elif self.mode == "paste":
                self._paste_byte(byte)
            elif byte in (b"\x03", b"\x04"):  # paste-ended: drain until the host's end
                self.mode = "raw"
                self._run(bytes(self.code))

    def _raw_byte(self, byte: bytes) -> None:
        if byte == b"\x01":
            if len(self.line) == 2 and self.line[:1] == b"\x05":
                command = self.line[1:2]
                self.line.clear()
                if self.refuse or command != b"A":
                    self._send(b"R\x00>")
                    return
                self._start_paste()
                return
            self.line.clear()
            self._send(b"raw REPL; CTRL-B to exit\r\n>")
        elif byte == b"\x03":
            self.line.clear()
        elif byte == b"\x04":
            code, self.line = bytes(self.line), bytearray()
            self._send(b"OK")
            self._run(code)
        else:
            self.line += byte

    def _start_paste(self) -> None:
        self.pastes += 1
        self.mode = "paste"
        self.code.clear()
        self.received = 0
        self.granted = 0
        self._window_remain = self.window
        # The size grants one window; the \x01 a second one.
        self._send(b"R\x01" + struct.pack("<H", self.window) + b"\x01")
        self._grants_unread = 2

    def _paste_byte(self, byte: bytes) -> None:
        if byte in (b"\x03", b"\x04"):
            self._send(b"\x04")
            self.mode = "raw"
            self._run(bytes(self.code))
            return
        self.code += byte
        if self.end_early_after is not None and len(self.code) >= self.end_early_after:
            self._send(b"\x04")
            self.mode = "paste-ended"
            return
        self._window_remain -= 1
        if self._window_remain == 0:
            self._window_remain = self.window
            self._send(b"\x01")
            self._grants_unread += 1
