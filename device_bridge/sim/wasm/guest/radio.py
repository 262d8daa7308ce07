# The simulated `radio` module, in the guest: the air, the queue and the settings are the host's
# (device_bridge/sim/radio.py); `receive_bytes_into` fills the pupil's buffer here.
import _door

_door.populate(globals(), "radio")


def _long(op):
    # A packet (up to 251 bytes) may not fit a call's small answer: asked with a large one.
    def proxy():
        return _door.result(_door.big(op))

    return proxy


def config(**settings):
    # (Its errors name the argument: longer than a call's small answer.)
    return _door.result(_door.big("radio.config", _door.args((), settings)))


receive = _long("radio.receive")
receive_bytes = _long("radio.receive_bytes")
receive_full = _long("radio.receive_full")


def receive_bytes_into(buffer):
    data = receive_bytes()
    if data is None:
        return None
    size = min(len(data), len(buffer))
    buffer[:size] = data[:size]
    return size
