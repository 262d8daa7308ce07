"""The simulated Maqueen at the hardware boundary (device_bridge/sim/robots/maqueen.py), and the
pupils' driver library (robots/lib/maqueen.py) on the simulator and on the real V1 firmware."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from device_bridge import Board
from device_bridge.address import parse_address
from device_bridge.sim.clock import SimClock
from device_bridge.sim.hardware import Hardware
from device_bridge.sim.robots import LIBRARIES
from device_bridge.sim.robots.maqueen import US_PER_CM, Maqueen, MaqueenSpec, wheel_speed
from device_bridge.sim.trace import Trace
from device_bridge.sim.world import load_world, parse_world
from device_bridge.transports.sim import SimTransport

SPEC = MaqueenSpec()
ROOT = Path(__file__).resolve().parents[2]


class Rig:
    """A Maqueen on a world, on a bare `Hardware`, with its events collected."""

    def __init__(
        self, world: str = "tapis", noise: float = 0.0, seed: int = 0, listened: bool = True
    ) -> None:
        self.clock = SimClock()
        self.hardware = Hardware(self.clock)
        self.events: list[dict] = []
        self.hardware.channel.enabled = listened
        self.hardware.channel._send = self.events.append  # type: ignore[method-assign]
        world_ = parse_world(world) if "\n" in world else load_world(world)
        self.robot = Maqueen(self.hardware, world_, seed=seed, noise=noise)

    def write(self, *data: int) -> None:
        self.hardware.i2c_write(0x10, bytes(data))

    def run_ms(self, ms: float) -> None:
        self.clock.advance(ms)
        self.hardware.sync()

    def kinds(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["kind"] == kind]


# -- the motor driver's register protocol ------------------------------------------------------


def test_each_motor_is_set_by_register_direction_and_speed_as_pxt_maqueen_writes_them() -> None:
    rig = Rig()
    rig.write(0x00, 0, 200)  # left forward 200
    assert rig.robot.commands() == (200, 0)
    rig.write(0x02, 1, 100)  # right backward 100
    assert rig.robot.commands() == (200, -100)
    rig.write(0x00, 0, 50, 1, 60)  # both at once: the registers auto-increment
    assert rig.robot.commands() == (50, -60)
    assert [(e["left"], e["right"]) for e in rig.kinds("motor")] == [
        (200, 0),
        (200, -100),
        (50, -60),
    ]


def test_the_version_is_read_as_its_length_then_its_text() -> None:
    rig = Rig()
    rig.write(0x32)
    length = rig.hardware.i2c_read(0x10, 1)[0]
    rig.write(0x33)
    assert rig.hardware.i2c_read(0x10, length).startswith(b"MAQUEEN")


def test_servo_angles_are_registers_0x14_and_0x15() -> None:
    rig = Rig()
    rig.write(0x14, 90)
    rig.write(0x15, 45)
    assert [(e["servo"], e["angle"]) for e in rig.kinds("servo")] == [("S1", 90), ("S2", 45)]


def test_no_other_device_answers_on_the_bus() -> None:
    rig = Rig()
    with pytest.raises(OSError):
        rig.hardware.i2c_write(0x11, b"\x00")
    assert rig.hardware.i2c_scan() == [0x10]


# -- kinematics --------------------------------------------------------------------------------


def test_a_straight_second_at_full_speed_covers_the_documented_speed() -> None:
    rig = Rig()
    x0, y0, _h = load_world("tapis").start
    rig.write(0x00, 0, 255, 0, 255)
    rig.run_ms(1000)
    assert rig.robot.x - x0 == pytest.approx(SPEC.max_speed_cm_s, abs=0.01)
    assert rig.robot.y == pytest.approx(y0)


def test_a_speed_below_the_dead_zone_does_not_move_the_robot() -> None:
    rig = Rig()
    x0 = rig.robot.x
    rig.write(0x00, 0, SPEC.dead_zone_pwm - 1, 0, SPEC.dead_zone_pwm - 1)
    rig.run_ms(2000)
    assert rig.robot.x == x0
    assert wheel_speed(0, 128, SPEC) == pytest.approx(-wheel_speed(1, 128, SPEC))


def test_wheels_in_opposite_directions_turn_the_robot_on_the_spot() -> None:
    rig = Rig()
    x0, y0 = rig.robot.x, rig.robot.y
    rig.write(0x00, 0, 128, 1, 128)  # left forward, right back: clockwise seen from above
    speed = wheel_speed(0, 128, SPEC)
    quarter_turn_ms = (math.pi / 2) / (2 * speed / SPEC.wheel_base_cm) * 1000
    rig.run_ms(quarter_turn_ms)
    assert rig.robot.heading == pytest.approx(90, abs=0.5)  # now facing +y, down the mat
    assert math.hypot(rig.robot.x - x0, rig.robot.y - y0) < 0.01


def test_noise_is_seeded_so_runs_repeat_and_seeds_differ() -> None:
    gains = [Rig(noise=1, seed=seed).robot.gains for seed in (1, 1, 2)]
    assert gains[0] == gains[1] != gains[2]
    assert Rig(noise=0, seed=5).robot.gains == (1.0, 1.0)


def test_a_wall_stops_the_robot_with_one_collision_event_and_it_can_back_away() -> None:
    rig = Rig()  # tapis: 200 cm wide, start at x=100 facing the right-hand edge
    rig.write(0x00, 0, 255, 0, 255)
    rig.run_ms(10_000)
    assert 200 - SPEC.body_radius_cm - 0.5 <= rig.robot.x <= 200 - SPEC.body_radius_cm
    assert len(rig.kinds("collision")) == 1
    rig.write(0x00, 1, 255, 1, 255)
    rig.run_ms(1000)
    assert rig.robot.x < 200 - SPEC.body_radius_cm - 20


def test_the_path_is_the_same_whether_anyone_listens_to_the_events_or_not() -> None:
    """A board nobody listens to makes no events (device_bridge/sim/channel.py); the robot must
    still take the very same path, to the last bit, so that an untraced run (a grading
    kernel's cell) and a traced one (the checks, `tne run`) of a program agree: a follower's
    steering, read at uneven instants with the sensors' noise, along the track."""
    rigs = [Rig("piste", noise=1.0, seed=3, listened=listened) for listened in (True, False)]
    for rig in rigs:
        for turn in range(3000):
            left = rig.robot.line_reading(True)
            right = rig.robot.line_reading(False)
            speeds = (120, 120) if left == right else (20, 120) if left == 0 else (120, 20)
            rig.write(0x00, 0, speeds[0], 0, speeds[1])
            rig.run_ms(3 + turn % 11)
    listened, unheard = (
        (rig.robot.x, rig.robot.y, rig.robot.heading, rig.robot.distance_travelled) for rig in rigs
    )
    assert listened == unheard
    assert rigs[0].kinds("pose") and not rigs[1].events


# -- sensors -----------------------------------------------------------------------------------


def test_line_sensors_read_0_over_the_black_track_and_1_beside_it() -> None:
    rig = Rig("piste")  # starts on the line
    assert rig.hardware.pin_read("pin13", "digital") == 0
    assert rig.hardware.pin_read("pin14", "digital") == 0
    rig.write(0x00, 0, 128, 1, 128)  # turn on the spot until the sensors leave the tape
    rig.run_ms(500)
    assert rig.hardware.pin_read("pin13", "digital") == 1
    assert rig.hardware.pin_read("pin14", "digital") == 1
    assert rig.kinds("line")[-1] == {**rig.kinds("line")[-1], "left": 1, "right": 1}


def trigger(rig: Rig) -> None:
    rig.hardware.pin_written("pin1", "digital", 1)
    rig.hardware.pin_written("pin1", "digital", 0)


def test_the_echo_lasts_58_us_per_cm_to_the_wall_ahead_and_takes_that_long() -> None:
    rig = Rig()  # the sensor is 4.5 cm ahead of x=100, the edge at x=200
    trigger(rig)
    before = rig.clock.now_ms
    width = rig.hardware.time_pulse_us("pin2", 1, 29000)
    expected_cm = 200 - 100 - SPEC.ultrasonic_forward_cm
    assert width == pytest.approx(expected_cm * US_PER_CM, abs=2)
    assert rig.clock.now_ms - before >= width / 1000
    assert rig.kinds("ultrasonic")[-1]["cm"] == pytest.approx(expected_cm, abs=0.1)


def test_without_a_trigger_no_echo_starts_and_beyond_range_the_wait_times_out() -> None:
    rig = Rig()
    assert rig.hardware.time_pulse_us("pin2", 1, 29000) == -2  # no trigger pulse
    open_air = "[mat]\nwidth = 900\nheight = 900\nborder = false\n[start]\nx = 10\ny = 450\n"
    far = Rig(open_air)
    trigger(far)
    assert far.hardware.time_pulse_us("pin2", 1, 29000) == -1  # 500 cm timeout, no echo
    assert far.kinds("ultrasonic")[-1]["cm"] is None


# -- the pupils' library on the simulated robot ------------------------------------------------


@pytest.fixture
def maqueen_board(request) -> Iterator[tuple[Board, SimTransport]]:
    world, duration, noise = getattr(request, "param", ("tapis", 60.0, 0.0))
    transport = SimTransport(robot="maqueen", world=world, duration=duration, noise=noise)
    transport.open()
    board = Board.started(transport, parse_address("sim:maqueen"))
    try:
        yield board, transport
    finally:
        board.close()


#: The example teachers are given (the same code pupils write: read, steer, short sleep).
LINE_FOLLOWER = (ROOT / "teacher_guides" / "exemples" / "suiveur_de_ligne.py").read_text("utf-8")


def test_the_library_is_on_the_virtual_flash_of_a_maqueen_board(maqueen_board) -> None:
    board, _transport = maqueen_board
    assert "maqueen.py" in [entry.name for entry in board.fs.ls()]
    assert board.fs.get("maqueen.py") == LIBRARIES["maqueen"].read_bytes()
    assert board.exec("import maqueen\nprint(maqueen.version())").stdout.startswith(b"MAQUEEN")


@pytest.mark.parametrize("maqueen_board", [("piste", 40.0, 1.0)], indirect=True)
def test_a_line_follower_written_on_the_library_completes_a_lap_of_piste(maqueen_board) -> None:
    board, transport = maqueen_board
    trace = Trace.record(transport)
    result = board.run(LINE_FOLLOWER, timeout=60)
    trace.finish(transport)
    assert result.stderr == b""
    assert trace.duration_reached
    poses = trace.poses()
    turned = 0.0
    for a, b in zip(poses, poses[1:], strict=False):
        turned += (b.heading - a.heading + 180) % 360 - 180
    assert turned >= 360, "the robot did not go once round the oval"
    assert trace.time_on_line() >= 0.95 * trace.duration_ms()
    assert not trace.collisions()


def test_forward_one_second_then_back_one_second_returns_within_5_cm(maqueen_board) -> None:
    board, transport = maqueen_board
    trace = Trace.record(transport)
    board.exec(
        "import maqueen\nfrom microbit import sleep\n"
        "maqueen.motor_run(150, 150)\nsleep(1000)\n"
        "maqueen.motor_run(-150, -150)\nsleep(1000)\nmaqueen.motor_stop()\n"
    )
    trace.finish(transport)
    assert trace.distance_travelled() > 20
    assert trace.distance_to_start() < 5
    assert trace.motor_commands()[-1][1:] == (0, 0)


def test_the_library_lights_the_leds_on_pin8_and_pin12(maqueen_board) -> None:
    board, transport = maqueen_board
    trace = Trace.record(transport)
    board.exec("import maqueen\nmaqueen.led_left(True)\nmaqueen.led_right(False)")
    trace.finish(transport)
    assert [(pin, value) for _t, pin, _mode, value in trace.pin_writes()] == [
        ("pin8", 1),
        ("pin12", 0),
    ]


def test_the_library_measures_the_distance_to_the_wall_in_cm(maqueen_board) -> None:
    board, _transport = maqueen_board
    # tapis: the sensor is 95.5 cm from the right-hand edge.
    assert board.eval("__import__('maqueen').distance()") == 96


# -- the same library on the real V1 firmware (QEMU) -------------------------------------------


@pytest.mark.qemu
def test_the_library_fits_and_imports_on_the_v1_firmware_and_survives_a_missing_robot(board):
    """On QEMU there is no robot: its I2C bus acknowledges every address (so motor writes go
    nowhere without an error) and no echo ever comes back (so `distance()` gives 500)."""
    board.fs.put(LIBRARIES["maqueen"].read_bytes(), "maqueen.py")
    board.exec("import maqueen\nimport gc\ngc.collect()")
    assert board.eval("gc.mem_free()") > 4000, "the library leaves too little RAM on a V1"
    board.exec("maqueen.motor_run(100, -100)\nmaqueen.motor_stop()")
    assert board.eval("maqueen.distance()") == 500
    assert board.eval("maqueen.line_left()") in (0, 1)
