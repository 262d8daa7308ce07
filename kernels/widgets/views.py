"""The widgets (anywidget): Python models whose views are the ES modules beside this file.

Each view's module is the shared LED drawing (`draw_leds.js`) followed by its own file, so the
device mirror and the simulator draw their LEDs the same way without a build step. Texts come
from the message catalogue through the `texts` trait, so the views hold no French of their own.
Actions a view asks for (reconnect, export, a button press) arrive as custom messages
`{"action": ...}` and are handed to the callbacks that `LiveWidgets` sets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from device_bridge.leds import DARK
from tne.i18n import _

HERE = Path(__file__).parent
Action = Callable[[dict], None]


def module(name: str) -> str:
    """The view's ES module: the LED drawing shared by every view, then the view itself."""
    return (HERE / "draw_leds.js").read_text("utf-8") + "\n" + (HERE / name).read_text("utf-8")


class _View(anywidget.AnyWidget):
    texts = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(texts=self.make_texts(), **kwargs)
        self.actions: dict[str, Action] = {}
        self.on_msg(self._received)

    def make_texts(self) -> dict[str, str]:
        return {}

    def _received(self, _widget: object, content: object, _buffers: object) -> None:
        if isinstance(content, dict):
            action = self.actions.get(str(content.get("action")))
            if action is not None:
                action(content)


class LedMatrix(_View):
    """The board's 5x5 LEDs, brightness 0-9, drawn like the real board's red LEDs."""

    _esm = module("leds.js")
    pixels = traitlets.List(traitlets.Int(), default_value=DARK).tag(sync=True)

    def make_texts(self) -> dict[str, str]:
        return {"title": _("LEDs of the board")}


class DevicePanel(_View):
    """Which board runs the cells, whether it is connected, and a button to reconnect."""

    _esm = module("panel.js")
    label = traitlets.Unicode("").tag(sync=True)
    connected = traitlets.Bool(False).tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)

    def make_texts(self) -> dict[str, str]:
        return {
            "title": _("Board"),
            "connected": _("connected"),
            "disconnected": _("not connected"),
            "none": _("no board"),
            "reconnect": _("Reconnect"),
        }


class Plotter(_View):
    """Numbers printed by the program, drawn as curves (see `plot.py`)."""

    _esm = module("plotter.js")
    data = traitlets.Dict({"x": [], "series": []}).tag(sync=True)
    paused = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def make_texts(self) -> dict[str, str]:
        return {
            "title": _("Plotter"),
            "pause": _("Pause"),
            "resume": _("Resume"),
            "clear": _("Clear"),
            "export": _("Export to CSV"),
            "empty": _("Print numbers to see them here, for example print(x, y)."),
        }


class SimulatorView(_View):
    """The simulated board: its LEDs, buttons A and B to click, the tilt of its accelerometer,
    play/pause and speed, and a picture of the world when the simulator draws one."""

    _esm = module("simulator.js")
    pixels = traitlets.List(traitlets.Int(), default_value=DARK).tag(sync=True)
    picture = traitlets.Unicode("").tag(sync=True)  # SVG of the world, robot and path
    available = traitlets.Bool(False).tag(sync=True)  # the board is simulated
    paused = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)  # 0: as fast as possible
    tilt_x = traitlets.Int(0).tag(sync=True)  # mg
    tilt_y = traitlets.Int(0).tag(sync=True)  # mg

    def make_texts(self) -> dict[str, str]:
        return {
            "title": _("Simulated micro:bit"),
            "unavailable": _("The cells do not run on the simulator. Type %connect sim."),
            "play": _("Play"),
            "pause": _("Pause"),
            "speed": _("Speed"),
            "fastest": _("Fastest"),
            "tilt_x": _("Tilt left / right"),
            "tilt_y": _("Tilt forward / back"),
        }
