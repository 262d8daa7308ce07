"""The `random` module of a simulated board: seeded from the board's seed (`--seed`), fresh at
each boot, so that the same code, seed and inputs repeat exactly (a real board seeds from its
hardware generator)."""

from __future__ import annotations

import random
import types

#: What the host gives MicroPython's `random` (its `choice` is the guest's own: guest/random.py).
FUNCTIONS = ("getrandbits", "seed", "randrange", "randint", "random", "uniform")


def make_random(seed: int) -> types.ModuleType:
    generator = random.Random(seed)
    module = types.ModuleType("random")
    for name in FUNCTIONS:
        setattr(module, name, getattr(generator, name))
    return module
