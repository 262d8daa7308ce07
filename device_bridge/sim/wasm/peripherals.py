"""The host side of the simulated modules, as the guest reaches them through the door.

The simulated hardware (display, pins, sensors, music, radio...) lives on the host, in the same
classes as before (`display.py`, `pins.py`, `sensors.py`...): they keep the world, the side
channel, the trace and the firmware's wording of errors. `MANIFEST` lists, by name, every member
the guest may reach: module functions, the methods of the board's objects and their constants,
and classes whose instances the host keeps (a `NeoPixel` strip). Each becomes one op of the door,
`module.member` or `module.object.method`, and the guest builds its modules from the same list
(`guest/_door.py: populate`). Nothing else of these objects is reachable: the guest names an op,
never an attribute.

Arguments are Python literals (door.arguments), at most `door.MAX_PAYLOAD` bytes; two shapes stand
for objects: `("\\x00O", "microbit.pin1")` for one of the board's objects, and
`("\\x00I", width, height, "09090...")` for an image. The host methods then check values as the
firmware does.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..audio import SOUNDS, MicroBitSound
from .door import Answer, Handler, Refused, arguments, encode, piece

#: Members of each module: `functions`, `objects` (name -> (class name, methods, constants)),
#: `classes` (name -> methods of the instances the host keeps), `constants`.
DIGITAL_PIN = (
    "write_digital",
    "read_digital",
    "write_analog",
    "set_analog_period",
    "set_analog_period_microseconds",
    "get_analog_period_microseconds",
    "set_pull",
    "get_pull",
    "get_mode",
)
ANALOG_PIN = (*DIGITAL_PIN, "read_analog")
TOUCH_PIN = (*ANALOG_PIN, "is_touched")
PIN_CONSTANTS = ("PULL_UP", "PULL_DOWN", "NO_PULL")
PIN_CLASSES = {
    "MicroBitDigitalPin": (DIGITAL_PIN, PIN_CONSTANTS),
    "MicroBitAnalogDigitalPin": (ANALOG_PIN, PIN_CONSTANTS),
    "MicroBitTouchPin": (TOUCH_PIN, PIN_CONSTANTS),
    "MicroBitTouchOnlyPin": (("is_touched", "set_touch_mode"), ()),
}
#: Every pin name a firmware may have (each gets the ops of its kind's methods).
PIN_NAMES = (*(f"pin{n}" for n in range(21)), "pin_logo", "pin_speaker")
OBJECTS = {
    "display": (
        "MicroBitDisplay",
        (
            "get_pixel",
            "set_pixel",
            "clear",
            "on",
            "off",
            "is_on",
            "read_light_level",
            "show",
            "scroll",
        ),
        (),
    ),
    "button_a": ("MicroBitButton", ("is_pressed", "was_pressed", "get_presses"), ()),
    "button_b": ("MicroBitButton", ("is_pressed", "was_pressed", "get_presses"), ()),
    "accelerometer": (
        "MicroBitAccelerometer",
        (
            "get_x",
            "get_y",
            "get_z",
            "get_values",
            "current_gesture",
            "is_gesture",
            "was_gesture",
            "get_gestures",
        ),
        (),
    ),
    "compass": (
        "MicroBitCompass",
        (
            "calibrate",
            "is_calibrated",
            "clear_calibration",
            "heading",
            "get_x",
            "get_y",
            "get_z",
            "get_field_strength",
        ),
        (),
    ),
    "i2c": ("MicroBitI2C", ("init", "scan", "read", "write"), ()),
    "uart": (
        "MicroBitUART",
        ("init", "any", "read", "readinto", "readline", "write"),
        ("ODD", "EVEN"),
    ),
    "spi": ("MicroBitSPI", ("init", "write", "read", "write_readinto"), ()),
    "speaker": ("MicroBitSpeaker", ("on", "off", "is_on"), ()),
    "microphone": (
        "MicroBitMicrophone",
        ("sound_level", "current_event", "was_event", "is_event", "get_events", "set_threshold"),
        (),
    ),
}
MANIFEST: dict[str, dict[str, object]] = {
    "microbit": {
        "functions": ("sleep", "running_time", "temperature", "reset", "panic"),
        "objects": OBJECTS,
        "pins": PIN_CLASSES,
    },
    "music": {
        "functions": ("play", "pitch", "stop", "set_tempo", "get_tempo", "reset"),
        "tunes": True,
    },
    "radio": {
        "functions": (
            "on",
            "off",
            "config",
            "reset",
            "send",
            "receive",
            "send_bytes",
            "receive_bytes",
            "receive_full",
        ),
        "constants": ("RATE_250KBIT", "RATE_1MBIT", "RATE_2MBIT"),
    },
    "machine": {
        "functions": (
            "time_pulse_us",
            "reset",
            "freq",
            "unique_id",
            "disable_irq",
            "enable_irq",
        ),
    },
    # The firmware's versions of MicroPython's modules (guest/board_*.py): what they need from
    # the host (os.py: the files' ops are files.py's).
    "os": {"constants": ("UNAME", "STAT")},
    "time": {"functions": ("ticks_us",)},
    "gc": {"constants": ("HEAP",)},
    "sys": {
        "functions": ("reword",),
        "constants": (
            "version",
            "version_info",
            "platform",
            "byteorder",
            "maxsize",
            "IMPLEMENTATION",
            "FULL",
        ),
    },
    "neopixel": {
        "classes": {
            "NeoPixel": ("__len__", "__getitem__", "__setitem__", "clear", "fill", "show", "write")
        },
    },
    # `play_frames` and `play_named` are the guest's `play` (guest/audio.py keeps the frames).
    "audio": {"functions": ("play_frames", "play_named", "stop", "is_playing")},
    # Seeded by the board's seed on the host (randomness.py); `choice` is the guest's.
    "random": {"functions": ("getrandbits", "seed", "randrange", "randint", "random", "uniform")},
}
#: Argument types that may hold a board's object or an image (`HostModules._value`).
NESTED = (dict, list, tuple)
#: Instances the host keeps for the guest, at most, per boot.
MAX_HANDLES = 256


class HostModules:
    """The ops of one boot, over the host modules `module_of` builds (on first use)."""

    def __init__(self, module_of: Callable[[str], object], image_type: type) -> None:
        self._module_of = module_of
        self._image_type = image_type
        self._objects: dict[str, object] = {}
        self._handles: dict[int, object] = {}
        self._manifests: dict[str, str] = {}

    def ops(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {"manifest.read": self._manifest_read}
        for module, members in MANIFEST.items():
            for function in members.get("functions", ()):  # type: ignore[attr-defined]
                table[f"{module}.{function}"] = self._function(module, function)
            for name, (_kind, methods, _constants) in members.get("objects", {}).items():  # type: ignore[attr-defined]
                for method in methods:
                    table[f"{module}.{name}.{method}"] = self._method(module, name, method)
            pin_methods = {m for methods, _ in members.get("pins", {}).values() for m in methods}  # type: ignore[attr-defined]
            for pin in PIN_NAMES if pin_methods else ():
                for method in pin_methods:
                    table[f"{module}.{pin}.{method}"] = self._method(module, pin, method)
            for name, methods in members.get("classes", {}).items():  # type: ignore[attr-defined]
                table[f"{module}.{name}"] = self._constructor(module, name)
                for method in methods:
                    table[f"{module}.{name}.{method}"] = self._instance_method(method)
        return table

    # -- what the guest builds its modules from ------------------------------------------------

    def _manifest_read(self, payload: str) -> str:
        """A piece of the manifest's text: `module\x00offset` (the guest reads on until an
        empty piece)."""
        module, _, offset = payload.partition("\x00")
        text = self._manifests.get(module)
        if text is None:
            text = self._manifests[module] = self._manifest(module)
        start = int(offset) if offset.isdigit() else 0
        return piece(text, start)

    def _manifest(self, module: str) -> str:
        members = MANIFEST.get(module)
        if members is None:
            raise Refused("unknown module")
        host = self._module_of(module)
        described: dict[str, object] = {
            "functions": [f for f in members.get("functions", ()) if hasattr(host, f)],  # type: ignore[attr-defined]
            "constants": {c: getattr(host, c) for c in members.get("constants", ())},  # type: ignore[attr-defined]
            "classes": {
                name: [m for m in methods if hasattr(getattr(host, name), m)]
                for name, methods in members.get("classes", {}).items()  # type: ignore[attr-defined]
                if hasattr(host, name)
            },
            "objects": {},
        }
        for name, (kind, methods, constants) in members.get("objects", {}).items():  # type: ignore[attr-defined]
            if hasattr(host, name):
                obj = getattr(host, name)
                described["objects"][name] = (  # type: ignore[index]
                    kind,
                    list(methods),
                    {c: getattr(obj, c) for c in constants},
                )
        pins = members.get("pins", {})
        for name in dir(host):
            obj = getattr(host, name)
            kind = type(obj).__name__
            if name.startswith("pin") and kind in pins:  # type: ignore[operator]
                methods, constants = pins[kind]  # type: ignore[index]
                described["objects"][name] = (  # type: ignore[index]
                    kind,
                    list(methods),
                    {c: getattr(obj, c) for c in constants},
                )
        if members.get("tunes"):
            described["constants"] = {
                name: value
                for name, value in vars(host).items()
                if name.isupper() and isinstance(value, tuple)
            }
        return encode_manifest(described)

    # -- the ops -------------------------------------------------------------------------------

    def _function(self, module: str, name: str) -> Handler:
        return self._bound(lambda: getattr(self._module_of(module), name))

    def _method(self, module: str, obj: str, method: str) -> Handler:
        return self._bound(lambda: getattr(getattr(self._module_of(module), obj), method))

    def _bound(self, find: Callable[[], Callable[..., object]]) -> Handler:
        """An op calling one host function, looked up at its first call (the boot's modules
        are built on first use) and kept."""
        found: list[Callable[..., object]] = []

        def call(payload: str) -> Answer:
            if not found:
                found.append(find())
            if not payload:
                return encode(found[0]())
            args, kwargs = self._arguments(payload)
            return encode(found[0](*args, **kwargs))

        def direct() -> Callable[..., object]:
            """The host function itself, which the typed door calls with ints only
            (door.Door.native_call, which encodes what it answers)."""
            if not found:
                found.append(find())
            return found[0]

        call.direct = direct  # type: ignore[attr-defined]
        return call

    def _constructor(self, module: str, name: str) -> Handler:
        def call(payload: str) -> Answer:
            args, kwargs = self._arguments(payload)
            if len(self._handles) >= MAX_HANDLES:
                raise MemoryError("memory allocation failed")
            instance = getattr(self._module_of(module), name)(*args, **kwargs)
            handle = len(self._handles) + 1
            self._handles[handle] = instance
            return encode(handle)

        return call

    def _instance_method(self, method: str) -> Handler:
        def call(payload: str) -> Answer:
            args, kwargs = self._arguments(payload)
            if not args or type(args[0]) is not int or args[0] not in self._handles:
                raise Refused("unsupported argument")
            return encode(getattr(self._handles[args[0]], method)(*args[1:], **kwargs))

        return call

    # -- arguments -----------------------------------------------------------------------------

    def _arguments(self, payload: str) -> tuple[tuple, dict]:
        args, kwargs = arguments(payload)
        if not kwargs:
            for a in args:
                if type(a) in NESTED:
                    break
            else:  # ints, bytes, str: as they are (a robot's loop sends only these)
                return args, kwargs
        return (
            tuple(self._value(a) for a in args),
            {key: self._value(value) for key, value in kwargs.items()},
        )

    def _value(self, value: object) -> object:
        if type(value) is dict and len(value) == 1 and "\x00O" in value:
            module, _, name = str(value["\x00O"]).partition(".")
            if module not in MANIFEST:
                raise Refused("unsupported argument")
            found = getattr(self._module_of(module), name, None)
            if found is None or not (name in OBJECTS or name.startswith("pin")):
                raise Refused("unsupported argument")
            return found
        if type(value) is dict and len(value) == 1 and "\x00S" in value:
            name = value["\x00S"]
            if type(name) is not str or name.upper() not in SOUNDS:
                raise Refused("unsupported argument")
            return MicroBitSound(name)
        if type(value) is dict and len(value) == 1 and "\x00I" in value:
            image = value["\x00I"]
            if type(image) is not list or len(image) != 3:
                raise Refused("unsupported argument")
            width, height, pixels = image
            if not (type(width) is int and type(height) is int and type(pixels) is str):
                raise Refused("unsupported argument")
            if width * height != len(pixels) or width > 1000 or height > 1000:
                raise Refused("unsupported argument")
            return self._image_type(width, height, bytes(int(c) for c in pixels))
        if type(value) in (list, tuple):
            return type(value)(self._value(item) for item in value)
        return value


def encode_manifest(described: dict) -> str:
    """A manifest for the guest, as JSON (`j`): its `json.loads` is C code, where evaluating
    the same literal made its compiler parse it (a quarter of a boot's work). Constants are
    ints, str, booleans or tuples of them, and the guest makes their lists tuples again
    (guest/_door.py: `_tuples`): a list among them would come back as a tuple, so it is refused
    here."""
    constants = [described["constants"]] + [c for _k, _m, c in described["objects"].values()]
    for table in constants:
        for name, value in table.items():
            if not _constant(value):
                raise TypeError(f"constant {name} of the manifest is not a literal of tuples")
    return "j" + json.dumps(described)


def _constant(value: object) -> bool:
    if type(value) is tuple:
        return all(_constant(item) for item in value)
    return type(value) in (int, str, bool, float) or value is None
