# The simulated `radio` module, in the guest: the air, the queue and the settings are the host's
# (device_bridge/sim/radio.py); `receive_bytes_into` fills the pupil's buffer here.
import _door

_door.populate(globals(), "radio")


def receive_bytes_into(buffer):
    data = receive_bytes()  # noqa: F821 - from the host's list
    if data is None:
        return None
    size = min(len(data), len(buffer))
    buffer[:size] = data[:size]
    return size
