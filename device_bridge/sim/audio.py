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


class Player:
    """`audio.play` and its helpers on one board's clock, hardware and background activities."""

    def __init__(
        self,
        clock: SimClock,
        hardware: Hardware,
        env: Environment,
        checkpoint: Callable[[], None],
    ) -> None:
        self._clock = clock
        self._hardware = hardware
        self._env = env
        self._checkpoint = checkpoint

    def _tell(self, pin: str, frames: int, started: float) -> None:
        channel = self._hardware.channel
        if channel.enabled:
            duration = round(frames * FRAME_MS, 3)
            channel.emit("audio", t=round(started, 3), pin=pin, frames=frames, duration=duration)

    @staticmethod
    def _frames_of(source: Iterable[object]) -> Iterator[AudioFrame]:
        for frame in source:
            if not isinstance(frame, AudioFrame):
                raise TypeError("not an AudioFrame")
            yield frame

    def play(
        self,
        source: Iterable[object],
        wait: bool = True,
        pin: object = None,
        return_pin: object = None,
    ) -> None:
        name = getattr(pin, "name", None) or "pin0"
        self._env.stop(ACTIVITY)
        started, count = self._clock.now_ms, 0
        if isinstance(source, MicroBitSound):
            self._play_sound(source, name, wait)
            return
        if wait:
            try:
                for _frame in self._frames_of(source):
                    self._checkpoint()  # Ctrl-C stops an endless source
                    count += 1
                    self._clock.advance(FRAME_MS)
                    self._hardware.sync()
            finally:
                self._tell(name, count, started)
            return
        self._env.start(ACTIVITY, self._scheduled(name, self._frames_of(iter(source))))

    def _play_sound(self, sound: MicroBitSound, pin: str, wait: bool) -> None:
        started = self._clock.now_ms
        channel = self._hardware.channel
        if channel.enabled:
            channel.emit("audio", pin=pin, sound=sound.name, frames=0, duration=SOUND_MS)
        if wait:
            self._checkpoint()
            self._clock.advance(SOUND_MS)
            self._hardware.sync()
        else:
            self._env.start(ACTIVITY, iter([(started + SOUND_MS, lambda: None)]))

    def _scheduled(
        self, pin: str, frames: Iterator[AudioFrame]
    ) -> Iterator[tuple[float, Callable]]:
        started = at = self._clock.now_ms
        count = 0
        for _frame in frames:
            count += 1
            at += FRAME_MS
            yield at, lambda: None
            if count > 1_000_000:
                break
        yield at, lambda: self._tell(pin, count, started)

    def play_frames(self, count: object, wait: bool = True, pin: object = None) -> None:
        """`play` for the sealed engine's guest, which keeps its frames and checked them: only
        how many there are matters here (repeated, never copied: the count is the guest's)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TypeError("not an AudioFrame")
        self.play(itertools.repeat(AudioFrame(), count), bool(wait), pin)

    def play_named(self, name: object, wait: bool = True, pin: object = None) -> None:
        """`play(Sound.NAME)` for the sealed engine's guest, which names the sound."""
        if not isinstance(name, str) or name.upper() not in SOUNDS:
            raise TypeError("not an AudioFrame")
        self.play(MicroBitSound(name.lower()), bool(wait), pin)

    def stop(self) -> None:
        self._env.stop(ACTIVITY)

    def is_playing(self) -> bool:
        self._hardware.sync()
        return self._env.running(ACTIVITY)


def make_audio(
    clock: SimClock, hardware: Hardware, env: Environment, checkpoint: Callable[[], None]
) -> types.ModuleType:
    player = Player(clock, hardware, env, checkpoint)
    module = types.ModuleType("audio")
    module.play_frames = player.play_frames  # type: ignore[attr-defined]
    module.play_named = player.play_named  # type: ignore[attr-defined]
    module.AudioFrame = AudioFrame  # type: ignore[attr-defined]
    module.play = player.play  # type: ignore[attr-defined]
    module.stop = player.stop  # type: ignore[attr-defined]
    module.is_playing = player.is_playing  # type: ignore[attr-defined]
    return module
