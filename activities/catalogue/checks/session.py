"""The check API: the names a `%%check` cell may use, bound to one run of the pupil's program.

Set-up calls (`simulate`, `tap`, `press`, `tilt`, `shake`, `light`, `temperature`, `touch`,
`partner`, `then_run`) come first; the first question (`was_shown`, `expect_shown`,
`distance_travelled`...) runs the program on a fresh simulated board, and every later question
reads the same trace. The `expect_*` helpers word their failure in French for the pupil: what
was expected, when, and what happened. `expect(condition, message)` and `assert` take the
author's own message.

Times are simulated milliseconds since the board's power-on (`running_time()`); a window
`between=(0, 2000)` gives the tolerance a real board needs, never an exact instant.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any

from device_bridge.sim.trace import Pose, Trace
from tne.i18n import _, number

from .errors import CheckFailed, CheckSetupError
from .language import Api, Interpreter
from .leds import IMAGE_NAMES, ImageNames, as_rows, matches, pattern_of, timeline, within
from .simulation import RunOutcome, RunPlan, simulate

BUTTONS = {"a": "a", "b": "b", "logo": "logo"}
#: How long a `tap` holds the button (ms).
TAP_MS = 100
#: Longest simulated run a check may ask for (seconds).
MAX_DURATION_S = 300.0
RADIO_HEADER = b"\x01\x00\x01"


def _number(value: object, name: str, low: float = 0.0, high: float = 1e9) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CheckSetupError(_("'{name}' must be a number.").format(name=name))
    if not low <= value <= high:
        raise CheckSetupError(
            _("'{name}' must be between {low} and {high}.").format(
                name=name, low=number(low), high=number(high)
            )
        )
    return float(value)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise CheckSetupError(_("'{name}' must be a text between quotes.").format(name=name))
    return value


def _window(between: object) -> tuple[float, float]:
    if between is None:
        return 0.0, math.inf
    if not isinstance(between, (tuple, list)) or len(between) != 2:
        raise CheckSetupError(_("between= takes two times in ms, such as between=(0, 2000)."))
    low, high = (_number(v, "between") for v in between)
    return low, high


def quoted(text: str) -> str:
    """A pupil's text inside quotation marks (« » with no-break spaces in French)."""
    return _('"{text}"').format(text=text)


def _seconds(ms: float) -> str:
    return number(round(ms / 1000, 2))


def _when(low: float, high: float) -> str:
    """The window for a pupil, in seconds (« entre 1 et 1,5 s »)."""
    if high == math.inf:
        return _("during the run") if low == 0 else _("after {low} s").format(low=_seconds(low))
    return _("between {low} and {high} s").format(low=_seconds(low), high=_seconds(high))


