"""The notebook's input box for a board's `input()`: Jupyter's stdin request, from the board's
worker thread.

ipykernel's own `raw_input` cannot serve here: it reads its request's address from the event
loop's context (absent on the worker thread) and, once asked, waits for the reply for ever. This
one is given the cell's address when the cell starts, and gives up when the cell ends (a Stop
ends the board's run, and with it the wait: `Board.request_stop`), so that a late reply never
answers the next cell (stale replies are dropped before each request, as ipykernel does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import zmq

from tne.i18n import _

#: Seconds between two looks at the cell's end while the box waits for an answer.
POLL_S = 0.05
#: What a front end answers to mean « end of input » (Ctrl-D in a console).
EOF_ANSWER = "\x04"
#: Held by the one box that uses the kernel's stdin socket (zmq sockets are not thread-safe).
_SOCKET_TURN = threading.Lock()


class InputBox:
    """`on_input` for `Board.run`: asks the notebook for one line per call."""

    def __init__(
        self,
        kernel: Any,  # the MicrobitKernel: its session and stdin socket
        ident: Any,
        parent: dict[str, Any],
        allowed: bool,
        before: Callable[[], None],
    ) -> None:
        """`allowed`: the front end said it can show an input box (`allow_stdin`); `before`
        sends the output gathered so far (the prompt shows above the box)."""
        self.kernel = kernel
        self.ident = ident
        self.parent = parent
        self.allowed = allowed
        self.before = before
        self.ended = threading.Event()  # the cell is over: stop waiting

    def __call__(self) -> str:
        if not self.allowed:
            raise EOFError(
                _(
                    "This notebook cannot show an input box here: write the values in your "
                    "program instead of asking them with input()."
                )
            )
        self.before()
        with _SOCKET_TURN:  # a box given up reads no more once the next one asks
            return self._ask(self.kernel.stdin_socket)

    def _ask(self, socket: Any) -> str:
        while True:  # drop replies to boxes given up earlier
            try:
                socket.recv_multipart(zmq.NOBLOCK)
            except zmq.ZMQError:
                break
        self.kernel.session.send(
            socket, "input_request", {"prompt": "", "password": False}, self.parent, self.ident
        )
        while not self.ended.is_set():
            readable, _writable, failed = zmq.select([socket], [], [socket], POLL_S)
            if not (readable or failed) or self.ended.is_set():
                continue
            _sender, reply = self.kernel.session.recv(socket)
            if reply is None:
                continue
            value = str(reply.get("content", {}).get("value", ""))
            if value == EOF_ANSWER:
                raise EOFError
            return value
        raise EOFError  # the cell ended (stopped): nobody reads this any more
