"""The grammar of a simulated board's address, `sim[:ROBOT][@v1|@v2]`, alone with nothing but
`re`: `tne run --device sim...` reads it to start its board before the rest of the bridge is
imported (tne/cli/sim_launch.py). `address.py`, the one parser of device addresses, reads sim
addresses through it."""

from __future__ import annotations

import re

_SIM = re.compile(r"^sim(?::(?P<robot>[A-Za-z0-9_-]+))?(?:@(?P<fw>v1|v2))?$")


def read_sim_address(text: str) -> tuple[str, str] | None:
    """The robot ('' for a micro:bit alone) and the firmware ('v2' unless `@v1`) of a sim
    address, or None if `text` is not one."""
    match = _SIM.match(text.strip().lower())
    if match is None:
        return None
    return match["robot"] or "", match["fw"] or "v2"
