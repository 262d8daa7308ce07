"""A simulated robot board with its trace, for the tests and benchmarks that drive one program on
a `SimTransport` they configured themselves (world, seed, duration, scripted inputs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from device_bridge import Board
from device_bridge.address import parse_address
from device_bridge.sim.trace import Trace
from device_bridge.transports.sim import SimTransport


@contextmanager
def traced_robot(transport: SimTransport) -> Iterator[tuple[Board, Trace]]:
    """The board on `transport`, started, and a trace that begins with the start pose and leaves
    out the bridge's probe; call `trace.finish(transport)` once the program ran. The board is
    closed afterwards."""
    trace = Trace.record(transport)
    transport.open()
    board = Board.started(transport, parse_address("sim:maqueen"))
    try:
        trace.started(transport)
        yield board, trace
    finally:
        board.close()
