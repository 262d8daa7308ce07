# The simulated `random` module, in the guest: the generator is the host's, seeded with the
# board's seed (device_bridge/sim/randomness.py), so a run repeats exactly.
import _door

_door.populate(globals(), "random")


def choice(sequence):
    if not len(sequence):
        raise IndexError("empty sequence")
    return sequence[randrange(len(sequence))]  # noqa: F821 - from the host's list
