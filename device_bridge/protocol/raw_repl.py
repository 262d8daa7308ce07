"""The MicroPython raw REPL, with raw-paste where the firmware offers it.

Framing (MicroPython `pyexec.c`): Ctrl-A enters raw mode and the board answers
`raw REPL; CTRL-B to exit\r\n>`. Code is sent, then Ctrl-D; the board answers `OK`, runs the code,
and sends its stdout, `\x04`, its stderr (a traceback), `\x04`, then the `>` prompt. Ctrl-C
interrupts, Ctrl-D at an empty prompt soft-reboots, Ctrl-B leaves raw mode.

Raw-paste (MicroPython >= 1.14): after `\x05A\x01` the board answers `R\x01` and a 16-bit window
size, then grants each further window with `\x01`: flow control by the board itself. `R\x00`
means it understands but refuses; anything else (older firmware such as the micro:bit V1's 1.9.2)
is the start of the raw REPL banner again, and we fall back to paced writes.

Pacing without raw-paste: the micro:bit V1 firmware keeps incoming bytes in a small receive
buffer (64 bytes) until the interpreter reads them, and drops what does not fit. A write that
fits in that buffer, sent while the board waits at the prompt, cannot overflow it, whatever the
board's speed: statements of at most `Pacing.buffer` bytes go out in one write (this is how file
copies are sent). Longer code goes out in 16-byte chunks at most one per 2 ms (8 KB/s): the
board may then stall for about 6 ms before its buffer overflows. Measured on the emulated
micro:bit: single bursts of up to 48 bytes are safe; with the host's cores busy, 32-byte
chunks 1 ms apart lose bytes when QEMU is starved of CPU. See docs/architecture.md.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from tne.i18n import _, number

from ..errors import BoardError, DeviceNotResponding, ExecTimeout
from ..transports.base import Transport

CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
SOFT_REBOOT = b"soft reboot\r\n"
RAW_PASTE_REQUEST = b"\x05A\x01"


#: `enter()`'s first attempt sends Ctrl-A once the board has been quiet this long after
#: Ctrl-C: a board that answers at once (most do: a modern MicroPython in well under a
#: millisecond) is in raw mode in one round trip. A board still unwinding an interrupted
#: program keeps the Ctrl-A in its input until its prompt reads it; one that lost it gets the
#: slower attempts that follow (50 ms pause, 50 ms quiet, as before).
FIRST_QUIET = 0.01
#: `enter()` takes a raw banner as the last once this long passed without another (a soft
#: reboot or a second banner may be on its way).
SETTLE = 0.02


@dataclass(frozen=True)
class Pacing:
    """How fast plain raw REPL input may be written (see the module docstring for why)."""

    chunk: int = 16
    interval: float = 0.002
    #: Bytes the firmware's receive buffer holds: a write this size needs no pacing.
    buffer: int = 48
    #: `enter()`'s first attempt: `FIRST_QUIET` and `SETTLE` for this medium.
    quiet: float = FIRST_QUIET
    settle: float = SETTLE


#: Pacing by transport medium. Over Bluetooth LE each paced piece is one ATT write of the
#: smallest payload (20 bytes at MTU 23), so it never straddles two packets, at the same 8 KB/s
#: as a wire: MicroPython's BLE UART keeps writes in a 100-byte buffer until its scheduled
#: handler reads them, and drops what does not fit. Statements up to `buffer` bytes still go in
#: one call, which the transport cuts to the negotiated MTU.
#: The simulated board reads its pipe on a thread of its own into an unbounded queue: no pacing;
#: it answers its input in order and prints one raw banner per Ctrl-A, so entering raw mode
#: needs no quiet or settling time (30 ms of each simulated board's start).
PACINGS: dict[str, Pacing] = {
    "ble": Pacing(chunk=20, interval=0.0025),
    "sim": Pacing(chunk=1 << 20, interval=0.0, buffer=1 << 20, quiet=0.0, settle=0.0),
}


@dataclass
class RunResult:
    stdout: bytes
    stderr: bytes


def board_error(result: RunResult) -> BoardError:
    """The error a run that wrote a traceback raises: its last line for people, the whole
    traceback and what was printed before it for logs."""
    traceback = result.stderr.decode("utf-8", "replace").replace("\r\n", "\n")
    last = traceback.strip().splitlines()[-1] if traceback.strip() else ""
    return BoardError(
        _("The program raised an error on the board: {error}").format(error=last),
        traceback=traceback,
        stdout=result.stdout,
    )


class Phase(str, Enum):
    """Where a board's raw REPL is; `RawRepl` alone moves it (a str, so it reads as its name).

    A run goes SENDING, STDOUT, STDERR, PROMPT, then IDLE. TERMINAL: the board's friendly REPL
    is open (`tne repl`). STUCK: Ctrl-C, a soft reboot and a line reset all failed; the next
    call tries raw mode again first."""

    IDLE = "idle"
    SENDING = "sending"
    STDOUT = "stdout"
    STDERR = "stderr"
    PROMPT = "prompt"
    TERMINAL = "terminal"
    STUCK = "stuck"

    def __str__(self) -> str:
        return self.value


class _Idle(Exception):
    """Nothing arrived for the allowed time (internal; the Board decides what it means)."""


OnBytes = Callable[[bytes], None]

#: The board answers `OK` as soon as it has read the Ctrl-D, before it runs anything: without
#: that answer in this time, the code was not received whole and is sent again.
HANDSHAKE = 1.0
RESEND_ATTEMPTS = 2

#: Longest wait on the transport before looking at the cancel flag again.
READ_SLICE = 0.1
#: How much of what the board printed before the raw banner `enter()` keeps.
SEEN_KEPT = 4096


class RawRepl:
    """Speaks the raw REPL over one transport. One reader at a time; `interrupt()` and
    `cancel()` alone may come from another thread (writes are serialised by a lock, so a Ctrl-C
    never lands inside another write)."""

    def __init__(self, transport: Transport, pacing: Pacing | None = None) -> None:
        self.transport = transport
        self.pacing = pacing or PACINGS.get(getattr(transport, "medium", ""), Pacing())
        self.raw_paste: bool | None = None  # None: not asked yet
        self.bytes_sent = 0
        self.resends = 0  # statements sent again because the board lost bytes
        self._pending = b""  # bytes read past the end of the last frame
        self.phase = Phase.IDLE
        self._cancelled = threading.Event()
        self._write_lock = threading.Lock()

    # -- reading -----------------------------------------------------------------------------

    def _read(self, timeout: float | None) -> bytes:
        """Bytes as they come; b"" after `timeout` seconds of silence (None: no limit) or once
        `cancel()` was called. Waits in short slices so that a cancel is noticed."""
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._cancelled.is_set():
            left = READ_SLICE if deadline is None else min(READ_SLICE, deadline - time.monotonic())
            data = self.transport.read(max(0.0, left))
            if data or (deadline is not None and time.monotonic() >= deadline):
                return data
        return b""

    def cancel(self) -> None:
        """Make a run blocked in another thread give up reading (it raises `ExecTimeout`)."""
        self._cancelled.set()

    def read_until(
        self,
        marker: bytes,
        timeout: float | None,
        on_bytes: OnBytes | None = None,
        deadline: float | None = None,
    ) -> bytes:
        """Read until `marker`; `timeout` is the longest silence allowed, `deadline` (a
        `time.monotonic()` value) the latest end whatever comes. Returns what came before the
        marker (without it); bytes after it are kept for the next read."""
        buffer = bytearray()
        flushed = 0  # how much of buffer was already given to on_bytes
        searched = 0  # the marker is not in buffer[:searched]
        while True:
            index = buffer.find(marker, searched)
            if index >= 0:
                self._pending = bytes(buffer[index + len(marker) :]) + self._pending
                if on_bytes and index > flushed:
                    on_bytes(bytes(buffer[flushed:index]))
                return bytes(buffer[:index])
            searched = max(0, len(buffer) - len(marker) + 1)
            if on_bytes and searched > flushed:
                # Everything before a possible start of the marker can go out now.
                on_bytes(bytes(buffer[flushed:searched]))
                flushed = searched
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Idle(bytes(buffer[-200:]))
                timeout = left if timeout is None else min(timeout, left)
            chunk = self._read(timeout)
            if not chunk:
                raise _Idle(bytes(buffer[-200:]))
            buffer += chunk

    # -- writing -----------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        with self._write_lock:
            self.transport.write(data)
            self.bytes_sent += len(data)

    def write_paced(self, data: bytes) -> None:
        chunk, interval = self.pacing.chunk, self.pacing.interval
        next_at = time.perf_counter()
        for start in range(0, len(data), chunk):
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self.write(data[start : start + chunk])
            next_at = time.perf_counter() + interval

    # -- modes -------------------------------------------------------------------------------

    def enter(self, attempts: int = 6, wait: float = 0.5) -> bytes:
        """Enter raw mode from whatever state the board is in, and return (the end of) what it
        printed before the banner: its friendly banner, garbage, an old program's output.

        Retries because a freshly opened link may not be noticed at once (QEMU's pty polls for
        a client about once a second) and because a running program needs Ctrl-C first. Each
        attempt has a deadline, so a board that keeps printing and ignores Ctrl-C cannot hold
        us for ever."""
        seen = bytearray()
        for attempt in range(attempts):
            deadline = time.monotonic() + wait + 0.2
            self._pending = b""
            self.write(b"\r" + CTRL_C + CTRL_C)
            if attempt:
                time.sleep(0.05)
            seen += self._drain(self.pacing.quiet if attempt == 0 else 0.05, deadline)
            self.write(CTRL_A)
            try:
                before = self.read_until(RAW_BANNER, wait, deadline=deadline)
            except _Idle as idle:
                seen = (seen + idle.args[0])[-SEEN_KEPT:]
                continue
            seen = (seen + before)[-SEEN_KEPT:]
            # A soft reboot or a second banner may still be on its way; settle on the last one.
            settle = self.pacing.settle if attempt == 0 else SETTLE
            while True:
                try:
                    seen = (seen + self.read_until(RAW_BANNER, settle, deadline=deadline))[
                        -SEEN_KEPT:
                    ]
                except _Idle:
                    break
            self._pending = b""
            self.phase = Phase.IDLE
            return bytes(seen)
        raise DeviceNotResponding(
            _("The board does not answer. Press the reset button on its back, then try again."),
            detail=f"no raw REPL banner after {attempts} attempts; saw {bytes(seen[-200:])!r}",
        )

    def _drain(self, quiet: float, deadline: float) -> bytes:
        got = bytearray(self._pending)
        self._pending = b""
        while time.monotonic() < deadline:
            chunk = self.transport.read(quiet)
            if not chunk:
                break
            got += chunk
        return bytes(got[-SEEN_KEPT:])

    def leave(self) -> None:
        """Back to the friendly REPL (`>>>`), for a person at a terminal."""
        self.write(CTRL_B)
        self.phase = Phase.TERMINAL

    def give_up(self) -> None:
        """Nothing brought the board back: say so to the next call (it tries raw mode first)."""
        self.phase = Phase.STUCK

    def soft_reset(self, timeout: float = 3.0) -> None:
        """Soft reboot from the raw prompt; the board comes back in raw mode."""
        self.write(CTRL_D)
        try:
            self.read_until(SOFT_REBOOT, timeout)
            self.read_until(RAW_BANNER, timeout)
        except _Idle as idle:
            raise DeviceNotResponding(
                _("The board did not restart."), detail=repr(idle.args[0][-200:])
            ) from None

    def interrupt(self) -> None:
        self.write(CTRL_C)

    def try_soft_reboot(self, wait: float) -> bool:
        """Ctrl-D from wherever the board is; True if it announced a soft reboot. Leaves the
        board in raw mode when it comes back (the caller re-enters to be sure)."""
        self.phase = Phase.IDLE
        self.write(CTRL_D)
        try:
            self.read_until(SOFT_REBOOT, wait)
        except _Idle:
            return False
        return True

    # -- running code ------------------------------------------------------------------------

    def _send_code(self, code: bytes, timeout: float) -> None:
        """Send `code` and the final Ctrl-D; on return the board is running it."""
        if self.raw_paste is not False:
            self.write(RAW_PASTE_REQUEST)
            answer = self._read_exactly(2, timeout)
            if answer == b"R\x01":
                self.raw_paste = True
                self._paste(code, timeout)
                return
            if answer == b"R\x00":
                # Understood but refused: the board prints its prompt again.
                self.raw_paste = False
                self.read_until(b">", timeout)
            else:
                # Old firmware: it took Ctrl-A and printed its banner again.
                self.raw_paste = False
                self._pending = answer + self._pending
                self.read_until(RAW_BANNER, timeout)
        # An empty Ctrl-D at the raw prompt means "soft reboot": send an empty line instead.
        framed = (code or b"\n") + CTRL_D
        for attempt in range(RESEND_ATTEMPTS + 1):
            if len(framed) <= self.pacing.buffer:
                self.write(framed)  # fits in the board's receive buffer: safe at any speed
            else:
                self.write_paced(framed)
            try:
                head = self._read_exactly(2, min(timeout, HANDSHAKE))
                break
            except _Idle:
                # No `OK`: the board lost a byte (its final Ctrl-D at least) and did not start
                # the code. Clear its input with a fresh raw prompt and send again.
                if attempt == RESEND_ATTEMPTS:
                    raise
                self.resends += 1
                self.enter(attempts=2)
                self.phase = Phase.SENDING
        if head != b"OK":
            raise DeviceNotResponding(
                _("The board answered in an unexpected way."), detail=f"expected OK, got {head!r}"
            )

    def _read_exactly(self, count: int, timeout: float) -> bytes:
        data = bytearray()
        while len(data) < count:
            chunk = self._read(timeout)
            if not chunk:
                raise _Idle(bytes(data))
            data += chunk
        self._pending = bytes(data[count:]) + self._pending
        return bytes(data[:count])

    def _paste(self, code: bytes, timeout: float) -> None:
        window = struct.unpack("<H", self._read_exactly(2, timeout))[0]
        remaining = window
        position = 0
        while position < len(code):
            while remaining == 0 or self._peek():
                signal = self._read_exactly(1, timeout)
                if signal == CTRL_A:
                    remaining += window
                elif signal == CTRL_D:
                    # The board ended the paste early; acknowledge and read its output.
                    self.write(CTRL_D)
                    return
                else:
                    raise DeviceNotResponding(
                        _("The board answered in an unexpected way."),
                        detail=f"raw-paste flow control byte {signal!r}",
                    )
            piece = code[position : position + remaining]
            self.write(piece)
            remaining -= len(piece)
            position += len(piece)
        self.write(CTRL_D)
        self.read_until(CTRL_D, timeout)

    def _peek(self) -> bool:
        if self._pending:
            return True
        chunk = self.transport.read(0)
        if chunk:
            self._pending += chunk
            return True
        return False

    def run(
        self,
        code: str | bytes,
        *,
        timeout: float | None = 10.0,
        on_stdout: OnBytes | None = None,
        on_stderr: OnBytes | None = None,
    ) -> RunResult:
        """Run `code` at the raw prompt and collect or stream its output.

        `timeout` is the longest silence allowed from the board (None: wait for ever). On
        silence it raises `ExecTimeout` with the board still running: the caller interrupts."""
        if isinstance(code, str):
            code = code.encode("utf-8")
        wait = timeout
        handshake = None if timeout is None else max(timeout, 2.0)
        self._cancelled.clear()
        try:
            self.phase = Phase.SENDING
            self._send_code(code, handshake or 2.0)
            self.phase = Phase.STDOUT
            stdout = self.read_until(CTRL_D, wait, on_stdout)
            self.phase = Phase.STDERR
            stderr = self.read_until(CTRL_D, wait, on_stderr)
            self.phase = Phase.PROMPT
            self.read_until(b">", handshake)
            self.phase = Phase.IDLE
        except _Idle as idle:
            raise ExecTimeout(
                _("The board sent nothing for {seconds} s; the program was stopped.").format(
                    seconds=number(timeout) if timeout is not None else "?"
                ),
                detail=repr(idle.args[0]),
            ) from None
        return RunResult(stdout, stderr)

    def finish_interrupted(self, wait: float) -> bool:
        """After Ctrl-C, read the rest of the interrupted run from the phase it was in. True
        if the board is back at the raw prompt within `wait` seconds."""
        self._cancelled.clear()
        remaining = {
            Phase.STDOUT: [CTRL_D, CTRL_D, b">"],
            Phase.STDERR: [CTRL_D, b">"],
            Phase.PROMPT: [b">"],
        }.get(self.phase)
        if not remaining:
            return False
        following = {
            Phase.STDOUT: Phase.STDERR,
            Phase.STDERR: Phase.PROMPT,
            Phase.PROMPT: Phase.IDLE,
        }
        try:
            for marker in remaining:
                self.read_until(marker, wait)
                self.phase = following[self.phase]
        except _Idle:
            return False
        return True
