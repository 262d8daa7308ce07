"""The options several commands share (`--device`, `--timeout`), and the words that explain a
device address, so that every command that takes one describes every form of it."""

from __future__ import annotations

import typer

from tne.i18n import _


def address_forms() -> str:
    """Every form of device address that `device_bridge.address.parse_address` accepts."""
    return _(
        "auto (the board plugged in), all (every board at once), serial:PORT or the port alone "
        "(serial:COM3, COM3, /dev/ttyACM0, socket://HOST:PORT), ble:NAME or ble:ADDRESS "
        "(Bluetooth), sim, sim:ROBOT, sim@v1 or sim:ROBOT@v2 (the simulator, by default a "
        "micro:bit V2: sim:maqueen, sim@v1), label:NAME (a board labelled by tne workshop "
        "label, such as label:R7)"
    )


def device_option() -> str:
    return typer.Option(
        "auto",
        "--device",
        "-d",
        envvar="TNE_DEVICE",
        help=_("Which board: {forms}. Default: the TNE_DEVICE variable, otherwise auto.").format(
            forms=address_forms()
        ),
    )


def timeout_option(default: float | None) -> float | None:
    return typer.Option(
        default,
        "--timeout",
        "-t",
        min=0.1,
        help=_("Seconds without any output from the board before it is stopped."),
    )
