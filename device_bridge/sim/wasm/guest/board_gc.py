# `gc` as pupils see it. The simulator collects its heap between runs only (guest/_door.py:
# "Garbage collection"), so `collect()` here does not start one in the middle of the program;
# `mem_free()` and `mem_alloc()` report the guest's heap; measuring it walks the whole heap,
# which is the simulator's cost, not the program's: it is left out of simulated time.
import _door

_real = _door.real("gc")


def _measured(measure):
    _door._call("work.pause", "")
    try:
        return measure()
    finally:
        _door._call("work.resume", "")


def collect():
    return None


def enable():
    return None


def disable():
    return None


def isenabled():
    return True


def mem_free():
    return _measured(_real.mem_free)


def mem_alloc():
    return _measured(_real.mem_alloc)


def threshold(amount=None):
    return -1 if amount is None else None


__name__ = "gc"
