"""The `audio` module, as far as a simulator without a loudspeaker needs it: frames take their
real time and come out as an `audio` event `{"pin": "pin0", "frames": N, "duration": ms}`
stamped with the instant playing started (sent when it ends). The firmware plays 32 samples
per frame at 7812.5 Hz, so a frame lasts 4.096 ms. The V2's built-in sounds (`Sound.HAPPY`...)
play for a nominal `SOUND_MS` each (their real lengths were not measured: docs/simulator.md),
and their event has the sound's name in `sound`.
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Callable, Iterable, Iterator

from .clock import SimClock
from .environment import Environment
from .hardware import Hardware

FRAME_SAMPLES = 32
FRAME_MS = FRAME_SAMPLES / 7.8125
ACTIVITY = "audio"
#: The V2's built-in sounds, and how long the simulator takes to play one (nominal).
SOUNDS = (
    "GIGGLE", "HAPPY", "HELLO", "MYSTERIOUS", "SAD", "SLIDE", "SOARING", "SPRING", "TWINKLE",
    "YAWN",
)  # fmt: skip
SOUND_MS = 1000.0


class MicroBitSound:
    """One of `microbit.Sound`'s built-in sounds (V2)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Sound('{self.name.lower()}')"


def sound_class() -> type:
    """`microbit.Sound` (V2)."""
    return type("Sound", (), {name: MicroBitSound(name.lower()) for name in SOUNDS})


class AudioFrame:
    """32 samples of 0..255 (`audio.AudioFrame`)."""

    def __init__(self) -> None:
        self._samples = bytearray([128] * FRAME_SAMPLES)

    def __len__(self) -> int:
        return FRAME_SAMPLES

    def __getitem__(self, index: int) -> int:
        return self._samples[index]

    def __setitem__(self, index: int, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
            raise ValueError("value out of range")
        self._samples[index] = value

    def copyfrom(self, other: AudioFrame) -> None:
        if not isinstance(other, AudioFrame):
            raise TypeError("expecting an AudioFrame")
        self._samples[:] = other._samples


def make_audio(
    clock: SimClock, hardware: Hardware, env: Environment, checkpoint: Callable[[], None]
) -> types.ModuleType:
    def tell(pin: str, frames: int, started: float) -> None:
        channel = hardware.channel
        if channel.enabled:
            duration = round(frames * FRAME_MS, 3)
            channel.emit("audio", t=round(started, 3), pin=pin, frames=frames, duration=duration)

    def frames_of(source: Iterable[object]) -> Iterator[AudioFrame]:
        for frame in source:
            if not isinstance(frame, AudioFrame):
                raise TypeError("not an AudioFrame")
            yield frame

    def play(
        source: Iterable[object], wait: bool = True, pin: object = None, return_pin: object = None
    ) -> None:
        name = getattr(pin, "name", None) or "pin0"
        env.stop(ACTIVITY)
        started, count = clock.now_ms, 0
        if isinstance(source, MicroBitSound):
            play_sound(source, name, wait)
            return
        if wait:
            try:
                for _frame in frames_of(source):
                    checkpoint()  # Ctrl-C stops an endless source
                    count += 1
                    clock.advance(FRAME_MS)
                    hardware.sync()
            finally:
                tell(name, count, started)
            return
        env.start(ACTIVITY, scheduled(name, frames_of(iter(source))))

    def play_sound(sound: MicroBitSound, pin: str, wait: bool) -> None:
        started = clock.now_ms
        channel = hardware.channel
        if channel.enabled:
            channel.emit("audio", pin=pin, sound=sound.name, frames=0, duration=SOUND_MS)
        if wait:
            checkpoint()
            clock.advance(SOUND_MS)
            hardware.sync()
        else:
            env.start(ACTIVITY, iter([(started + SOUND_MS, lambda: None)]))

    def scheduled(pin: str, frames: Iterator[AudioFrame]) -> Iterator[tuple[float, Callable]]:
        started = at = clock.now_ms
        count = 0
        for _frame in frames:
            count += 1
            at += FRAME_MS
            yield at, lambda: None
            if count > 1_000_000:
                break
        yield at, lambda: tell(pin, count, started)

    def play_frames(count: object, wait: bool = True, pin: object = None) -> None:
        """`play` for the sealed engine's guest, which keeps its frames and checked them: only
        how many there are matters here (repeated, never copied: the count is the guest's)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TypeError("not an AudioFrame")
        play(itertools.repeat(AudioFrame(), count), bool(wait), pin)

    def play_named(name: object, wait: bool = True, pin: object = None) -> None:
        """`play(Sound.NAME)` for the sealed engine's guest, which names the sound."""
        if not isinstance(name, str) or name.upper() not in SOUNDS:
            raise TypeError("not an AudioFrame")
        play(MicroBitSound(name.lower()), bool(wait), pin)

    module = types.ModuleType("audio")
    module.play_frames = play_frames  # type: ignore[attr-defined]
    module.play_named = play_named  # type: ignore[attr-defined]
    module.AudioFrame = AudioFrame  # type: ignore[attr-defined]
    module.play = play  # type: ignore[attr-defined]
    module.stop = lambda: env.stop(ACTIVITY)  # type: ignore[attr-defined]
    module.is_playing = lambda: (hardware.sync(), env.running(ACTIVITY))[1]  # type: ignore[attr-defined]
    return module
