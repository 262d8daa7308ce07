"""The one parser of device addresses.

One string names any board everywhere (CLI `--device`, `TNE_DEVICE`, kernel magic, config):
`auto`, `all`, `serial:/dev/ttyACM0`, `serial:COM3` (a bare port name means serial),
`serial:socket://127.0.0.1:4444` (any pyserial URL), `ble:NAME-or-ADDRESS`,
`sim[:ROBOT][@v1|@v2]`, `label:NAME` (the board a workshop labelled NAME, see `labels.py`; it
becomes a concrete address in `discovery.resolve_address`). Everything else receives the parsed
`DeviceAddress`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tne.i18n import _

from .errors import UsageError
from .sim_address import read_sim_address

Kind = Literal["auto", "all", "serial", "ble", "sim", "label"]


@dataclass(frozen=True)
class DeviceAddress:
    kind: Kind
    target: str = ""  # port or URL for serial, name or MAC for BLE, robot for sim, the label
    firmware: str = ""  # "v1" or "v2" for sim

    def __str__(self) -> str:
        if self.kind in ("auto", "all"):
            return self.kind
        if self.kind == "sim":
            text = "sim" + (f":{self.target}" if self.target else "")
            return text + (f"@{self.firmware}" if self.firmware else "")
        return f"{self.kind}:{self.target}"


def parse_address(text: str) -> DeviceAddress:
    """Parse a device address, or raise `UsageError` with a French explanation."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered in ("", "auto"):
        return DeviceAddress("auto")
    if lowered == "all":
        return DeviceAddress("all")
    sim = read_sim_address(lowered)
    if sim is not None:
        return DeviceAddress("sim", *sim)
    if lowered.startswith("serial:"):
        port = raw[len("serial:") :].strip()
        if not port:
            raise UsageError(_("The address 'serial:' needs a port, such as serial:COM3."))
        return DeviceAddress("serial", port)
    if lowered.startswith("ble:"):
        name = raw[len("ble:") :].strip()
        if not name:
            raise UsageError(_("The address 'ble:' needs a board name or a Bluetooth address."))
        return DeviceAddress("ble", name)
    if lowered.startswith("label:"):
        name = raw[len("label:") :].strip()
        if not name:
            raise UsageError(_("The address 'label:' needs a board label, such as label:R7."))
        return DeviceAddress("label", name)
    if _looks_like_port(raw):
        return DeviceAddress("serial", raw)
    raise UsageError(
        _(
            "Unknown device address '{address}'. Use auto, all, serial:PORT (serial:COM3, "
            "serial:/dev/ttyACM0), ble:NAME, sim or label:R7."
        ).format(address=raw)
    )


def _looks_like_port(text: str) -> bool:
    """Bare port names: `COM3` on Windows, `/dev/...` elsewhere, or a pyserial URL."""
    return bool(
        re.fullmatch(r"(?i)com\d+", text)
        or text.startswith("/dev/")
        or text.startswith("\\\\.\\")
        or re.match(r"^[a-z]+://", text)
    )
