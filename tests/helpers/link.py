"""A cuttable cable between the bridge and a QEMU micro:bit, for tests of a link lost mid-way.

The bridge connects to `link.address` (`serial:socket://127.0.0.1:PORT`, a local TCP port the
relay listens on); the relay forwards bytes both ways to the board's end, which is QEMU's pty
(`serial:/dev/pts/N`) or QEMU's TCP socket chardev (`serial:socket://127.0.0.1:PORT`). It cuts:

- after `cut_after` bytes have come from the host (the bytes up to that count still reach the
  board, so the board may be left in the middle of a statement), or
- when a test calls `cut()` (from a progress callback, say: "pull the cable now").

A cut closes the bridge's connection, so its next read or write raises `LinkLost`, and lets go of
the board's end. QEMU and the firmware keep running, as a board on its own power does when the
data link drops, so the test can reconnect to it directly and look at what the cut left behind.

Like a real cable, the relay carries bytes towards the board no faster than a 115200-baud line
(11.5 KB/s): the micro:bit firmware keeps what it receives in a 64-byte buffer and drops what
does not fit, so a relay that passed on in one burst what TCP had gathered would lose bytes that
a real line never delivers that fast. On a pty it also waits for QEMU to take each piece
(`tcdrain`, as pyserial does on a serial port).

Why the tests use the pty end: QEMU 7.2's micro:bit loses input that reaches its socket chardev
even at a few bytes per millisecond (measured: 20-byte statements garbled in 1 run out of 2),
whereas through its pty nothing is lost at the line rate.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Protocol

#: Bytes written towards the board at a time.
PIECE = 32
#: A 115200-baud line with 8N1 framing carries 11,520 bytes per second.
LINE_RATE = 115200 / 10
POLL = 0.05


class _BoardEnd(Protocol):
    def write(self, data: bytes) -> None: ...

    def read(self, timeout: float) -> bytes | None: ...  # None: the board's end closed

    def close(self) -> None: ...


def _at_line_rate(data: bytes) -> Iterator[memoryview]:
    """`data` in `PIECE`-byte pieces, each given no sooner than the line would carry it."""
    view = memoryview(data)
    for start in range(0, len(view), PIECE):
        began = time.perf_counter()
        piece = view[start : start + PIECE]
        yield piece
        rest = len(piece) / LINE_RATE - (time.perf_counter() - began)
        if rest > 0:
            time.sleep(rest)


class _PtyEnd:
    def __init__(self, path: str) -> None:
        import termios
        import tty

        self._drain = termios.tcdrain
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)  # no echo, no newline translation: bytes as they are

    def write(self, data: bytes) -> None:
        for piece in _at_line_rate(data):
            while piece:
                piece = piece[os.write(self.fd, piece) :]
            self._drain(self.fd)

    def read(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, 4096) or None
        except OSError:  # EIO: QEMU closed its side
            return None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class _SocketEnd:
    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=5)

    def write(self, data: bytes) -> None:
        for piece in _at_line_rate(data):
            self.sock.sendall(piece)

    def read(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return b""
        try:
            return self.sock.recv(4096) or None
        except OSError:
            return None

    def close(self) -> None:
        self.sock.close()


def _open_board_end(address: str) -> _BoardEnd:
    target = address.removeprefix("serial:")
    if target.startswith("socket://"):
        host, _, port = target.removeprefix("socket://").rpartition(":")
        return _SocketEnd(host, int(port))
    return _PtyEnd(target)


class CuttableLink:
    """One cable for one bridge connection: `start()`, connect the bridge to `address`, then
    let it cut by itself (`cut_after`) or `cut()` it. `close()` (or the `with` block) when done.

    `bytes_from_host` counts what the bridge sent so far, so a test can set
    `link.cut_after = link.bytes_from_host + 4000` to cut 4000 bytes into the next operation.
    """

    def __init__(self, board_address: str, cut_after: int | None = None) -> None:
        self.board_address = board_address
        self.cut_after = cut_after
        self.bytes_from_host = 0
        self.was_cut = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(POLL)
        self.port = self._server.getsockname()[1]
        self.address = f"serial:socket://127.0.0.1:{self.port}"
        self._board: _BoardEnd | None = None
        self._host: socket.socket | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pumps: list[threading.Thread] = []
        self._running = 0

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> CuttableLink:
        self._board = _open_board_end(self.board_address)
        self._spawn(self._accept, "link-accept")
        return self

    def cut(self) -> None:
        """Pull the cable: the bridge's connection closes, the board keeps running. Returns once
        the relay has let go of the board's end (unless called from the relay itself)."""
        with self._lock:
            if self._stop.is_set():
                return
            self._stop.set()
            self.was_cut.set()
            host, self._host = self._host, None
        if host is not None:
            with contextlib.suppress(OSError):
                host.shutdown(socket.SHUT_RDWR)
            host.close()
        self._server.close()
        self._join()

    def close(self) -> None:
        """End the relay without counting it as a cut (test teardown)."""
        with self._lock:
            self._stop.set()
            host, self._host = self._host, None
        if host is not None:
            host.close()
        self._server.close()
        self._join()
        self._release_board()

    def __enter__(self) -> CuttableLink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- relaying ------------------------------------------------------------------------------

    def _spawn(self, target, name: str, *args: object) -> None:
        with self._lock:
            self._running += 1
        thread = threading.Thread(target=self._pump, args=(target, *args), name=name, daemon=True)
        self._pumps.append(thread)
        thread.start()

    def _pump(self, target, *args: object) -> None:
        try:
            target(*args)
        finally:
            with self._lock:
                self._running -= 1
                last = self._running == 0 and self._stop.is_set()
            if last:
                self._release_board()

    def _join(self) -> None:
        for thread in list(self._pumps):
            if thread is not threading.current_thread():
                thread.join(2.0)
        if not any(t.is_alive() for t in self._pumps):
            self._release_board()

    def _release_board(self) -> None:
        with self._lock:
            board, self._board = self._board, None
        if board is not None:
            board.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                host, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                if self._stop.is_set():
                    host.close()
                    return
                self._host = host
            self._spawn(self._from_host, "link-from-host", host)
            self._spawn(self._to_host, "link-to-host", host)
            return  # one cable, one connection

    def _from_host(self, host: socket.socket) -> None:
        board = self._board
        assert board is not None
        while not self._stop.is_set():
            ready, _, _ = select.select([host], [], [], POLL)
            if not ready:
                continue
            try:
                data = host.recv(4096)
            except OSError:
                return
            if not data:
                return  # the bridge closed the connection itself
            limit = self.cut_after
            if limit is not None:
                data = data[: max(0, limit - self.bytes_from_host)]
            if data:
                board.write(data)
                self.bytes_from_host += len(data)
            if limit is not None and self.bytes_from_host >= limit:
                self.cut()
                return

    def _to_host(self, host: socket.socket) -> None:
        board = self._board
        assert board is not None
        while not self._stop.is_set():
            data = board.read(POLL)
            if data is None:
                return
            if data:
                try:
                    host.sendall(data)
                except OSError:
                    return
