"""The notebook's live widgets: device panel, LED mirror, plotter, simulator view.

The kernel calls `make_live(kernel)` once (kernels/microbit/live.py) and then the returned
object's hooks. In a `%%host` cell, `show_plotter()` and `show_simulator()` show the other
widgets; the device panel and the LEDs appear by themselves above the first cell's output.
"""

from __future__ import annotations

from typing import Any

from .live import LiveWidgets


def make_live(kernel: Any) -> LiveWidgets:
    return LiveWidgets(kernel)


def current() -> LiveWidgets:
    """The widgets of the kernel this code runs in (a `%%host` cell of a micro:bit notebook)."""
    from IPython import get_ipython

    from tne.i18n import _

    live = getattr(getattr(get_ipython(), "kernel", None), "live", None)
    live = getattr(live, "live", live)  # unwrapped from the kernel's guard
    if not isinstance(live, LiveWidgets):
        raise RuntimeError(_("The widgets work in a micro:bit notebook only."))
    return live


def show_dashboard() -> None:
    current().show_dashboard()


def show_workshop(device: str = "all", file: str | None = None, ble: bool = False) -> Any:
    """The workshop table of the boards `device` names (see `kernels/widgets/workshop.py`)."""
    from .workshop import show_workshop as show

    return show(device, file, ble)


def show_plotter() -> None:
    current().show_plotter()


def show_simulator() -> None:
    current().show_simulator()


__all__ = [
    "LiveWidgets",
    "current",
    "make_live",
    "show_dashboard",
    "show_plotter",
    "show_simulator",
    "show_workshop",
]