class CheckSession:
    """One check cell's view of one run of `program`."""

    def __init__(self, program: str, runner: Callable[[str, RunPlan], RunOutcome] = simulate):
        self.program = program
        self.plan = RunPlan()
        self._runner = runner
        self._outcome: RunOutcome | None = None

    # -- the run -------------------------------------------------------------------------------

    @property
    def outcome(self) -> RunOutcome:
        if self._outcome is None:
            self._outcome = self._runner(self.program, self.plan)
            if self._outcome.error is not None:
                raise CheckFailed(program_error(self._outcome.error))
        return self._outcome

    @property
    def trace(self) -> Trace:
        return self.outcome.trace

    def _setting(self) -> RunPlan:
        if self._outcome is not None:
            raise CheckSetupError(
                _("The set-up of the simulation (simulate, tap...) must come before the checks.")
            )
        return self.plan

    # -- set-up ----------------------------------------------------------------------------------

    def simulate(
        self,
        robot: object = "",
        world: object = "",
        duration: object = 10,
        seed: object = 0,
        firmware: object = "v2",
        noise: object = 1.0,
        speed: object = None,
    ) -> None:
        plan = self._setting()
        plan.robot = _text(robot, "robot")
        plan.world = _text(world, "world")
        plan.duration_s = _number(duration, "duration", 0.1, MAX_DURATION_S)
        plan.seed = int(_number(seed, "seed", 0, 2**31))
        plan.firmware = _text(firmware, "firmware")
        if plan.firmware not in ("v1", "v2"):
            raise CheckSetupError(_("firmware is 'v1' or 'v2'."))
        plan.noise = _number(noise, "noise", 0, 10)
        plan.speed = None if speed is None else _number(speed, "speed", 0, 100)

    def _input(self, at: object, **message: object) -> None:
        self._setting().inputs.append({"t": _number(at, "at"), **message})

    def _button(self, button: object) -> str:
        name = _text(button, "button").lower()
        if name not in BUTTONS:
            raise CheckSetupError(_("The buttons are 'A', 'B' and 'logo'."))
        return BUTTONS[name]

    def tap(self, button: object, at: object) -> None:
        name = self._button(button)
        start = _number(at, "at")
        self._input(start, kind="button", name=name, pressed=True)
        self._input(start + TAP_MS, kind="button", name=name, pressed=False)

    def press(self, button: object, at: object, until: object) -> None:
        name = self._button(button)
        self._input(at, kind="button", name=name, pressed=True)
        self._input(until, kind="button", name=name, pressed=False)

    def tilt(self, x: object, y: object, z: object, at: object) -> None:
        mg = [int(_number(v, "x, y, z", -2048, 2048)) for v in (x, y, z)]
        self._input(at, kind="accelerometer", x=mg[0], y=mg[1], z=mg[2])

    def shake(self, at: object) -> None:
        self._input(at, kind="gesture", name="shake")

    def light(self, level: object, at: object) -> None:
        self._input(at, kind="light", level=int(_number(level, "level", 0, 255)))

    def temperature(self, celsius: object, at: object) -> None:
        self._input(at, kind="temperature", celsius=_number(celsius, "celsius", -40, 105))

    def touch(self, pin: object, at: object, until: object) -> None:
        name = _text(pin, "pin")
        if name not in ("pin0", "pin1", "pin2", "logo"):
            raise CheckSetupError(_("The touch pins are 'pin0', 'pin1', 'pin2' and 'logo'."))
        self._input(at, kind="touch", name=name, touched=True)
        self._input(until, kind="touch", name=name, touched=False)

    def partner(self, code: object) -> None:
        """The program of a second simulated board in the same air (radio activities)."""
        self._setting().partner = _text(code, "partner")

    def partner_radio(
        self, group: object = 0, send: object = None, at: object = 1000, sends: object = None
    ) -> None:
        """A ready-made partner board: its radio on `group`, it prints every message it
        receives (`partner_printed_lines()`), and it sends `send` at `at` ms, or each
        `(text, at)` of `sends`, in simulated ms of the pupil's board (delivered to it as
        scripted radio packets, so the run is deterministic)."""
        number_group = int(_number(group, "group", 0, 255))
        schedule: list[tuple[int, str]] = []
        if send is not None:
            schedule.append((int(_number(at, "at")), _text(send, "send")))
        if sends is not None:
            if not isinstance(sends, (list, tuple)) or not all(
                isinstance(item, (list, tuple)) and len(item) == 2 for item in sends
            ):
                raise CheckSetupError(
                    _('sends= takes a list of (text, time) pairs, such as [("avance", 1000)].')
                )
            schedule += [(int(_number(t, "at")), _text(text, "sends")) for text, t in sends]
        if any(len(text) > 200 for _t, text in schedule):
            raise CheckSetupError(_("A radio message holds at most 200 characters."))
        plan = self._setting()
        # What the partner says reaches the pupil's board as scripted radio inputs, at the
        # pupil's simulated instants: the same for every run, whatever the machine's load.
        for moment, text in sorted(schedule):
            data = base64.b64encode(RADIO_HEADER + text.encode("utf-8")).decode("ascii")
            plan.inputs.append({"t": moment, "kind": "radio", "data": data, "group": number_group})
        plan.partner = (
            "\n".join(
                [
                    "from microbit import *",
                    "import radio",
                    f"radio.config(group={number_group})",
                    "radio.on()",
                    "while True:",
                    "    message = radio.receive()",
                    "    if message:",
                    "        print(message)",
                    "    sleep(10)",
                ]
            )
            + "\n"
        )
        plan.partner_listens_only = True

    def then_run(self, code: object) -> None:
        """MicroPython run on the same sealed board after the pupil's program (to call the
        pupil's functions, for instance)."""
        self._setting().after = _text(code, "then_run")

    # -- questions -------------------------------------------------------------------------------

    def frames(self) -> list[tuple[float, str]]:
        return self.trace.frames()

    def last_frame(self) -> str | None:
        return self.trace.last_frame()

    def was_shown(self, image: object, between: object = None) -> bool:
        pattern = pattern_of(image)
        low, high = _window(between)
        return any(matches(pattern, s.pixels) for s in self._shown(low, high))

    def _shown(self, low: float, high: float):
        trace = self.trace
        return within(timeline(trace.frames()), low, high)

    def leds_changed(self, between: object = None) -> bool:
        """Whether the LEDs changed within the window: two different pictures on them, or a
        text shown or scrolled that started there (the same digit again counts: a dice may
        roll the number it showed). A free project is checked with it, whatever it shows."""
        low, high = _window(between)
        pictures = {shown.pixels for shown in self._shown(low, high)}
        return len(pictures) > 1 or bool(self.shown_texts(between))

    def scrolled_texts(self) -> list[str]:
        """Texts given to `display.scroll` or `display.show`, in order."""
        return [str(e["text"]) for e in self.trace.of_kind("display") if "text" in e]

    def shown_texts(self, between: object = None) -> list[str]:
        """Texts shown or scrolled (`display.show(3)`, `display.scroll("Bonjour")`), in order,
        that started within the window."""
        low, high = _window(between)
        return [
            str(e["text"])
            for e in self.trace.of_kind("display")
            if "text" in e and low <= e["t"] <= high
        ]

    def path_size(self) -> tuple[float, float]:
        """Width and height (cm) of the rectangle that holds the robot's whole path."""
        poses = self.trace.poses()
        if not poses:
            return 0.0, 0.0
        xs, ys = [p.x for p in poses], [p.y for p in poses]
        return max(xs) - min(xs), max(ys) - min(ys)

    def printed_lines(self, between: object = None) -> list[str]:
        low, high = _window(between)
        if between is None:
            return self.trace.printed_lines()
        text = "".join(
            str(e.get("text", "")) for e in self.trace.of_kind("stdout") if low <= e["t"] <= high
        )
        return text.replace("\r\n", "\n").splitlines()

    def radio_sent(self, between: object = None) -> list[str]:
        """Texts the pupil's board sent by radio (`radio.send`)."""
        return _radio_texts(self.trace, *_window(between))

    def partner_printed_lines(self) -> list[str]:
        partner = self.outcome.partner
        return partner.printed_lines() if partner is not None else []

    def partner_was_shown(self, image: object, between: object = None) -> bool:
        partner = self.outcome.partner
        if partner is None:
            return False
        pattern = pattern_of(image)
        shown = within(timeline(partner.frames()), *_window(between))
        return any(matches(pattern, s.pixels) for s in shown)

    def poses(self) -> list[Pose]:
        return self.trace.poses()

    def start_pose(self) -> Pose | None:
        return self.trace.start_pose()

    def final_pose(self) -> Pose | None:
        return self.trace.final_pose()

    def distance_travelled(self) -> float:
        return self.trace.distance_travelled()

    def distance_to_start(self) -> float:
        return self.trace.distance_to_start()

    def collisions(self) -> int:
        return len(self.trace.collisions())

    def lines_crossed(self) -> int:
        return self.trace.lines_crossed

    def time_on_line(self) -> float:
        return self.trace.time_on_line()

    def motor_commands(self) -> list[tuple[float, int, int]]:
        return self.trace.motor_commands()

    def pin_writes(self, pin: object = None) -> list[tuple[float, str, str, int]]:
        return self.trace.pin_writes(None if pin is None else _text(pin, "pin"))

    def music_notes(self) -> list[tuple[float, str, int]]:
        return [
            (e["t"], str(e.get("note", "")), int(e.get("duration", 0)))
            for e in self.trace.of_kind("music")
            if e.get("frequency")
        ]

    def notes_played(self, between: object = None) -> list[str]:
        """The notes heard that started within the window, in order, named as the pupil
        writes them in `music.play` ("c4", "f#5"), whatever octave or length carried over
        and whether a built-in melody or `music.pitch` played them; rests are left out."""
        low, high = _window(between)
        return [
            note_name(float(e["frequency"]))
            for e in self.trace.of_kind("music")
            if e.get("frequency") and low <= e["t"] <= high
        ]

    def duration_ms(self) -> float:
        return self.trace.duration_ms()

    def duration_reached(self) -> bool:
        return self.trace.duration_reached

    # -- expectations, with their French messages -----------------------------------------------

    def expect(self, condition: object, message: object) -> None:
        if not condition:
            raise CheckFailed(str(message))

    def expect_shown(self, image: object, between: object = None) -> None:
        pattern = pattern_of(image)
        low, high = _window(between)
        shown = self._shown(low, high)
        if any(matches(pattern, s.pixels) for s in shown):
            return
        lit = [s for s in shown if s.pixels != "00000:00000:00000:00000:00000"]
        seen = (
            _("what the LEDs showed then (the last picture):") + "\n" + as_rows(lit[-1].pixels)
            if lit
            else _("the LEDs stayed off then.")
        )
        raise CheckFailed(
            _("The LEDs should show this picture {when}:").format(when=_when(low, high))
            + "\n"
            + as_rows(pattern)
            + "\n"
            + _("but it was not shown; {seen}").format(seen=seen)
        )

    def expect_not_shown(self, image: object, between: object = None) -> None:
        if self.was_shown(image, between):
            low, high = _window(between)
            raise CheckFailed(
                _("The LEDs should not show this picture {when}:").format(when=_when(low, high))
                + "\n"
                + as_rows(pattern_of(image))
                + "\n"
                + _("but your program showed it.")
            )

    def expect_shown_texts(self, texts: object, between: object = None) -> None:
        """The texts shown or scrolled within the window are these, in this order."""
        if not isinstance(texts, (list, tuple)) or not all(isinstance(t, str) for t in texts):
            raise CheckSetupError(_("expect_shown_texts takes a list of texts."))
        shown = self.shown_texts(between)
        if shown == list(texts):
            return
        low, high = _window(between)
        raise CheckFailed(
            _("Your program should show {wanted} {when}, in this order; {seen}").format(
                wanted=", ".join(quoted(t) for t in texts),
                when=_when(low, high),
                seen=_seen_texts(shown),
            )
        )

    def expect_scrolled(self, text: object, between: object = None) -> None:
        wanted = _text(text, "text")
        low, high = _window(between)
        texts = self.shown_texts(between)
        if wanted in texts:
            return
        message = _("The text {wanted} should scroll on the LEDs (display.scroll) {when}; {seen}")
        raise CheckFailed(
            message.format(wanted=quoted(wanted), when=_when(low, high), seen=_seen_texts(texts))
        )

    def expect_printed(self, text: object, between: object = None) -> None:
        wanted = _text(text, "text").strip()
        lines = [line.strip() for line in self.printed_lines(between)]
        if wanted in lines:
            return
        low, high = _window(between)
        seen = (
            _("your program printed: {lines}.").format(
                lines=", ".join(quoted(line) for line in lines[-5:])
            )
            if lines
            else _("your program printed nothing then.")
        )
        raise CheckFailed(
            _("Your program should print the line {wanted} {when}; {seen}").format(
                wanted=quoted(wanted), when=_when(low, high), seen=seen
            )
        )

    def expect_sent(self, text: object, between: object = None) -> None:
        wanted = _text(text, "text")
        low, high = _window(between)
        sent = _radio_texts(self.trace, low, high)
        if wanted in sent:
            return
        seen = (
            _("it sent: {texts}.").format(texts=", ".join(quoted(t) for t in sent[-5:]))
            if sent
            else _("it sent nothing then (is the radio on, with radio.on()?).")
        )
        raise CheckFailed(
            _("Your board should send {wanted} by radio {when}; {seen}").format(
                wanted=quoted(wanted), when=_when(low, high), seen=seen
            )
        )

    def expect_notes(self, notes: object, between: object = None) -> None:
        """These notes are played one after the other, in this order, within the window
        (other notes may come before or after them)."""
        if (
            not isinstance(notes, (list, tuple))
            or not notes
            or not all(isinstance(n, str) for n in notes)
        ):
            raise CheckSetupError(_('expect_notes takes a list of notes, such as ["c4", "d4"].'))
        wanted = [n.strip().lower() for n in notes]
        played = self.notes_played(between)
        size = len(wanted)
        if any(played[i : i + size] == wanted for i in range(len(played) - size + 1)):
            return
        low, high = _window(between)
        seen = (
            _("it played: {notes}.").format(notes=" ".join(played[:24]))
            if played
            else _("it played no note then (did you import music and call music.play?).")
        )
        raise CheckFailed(
            _("Your board should play the notes {wanted} {when}, in this order; {seen}").format(
                wanted=" ".join(wanted), when=_when(low, high), seen=seen
            )
        )

    def expect_between(self, value: object, low: object, high: object, what: object) -> None:
        measured = _number(value, str(what), -1e12, 1e12)
        low_, high_ = _number(low, "low", -1e12, 1e12), _number(high, "high", -1e12, 1e12)
        if low_ <= measured <= high_:
            return
        raise CheckFailed(
            _("{what}: expected between {low} and {high}, but it is {value}.").format(
                what=_text(what, "what"),
                low=number(low_),
                high=number(high_),
                value=number(round(measured, 1)),
            )
        )

    # -- the language's view ---------------------------------------------------------------------

    def api(self) -> Api:
        names = [
            "simulate", "tap", "press", "tilt", "shake", "light", "temperature", "touch",
            "partner", "partner_radio", "then_run", "frames", "last_frame", "was_shown",
            "leds_changed",
            "scrolled_texts", "printed_lines", "shown_texts", "path_size", "radio_sent",
            "partner_printed_lines", "partner_was_shown", "poses", "start_pose", "final_pose",
            "distance_travelled", "distance_to_start", "collisions", "lines_crossed",
            "time_on_line", "motor_commands", "pin_writes", "music_notes", "notes_played",
            "duration_ms", "duration_reached", "expect", "expect_shown", "expect_not_shown",
            "expect_scrolled", "expect_shown_texts", "expect_printed", "expect_sent",
            "expect_notes", "expect_between",
        ]  # fmt: skip
        return Api(
            functions={name: getattr(self, name) for name in names},
            values={"Image": ImageNames()},
            attributes={Pose: frozenset({"t", "x", "y", "heading"}), ImageNames: IMAGE_NAMES},
        )


