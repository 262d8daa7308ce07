"""The DFRobot Maqueen (Lite) under the simulated micro:bit, at the hardware boundary.

What the real robot puts on the micro:bit's edge connector, and how DFRobot's own libraries
(pxt-maqueen) drive it, which is what our `maqueen.py` does too:

- I2C motor driver at 0x10: a register file with auto-increment. Register 0 is the left motor's
  direction (0 forward, 1 backward), 1 its speed (PWM 0-255), 2 and 3 the same for the right
  motor, so `[0x00, dir, speed]` sets the left motor and `[0x02, dir, speed]` the right one.
  0x14 and 0x15 are the servo angles (S1, S2). Writing 0x32 then reading one byte gives the
  length of the version text; writing 0x33 then reading that many bytes gives the text.
- Ultrasonic sensor (HC-SR04 style, the Lite's socket): trigger on pin1, echo on pin2. After a
  trigger pulse, the echo pin stays high for the sound's round trip: 58 µs per cm (343 m/s).
  Range 2-500 cm; with nothing in range the echo stays high about 38 ms, so a
  `time_pulse_us(pin2, 1, 29000)` (DFRobot's 500 cm timeout) gives -1.
- Two line sensors (infrared reflective, digital) on pin13 (left) and pin14 (right): 0 over the
  black line, 1 over the white mat, as DFRobot's `readPatrol` returns.
- Red LEDs on pin8 (left) and pin12 (right); 4 NeoPixels on pin15 (the `neopixel` module's
  events say what they show).

Body and motion, with the figures used (DFRobot publishes the size, 81 × 85 mm, and the N20
gear motors; the speed curve is an estimate of a Maqueen Lite on fresh AAA batteries, not a
measurement of ours: see `MaqueenSpec`): differential drive integrated exactly as arcs between
motor changes, in steps of at most `STEP_MS` so that walls are noticed; a wall or obstacle
stops the body (a `collision` event) while the wheels push into it, and the robot can back away.

Noise is seeded and scaled by `noise` (0 = an ideal robot): each motor's gain differs a little
(the robot drifts), line sensors look at a slightly jittered spot, and the ultrasonic distance
wobbles by a few millimetres.

Events on the side channel (only when somebody listens): `motor` (left, right: signed PWM),
`pose` (x, y in cm, heading in degrees; every `POSE_MS` of simulated time while the robot moves,
and at each motor change), `collision`, `line` (left, right: 0/1, when the reading under the
sensors changes), `ultrasonic` (cm, or null when no echo), `servo`. The LEDs and NeoPixels need
no event of the robot's: the `microbit` module reports pin writes (`pin`) and `neopixel`.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass

from ..hardware import Hardware
from ..world import World

ADDRESS = 0x10
SERVO_REGISTERS = {0x14: "S1", 0x15: "S2"}
VERSION_LENGTH_REGISTER = 0x32
VERSION_REGISTER = 0x33
#: What the simulated driver answers to a version read (a real Lite answers its own).
VERSION = b"MAQUEEN-LITE-SIM-1.0"
#: Simulated ms between two pose samples on the side channel.
POSE_MS = 50.0
#: Longest step of the motion integration (ms), so that a wall is never jumped over.
STEP_MS = 10.0
#: Shortest step: the world waits until this much time passed (a pupil's loop touches the
#: hardware several times per simulated millisecond; the pose is then at most 0.3 mm late).
MIN_STEP_MS = 1.0
#: Echo: µs per cm of distance (there and back at 343 m/s).
US_PER_CM = 58.0
#: The sensor's range, and how long its echo stays high when nothing answers.
ULTRASONIC_MIN_CM, ULTRASONIC_MAX_CM, NO_ECHO_US = 2.0, 500.0, 38000


@dataclass(frozen=True)
class MaqueenSpec:
    """The numbers of the model. Sizes from DFRobot's published dimensions (81 × 85 mm, 42 mm
    wheels); speeds are estimates for a Lite on 4.5 V (N20 motors, about 130 rpm at full PWM,
    hence 28 cm/s), with a dead zone below PWM 25 where the gears do not turn."""

    wheel_base_cm: float = 7.0  # between the two wheels' contact points
    wheel_radius_cm: float = 2.1
    max_speed_cm_s: float = 28.0  # at PWM 255
    dead_zone_pwm: int = 25  # below this, the motor does not overcome friction
    body_radius_cm: float = 4.5  # the body as a disc, for collisions
    line_sensor_forward_cm: float = 3.5  # ahead of the axle
    line_sensor_apart_cm: float = 1.6  # between the two sensors (a 2 cm tape covers both)
    ultrasonic_forward_cm: float = 4.5
    ultrasonic_half_beam_deg: float = 8.0
    # Noise at noise=1 (standard deviations).
    motor_gain_sd: float = 0.02
    line_jitter_cm: float = 0.1  # half-width of a uniform jitter
    ultrasonic_sd_cm: float = 0.3


def wheel_speed(direction: int, pwm: int, spec: MaqueenSpec) -> float:
    """cm/s of one wheel for a driver register pair (direction 0 forward)."""
    if pwm < spec.dead_zone_pwm:
        return 0.0
    speed = spec.max_speed_cm_s * (pwm - spec.dead_zone_pwm) / (255 - spec.dead_zone_pwm)
    return -speed if direction else speed


class Maqueen:
    """One robot on one world, plugged into a board's `Hardware`."""

    #: Its motor driver takes any write (`i2c_write`): the sealed engine may queue them.
    accepts_every_write = True

    def __init__(
        self,
        hardware: Hardware,
        world: World,
        seed: int = 0,
        noise: float = 1.0,
        spec: MaqueenSpec | None = None,
    ) -> None:
        self.hardware = hardware
        self.channel = hardware.channel
        self.world = world
        self.spec = spec or MaqueenSpec()
        self.noise = max(0.0, float(noise))
        self._random = random.Random(f"maqueen:{seed}")
        self.gains = (
            1 + self._gauss(self.spec.motor_gain_sd),
            1 + self._gauss(self.spec.motor_gain_sd),
        )
        self.x, self.y, heading = world.start  # cm, cm, degrees
        self._theta = math.radians(heading)
        self._cos, self._sin = math.cos(self._theta), math.sin(self._theta)
        self._clearance = world.clearance(self.x, self.y)
        self.t = hardware.clock.now_ms
        self.registers = bytearray(0x40)
        self._pointer = 0
        self._left = self._right = 0.0  # wheel speeds, cm/s
        self._blocked = False
        self._next_pose = self.t
        self._emitted_pose: tuple[float, float, float] | None = None
        self._trigger_high = False
        self._triggered = False
        self._line = (-1, -1)
        self.distance_travelled = 0.0
        self.registers[VERSION_LENGTH_REGISTER] = len(VERSION)
        self.registers[VERSION_REGISTER : VERSION_REGISTER + len(VERSION)] = VERSION
        hardware.attach_i2c(ADDRESS, self)
        # (read at every turn of a follower's loop: `partial` adds no frame of its own)
        hardware.pin_providers["pin13"] = functools.partial(self.line_reading, True)
        hardware.pin_providers["pin14"] = functools.partial(self.line_reading, False)
        hardware.pulse_providers["pin2"] = self.echo
        hardware.pin_listeners.append(self.pin_written)
        hardware.steppers.append(self.step)
        self._emit_pose()

    def _gauss(self, sd: float) -> float:
        return self._random.gauss(0.0, sd * self.noise) if self.noise else 0.0

    # -- the motor driver on the I2C bus -----------------------------------------------------

    def i2c_write(self, data: bytes) -> None:
        if not data:
            return
        self._pointer = data[0]
        payload = data[1:]
        if not payload:
            return  # a register pointer for the next read
        end = min(len(self.registers), self._pointer + len(payload))
        payload = payload[: end - self._pointer]
        if self.registers[self._pointer : end] == payload:
            return  # pupils set the same speeds in every turn of their loop
        self.registers[self._pointer : end] = payload
        if self._pointer < 4:
            self._motors_changed()
        for register in SERVO_REGISTERS:
            if self._pointer <= register < end:
                self.channel.emit(
                    "servo", servo=SERVO_REGISTERS[register], angle=self.registers[register]
                )

    def i2c_read(self, nbytes: int) -> bytes:
        start = self._pointer
        data = bytes(self.registers[start : start + nbytes])
        self._pointer = min(len(self.registers) - 1, start + nbytes)
        return data.ljust(nbytes, b"\x00")

    def commands(self) -> tuple[int, int]:
        """Signed PWM of the left and right motors, as set by the program."""
        r = self.registers
        return (-r[1] if r[0] else r[1]), (-r[3] if r[2] else r[3])

    def _motors_changed(self) -> None:
        r = self.registers
        left = wheel_speed(r[0], r[1], self.spec) * self.gains[0]
        right = wheel_speed(r[2], r[3], self.spec) * self.gains[1]
        if (left, right) == (self._left, self._right):
            return
        self._left, self._right = left, right
        if self.channel.enabled:
            left_pwm, right_pwm = self.commands()
            self.channel.emit("motor", left=left_pwm, right=right_pwm)
        self._emit_pose()  # (told or not: the motion's steps are the same either way)

    # -- motion ------------------------------------------------------------------------------

    @property
    def heading(self) -> float:
        """Degrees, 0 towards +x (right on the mat), 90 towards +y (down)."""
        return math.degrees(self._theta) % 360.0

    def step(self, now_ms: float) -> None:
        """Move from the last instant to `now_ms` (the board's `sync`)."""
        t = self.t
        if now_ms - t < MIN_STEP_MS:
            return
        moving = self._left or self._right
        if not moving:
            self.t = now_ms
            self._next_pose = max(self._next_pose, now_ms)
            return
        # The steps end at each pose's instant whether or not anyone listens to the events, so
        # that the path (and a wall met or not) is the same for a traced run and an untraced one.
        watched = self.channel.enabled
        while t < now_ms:
            end = min(now_ms, t + STEP_MS)
            if self._next_pose <= end:
                end = max(t, self._next_pose)
            self._move((end - t) / 1000.0)
            t = end
            if t >= self._next_pose:
                self.t = t
                self._emit_pose()
                if watched:
                    self._watch_line()
        self.t = now_ms

    def _move(self, seconds: float) -> None:
        if seconds <= 0:
            return
        left, right = self._left, self._right
        speed = (left + right) / 2
        turn = (left - right) / self.spec.wheel_base_cm  # rad/s; y points down: clockwise
        heading = self._theta
        if abs(turn) < 1e-9:
            x = self.x + speed * self._cos * seconds
            y = self.y + speed * self._sin * seconds
            new_heading = heading
        else:
            new_heading = heading + turn * seconds
            radius = speed / turn
            x = self.x + radius * (math.sin(new_heading) - self._sin)
            y = self.y + radius * (self._cos - math.cos(new_heading))
        body = self.spec.body_radius_cm
        after = self.world.clearance(x, y)
        if after < body and after < self._clearance:
            if not self._blocked:
                self._blocked = True
                self.channel.emit(
                    "collision", x=round(self.x, 2), y=round(self.y, 2), heading=self._rounded()
                )
            # The wheels slip against the wall, but the robot still turns on the spot.
            x, y = self.x, self.y
        else:
            self._blocked = False
            self._clearance = after
            self.distance_travelled += math.hypot(x - self.x, y - self.y)
        self.x, self.y = x, y
        if new_heading != heading:
            self._theta = new_heading % math.tau
            self._cos, self._sin = math.cos(self._theta), math.sin(self._theta)

    def _rounded(self) -> float:
        return round(self.heading, 2) % 360.0

    def _emit_pose(self) -> None:
        self._next_pose = self.t + POSE_MS
        if not self.channel.enabled:
            return
        pose = (round(self.x, 2), round(self.y, 2), self._rounded())
        if pose != self._emitted_pose:
            self._emitted_pose = pose
            self.channel.emit("pose", x=pose[0], y=pose[1], heading=pose[2])

    # -- sensors -----------------------------------------------------------------------------

    def _sensor_spot(self, forward: float, sideways: float) -> tuple[float, float]:
        cos, sin = self._cos, self._sin
        # `sideways` > 0 is to the robot's right: +90° from the heading, y pointing down.
        return (
            self.x + forward * cos - sideways * sin,
            self.y + forward * sin + sideways * cos,
        )

    def line_reading(self, left: bool, _mode: str = "digital") -> int:
        """0 when the sensor sees the black line, 1 over the white mat (whatever the pin's
        mode: pin13 and pin14 read it, `Hardware.pin_providers`)."""
        spec = self.spec
        half = spec.line_sensor_apart_cm / 2
        # (`_sensor_spot`, inlined: read twice at every turn of a follower's loop)
        forward, sideways = spec.line_sensor_forward_cm, -half if left else half
        cos, sin = self._cos, self._sin
        x = self.x + forward * cos - sideways * sin
        y = self.y + forward * sin + sideways * cos
        if self.noise:
            # Uniform jitter (cheaper than a Gaussian, read thousands of times a minute).
            spread = 2 * spec.line_jitter_cm * self.noise
            x += (self._random.random() - 0.5) * spread
            y += (self._random.random() - 0.5) * spread
        value = 0 if self.world.on_line(x, y) else 1
        if self.channel.enabled:
            # The other sensor as last seen (both are looked at in every pose sample anyway);
            # `_watch_line` only when the reading differs from what was seen.
            seen_left, seen_right = seen = self._line
            line = (value, seen_right) if left else (seen_left, value)
            if line != seen:
                self._watch_line(*line)
        return value

    def _watch_line(self, left: int | None = None, right: int | None = None) -> None:
        """Emit a `line` event when what lies under the sensors changed."""
        spec = self.spec
        half = spec.line_sensor_apart_cm / 2
        if left is None or left < 0:
            left = (
                0
                if self.world.on_line(*self._sensor_spot(spec.line_sensor_forward_cm, -half))
                else 1
            )
        if right is None or right < 0:
            right = (
                0
                if self.world.on_line(*self._sensor_spot(spec.line_sensor_forward_cm, half))
                else 1
            )
        if (left, right) != self._line:
            self._line = (left, right)
            self.channel.emit("line", left=left, right=right)

    def distance_cm(self) -> float | None:
        """What the ultrasonic sensor measures now: the nearest echo in its beam."""
        spec = self.spec
        x, y = self._sensor_spot(spec.ultrasonic_forward_cm, 0.0)
        best: float | None = None
        for offset in (-spec.ultrasonic_half_beam_deg, 0.0, spec.ultrasonic_half_beam_deg):
            hit = self.world.ray(x, y, self.heading + offset, ULTRASONIC_MAX_CM)
            if hit is not None and (best is None or hit < best):
                best = hit
        if best is None:
            return None
        best += self._gauss(spec.ultrasonic_sd_cm)
        return min(ULTRASONIC_MAX_CM, max(ULTRASONIC_MIN_CM, best))

    def pin_written(self, pin: str, mode: str, value: int) -> None:
        if pin == "pin1" and mode == "digital":
            # The falling edge of the trigger pulse starts a measurement.
            if self._trigger_high and not value:
                self._triggered = True
            self._trigger_high = bool(value)

    def echo(self, level: int, timeout_us: int) -> int:
        """`machine.time_pulse_us(pin2, level, timeout_us)`: waits as long as the real call."""
        clock = self.hardware.clock
        if not self._triggered:
            clock.advance(timeout_us / 1000)  # the echo pin stays low: no pulse starts
            return -2 if level else -1
        self._triggered = False
        distance = self.distance_cm()
        width = NO_ECHO_US if distance is None else int(round(distance * US_PER_CM))
        self.channel.emit("ultrasonic", cm=None if distance is None else round(distance, 1))
        if not level:
            clock.advance(0.45)
            return 450  # the low time between the trigger and the echo's start
        if width > timeout_us:
            clock.advance(timeout_us / 1000)
            return -1
        clock.advance(width / 1000)
        return width
