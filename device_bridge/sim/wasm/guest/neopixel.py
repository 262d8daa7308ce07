# The simulated `neopixel` module, in the guest: the strip is kept on the host
# (device_bridge/sim/neopixel.py), which checks colours and indices with the firmware's words and
# tells what `show()` lights.
import _door

_door.populate(globals(), "neopixel")
