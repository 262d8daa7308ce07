"""The `music` module: notes take their real duration in simulated time and come out as `music`
events `{"pin": "pin0", "note": "c4:4", "frequency": 262, "duration": 500}` at the instant
each starts (frequency 0 for a rest or `stop()`), so a trace can tell what was played and when.

Notes are written `NOTE[#|b][OCTAVE][:TICKS]`; the octave and the length carry over from one
note to the next (and from one `play` to the next, until `reset()`), as on the board. A tick
lasts 60000 / (bpm × ticks per beat) ms: 125 ms at the default tempo (4 ticks, 120 bpm).
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Callable, Iterable, Iterator

from .clock import SimClock
from .environment import Environment
from .hardware import Hardware
from .melodies import MELODIES

#: Hz of the notes of octave 4 (A4 = 440 Hz, equal temperament).
OCTAVE_4 = {
    "c": 261.63,
    "d": 293.66,
    "e": 329.63,
    "f": 349.23,
    "g": 392.00,
    "a": 440.00,
    "b": 493.88,
}
ACTIVITY = "music"


class Music:
    """The state of `music` on one boot."""

    def __init__(
        self,
        clock: SimClock,
        hardware: Hardware,
        env: Environment,
        checkpoint: Callable[[], None],
        default_pin: str,
    ) -> None:
        self._clock = clock
        self._hardware = hardware
        self._env = env
        self._checkpoint = checkpoint
        self._default_pin = default_pin
        self.reset()

    def reset(self) -> None:
        self._ticks, self._bpm = 4, 120
        self._octave, self._length = 4, 4

    def set_tempo(self, ticks: int | None = None, bpm: int | None = None) -> None:
        if ticks is not None:
            self._ticks = int(ticks)
        if bpm is not None:
            self._bpm = int(bpm)

    def get_tempo(self) -> tuple[int, int]:
        """(bpm, ticks): the order the V1 firmware gives, measured in QEMU."""
        return (self._bpm, self._ticks)

    def parse(self, note: str) -> tuple[float, float]:
        """Frequency (Hz, 0 for a rest) and length (ms) of one note; updates the carried
        octave and length."""
        text = note.lower()
        name, rest = text[:1], text[1:]
        sharp = 0
        if rest[:1] == "#":
            sharp, rest = 1, rest[1:]
        elif rest[:1] == "b" and name != "":
            sharp, rest = -1, rest[1:]
        octave_text, _, length_text = rest.partition(":")
        if octave_text.isdigit():
            self._octave = int(octave_text)
        if length_text.isdigit():
            self._length = int(length_text)
        ms = self._length * 60_000 / (self._bpm * self._ticks) if self._bpm and self._ticks else 0
        base = OCTAVE_4.get(name)
        if base is None:
            return 0.0, ms
        return base * 2 ** (self._octave - 4 + sharp / 12), ms

    def _pin(self, pin: object) -> str:
        if pin is None:
            return "speaker"
        name = getattr(pin, "name", None)
        if not isinstance(name, str):
            raise TypeError("expecting a pin")
        return name

    def _sound(self, pin: str, note: str, frequency: float, ms: float, at: float | None = None):
        channel = self._hardware.channel
        if channel.enabled:
            fields: dict[str, object] = {
                "pin": pin,
                "note": note,
                "frequency": round(frequency),
                "duration": round(ms, 3),
            }
            if at is not None:
                fields["t"] = round(at, 3)
            channel.emit("music", **fields)

    def play(
        self, music: object, pin: object = "default", wait: bool = True, loop: bool = False
    ) -> None:
        name = self._default_pin if pin == "default" else self._pin(pin)
        notes = [music] if isinstance(music, str) else [str(n) for n in music]  # type: ignore[attr-defined]
        self._env.stop(ACTIVITY)
        sequence: Iterable[str] = itertools.cycle(notes) if loop and notes else notes
        if wait:
            for note in sequence:
                self._checkpoint()
                frequency, ms = self.parse(note)
                self._sound(name, note, frequency, ms)
                self._clock.advance(ms)
                self._hardware.sync()
            self._sound(name, "", 0, 0)
            return
        self._env.start(ACTIVITY, self._scheduled(name, sequence))

    def _scheduled(self, pin: str, notes: Iterable[str]) -> Iterator[tuple[float, Callable]]:
        at = self._clock.now_ms
        for count, note in enumerate(notes):
            frequency, ms = self.parse(note)
            yield at, lambda n=note, f=frequency, d=ms, t=at: self._sound(pin, n, f, d, t)
            at += ms
            if ms <= 0 and count > 10_000:
                return
        yield at, lambda t=at: self._sound(pin, "", 0, 0, t)

    def pitch(
        self, frequency: int, duration: int = -1, pin: object = "default", wait: bool = True
    ) -> None:
        name = self._default_pin if pin == "default" else self._pin(pin)
        self._env.stop(ACTIVITY)
        self._sound(name, "", float(frequency), float(duration))
        if duration < 0:
            return  # sounds until stop(), and does not wait
        if wait:
            self._clock.advance(duration)
            self._hardware.sync()
            self._sound(name, "", 0, 0)
            return
        end = self._clock.now_ms + duration
        self._env.start(ACTIVITY, iter([(end, lambda: self._sound(name, "", 0, 0, end))]))

    def stop(self, pin: object = "default") -> None:
        name = self._default_pin if pin == "default" else self._pin(pin)
        self._env.stop(ACTIVITY)
        self._sound(name, "", 0, 0)


def make_music(
    firmware: str,
    clock: SimClock,
    hardware: Hardware,
    env: Environment,
    checkpoint: Callable[[], None],
) -> types.ModuleType:
    state = Music(clock, hardware, env, checkpoint, "pin0")
    module = types.ModuleType("music")
    for name in ("reset", "set_tempo", "get_tempo", "play", "pitch", "stop"):
        setattr(module, name, getattr(state, name))
    for name, notes in MELODIES.items():
        setattr(module, name, notes)
    return module