def run_check(source: str, program: str | None, runner=simulate) -> CheckSession:
    """Interpret a `%%check` cell's text against `program`; raises a `CheckError` subclass
    (French message) when the check does not pass."""
    from .language import parse, validate

    session = CheckSession(program or "", runner)
    api = session.api()
    validate(parse(source), api)  # refused before anything runs, even without a program
    if not program or not program.strip():
        raise CheckFailed(
            _(
                "No program has run on the board yet: run the cell of your program first, "
                "then this test."
            )
        )
    Interpreter(api).run(source)
    session.outcome  # noqa: B018 - a check with no question still runs the program once
    return session


def program_error(line: str) -> str:
    if line.startswith("NotImplementedError"):
        return _(
            "You have not written your program yet: replace the line "
            "raise NotImplementedError() with your code."
        )
    return _(
        "Your program stopped on an error: {error}. Fix it, run its cell again, then this test."
    ).format(error=line)


#: The twelve notes of an octave, as `music.play` names them.
NOTE_NAMES = ("c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b")


def note_name(frequency: float) -> str:
    """The nearest note to `frequency` (Hz), named as in `music.play`: 440 is "a4", 262 is
    "c4". A name, not the text the pupil wrote, so that "c4:4", "C" or a built-in melody
    compare alike."""
    semitones = round(12 * math.log2(frequency / 440.0)) + 57  # a4 is the 57th from c0
    octave, index = divmod(semitones, 12)
    return f"{NOTE_NAMES[index]}{octave}"


def _radio_texts(trace: Trace, low: float, high: float) -> list[str]:
    texts = []
    for event in trace.of_kind("radio"):
        if not low <= event["t"] <= high:
            continue
        try:
            data = base64.b64decode(str(event.get("data", "")))
        except ValueError:
            continue
        if data.startswith(RADIO_HEADER):
            texts.append(data[len(RADIO_HEADER) :].decode("utf-8", "replace"))
    return texts


def _seen_texts(texts: list[str]) -> str:
    if not texts:
        return _("your program showed no text or number then.")
    return _("your program showed: {texts}.").format(texts=", ".join(quoted(t) for t in texts[-6:]))


__all__ = ["CheckSession", "run_check", "Any"]
