# `gc` as pupils see it. The simulator collects its heap only at safe points (guest/_door.py:
# safe_point), so `collect()` here does not start a collection in the middle of the program;
# `mem_free()` and `mem_alloc()` report the guest's heap.
import _door

_real = _door.real("gc")


def collect():
    return None


def enable():
    return None


def disable():
    return None


def isenabled():
    return True


def mem_free():
    return _real.mem_free()


def mem_alloc():
    return _real.mem_alloc()


def threshold(amount=None):
    return -1 if amount is None else None


__name__ = "gc"
