# `gc` as pupils see it. The simulator's heap is large, and collected when it is full and between
# runs (guest/_door.py: "Garbage collection"); collecting it walks all of it, so `collect()` here
# does not start one.
# `mem_alloc()` is what was allocated since the last collection between runs (garbage included,
# as a board shows before it collects) and `mem_free()` the rest of the heap: read from the
# interpreter's count of bytes allocated, because measuring the heap walks all of it (0.4 s and
# ~600 million units of fuel, i.e. simulated seconds, on this large heap).
import _door

_door.populate(globals(), "gc")
_heap = HEAP  # noqa: F821 - from the host's list
del HEAP


def collect():
    return None


def enable():
    return None


def disable():
    return None


def isenabled():
    return True


def mem_alloc():
    return max(_door._allocated() - _door._last[0], 0)


def mem_free():
    return max(_heap - mem_alloc(), 0)


def threshold(amount=None):
    return -1 if amount is None else None


__name__ = "gc"
