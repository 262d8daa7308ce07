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
  is written, so the parent knows it has them all.

Without a channel (the board started by hand, a test of the REPL alone), `emit` costs one
attribute test, so a simulation that nobody watches runs at full speed.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable

from .clock import SimClock

InputHandler = Callable[[dict], None]


class EventChannel:
    """The child's end."""

    def __init__(self, clock: SimClock, connection: socket.socket | None = None) -> None:
        self._clock = clock
        self._connection = connection
        self._lock = threading.Lock()
        self._input_handler: InputHandler | None = None
        #: Whether anyone listens (`emit` does nothing otherwise).
        self.enabled = connection is not None

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

    def _send(self, event: dict) -> None:
        line = (json.dumps(event, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            try:
                self._connection.sendall(line)  # type: ignore[union-attr]
            except OSError:
                self.enabled = False  # the parent went away: the board runs on, unwatched

    def start(self, on_input: InputHandler) -> None:
        """Read the parent's inputs on a thread of their own."""
        if self._connection is None:
            return
        self._input_handler = on_input
        threading.Thread(target=self._read_inputs, name="tne-sim-channel", daemon=True).start()

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
                if message.get("kind") == "sync":
                    self._send({"kind": "synced", "id": message.get("id")})
                elif self._input_handler is not None:
                    self._input_handler(message)
