# The simulated `microbit` module, in the guest. The board's objects are built from the host's
# list of what may be reached (`_door.populate`); `Image` is the same code as the host's
# (device_bridge/sim/image.py), run here. What the host cannot do from one call is done here:
# numbers are written as MicroPython writes them, and animations of generators (or of long
# lists) are iterated in the guest, a frame per call.
import _door
from image import Image

Image._door_value = lambda self: (
    "\x00I",
    self._width,
    self._height,
    # one allocation, not one a pixel: ten times cheaper in fuel (simulated time)
    bytes([48 + v for r in self._pixels for v in r]).decode(),
)
# As a binary argument (`I`, width, height, a byte a pixel: door.py, `_binary`): no str made.
Image._door_binary = lambda self: (
    _door._pack("<BHH", 73, self._width, self._height) + b"".join([bytes(r) for r in self._pixels])
)
_door.IMAGE = Image
_door.populate(globals(), "microbit")


# -- i2c.write: queued when the host said it may be (device_bridge/sim/wasm/queued.py) ----------

_I2C = type(i2c)
_host_i2c_write = _I2C.write
_queue_i2c = _door.queue_i2c


def _i2c_write(self, *a, **k):
    if not k and len(a) == 2 and _queue_i2c(a[0], a[1]):
        return None
    return _host_i2c_write(self, *a, **k)


_I2C.write = _i2c_write

# -- the display: what the host's one call cannot take ------------------------------------------

# Frames sent to the host in one call at most (each is ~50 bytes of the door's 16 KB payload).
_FRAMES = 100
_Display = type(display)
_host_show = _Display.show
_host_scroll = _Display.scroll


def _frame(item):
    if isinstance(item, Image) or (isinstance(item, str) and len(item) == 1):
        return item
    raise TypeError("not an image.")


def _show_at_once(self, image, delay, wait, loop, clear):
    # Only what differs from the defaults crosses the door (each argument costs fuel).
    if wait and not loop and not clear:
        return _host_show(self, image) if delay == 400 else _host_show(self, image, delay)
    k = {}
    if not wait:
        k["wait"] = False
    if loop:
        k["loop"] = True
    if clear:
        k["clear"] = True
    return _host_show(self, image, delay, **k)


def _show(self, image, delay=400, *, wait=True, loop=False, clear=False):
    kind = type(image)
    if kind is str or kind is Image:  # the common case first: it is the cheapest in fuel
        if wait and not loop and not clear:
            if delay == 400:
                return _host_show(self, image)
            return _host_show(self, image, delay)
        return _show_at_once(self, image, delay, wait, loop, clear)
    if kind is int or kind is float:
        return _show_at_once(self, str(image), delay, wait, loop, clear)
    if isinstance(image, (str, Image)):
        return _show_at_once(self, image, delay, wait, loop, clear)
    try:
        frames = iter(image)
    except TypeError:
        raise TypeError("not an image.") from None
    head = []
    for item in frames:
        head.append(_frame(item))
        if len(head) > _FRAMES:
            break
    else:
        return _show_at_once(self, head, delay, wait, loop, clear)
    # A long or endless animation: the guest shows it frame by frame (it blocks, even with
    # wait=False: docs/simulator.md).
    seen = head if loop else None
    while True:
        for item in head:
            _host_show(self, item)
            sleep(delay)
        for item in frames:
            item = _frame(item)
            if seen is not None:
                seen.append(item)
            _host_show(self, item)
            sleep(delay)
        if not loop:
            break
        head, frames = seen, iter(())
    if clear:
        self.clear()


def _scroll(self, text, delay=150, *, wait=True, loop=False, monospace=False):
    if type(text) is not str:
        text = str(text)
    if wait and not loop and not monospace:
        if delay == 150:
            return _host_scroll(self, text)
        return _host_scroll(self, text, delay)
    k = {}
    if not wait:
        k["wait"] = False
    if loop:
        k["loop"] = True
    if monospace:
        k["monospace"] = True
    return _host_scroll(self, text, delay, **k)


_Display.show = _show
_Display.scroll = _scroll

# -- the V2's sounds and its `audio` --------------------------------------------------------------

if "speaker" in globals():

    class _Sound:
        def __init__(self, name):
            self.name = name  # what audio.play tells the host (guest/audio.py)

        def __repr__(self):
            return "Sound('" + self.name + "')"

        def _door_value(self):
            return ("\x00S", self.name)

    class Sound:
        pass

    for _name in (
        "GIGGLE", "HAPPY", "HELLO", "MYSTERIOUS", "SAD", "SLIDE", "SOARING", "SPRING", "TWINKLE",
        "YAWN",
    ):  # fmt: skip
        setattr(Sound, _name, _Sound(_name.lower()))
    try:
        import audio  # noqa: F401 - microbit.audio, as on the V2
    except ImportError:  # the simulator's `audio` is not there yet
        pass

# The firmware's standard modules are built in: they load now, at boot, not on the program's
# simulated time (guest/board_*.py).
import board_gc  # noqa: E402, F401
import board_micropython  # noqa: E402, F401
import board_os  # noqa: E402, F401
import board_sys  # noqa: E402, F401
import board_time  # noqa: E402, F401
