# `time` (and `utime`) as the firmware has it, on the simulated clock: sleeps advance it (through
# the host, which moves the world and paces the run), ticks read it.
import _door
import microbit

_door.populate(globals(), "time")
# The firmware's ticks wrap at 2**30 (MicroPython's small integers on a 32-bit board).
_PERIOD = 1 << 30
_MASK = _PERIOD - 1
_HALF = _PERIOD >> 1
_sleep = microbit.sleep
_running_time = microbit.running_time
_ticks_us = ticks_us  # noqa: F821 - from the host's list


def sleep(seconds):
    _sleep(seconds * 1000)


def sleep_ms(ms):
    _sleep(ms)


def sleep_us(us):
    _sleep(us / 1000)


def ticks_ms():
    return _running_time() & _MASK


def ticks_us():
    return _ticks_us() & _MASK


def ticks_add(ticks, delta):
    return (ticks + delta) & _MASK


def ticks_diff(end, start):
    return ((end - start + _HALF) & _MASK) - _HALF


__name__ = "time"
