"""Short help on the micro:bit functions pupils use most, shown by Shift-Tab (inspection).

MicroPython keeps no docstrings on the board, so the help lives here, in the catalogue (French
by default). Names are matched as typed, with `button_a`/`button_b` as `button` and `pin0`...
`pin20` as `pin`.
"""

from __future__ import annotations

import re

from tne.i18n import _


def api_help(name: str) -> str:
    """The help text for a dotted name such as `display.scroll` ("" when there is none)."""
    key = re.sub(r"^button_[ab]\.", "button.", name)
    key = re.sub(r"^pin(\d+|_logo)\.", "pin.", key)
    key = key.removeprefix("microbit.")
    return texts().get(key, "")


def texts() -> dict[str, str]:
    return {
        "display.show": _(
            "display.show(value, delay=400): show an image, a digit or a text (one character "
            "after the other, delay in ms)."
        ),
        "display.scroll": _(
            "display.scroll(text, delay=150): scroll a text across the LEDs (delay in ms; "
            "wait=False to go on at once)."
        ),
        "display.clear": _("display.clear(): switch every LED off."),
        "display.set_pixel": _(
            "display.set_pixel(x, y, brightness): light one LED; x and y from 0 to 4, brightness "
            "from 0 (off) to 9."
        ),
        "display.get_pixel": _("display.get_pixel(x, y): the brightness of one LED, 0 to 9."),
        "sleep": _("sleep(ms): wait, in milliseconds (1000 ms = 1 second)."),
        "running_time": _("running_time(): milliseconds since the board started."),
        "temperature": _("temperature(): the temperature of the processor, in degrees Celsius."),
        "button.is_pressed": _("is_pressed(): True while the button is held down."),
        "button.was_pressed": _(
            "was_pressed(): True if the button was pressed since the last call."
        ),
        "button.get_presses": _(
            "get_presses(): how many times the button was pressed since the last call."
        ),
        "accelerometer.get_x": _(
            "get_x(): tilt left (negative) or right (positive), in milli-g (about -1024 to 1024)."
        ),
        "accelerometer.get_y": _(
            "get_y(): tilt forward (negative) or back (positive), in milli-g."
        ),
        "accelerometer.get_z": _(
            "get_z(): up and down, in milli-g (about -1024 when the board lies flat, face up)."
        ),
        "accelerometer.current_gesture": _(
            "current_gesture(): 'up', 'down', 'left', 'right', 'face up', 'face down', "
            "'freefall', 'shake'..."
        ),
        "pin.read_digital": _("read_digital(): 1 if the pin receives a voltage, else 0."),
        "pin.write_digital": _("write_digital(value): 1 sets the pin to 3 V, 0 to 0 V."),
        "pin.read_analog": _("read_analog(): the voltage on the pin, from 0 (0 V) to 1023 (3 V)."),
        "pin.write_analog": _("write_analog(value): a power from 0 (none) to 1023 (full)."),
        "pin.is_touched": _("is_touched(): True while a finger touches the pin (and GND)."),
        "music.play": _(
            "music.play(melody): play notes such as ['C4:4', 'E', 'G'] or a built-in melody "
            "like music.BIRTHDAY."
        ),
        "radio.on": _("radio.on(): switch the radio on (it is off at start)."),
        "radio.send": _("radio.send(text): send a message to the boards on the same group."),
        "radio.receive": _("radio.receive(): the next message received, or None."),
        "radio.config": _("radio.config(group=N): choose the group, 0 to 255, of both boards."),
    }
