# The simulated `audio` module, in the guest. Frames are the guest's own (32 samples); playing
# them costs their real time on the host (device_bridge/sim/audio.py: 4.096 ms a frame), which
# only needs how many there are. The V2's built-in sounds (`microbit.Sound`) are told by name.
import _door

_SAMPLES = 32


class AudioFrame:
    def __init__(self):
        self._samples = bytearray(b"\x80" * _SAMPLES)

    def __len__(self):
        return _SAMPLES

    def __getitem__(self, index):
        return self._samples[index]

    def __setitem__(self, index, value):
        if type(value) is not int or not 0 <= value <= 255:
            raise ValueError("value out of range")
        self._samples[index] = value

    def copyfrom(self, other):
        if not isinstance(other, AudioFrame):
            raise TypeError("expecting an AudioFrame")
        self._samples[:] = other._samples


def play(source, wait=True, pin=None, return_pin=None):
    name = getattr(source, "name", None)
    if type(name) is str and not isinstance(source, AudioFrame):
        _door.call("audio.play_named", _door.args((name, wait, pin), {}))
        return
    # Checked in C (map, set), not in a loop of bytecode: a second of sound is 244 frames,
    # and checking them must not cost the program more time than on the board.
    frames = source if type(source) in (list, tuple) else list(source)
    kinds = set(map(type, frames))
    if kinds and kinds != {AudioFrame}:
        for frame in frames:
            if not isinstance(frame, AudioFrame):
                raise TypeError("not an AudioFrame")
    _door.call("audio.play_frames", _door.args((len(frames), wait, pin), {}))


_door.populate(globals(), "audio")
del play_frames, play_named  # noqa: F821 - ops for `play` above, not the firmware's names
