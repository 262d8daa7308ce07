"""The simulated board's side channel: world state out, a person's or a script's inputs in.

The board's serial line (stdin/stdout) carries only what a real board's USB serial carries, so
the bridge's raw REPL runs unchanged. Everything else travels here, as JSON lines over a TCP
connection to 127.0.0.1 that the parent opened (sockets work the same on Windows and POSIX;
a third pipe does not):

- child -> parent, one event per line: `{"t": <simulated ms>, "kind": "...", ...fields}`. The
  kinds are listed in docs/simulator.md ("Side channel"); `stdout` events repeat what pupil
  code printed, stamped with simulated time, for the trace.
- parent -> child: inputs `{"kind": "button", "name": "a", "pressed": true}` and the like,
  handed to `Hardware.queue_input`, which applies them at the next simulated instant; and
  `{"kind": "sync", "id": N}`, answered `{"kind": "synced", "id": N}` once every earlier event
  is written, so the parent knows it has them all; and `{"kind": "listen", "on": false}` when
  the parent has no subscriber (`on: true` when one comes): events are then not made at all.

Without a channel (the board started by hand, a test of the REPL alone), or while nobody
listens, `emit` costs one attribute test, so a simulation that nobody watches runs at full speed
(a line follower's events, encoded here and decoded by the parent for nobody, made it a fifth
slower). What is simulated never depends on whether anyone listens: only what is told does. With
a listener, events go out in batches (`BATCH` events, or whatever waited `FLUSH_S` of wall time,
or before a `synced`, or before anything goes out on the serial line: `EventsFirst`), as a
system call per event cost as much as simulating a robot; a program's events still leave before
the end of its run.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from json import encoder as json_encoder
from typing import BinaryIO

from .clock import SimClock

InputHandler = Callable[[dict], None]

#: Events waiting at most: this many, or this many seconds of wall time (a live view's frame).
BATCH = 256
FLUSH_S = 0.02
#: The parent's input that says whether anyone listens to the events.
LISTEN = "listen"


def _event_encoder() -> Callable[[dict, int], Sequence[str]]:
    """One compact JSON encoder for every event: `chunks(event, 0)` are the pieces of its text.
    `json.dumps`, and `JSONEncoder.encode` too, build the C encoder anew for each call (a third
    of an event's cost, and the side channel carries thousands a minute): it is built once
    here, with the same options, so an event's text is the same byte for byte; the caller
    joins the pieces (a function around it cost a frame per event). (Where the C encoder is
    missing, the Python one.)"""
    encoder = json.JSONEncoder(separators=(",", ":"))
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return lambda event, _level: (encoder.encode(event),)
    return make(
        None,  # markers: no check for circular references (events are flat dicts)
        encoder.default,
        json_encoder.encode_basestring_ascii,
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )


_CHUNKS = _event_encoder()


class EventChannel:
    """The child's end."""

    def __init__(self, clock: SimClock, connection: socket.socket | None = None) -> None:
        self._clock = clock
        self._connection = connection
        self._lock = threading.Lock()
        self._input_handler: InputHandler | None = None
        self._pending: list[bytes] = []
        self._open = connection is not None  # the parent is there
        #: Whether anyone listens (`emit` does nothing otherwise): until the parent says not.
        self.enabled = self._open

    @classmethod
    def connect(cls, clock: SimClock, port: int | None) -> EventChannel:
        if not port:
            return cls(clock)
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.settimeout(None)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(clock, connection)

    def emit(self, kind: str, **fields: object) -> None:
        if not self.enabled:
            return
        event = {"t": round(self._clock.now_ms, 3), "kind": kind, **fields}
        self._send(event)

    def _send(self, event: dict, now: bool = False) -> None:
        line = ("".join(_CHUNKS(event, 0)) + "\n").encode("utf-8")
        with self._lock:
            self._pending.append(line)
            if now or len(self._pending) >= BATCH:
                self._flush()

    def flush(self) -> None:
        if self._pending:
            with self._lock:
                self._flush()

    def _flush(self) -> None:
        """Send what waits (the caller holds the lock)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        try:
            self._connection.sendall(data)  # type: ignore[union-attr]
        except OSError:
            self._open = self.enabled = False  # the parent went away: the board runs on

    def _flush_often(self) -> None:
        while self._open:
            time.sleep(FLUSH_S)
            if self._pending:
                with self._lock:
                    self._flush()

    def start(self, on_input: InputHandler) -> None:
        """Read the parent's inputs on a thread of their own."""
        if self._connection is None:
            return
        self._input_handler = on_input
        threading.Thread(target=self._read_inputs, name="tne-sim-channel", daemon=True).start()
        threading.Thread(target=self._flush_often, name="tne-sim-flush", daemon=True).start()

    def _read_inputs(self) -> None:
        assert self._connection is not None
        with contextlib.suppress(OSError, ValueError):
            for raw in self._connection.makefile("rb"):
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                if not isinstance(message, dict):
                    continue
                kind = message.get("kind")
                if kind == "sync":
                    self._send({"kind": "synced", "id": message.get("id")}, now=True)
                elif kind == LISTEN:
                    self.enabled = self._open and message.get("on") is True
                elif self._input_handler is not None:
                    self._input_handler(message)


class EventsFirst:
    """The board's serial line, with the side channel's waiting events sent before each write:
    what a program did reaches the parent no later than what it printed, or the end of its run."""

    def __init__(self, stream: BinaryIO, channel: EventChannel) -> None:
        self._stream = stream
        self._channel = channel

    def write(self, data: bytes) -> int | None:
        self._channel.flush()
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()
