# The simulated `music` module, in the guest: its functions and its tunes (MELODIES) come from
# the host's list (`_door.populate`); the notes take their time and are told on the host
# (device_bridge/sim/music.py).
import _door

_door.populate(globals(), "music")
