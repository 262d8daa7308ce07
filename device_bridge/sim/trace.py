"""The trace of a simulated run: what a grader or a teacher asks about afterwards.

Built on the parent side from the board's side-channel events (`SimTransport.subscribe`, then
`sync_events()` once the program ended), so it records exactly what the board did, stamped
with simulated time: LED frames (`display`), printed text (`stdout`), motor commands (`motor`),
the robot's pose over time (`pose`), collisions, line-sensor changes (`line`), ultrasonic
reads, pin writes (`pin`), NeoPixels, inputs, and whether the duration cap was reached.

    trace = Trace.record(transport)          # before transport.open(): the start pose
    board.start(); trace.started(transport)  # the bridge's probe is not the program
    board.run(code); trace.finish(transport)
    trace.was_shown(Image.HEART)             # or "09090:99999:99999:09990:00900"
    trace.distance_to_start() <= 5           # "came back within 5 cm of its start"
    trace.save("run.json"); Trace.load("run.json")

Events are kept as they came (JSON objects), so a saved trace loads back identical, and two
runs of the same code, seed and inputs give byte-identical `to_json()`.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tne.i18n import _, number

if TYPE_CHECKING:
    from ..transports.base import SimControls


@dataclass(frozen=True)
class Pose:
    t: float  # simulated ms
    x: float  # cm
    y: float  # cm
    heading: float  # degrees, 0 = towards +x, 90 = towards +y (down on the pictures)


def pixels_of(image: object) -> str:
    """`"09090:99999:99999:09990:00900"` from an Image (simulated or any object whose `repr`
    is `Image('...')`), or from a string in any of the usual spellings."""
    text = repr(image) if not isinstance(image, str) else image
    if text.startswith("Image("):
        text = text[text.index("(") + 1 : text.rindex(")")].strip().strip("'\"")
    rows = [row for row in text.replace("\n", ":").split(":") if row.strip()]
    return ":".join(row.strip() for row in rows)


class Trace:
    def __init__(self, events: Iterable[dict] = ()) -> None:
        self.events: list[dict] = list(events)
        self._lock = threading.Lock()
        # The events by kind, and the poses, made once for the events as they are: after a run
        # the summary and the picture ask a dozen questions of its thousands of events.
        self._indexed: tuple[list[dict], int] | None = None
        self._kinds: dict[object, list[dict]] = {}
        self._poses: list[Pose] | None = None

    # -- recording ---------------------------------------------------------------------------

    @classmethod
    def record(cls, sim: SimControls) -> Trace:
        """A trace that fills from the simulated board's events from now on."""
        trace = cls()
        trace._unsubscribe = sim.subscribe(trace.add)
        return trace

    def add(self, event: dict) -> None:
        with self._lock:
            self.events.append(event)

    def started(self, sim: SimControls, timeout: float = 5.0) -> Trace:
        """After `Board.start()`: forget what the bridge's own probe printed, so that
        `printed()` is the program's output only (the robot's start pose is kept)."""
        sim.sync_events(timeout)
        with self._lock:
            self.events = [e for e in self.events if e.get("kind") != "stdout"]
        return self

    def finish(self, sim: SimControls, timeout: float = 5.0) -> Trace:
        """Wait for the last events of the board, then stop recording."""
        sim.sync_events(timeout)
        unsubscribe = getattr(self, "_unsubscribe", None)
        if unsubscribe is not None:
            unsubscribe()
        return self

    def of_kind(self, kind: str) -> list[dict]:
        with self._lock:
            return list(self._index().get(kind, ()))

    def _index(self) -> dict[object, list[dict]]:
        """`_kinds` for the events as they are now (made again when events were added or the
        list replaced; the list itself is held, so its identity is not another's)."""
        events, indexed = self.events, self._indexed
        if indexed is None or indexed[0] is not events or indexed[1] != len(events):
            kinds: dict[object, list[dict]] = {}
            for event in events:
                kinds.setdefault(event.get("kind"), []).append(event)
            self._kinds, self._poses = kinds, None
            self._indexed = (events, len(events))
        return self._kinds

    # -- the display -------------------------------------------------------------------------

    def frames(self) -> list[tuple[float, str]]:
        """Each picture the LEDs showed, with its simulated time (ms)."""
        return [(e["t"], e["pixels"]) for e in self.of_kind("display")]

    def was_shown(self, image: object) -> bool:
        """Whether the LEDs showed this image at some point (an Image or its text)."""
        wanted = pixels_of(image)
        return any(pixels == wanted for _t, pixels in self.frames())

    shown = was_shown

    def last_frame(self) -> str | None:
        frames = self.frames()
        return frames[-1][1] if frames else None

    # -- printed text ------------------------------------------------------------------------

    def printed(self) -> str:
        """Everything the program printed, as one text."""
        return "".join(str(e.get("text", "")) for e in self.of_kind("stdout"))

    def printed_lines(self) -> list[str]:
        return self.printed().replace("\r\n", "\n").splitlines()

    # -- the robot ---------------------------------------------------------------------------

    def poses(self) -> list[Pose]:
        with self._lock:
            kinds = self._index()
            if self._poses is None:
                self._poses = [_pose(e) for e in kinds.get("pose", ())]
            return list(self._poses)

    def start_pose(self) -> Pose | None:
        events = self.of_kind("pose")  # one Pose, not one per sample (a minute holds 1,200)
        return _pose(events[0]) if events else None

    def final_pose(self) -> Pose | None:
        events = self.of_kind("pose")
        return _pose(events[-1]) if events else None

    def distance_to_start(self) -> float:
        """cm between where the robot started and where it ended."""
        start, end = self.start_pose(), self.final_pose()
        if start is None or end is None:
            return 0.0
        return math.hypot(end.x - start.x, end.y - start.y)

    def distance_travelled(self) -> float:
        """cm along the path (sampled every 50 ms of simulated time)."""
        poses = self.poses()
        return sum(math.hypot(b.x - a.x, b.y - a.y) for a, b in zip(poses, poses[1:], strict=False))

    def max_speed(self) -> float:
        """Highest speed between two pose samples, in cm/s."""
        poses = self.poses()
        best = 0.0
        for a, b in zip(poses, poses[1:], strict=False):
            if b.t > a.t:
                best = max(best, math.hypot(b.x - a.x, b.y - a.y) / (b.t - a.t) * 1000)
        return best

    def motor_commands(self) -> list[tuple[float, int, int]]:
        """(ms, left PWM, right PWM) at each change; negative is backwards."""
        return [(e["t"], e["left"], e["right"]) for e in self.of_kind("motor")]

    def collisions(self) -> list[dict]:
        return self.of_kind("collision")

    def line_readings(self) -> list[tuple[float, int, int]]:
        """(ms, left, right) each time what lies under the line sensors changed (0 = black)."""
        return [(e["t"], e["left"], e["right"]) for e in self.of_kind("line")]

    @property
    def lines_crossed(self) -> int:
        """How many times the robot came onto a black line (from white under both sensors)."""
        count, on = 0, False
        for _t, left, right in self.line_readings():
            now = left == 0 or right == 0
            if now and not on:
                count += 1
            on = now
        return count

    def time_on_line(self) -> float:
        """Simulated ms during which at least one line sensor saw the black line."""
        total, since = 0.0, None
        for t, left, right in self.line_readings():
            on = left == 0 or right == 0
            if on and since is None:
                since = t
            elif not on and since is not None:
                total += t - since
                since = None
        if since is not None:
            total += self.duration_ms() - since
        return total

    def ultrasonic_reads(self) -> list[tuple[float, float | None]]:
        return [(e["t"], e.get("cm")) for e in self.of_kind("ultrasonic")]

    def pin_writes(self, pin: str | None = None) -> list[tuple[float, str, str, int]]:
        """(ms, pin, mode, value) of each write, of one pin (`"pin8"`) or all."""
        return [
            (e["t"], e["name"], e["mode"], e["value"])
            for e in self.of_kind("pin")
            if pin is None or e["name"] == pin
        ]

    def neopixels(self) -> list[tuple[float, list]]:
        """(ms, [[r, g, b], ...]) each time NeoPixels were shown."""
        return [(e["t"], e["pixels"]) for e in self.of_kind("neopixel")]

    def inputs(self) -> list[dict]:
        return self.of_kind("input")

    # -- the run -----------------------------------------------------------------------------

    def duration_ms(self) -> float:
        """Simulated time of the last event."""
        with self._lock:
            return max((float(e.get("t", 0)) for e in self.events), default=0.0)

    @property
    def duration_reached(self) -> bool:
        """Whether the program was stopped by the duration cap."""
        return bool(self.of_kind("duration"))

    # -- saving ------------------------------------------------------------------------------

    def to_json(self) -> str:
        with self._lock:
            return json.dumps(
                {"format": "tne-sim-trace", "version": 1, "events": self.events},
                ensure_ascii=False,
                separators=(",", ":"),
            )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, text: str) -> Trace:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != "tne-sim-trace":
            raise ValueError("not a tne simulator trace")
        return cls(data.get("events", []))

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    # -- for people --------------------------------------------------------------------------

    def summary(self) -> list[str]:
        """A few lines in the reader's language: what the run did."""
        lines = [
            _("Simulated time: {seconds} s{capped}.").format(
                seconds=number(self.duration_ms() / 1000, 1),
                capped=_(" (duration cap reached)") if self.duration_reached else "",
            )
        ]
        end = self.final_pose()
        if end is not None:
            lines.append(
                _("Distance travelled: {cm} cm; back within {back} cm of the start.").format(
                    cm=number(self.distance_travelled(), 0),
                    back=number(self.distance_to_start(), 0),
                )
            )
            lines.append(
                _("Final position: x = {x} cm, y = {y} cm, heading {heading}°.").format(
                    x=number(end.x, 0), y=number(end.y, 0), heading=number(end.heading, 0)
                )
            )
        if end is not None:  # a robot: whether it bumped into anything
            collisions = len(self.collisions())
            lines.append(
                _("Collisions: {count}.").format(count=collisions)
                if collisions
                else _("No collision.")
            )
        frames = self.frames()
        if frames:
            lines.append(
                _("LED pictures shown: {count}; the last one: {pixels}.").format(
                    count=len(frames), pixels=frames[-1][1]
                )
            )
            lines.extend(leds_as_text(frames[-1][1]))
        return lines


def _pose(event: dict) -> Pose:
    return Pose(event["t"], event["x"], event["y"], event["heading"])


def leds_as_text(pixels: str) -> list[str]:
    """The 5 × 5 LEDs as five lines of text, lit ones as blocks (for a terminal)."""
    return [
        "    " + " ".join("█" if ch not in "0" else "·" for ch in row)
        for row in pixels_of(pixels).split(":")
    ]
