"""Hardware writes that the guest queues in its own memory instead of crossing the door.

A robot's loop writes its motor speeds on the I2C bus several times per turn: each write
returns None, and on a device that accepts every write (`accepts_every_write`: the Maqueen's
motor driver) it cannot fail either, so the program learns nothing from it that it could not
learn later. The guest then appends the write to a queue in its memory (guest/_door.py:
`queue_i2c`), and the host applies the queued writes, in order, at the start of the next call
through the door, whatever it is, before that call: the program sees the same effects in the
same order, the writes taking effect at that call's simulated instant (a fraction of a
millisecond later than if each had crossed). Anything else, and a write the queue cannot take,
crosses as before.

The queue is a bytearray of the guest's (`QUEUE_SIZE` bytes, never resized): two bytes of
length used, then records of the address, the data's length and the data. The host finds its
bytes through the object's header (MicroPython's `mp_obj_array_t`, at `id()`: type, typecode
and spare room, length, items), checks at boot that they hold the pattern the guest wrote, and
reads the header again before each use: a program that rebinds or resizes it only turns the
queue off. A program can write records by hand: each is applied as the `i2c.write` it
describes would be, with the same checks, so it reaches nothing a program could not reach.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence

from .memory import GuestFault, GuestMemory

#: Bytes of the guest's queue, its length header included.
QUEUE_SIZE = 256
#: The longest write the guest queues (longer ones cross).
MAX_DATA = 32
#: `mp_obj_array_t` on wasm32: the typecode's byte, the length, the items' address (and the
#: 32-bit words they are in).
TYPECODE_AT, LENGTH_AT, ITEMS_AT = 4, 8, 12
TYPECODE_WORD, LENGTH_WORD, ITEMS_WORD = TYPECODE_AT // 4, LENGTH_AT // 4, ITEMS_AT // 4
BYTEARRAY_TYPECODE = 1
#: What the guest fills the queue with before it registers it (the host checks it).
PATTERN = bytes(range(QUEUE_SIZE))
#: The queue's contents last read, parsed, at most this many (`Queue._records`).
KNOWN = 64

#: Queued writes, as `(address, data)`, in order.
Writes = tuple[tuple[int, bytes], ...]


class Queue:
    """The guest's queue of I2C writes, applied by `apply(writes)` (each write in order)."""

    def __init__(
        self, memory: GuestMemory, apply: Callable[[Sequence[tuple[int, bytes]]], object]
    ) -> None:
        self._memory = memory
        self._apply = apply
        #: Contents of the queue already parsed, and their writes: a robot's loop queues the
        #: same few commands turn after turn.
        self._known: dict[bytes, Writes] = {}
        self._object = 0  # the bytearray's address in the guest
        self._items = 0  # its bytes' address in the guest
        self._length: ctypes.c_uint16 | None = None  # its length header, in the host's view
        #: The same header, kept when the queue is turned off: the door looks at it before
        #: each call (`waiting` only when it is not 0; almost always it is).
        self.length = ctypes.c_uint16(0)
        #: The object's header as four words, and its bytes, in the host's view: both were
        #: within the guest's memory when registered, and it never moves nor shrinks
        #: (memory.py), so reading them later needs no bounds check (the header still is).
        self._header: ctypes.Array[ctypes.c_uint32] | None = None
        self._bytes: ctypes.Array[ctypes.c_char] | None = None

    def register(self, payload: str) -> bool:
        """`queue.at`: the guest's bytearray, by `id()`, filled with `PATTERN`. Once."""
        if self._length is not None or not payload.isdigit():
            return False
        at = int(payload)
        try:
            header = self._memory.read(at, 16)
            items = int.from_bytes(header[ITEMS_AT : ITEMS_AT + 4], "little")
            if not self._is_queue(header, items) or self._memory.read(items, QUEUE_SIZE) != PATTERN:
                return False
        except GuestFault:
            return False
        self._object, self._items = at, items
        self._memory.write(items, bytes(2))
        base = self._memory.base
        self.length = self._length = ctypes.c_uint16.from_address(base + items)
        self._header = (ctypes.c_uint32 * 4).from_address(base + at)
        self._bytes = (ctypes.c_char * QUEUE_SIZE).from_address(base + items)
        return True

    @staticmethod
    def _is_queue(header: bytes, items: int) -> bool:
        return (
            header[TYPECODE_AT] == BYTEARRAY_TYPECODE
            and int.from_bytes(header[LENGTH_AT : LENGTH_AT + 4], "little") == QUEUE_SIZE
            and items > 0
        )

    def waiting(self) -> Writes | None:
        """The writes that wait, as `(address, data)`, for `flush`; None or empty when none
        does (almost always: one read of guest memory)."""
        length = self._length
        if length is None or not length.value:
            return None
        return self._records()

    def _records(self) -> Writes | None:
        """The queued writes, or None if the queue is no longer the one registered (then it is
        turned off)."""
        assert self._length is not None and self._header is not None and self._bytes is not None
        header = self._header  # (words: type, typecode and spare room, length, items)
        if (
            header[ITEMS_WORD] != self._items
            or header[LENGTH_WORD] != QUEUE_SIZE
            or header[TYPECODE_WORD] & 0xFF != BYTEARRAY_TYPECODE
        ):
            self._length = None
            return None
        data = self._bytes[2 : 2 + min(self._length.value, QUEUE_SIZE - 2)]
        known = self._known.get(data)
        if known is None:
            if len(self._known) >= KNOWN:
                self._known.clear()
            known = self._known[data] = _parsed(data)
        return known

    def flush(self, records: Writes | None = None) -> None:
        """Apply the queued writes (`records`, as `waiting` just read them, or else read now),
        in order, and empty the queue (before anything else can happen: what an applied write
        raises is the current call's error)."""
        if records is None:
            records = self._records()
        if not records:
            if self._length is not None:
                self._length.value = 0
            return
        assert self._length is not None
        self._length.value = 0
        self._apply(records)


def _parsed(data: bytes) -> Writes:
    """The writes in the queue's `data`: records of an address, a length and that many bytes
    (a last record cut short is left out)."""
    records = []
    at = 0
    while at + 2 <= len(data):
        size = data[at + 1]
        if at + 2 + size > len(data):
            break
        records.append((data[at], data[at + 2 : at + 2 + size]))
        at += 2 + size
    return tuple(records)
