# The simulated `microbit` module, in the guest. The board's objects are built from the host's
# list of what may be reached (`_door.populate`); `Image` is the same code as the host's
# (device_bridge/sim/image.py), run here.
import _door
from image import Image

Image._door_value = lambda self: (
    "\x00I",
    self._width,
    self._height,
    "".join("".join(str(v) for v in r) for r in self._pixels),
)
_door.populate(globals(), "microbit")
